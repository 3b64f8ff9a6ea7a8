/**
 * Errors of the DA layer's own codecs and of the batcher. Port errors (`DaError`, `DaNotFoundError`) live with the port
 * in `types.ts`; these are what Mach's batch format and batch loop raise on top of it.
 */
import { MachError, type MachErrorOptions } from "../errors.ts";

/** Why bytes read from DA are not a valid batch or frame. Derivation drops such input (it is never retried). */
export type BatchDecodeErrorReason =
  | "truncated" // input ends inside a field
  | "badMagic" // not a Mach batch / frame
  | "unsupportedVersion"
  | "unsupportedCompression"
  | "tooLarge" // a declared length beyond the decoder's bound
  | "decompression" // the compressed body does not inflate to the declared length
  | "checksumMismatch"
  | "inconsistent" // fields disagree (numbers not contiguous, parent hashes do not chain, header vs body)
  | "trailingBytes"
  | "frameMissing"
  | "frameDuplicate"
  | "frameMismatch"; // frames of different batches, or a frame count that disagrees

/** Input is not a valid Mach batch or frame. Raised for any byte string, never a crash or a hang. */
export class BatchDecodeError extends MachError {
  override name = "BatchDecodeError";
  readonly reason: BatchDecodeErrorReason;
  constructor(reason: BatchDecodeErrorReason, message: string, options: MachErrorOptions = {}) {
    super(message, options);
    this.reason = reason;
  }
}

/** The blocks given to the encoder cannot form a batch (not contiguous, a field out of its wire range). */
export class BatchEncodeError extends MachError {
  override name = "BatchEncodeError";
}

/**
 * The batcher stopped on a permanent error for a block range rather than skip it. Operators fix the cause (DA
 * rejects the input, the block source lost a block) and restart; the batcher resumes at `firstBlock`.
 */
export class BatcherHaltedError extends MachError {
  override name = "BatcherHaltedError";
  readonly firstBlock: bigint;
  readonly lastBlock: bigint | undefined;
  constructor(firstBlock: bigint, lastBlock: bigint | undefined, message: string, options: MachErrorOptions = {}) {
    super(message, options);
    this.firstBlock = firstBlock;
    this.lastBlock = lastBlock;
  }
}
