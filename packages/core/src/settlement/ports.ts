/**
 * The settlement port (reth's `*-api` habit): what roles need from the L1 side, as narrow interfaces. `packages/
 * settlement` implements them against Ethereum with viem; `memory.ts` implements them in RAM for tests, as the DA
 * port has `da/memory.ts`.
 *
 *   BatchRecorder     batcher → L1: record a confirmed DA batch's pointers (BatchInbox)
 *   L1BatchReader     L1 → derivation: the recorded batches, in L1 order
 *   DepositSource     L1 → sequencer/derivation: the head, L1 block references, each block's deposits and
 *                     SystemConfig values (the inputs of an L2 epoch)
 *   OutputProposer    proposer → L1: an output root for an L2 block, as a new output game; resolve it, claim the bond
 *   OutputGameReader  L1 → proposer/attesters: the output games in factory order and their state
 *   AttestationSink   provers/attesters → L1: a signed attestation of a proposed output (collected to the quorum)
 *   OutputChallenger  provers → L1: a game's root claim proven wrong by a quorum's attestations of another root
 *   OutputAttestationSigner  an attester's own key: signs what it checked
 *
 * Errors: implementations throw errors carrying `kind: "transient" | "permanent"` (retry or halt), as DA does.
 */
import type { L1EpochSource } from "../chain/blockStart.ts";
import type { L1BlockRef, L1SystemConfig } from "../chain/l1BlockInfo.ts";
import type { Address, Hash, Hex } from "../chain/types.ts";

export type { L1BlockRef, L1SystemConfig };

/** A batch as the L1 records it: its L2 block range, the DA provider and one opaque pointer per frame. */
export interface BatchToRecord {
  readonly firstBlock: bigint;
  readonly lastBlock: bigint;
  /** DA provider name (`memory`, `eigenda`, `celestia`). */
  readonly provider: string;
  readonly pointers: readonly Uint8Array[];
}

/** Where a batch was recorded on L1. */
export interface BatchRecording {
  readonly l1TransactionHash?: Hash;
  readonly l1BlockNumber?: bigint;
}

/**
 * Records a confirmed batch's pointers on L1. Called once per batch, in block order. Idempotent: a batch already
 * recorded (e.g. before a crash) is found and returned rather than recorded twice.
 */
export interface BatchRecorder {
  recordBatch(batch: BatchToRecord): Promise<BatchRecording | undefined>;
}

/** A batch record read back from L1. */
export interface RecordedBatch extends BatchToRecord {
  readonly l1BlockNumber: bigint;
  readonly l1BlockHash: Hash;
  /** Position among all recorded batches, from 0. */
  readonly batchIndex: bigint;
}

export interface L1BatchReader {
  /** Batches recorded in L1 blocks `[fromL1Block, toL1Block]`, in L1 order. */
  readBatches(range: { readonly fromL1Block: bigint; readonly toL1Block: bigint }): Promise<readonly RecordedBatch[]>;
}

/** L1 → L2: the head, L1 blocks, their deposits and `SystemConfig` values (the inputs of L2 epochs). */
export type DepositSource = L1EpochSource;

export interface ProposedOutputRef {
  readonly l2BlockNumber: bigint;
  readonly outputRoot: Hash;
  /** The output game on L1. */
  readonly game: Address;
  /** Its index in the factory (what a withdrawal proof names: viem's `game.index`). */
  readonly gameIndex: bigint;
  /** The creator's bond the game holds (credited back on resolution, paid by `claimOutputGameCredit`). */
  readonly bond: bigint;
  readonly l1TransactionHash?: Hash;
}

/** Where a game stands: open, or resolved for (`defenderWins`) or against (`challengerWins`) its root claim. */
export type OutputGameStatus = "inProgress" | "defenderWins" | "challengerWins";

/** A Mach output game as read from L1; times are L1 seconds. */
export interface OutputGameState {
  readonly game: Address;
  readonly l2BlockNumber: bigint;
  readonly rootClaim: Hash;
  readonly status: OutputGameStatus;
  /** 0 until attested / resolved. */
  readonly attestedAt: bigint;
  readonly resolvedAt: bigint;
  /** Last second an attestation is accepted (an unattested game lapses after it). */
  readonly attestationWindowEndsAt: bigint;
  /**
   * `resolve` succeeds once L1 time is past this: the challenge window's end when attested, else the attestation
   * window's end (the claim lapses to `challengerWins`).
   */
  readonly resolvableAfter: bigint;
  /** The L1 head's timestamp when the state was read. */
  readonly l1Timestamp: bigint;
}

/** proposer → L1: output games created, resolved and their bonds claimed from the proposer's own key. */
export interface OutputProposer {
  /** Posts `outputRoot` for `l2BlockNumber`; returns the existing game when one is already there. */
  proposeOutput(output: { readonly l2BlockNumber: bigint; readonly outputRoot: Hash }): Promise<ProposedOutputRef>;
  /** Resolves `game` (once `resolvableAfter` passed) and answers its state after; an already resolved game is fine. */
  resolveOutputGame(game: Address): Promise<OutputGameState>;
  /** Pays the proposer what `game` credits it (its bond after resolution); 0n when nothing is credited. */
  claimOutputGameCredit(game: Address): Promise<bigint>;
}

/** L1 → proposer/attesters: the factory's output games, in creation order, and their state. */
export interface OutputGameReader {
  /** Games in the factory, of every type. */
  outputGameCount(): Promise<bigint>;
  /** The game at factory index `index` when it is a Mach output game (undefined for other types). */
  outputGameAt(index: bigint): Promise<ProposedOutputRef | undefined>;
  getOutputGame(game: Address): Promise<OutputGameState>;
  /** The L1 head's timestamp (what game windows are measured against). */
  l1Timestamp(): Promise<bigint>;
}

/** What a prover or attester signs: the output it checked by re-executing. */
export interface OutputAttestation {
  readonly chainId: bigint;
  readonly l2BlockNumber: bigint;
  readonly blockHash: Hash;
  readonly stateRoot: Hash;
  readonly outputRoot: Hash;
}

/**
 * What became of one submitted signature: the game is now attested (this one completed the quorum), the signature
 * waits for others to reach the quorum, or the game was attested already.
 */
export type AttestationOutcome = "attested" | "collecting" | "alreadyAttested";

export interface AttestationSink {
  /** Submits a signed attestation for the output game at `game`. */
  submitAttestation(game: Address, attestation: OutputAttestation, signature: Hex): Promise<AttestationOutcome>;
}

/**
 * What a challenge came to: the game resolved against its claim by this call (`challenged`), or it was no longer open
 * to challenge (resolved already, by another prover's challenge or otherwise, or its challenge window closed).
 */
export type ChallengeOutcome = "challenged" | "alreadyResolved" | "windowClosed";

export interface OutputChallenger {
  /**
   * Challenges the output game at `game` with `attestation` (the same L2 block, another output root) and the signatures
   * of a quorum of provers over it. A signature the verifier refuses is a permanent error.
   */
  challengeOutput(game: Address, attestation: OutputAttestation, signatures: readonly Hex[]): Promise<ChallengeOutcome>;
}

/** An attester's own key: signs an attestation of an output it checked, in the form the L1 verifier accepts. */
export interface OutputAttestationSigner {
  readonly address: Address;
  signAttestation(game: Address, attestation: OutputAttestation): Promise<Hex>;
}

/**
 * What a node's roles can use of L1, chosen by config like the DA provider. A part is present when the provider's
 * options allow it (the recorder needs the batcher's key, the proposer the proposer's key, …); a role that needs an
 * absent part refuses to start with a config error.
 */
export interface Settlement {
  readonly recorder?: BatchRecorder;
  readonly batches?: L1BatchReader;
  readonly deposits?: DepositSource;
  readonly proposer?: OutputProposer;
  readonly games?: OutputGameReader;
  readonly attestations?: AttestationSink;
  readonly challenger?: OutputChallenger;
  readonly attester?: OutputAttestationSigner;
  close(): Promise<void>;
}
