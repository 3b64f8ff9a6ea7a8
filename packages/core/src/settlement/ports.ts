/**
 * The settlement port (reth's `*-api` habit): what roles need from the L1 side, as narrow interfaces. `packages/
 * settlement` implements them against Ethereum with viem; `memory.ts` implements them in RAM for tests, as the DA
 * port has `da/memory.ts`.
 *
 *   BatchRecorder     batcher → L1: record a confirmed DA batch's pointers (BatchInbox)
 *   L1BatchReader     L1 → derivation: the recorded batches, in L1 order
 *   DepositSource     L1 → sequencer/derivation: L1 block references and the deposits each block carries
 *   OutputProposer    proposer → L1: an output root for an L2 block, as a new output game
 *   OutputSource      L1 → provers: the output games proposed, to check and attest
 *   AttestationSink   provers/attesters → L1: a quorum's signed attestations of a proposed output
 *
 * Errors: implementations throw errors carrying `kind: "transient" | "permanent"` (retry or halt), as DA does.
 */
import type { Address, DepositTransaction, Hash, Hex } from "../chain/types.ts";

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

/** An L1 block as L2 refers to it (the L1 origin of an L2 block; what the L1-attributes deposit carries). */
export interface L1BlockRef {
  readonly number: bigint;
  readonly hash: Hash;
  readonly parentHash: Hash;
  /** Seconds. */
  readonly timestamp: bigint;
  readonly baseFeePerGas: bigint;
  readonly blobBaseFee: bigint;
}

export interface DepositSource {
  /** The newest L1 block `confirmations` deep (the newest an L2 block may take as its origin). */
  confirmedHead(): Promise<L1BlockRef>;
  /** The canonical L1 block at `number`, if it exists. */
  blockAt(number: bigint): Promise<L1BlockRef | undefined>;
  /** The deposits L1 block `block` carries, in log order (the block hash pins the fork read). */
  depositsIn(block: L1BlockRef): Promise<readonly DepositTransaction[]>;
}

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

/** One prover's EIP-712 signature of an `OutputAttestation` (`QuorumOutputVerifier`'s typed data). */
export interface AttestationSignature {
  readonly prover: Address;
  readonly signature: Hex;
}

export interface AttestationSink {
  /**
   * Submits the attestations of the output game at `game`: the verifier on L1 takes a quorum of distinct registered
   * provers' signatures in one call (`MachOutputGame.attest`). An already attested game is not an error.
   */
  submitAttestations(
    game: Address,
    attestation: OutputAttestation,
    signatures: readonly AttestationSignature[],
  ): Promise<void>;
}

/** The output games proposed on L1, for provers to check against their own re-execution and attest. */
export interface OutputSource {
  /** Proposals for L2 blocks ≥ `fromBlock`, in L2 block order (several per block when roots compete). */
  proposedOutputs(fromBlock: bigint): Promise<readonly ProposedOutputRef[]>;
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
  readonly outputs?: OutputSource;
  readonly attestations?: AttestationSink;
  close(): Promise<void>;
}
