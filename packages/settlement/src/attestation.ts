/**
 * Prover attestations and the life of a `MachOutputGame` after its proposal.
 *
 * A prover signs the EIP-712 message `OutputAttestation(chainId = L2 chain id, l2BlockNumber, outputRoot)` under the
 * `QuorumOutputVerifier`'s domain (`outputAttestationDomain(l1ChainId, verifier)` from `@mach/contracts`). The
 * game's `attest(proof)` takes `abi.encode(bytes[] signatures)` with signatures ordered by strictly increasing
 * signer address, at least `ProverRegistry.quorum()` of them, until `createdAt + attestationWindowSeconds`.
 * A game resolves `DEFENDER_WINS` once attested and past `createdAt + challengeWindowSeconds`; a challenge (anyone but
 * the creator, within the challenge window) carries a quorum's attestation of another root for the same block and
 * resolves it `CHALLENGER_WINS` at once; a game never attested lapses to `CHALLENGER_WINS` when `resolve` is called
 * after the attestation window. Each outcome credits the creator's bond to one account, paid by `claimCredit`
 * (MachOutputGame.sol).
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
  parseEventLogs,
  recoverTypedDataAddress,
} from "viem";
import { SettlementError, toSettlementError } from "./errors.ts";
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
  readonly gameCreator: Address;
  /** Unix seconds (L1 time); `attestedAt` / `resolvedAt` are 0 until it happens. */
  readonly createdAt: bigint;
  readonly attestedAt: bigint;
  readonly resolvedAt: bigint;
  /**
   * Last L1 second a challenge is accepted; once attested, `resolve` succeeds after it (`createdAt +
   * challengeWindowSeconds`).
   */
  readonly challengeWindowEndsAt: bigint;
  /** Last L1 second an attestation is accepted; unattested, `resolve` makes the game lapse after it. */
  readonly attestationWindowEndsAt: bigint;
  /** Who won the game with a challenge, and the root its evidence attested; `null` otherwise. */
  readonly challenger: Address | null;
  readonly conflictingOutputRoot: Hash | null;
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
    const [
      status,
      rootClaim,
      l2BlockNumber,
      gameCreator,
      createdAt,
      attestedAt,
      resolvedAt,
      challengeWindow,
      attestationWindow,
      challenger,
      conflictingOutputRoot,
    ] = await Promise.all([
      publicClient.readContract({ ...contract, functionName: "status" }),
      publicClient.readContract({ ...contract, functionName: "rootClaim" }),
      publicClient.readContract({ ...contract, functionName: "l2BlockNumber" }),
      publicClient.readContract({ ...contract, functionName: "gameCreator" }),
      publicClient.readContract({ ...contract, functionName: "createdAt" }),
      publicClient.readContract({ ...contract, functionName: "attestedAt" }),
      publicClient.readContract({ ...contract, functionName: "resolvedAt" }),
      publicClient.readContract({ ...contract, functionName: "challengeWindowSeconds" }),
      publicClient.readContract({ ...contract, functionName: "attestationWindowSeconds" }),
      publicClient.readContract({ ...contract, functionName: "challenger" }),
      publicClient.readContract({ ...contract, functionName: "conflictingOutputRoot" }),
    ]);
    const won = BigInt(challenger) !== 0n;
    return {
      game: getAddress(game),
      status: statusName(status),
      rootClaim,
      l2BlockNumber,
      gameCreator: getAddress(gameCreator),
      createdAt,
      attestedAt,
      resolvedAt,
      challengeWindowEndsAt: createdAt + challengeWindow,
      attestationWindowEndsAt: createdAt + attestationWindow,
      challenger: won ? getAddress(challenger) : null,
      conflictingOutputRoot: won ? conflictingOutputRoot : null,
    };
  } catch (error) {
    throw toSettlementError(`reading MachOutputGame(${game})`, error);
  }
}

/**
 * Calls the game's `resolve`; resolves with the new status: `defenderWins` (attested, past the challenge window) or
 * `challengerWins` (never attested, past the attestation window: the claim lapsed; its creator's bond is refunded).
 * Reverts (`ChallengeWindowOpen`, `NotAttested` while the attestation window is open, `GameNotInProgress`) are
 * permanent `SettlementError`s for this moment: callers retry later.
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

/**
 * Proves the game's root claim wrong: a quorum's attestations of a different output root for the game's block. The
 * game resolves `CHALLENGER_WINS` at once and the signer of this call is credited the creator's bond. Reverts:
 * `ClaimantCannotChallenge` (the game's creator), `ChallengeWindowClosed`, `SameOutputRoot`, `GameNotInProgress`, and
 * the verifier's (`QuorumNotReached`, `NotProver`, …).
 */
export async function challengeOutputGame(parameters: {
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
    functionName: "challenge",
    args: [parameters.conflictingOutputRoot, encodeAttestationProof(parameters.attestations)],
    confirmations: parameters.confirmations ?? 1,
    operation: `MachOutputGame(${parameters.game}).challenge`,
  });
  return { l1TransactionHash: receipt.transactionHash, l1BlockNumber: receipt.blockNumber };
}

/**
 * Pays out what the game credits `recipient` (its bond after resolution, or a won challenge's); anyone may send it.
 * Resolves with the amount paid; reverts with `NoCredit` when there is nothing to pay.
 */
export async function claimOutputGameCredit(parameters: {
  readonly walletClient: L1WalletClient;
  readonly publicClient: PublicClient;
  readonly game: Address;
  readonly recipient: Address;
  readonly confirmations?: number;
}): Promise<L1Write & { readonly amount: bigint }> {
  const operation = `MachOutputGame(${parameters.game}).claimCredit(${parameters.recipient})`;
  const receipt = await writeContractAndWait({
    walletClient: parameters.walletClient,
    publicClient: parameters.publicClient,
    address: parameters.game,
    abi: machOutputGameAbi,
    functionName: "claimCredit",
    args: [parameters.recipient],
    confirmations: parameters.confirmations ?? 1,
    operation,
  });
  const [claimed] = parseEventLogs({ abi: machOutputGameAbi, eventName: "CreditClaimed", logs: receipt.logs });
  if (!claimed) throw new SettlementError("permanent", `${operation} emitted no CreditClaimed`);
  return {
    l1TransactionHash: receipt.transactionHash,
    l1BlockNumber: receipt.blockNumber,
    amount: claimed.args.amount,
  };
}
