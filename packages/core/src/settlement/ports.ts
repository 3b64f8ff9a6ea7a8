/**
 * The settlement port (reth's `*-api` habit): what roles need from the L1 side, as narrow interfaces. `packages/
 * settlement` implements them against Ethereum with viem; `memory.ts` implements them in RAM for tests, as the DA
 * port has `da/memory.ts`.
 *
 *   BatchRecorder     batcher → L1: record a confirmed DA batch's pointers (BatchInbox)
 *   L1BatchReader     L1 → derivation: the recorded batches, in L1 order
 *   DepositSource     L1 → sequencer/derivation: the head, L1 block references, each block's deposits and
 *                     SystemConfig values (the inputs of an L2 epoch)
 *   OutputProposer    proposer → L1: an output root for an L2 block, as a new output game
 *   AttestationSink   provers/attesters → L1: a signed attestation of a proposed output
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
  readonly l1TransactionHash?: Hash;
}

export interface OutputProposer {
  /** Posts `outputRoot` for `l2BlockNumber`; returns the existing proposal when one is already there. */
  proposeOutput(output: { readonly l2BlockNumber: bigint; readonly outputRoot: Hash }): Promise<ProposedOutputRef>;
  /** The newest L2 block with an output proposed on L1, if any. */
  latestProposedBlock(): Promise<bigint | undefined>;
  /** The newest L2 block whose output resolved in its favour on L1 (`finalized`), if any. */
  latestResolvedBlock(): Promise<bigint | undefined>;
}

/** What a prover or attester signs: the output it checked by re-executing. */
export interface OutputAttestation {
  readonly chainId: bigint;
  readonly l2BlockNumber: bigint;
  readonly blockHash: Hash;
  readonly stateRoot: Hash;
  readonly outputRoot: Hash;
}

export interface AttestationSink {
  /** Submits a signed attestation for the output game at `game`. */
  submitAttestation(game: Address, attestation: OutputAttestation, signature: Hex): Promise<void>;
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
  readonly attestations?: AttestationSink;
  close(): Promise<void>;
}
