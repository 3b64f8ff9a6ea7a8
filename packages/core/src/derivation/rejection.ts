/**
 * Rejections: the verdict on a batch record that breaks a derivation rule (index.ts lists them). A rejection is not
 * an error of the deriver: the record is dropped (from the offending block on), nothing of it is served, and
 * derivation waits for a later record that carries the next block. `BatchRejectedError` carries the verdict out of
 * the pure checks to the deriver, which catches it and reports a `BatchRejection`.
 */
import { MachError, type MachErrorOptions } from "../errors.ts";

export type RejectionReason =
  /** Every block of the record is derived already (a record repeated, or one recorded again after a restart). */
  | "duplicate"
  /** The record starts past the next block to derive: a gap (a batch recorded before its predecessor). */
  | "outOfOrder"
  /** A block the record repeats differs from the block derived at that height. */
  | "conflict"
  /** DA answered permanently that a pointer names no blob. */
  | "daUnavailable"
  /** The blobs behind the pointers are not the frames of one batch, in pointer order, covering the record's range. */
  | "daMismatch"
  /** The batch bytes do not decode (bad magic, version, compression, checksum, another chain, truncated). */
  | "malformed"
  /** A block does not attach to the derived head (parent hash), or its timestamp does not increase. */
  | "parentMismatch"
  /** A block's mini-block span does not continue its parent's. */
  | "miniBlockSpan"
  /** A block's L1 origin is not its parent's nor the next L1 block (skipped, unknown or reorged away, too new). */
  | "l1Origin"
  /** A block does not start with exactly chain/'s block start: the L1-attributes deposit and its epoch's deposits. */
  | "blockStart"
  /** A user transaction does not decode, is a deposit, or is invalid against the state (nonce, funds, gas). */
  | "invalidTransaction"
  /** Re-execution gives another state root or block hash than the batch carries. */
  | "blockMismatch";

export interface BatchRejection {
  /** Position of the record among all recorded batches. */
  readonly batchIndex: bigint;
  readonly l1BlockNumber: bigint;
  readonly firstBlock: bigint;
  readonly lastBlock: bigint;
  /** The block the rejection starts at (blocks before it, if any, were derived). */
  readonly atBlock: bigint;
  readonly reason: RejectionReason;
  readonly detail: string;
}

/** A rule broken by a batch (thrown by the pure checks, caught by the deriver). */
export class BatchRejectedError extends MachError {
  override name = "BatchRejectedError";
  readonly reason: RejectionReason;
  constructor(reason: RejectionReason, message: string, options: MachErrorOptions = {}) {
    super(message, options);
    this.reason = reason;
  }
}
