// Deploys Mach's L1 settlement contracts with plain viem clients, so the same code runs from tests (Hardhat's
// in-process network) and from the devnet (a `hardhat node` it started, fresh or forking an L1 RPC URL).
//
// Order: SystemConfig → ProverRegistry → QuorumOutputVerifier → DisputeGameFactory → MachOutputGame implementation
// (registered with its init bond) → Portal → BatchInbox (batcher from SystemConfig; + DevnetDACertVerifier for
// EigenDA when asked) → Multicall3 at its canonical address when the chain has no code there (via
// `hardhat_setCode`). The deployer owns the system config, factory, registry and inbox; the guardian, the proposer
// and the unsafe block signer default to the deployer.
import {
  type Account,
  type Address,
  type Chain,
  getAddress,
  type Hash,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import {
  batchInboxAbi,
  batchInboxBytecode,
  daProviderIds,
  devnetDACertVerifierAbi,
  devnetDACertVerifierBytecode,
  disputeGameFactoryAbi,
  disputeGameFactoryBytecode,
  machOutputGameAbi,
  machOutputGameBytecode,
  machOutputGameType,
  multicall3Address,
  multicall3DeployedBytecode,
  portalAbi,
  portalBytecode,
  proverRegistryAbi,
  proverRegistryBytecode,
  quorumOutputVerifierAbi,
  quorumOutputVerifierBytecode,
  systemConfigAbi,
  systemConfigBytecode,
} from "../generated/index.ts";

export type MachL1DeployConfig = {
  /** Chain id of the L2, part of every prover attestation. */
  l2ChainId: bigint;
  /** Account allowed to post the L1 record of batches (`SystemConfig.batcherHash`). */
  batcher: Address;
  /** The sequencer's signing address (`SystemConfig.unsafeBlockSigner`); defaults to the deployer. */
  unsafeBlockSigner?: Address;
  /** Ecotone L1 data-fee scalars (`SystemConfig.basefeeScalar` / `blobbasefeeScalar`, 6 decimals). */
  basefeeScalar?: number;
  blobbasefeeScalar?: number;
  /** L2 block gas limit (`SystemConfig.gasLimit`). */
  l2GasLimit?: bigint;
  /** Prover signing addresses registered at deployment. */
  provers: readonly Address[];
  /** Distinct prover attestations needed; 1 <= quorum <= provers.length. */
  quorum: bigint;
  /** Only account allowed to create Mach output games; defaults to the deployer. `null`: anyone. */
  proposer?: Address | null;
  /** Pauses withdrawals, blacklists games; defaults to the deployer. */
  guardian?: Address;
  gameType?: number;
  proofMaturityDelaySeconds?: bigint;
  disputeGameFinalityDelaySeconds?: bigint;
  /** Seconds after a game's creation during which a challenge (with its evidence) is accepted. */
  challengeWindowSeconds?: bigint;
  /** Seconds after a game's creation during which it can be attested; an unattested game lapses after them. */
  attestationWindowSeconds?: bigint;
  /** Wei a proposer locks per game (`DisputeGameFactory.initBonds`). */
  initBond?: bigint;
  /** Deploy `DevnetDACertVerifier` and make it the EigenDA certificate check of the inbox. */
  devnetDACertVerifier?: boolean;
  /** Place Multicall3 at its canonical address if the chain has none (default true). */
  multicall3?: boolean;
};

/** Defaults sized for a devnet: short delays, small bonds. */
export const defaultMachL1DeployConfig = {
  gameType: machOutputGameType,
  proofMaturityDelaySeconds: 12n,
  disputeGameFinalityDelaySeconds: 0n,
  challengeWindowSeconds: 12n,
  attestationWindowSeconds: 3600n,
  // OP's defaults for a fresh Ecotone chain (op-deployer `gasPriceOracleBaseFeeScalar` / `…BlobBaseFeeScalar`).
  basefeeScalar: 1368,
  blobbasefeeScalar: 810_949,
  // The node's default block gas limit (core's `DEFAULT_BLOCK_GAS_LIMIT`).
  l2GasLimit: 500_000_000n,
  initBond: 0n,
  devnetDACertVerifier: false,
  multicall3: true,
} as const;

export type MachL1Addresses = {
  systemConfig: Address;
  portal: Address;
  disputeGameFactory: Address;
  machOutputGameImpl: Address;
  proverRegistry: Address;
  outputVerifier: Address;
  batchInbox: Address;
  devnetDACertVerifier: Address | null;
  multicall3: Address;
  /** Respected game type of the portal. */
  gameType: number;
  /** L1 block of the first deployment transaction (derivation and watchers start there). */
  deployBlock: bigint;
};

export type DeployMachL1Parameters = {
  walletClient: WalletClient<Transport, Chain | undefined, Account>;
  publicClient: PublicClient;
  config: MachL1DeployConfig;
};

/** A deployment step failed; `step` names it. */
export class MachDeployError extends Error {
  override name = "MachDeployError";
  readonly step: string;
  constructor(step: string, details: string, options?: { cause: unknown }) {
    super(`Deploying Mach L1 contracts failed at ${step}: ${details}`, options);
    this.step = step;
  }
}

export async function deployMachL1({
  walletClient,
  publicClient,
  config,
}: DeployMachL1Parameters): Promise<MachL1Addresses> {
  const c = { ...defaultMachL1DeployConfig, ...withoutUndefined(config) };
  const account = walletClient.account;
  const chain = walletClient.chain;
  const deployer = account.address;
  const proposer = config.proposer === null ? zeroAddress : (config.proposer ?? deployer);
  const guardian = config.guardian ?? deployer;
  const unsafeBlockSigner = config.unsafeBlockSigner ?? deployer;
  // The game requires attestationWindowSeconds >= challengeWindowSeconds; a long challenge window alone stretches
  // the default attestation window with it.
  const attestationWindowSeconds =
    config.attestationWindowSeconds ??
    (c.challengeWindowSeconds > c.attestationWindowSeconds ? c.challengeWindowSeconds : c.attestationWindowSeconds);
  const deployBlock = (await publicClient.getBlockNumber()) + 1n;

  /** Sends one step's transaction and waits for it; any failure becomes a MachDeployError naming the step. */
  const confirm = async (step: string, send: () => Promise<Hash>): Promise<Address | null> => {
    let hash: Hash;
    try {
      hash = await send();
    } catch (error) {
      throw new MachDeployError(step, "the transaction was not accepted", { cause: error });
    }
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new MachDeployError(step, `transaction ${hash} reverted`);
    return receipt.contractAddress ? getAddress(receipt.contractAddress) : null;
  };
  const deployed = async (step: string, send: () => Promise<Hash>): Promise<Address> => {
    const address = await confirm(step, send);
    if (address === null) throw new MachDeployError(step, "the transaction created no contract");
    return address;
  };

  const systemConfig = await deployed("SystemConfig", () =>
    walletClient.deployContract({
      abi: systemConfigAbi,
      bytecode: systemConfigBytecode,
      args: [deployer, config.batcher, c.basefeeScalar, c.blobbasefeeScalar, c.l2GasLimit, unsafeBlockSigner],
      account,
      chain,
    }),
  );
  const proverRegistry = await deployed("ProverRegistry", () =>
    walletClient.deployContract({
      abi: proverRegistryAbi,
      bytecode: proverRegistryBytecode,
      args: [deployer, [...config.provers], config.quorum],
      account,
      chain,
    }),
  );
  const outputVerifier = await deployed("QuorumOutputVerifier", () =>
    walletClient.deployContract({
      abi: quorumOutputVerifierAbi,
      bytecode: quorumOutputVerifierBytecode,
      args: [proverRegistry],
      account,
      chain,
    }),
  );
  const disputeGameFactory = await deployed("DisputeGameFactory", () =>
    walletClient.deployContract({
      abi: disputeGameFactoryAbi,
      bytecode: disputeGameFactoryBytecode,
      args: [deployer],
      account,
      chain,
    }),
  );
  const machOutputGameImpl = await deployed("MachOutputGame", () =>
    walletClient.deployContract({
      abi: machOutputGameAbi,
      bytecode: machOutputGameBytecode,
      args: [
        c.gameType,
        disputeGameFactory,
        outputVerifier,
        config.l2ChainId,
        proposer,
        c.challengeWindowSeconds,
        attestationWindowSeconds,
      ],
      account,
      chain,
    }),
  );
  await confirm("DisputeGameFactory.setImplementation", () =>
    walletClient.writeContract({
      address: disputeGameFactory,
      abi: disputeGameFactoryAbi,
      functionName: "setImplementation",
      args: [c.gameType, machOutputGameImpl],
      account,
      chain,
    }),
  );
  if (c.initBond !== 0n) {
    await confirm("DisputeGameFactory.setInitBond", () =>
      walletClient.writeContract({
        address: disputeGameFactory,
        abi: disputeGameFactoryAbi,
        functionName: "setInitBond",
        args: [c.gameType, c.initBond],
        account,
        chain,
      }),
    );
  }
  const portal = await deployed("Portal", () =>
    walletClient.deployContract({
      abi: portalAbi,
      bytecode: portalBytecode,
      args: [disputeGameFactory, guardian, c.gameType, c.proofMaturityDelaySeconds, c.disputeGameFinalityDelaySeconds],
      account,
      chain,
    }),
  );
  const batchInbox = await deployed("BatchInbox", () =>
    walletClient.deployContract({
      abi: batchInboxAbi,
      bytecode: batchInboxBytecode,
      args: [deployer, systemConfig],
      account,
      chain,
    }),
  );
  let devnetDACertVerifier: Address | null = null;
  if (c.devnetDACertVerifier) {
    const certVerifier = await deployed("DevnetDACertVerifier", () =>
      walletClient.deployContract({
        abi: devnetDACertVerifierAbi,
        bytecode: devnetDACertVerifierBytecode,
        args: [deployer],
        account,
        chain,
      }),
    );
    await confirm("BatchInbox.setDACertVerifier", () =>
      walletClient.writeContract({
        address: batchInbox,
        abi: batchInboxAbi,
        functionName: "setDACertVerifier",
        args: [daProviderIds.eigenda, certVerifier],
        account,
        chain,
      }),
    );
    devnetDACertVerifier = certVerifier;
  }
  if (c.multicall3) await ensureMulticall3(publicClient);

  return {
    systemConfig,
    portal,
    disputeGameFactory,
    machOutputGameImpl,
    proverRegistry,
    outputVerifier,
    batchInbox,
    devnetDACertVerifier,
    multicall3: multicall3Address,
    gameType: c.gameType,
    deployBlock,
  };
}

/**
 * Makes sure Multicall3 answers at its canonical address: keeps existing code (a forked L1 has the real one),
 * otherwise writes Mach's Multicall3 runtime code there with `hardhat_setCode` (Hardhat and anvil nodes).
 */
export async function ensureMulticall3(publicClient: PublicClient): Promise<Address> {
  const code = await publicClient.getCode({ address: multicall3Address });
  if (code !== undefined && code !== "0x") return multicall3Address;
  const request = publicClient.request as unknown as (args: { method: string; params: unknown[] }) => Promise<unknown>;
  try {
    await request({ method: "hardhat_setCode", params: [multicall3Address, multicall3DeployedBytecode] });
  } catch (error) {
    throw new MachDeployError("Multicall3", "the chain has no Multicall3 and does not support hardhat_setCode", {
      cause: error,
    });
  }
  return multicall3Address;
}

/**
 * The `contracts` entries an L2 viem chain needs so that `viem/op-stack` L1 actions find Mach's portal and
 * factory (spread them into `defineChain({ ...chainConfig, sourceId: l1ChainId, contracts: { ... } })`).
 */
export function machL2ChainContracts<const l1ChainId extends number>(
  addresses: Pick<MachL1Addresses, "portal" | "disputeGameFactory">,
  l1ChainId: l1ChainId,
): {
  portal: Record<l1ChainId, { address: Address }>;
  disputeGameFactory: Record<l1ChainId, { address: Address }>;
} {
  return {
    portal: { [l1ChainId]: { address: addresses.portal } } as Record<l1ChainId, { address: Address }>,
    disputeGameFactory: { [l1ChainId]: { address: addresses.disputeGameFactory } } as Record<
      l1ChainId,
      { address: Address }
    >,
  };
}

const zeroAddress: Address = "0x0000000000000000000000000000000000000000";

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
