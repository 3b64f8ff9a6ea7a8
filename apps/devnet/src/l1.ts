/**
 * The devnet's L1: a Hardhat node (EDR) started from the contracts package — fresh, or forking an L1 RPC URL — with
 * Mach's settlement contracts deployed by the same deploy module the contract tests use.
 */
import { deployMachL1, type MachL1Addresses } from "@mach/contracts/deploy";
import { createPublicClient, createWalletClient, defineChain, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { type DevnetChild, spawnChild, waitUntil } from "./childProcess.ts";

const contractsDir = new URL("../../../contracts/", import.meta.url).pathname;
const hardhatCli = new URL("../node_modules/hardhat/dist/src/cli.js", import.meta.url).pathname;

export interface L1Parameters {
  readonly port: number;
  readonly logFile: string;
  /** Fork this L1 instead of starting an empty chain. */
  readonly forkUrl?: string | undefined;
  /** Called as soon as the process exists, so a caller stops it even when starting fails. */
  readonly onChild?: (child: DevnetChild) => void;
}

export interface StartedL1 {
  readonly child: DevnetChild;
  readonly rpcUrl: string;
  readonly chainId: number;
}

export async function startL1({ port, logFile, forkUrl, onChild }: L1Parameters): Promise<StartedL1> {
  const args = [hardhatCli, "node", "--port", String(port), "--hostname", "127.0.0.1"];
  if (forkUrl) args.push("--fork", forkUrl);
  const child = spawnChild({ name: "L1 (hardhat node)", command: process.execPath, args, cwd: contractsDir, logFile });
  onChild?.(child);
  const rpcUrl = `http://127.0.0.1:${port}`;
  const client = createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) });
  await waitUntil(child, async () => (await client.getChainId()) > 0, 120_000);
  return { child, rpcUrl, chainId: await client.getChainId() };
}

/** The L1 head's number. */
export async function l1Head(rpcUrl: string): Promise<bigint> {
  return createPublicClient({ transport: http(rpcUrl) }).getBlockNumber({ cacheTime: 0 });
}

/**
 * Also mine a block every `intervalMs` (besides one per transaction), so the L1 head moves like a real chain's and
 * deposits reach the sequencer's confirmation depth without other L1 traffic. Start it after deploying: the deploy
 * counts on its first transaction's block being the block after the head it read.
 */
export async function mineL1Every(rpcUrl: string, intervalMs: number): Promise<void> {
  const client = createPublicClient({ transport: http(rpcUrl) });
  await client.request({ method: "evm_setIntervalMining" as never, params: [intervalMs] as never });
}

/**
 * Funds accounts on the L1 before anything else runs (`hardhat_setBalance`: works on a fresh node and on a fork
 * alike), so the operator keys hold ETH from the start without being among the node's printed accounts.
 */
export async function fundAccounts(rpcUrl: string, addresses: readonly `0x${string}`[], wei: bigint): Promise<void> {
  const client = createPublicClient({ transport: http(rpcUrl) });
  for (const address of addresses) {
    await client.request({
      method: "hardhat_setBalance" as never,
      params: [address, `0x${wei.toString(16)}`] as never,
    });
  }
}

export interface DeployParameters {
  readonly rpcUrl: string;
  readonly chainId: number;
  readonly deployerKey: `0x${string}`;
  readonly l2ChainId: bigint;
  readonly l2GasLimit: bigint;
  readonly batcher: `0x${string}`;
  readonly sequencer: `0x${string}`;
  readonly provers: readonly `0x${string}`[];
  readonly quorum: bigint;
  /** The only account that may create output games. */
  readonly proposer: `0x${string}`;
  readonly challengeWindowSeconds: bigint;
  readonly attestationWindowSeconds: bigint;
  readonly proofMaturityDelaySeconds: bigint;
  readonly disputeGameFinalityDelaySeconds: bigint;
  readonly initBond: bigint;
}

export async function deployContracts(parameters: DeployParameters): Promise<MachL1Addresses> {
  const chain = defineChain({
    id: parameters.chainId,
    name: "Mach devnet L1",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [parameters.rpcUrl] } },
  });
  const account = privateKeyToAccount(parameters.deployerKey);
  const transport = http(parameters.rpcUrl);
  return deployMachL1({
    walletClient: createWalletClient({ account, chain, transport }),
    publicClient: createPublicClient({ chain, transport, pollingInterval: 100 }),
    config: {
      l2ChainId: parameters.l2ChainId,
      l2GasLimit: parameters.l2GasLimit,
      batcher: parameters.batcher,
      unsafeBlockSigner: parameters.sequencer,
      provers: parameters.provers,
      quorum: parameters.quorum,
      proposer: parameters.proposer,
      challengeWindowSeconds: parameters.challengeWindowSeconds,
      attestationWindowSeconds: parameters.attestationWindowSeconds,
      proofMaturityDelaySeconds: parameters.proofMaturityDelaySeconds,
      disputeGameFinalityDelaySeconds: parameters.disputeGameFinalityDelaySeconds,
      initBond: parameters.initBond,
      devnetDACertVerifier: true,
    },
  });
}
