/**
 * Prover attestations and the life of a `MachOutputGame` after its proposal.
 *
 * A prover signs the EIP-712 message `OutputAttestation(chainId = L2 chain id, l2BlockNumber, outputRoot)` under the
 * `QuorumOutputVerifier`'s domain (`outputAttestationDomain(l1ChainId, verifier)` from `@mach/contracts`). The
 * game's `attest(proof)` takes `abi.encode(bytes[] signatures)` with signatures ordered by strictly increasing
 * signer address, at least `ProverRegistry.quorum()` of them. A game resolves `DEFENDER_WINS` once attested, past
 * `createdAt + challengeWindowSeconds`, with no live challenge (MachOutputGame.sol).
 */
import { gameStatus, machOutputGameAbi, outputAttestationDomain, outputAttestationTypes } from "@mach/contracts";
import {
  type Address,
  encodeAbiParameters,
  getAddress,
  type Hash,
  type Hex,
  type LocalAccount,
  type PublicClient,
  recoverTypedDataAddress,
} from "viem";
import { toSettlementError } from "./errors.ts";
import { type L1WalletClient, writeContractAndWait } from "./write.ts";

export interface OutputAttestation {
  readonly l2ChainId: bigint;
  readonly l2BlockNumber: bigint;
  readonly outputRoot: Hash;
}

export interface AttestationDomain {
  readonly l1ChainId: number | bigint;
  /** The `QuorumOutputVerifier` address (`MachL1Addresses.outputVerifier`). */
  readonly verifier: Address;
}

export interface SignedOutputAttestation {
  readonly signer: Address;
  readonly signature: Hex;
}

export interface SignOutputAttestationParameters extends OutputAttestation, AttestationDomain {
  /** The prover's signing key. */
  readonly account: Pick<LocalAccount, "address" | "signTypedData">;
}

export async function signOutputAttestation(
  parameters: SignOutputAttestationParameters,
): Promise<SignedOutputAttestation> {
  const signature = await parameters.account.signTypedData({
    domain: outputAttestationDomain(parameters.l1ChainId, parameters.verifier),
    types: outputAttestationTypes,
    primaryType: "OutputAttestation",
    message: {
      chainId: parameters.l2ChainId,
      l2BlockNumber: parameters.l2BlockNumber,
      outputRoot: parameters.outputRoot,
    },
  });
  return { signer: getAddress(parameters.account.address), signature };
}

/** The address that signed `signature` over `attestation` (e.g. to check a signature received from p2p). */
export async function recoverOutputAttestationSigner(
  parameters: OutputAttestation & AttestationDomain & { readonly signature: Hex },
): Promise<Address> {
  return recoverTypedDataAddress({
    domain: outputAttestationDomain(parameters.l1ChainId, parameters.verifier),
    types: outputAttestationTypes,
    primaryType: "OutputAttestation",
    message: {
      chainId: parameters.l2ChainId,
      l2BlockNumber: parameters.l2BlockNumber,
      outputRoot: parameters.outputRoot,
    },
    signature: parameters.signature,
  });
}

/** `abi.encode(bytes[])` of the signatures ordered by signer address, one per signer (the verifier's proof). */
export function encodeAttestationProof(attestations: readonly SignedOutputAttestation[]): Hex {
  const bySigner = new Map<bigint, Hex>();
  for (const { signer, signature } of attestations) {
    const key = BigInt(signer);
    if (!bySigner.has(key)) bySigner.set(key, signature);
  }
  const signatures = [...bySigner.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, signature]) => signature);
  return encodeAbiParameters([{ type: "bytes[]" }], [signatures]);
}

export interface L1Write {
  readonly l1TransactionHash: Hash;
  readonly l1BlockNumber: bigint;
}

export interface SubmitAttestationParameters {
  readonly walletClient: L1WalletClient;
  readonly publicClient: PublicClient;
  /** The `MachOutputGame` clone. */
  readonly game: Address;
  /** Signatures of a quorum of provers over the game's `(l2ChainId, l2BlockNumber, rootClaim)`. */
  readonly attestations: readonly SignedOutputAttestation[];
  readonly confirmations?: number;
}

/**
 * Calls the game's `attest`. Reverts are permanent `SettlementError`s whose `revertName` says why:
 * `AlreadyAttested`, `GameNotInProgress`, `QuorumNotReached`, `NotProver`, `InvalidSignature`, …
 */
export async function submitAttestation(parameters: SubmitAttestationParameters): Promise<L1Write> {
  const receipt = await writeContractAndWait({
    walletClient: parameters.walletClient,
    publicClient: parameters.publicClient,
    address: parameters.game,
    abi: machOutputGameAbi,
    functionName: "attest",
    args: [encodeAttestationProof(parameters.attestations)],
    confirmations: parameters.confirmations ?? 1,
    operation: `MachOutputGame(${parameters.game}).attest`,
  });
  return { l1TransactionHash: receipt.transactionHash, l1BlockNumber: receipt.blockNumber };
}

export type OutputGameStatus = "inProgress" | "challengerWins" | "defenderWins";

function statusName(value: number): OutputGameStatus {
  if (value === gameStatus.challengerWins) return "challengerWins";
  if (value === gameStatus.defenderWins) return "defenderWins";
  return "inProgress";
}

export interface OutputGameState {
  readonly game: Address;
  readonly status: OutputGameStatus;
  readonly rootClaim: Hash;
  readonly l2BlockNumber: bigint;
  /** Unix seconds (L1 time); `attestedAt` / `resolvedAt` are 0 until it happens. */
  readonly createdAt: bigint;
  readonly attestedAt: bigint;
  readonly resolvedAt: bigint;
  /** L1 time after which `resolve` can succeed (if attested and unchallenged): `createdAt + challengeWindowSeconds`. */
  readonly challengeWindowEndsAt: bigint;
  readonly challenger: Address | null;
}

export async function getOutputGame({
  publicClient,
  game,
}: {
  readonly publicClient: PublicClient;
  readonly game: Address;
}): Promise<OutputGameState> {
  const contract = { address: game, abi: machOutputGameAbi } as const;
  try {
    const [status, rootClaim, l2BlockNumber, createdAt, attestedAt, resolvedAt, window, challenger] = await Promise.all(
      [
        publicClient.readContract({ ...contract, functionName: "status" }),
        publicClient.readContract({ ...contract, functionName: "rootClaim" }),
        publicClient.readContract({ ...contract, functionName: "l2BlockNumber" }),
        publicClient.readContract({ ...contract, functionName: "createdAt" }),
        publicClient.readContract({ ...contract, functionName: "attestedAt" }),
        publicClient.readContract({ ...contract, functionName: "resolvedAt" }),
        publicClient.readContract({ ...contract, functionName: "challengeWindowSeconds" }),
        publicClient.readContract({ ...contract, functionName: "challenger" }),
      ],
    );
    return {
      game: getAddress(game),
      status: statusName(status),
      rootClaim,
      l2BlockNumber,
      createdAt,
      attestedAt,
      resolvedAt,
      challengeWindowEndsAt: createdAt + window,
      challenger: BigInt(challenger) === 0n ? null : getAddress(challenger),
    };
  } catch (error) {
    throw toSettlementError(`reading MachOutputGame(${game})`, error);
  }
}

/**
 * Calls the game's `resolve`; resolves with the new status. Reverts (`NotAttested`, `ChallengeWindowOpen`,
 * `ChallengePending`, `GameNotInProgress`) are permanent `SettlementError`s for this moment: callers retry later.
 */
export async function resolveOutputGame(parameters: {
  readonly walletClient: L1WalletClient;
  readonly publicClient: PublicClient;
  readonly game: Address;
  readonly confirmations?: number;
}): Promise<L1Write & { readonly status: OutputGameStatus }> {
  const receipt = await writeContractAndWait({
    walletClient: parameters.walletClient,
    publicClient: parameters.publicClient,
    address: parameters.game,
    abi: machOutputGameAbi,
    functionName: "resolve",
    args: [],
    confirmations: parameters.confirmations ?? 1,
    operation: `MachOutputGame(${parameters.game}).resolve`,
  });
  const { status } = await getOutputGame({ publicClient: parameters.publicClient, game: parameters.game });
  return { l1TransactionHash: receipt.transactionHash, l1BlockNumber: receipt.blockNumber, status };
}

/** Opens the game's one challenge, paying its `challengeBond` (read from the game). */
export async function challengeOutputGame(parameters: {
  readonly walletClient: L1WalletClient;
  readonly publicClient: PublicClient;
  readonly game: Address;
  readonly confirmations?: number;
}): Promise<L1Write> {
  let bond: bigint;
  try {
    bond = await parameters.publicClient.readContract({
      address: parameters.game,
      abi: machOutputGameAbi,
      functionName: "challengeBond",
    });
  } catch (error) {
    throw toSettlementError(`MachOutputGame(${parameters.game}).challengeBond`, error);
  }
  const receipt = await writeContractAndWait({
    walletClient: parameters.walletClient,
    publicClient: parameters.publicClient,
    address: parameters.game,
    abi: machOutputGameAbi,
    functionName: "challenge",
    args: [],
    value: bond,
    confirmations: parameters.confirmations ?? 1,
    operation: `MachOutputGame(${parameters.game}).challenge`,
  });
  return { l1TransactionHash: receipt.transactionHash, l1BlockNumber: receipt.blockNumber };
}

/**
 * Backs the open challenge with a quorum's attestations of a different output root for the game's block: the game
 * resolves `CHALLENGER_WINS` at once.
 */
export async function proveOutputChallenge(parameters: {
  readonly walletClient: L1WalletClient;
  readonly publicClient: PublicClient;
  readonly game: Address;
  readonly conflictingOutputRoot: Hash;
  readonly attestations: readonly SignedOutputAttestation[];
  readonly confirmations?: number;
}): Promise<L1Write> {
  const receipt = await writeContractAndWait({
    walletClient: parameters.walletClient,
    publicClient: parameters.publicClient,
    address: parameters.game,
    abi: machOutputGameAbi,
    functionName: "proveChallenge",
    args: [parameters.conflictingOutputRoot, encodeAttestationProof(parameters.attestations)],
    confirmations: parameters.confirmations ?? 1,
    operation: `MachOutputGame(${parameters.game}).proveChallenge`,
  });
  return { l1TransactionHash: receipt.transactionHash, l1BlockNumber: receipt.blockNumber };
}
