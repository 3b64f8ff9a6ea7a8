/**
 * Errors of the DA layer's own codecs and of the batcher. Port errors (`DaError`, `DaNotFoundError`) live with the port
 * in `types.ts`; these are what Mach's batch format and batch loop raise on top of it.
 */
import type { ByteDecodeErrorFactory, ByteDecodeProblem } from "../chain/byteReader.ts";
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

/** The `ByteReader` errors of a DA codec: a problem in `what` ("batch", "frame", …) as a `BatchDecodeError`. */
export function batchDecodeErrors(what: string): ByteDecodeErrorFactory {
  return (problem: ByteDecodeProblem): BatchDecodeError => {
    switch (problem.kind) {
      case "truncated":
        return new BatchDecodeError("truncated", `${what} truncated`, {
          details: `${problem.field} needs ${problem.needed} bytes at offset ${problem.offset}, ${problem.remaining} left`,
        });
      case "uintTooLong":
        return new BatchDecodeError("inconsistent", `${what}: ${problem.field} is ${problem.length} bytes, max 32`);
      case "leadingZero":
        return new BatchDecodeError("inconsistent", `${what}: ${problem.field} has a leading zero byte`);
      case "countTooLarge":
        return new BatchDecodeError("truncated", `${what}: ${problem.field} of ${problem.count} exceeds the body`, {
          details: `${problem.remaining} bytes left at offset ${problem.offset}`,
        });
      case "varintTooLong":
      case "varintNotMinimal":
      case "varintTooLarge":
        return new BatchDecodeError(
          "inconsistent",
          `${what}: ${problem.field} is not a valid varint (${problem.kind})`,
          {
            details: `at offset ${problem.offset}`,
          },
        );
      case "trailingBytes":
        return new BatchDecodeError("trailingBytes", `${what} has ${problem.remaining} trailing bytes`);
    }
  };
}

/** The blocks given to the encoder cannot form a batch (not contiguous, a field out of its wire range). */
export class BatchEncodeError extends MachError {
  override name = "BatchEncodeError";
}

/**
 * The batch encoder's worker thread failed, exited or was closed while a batch was being encoded in it (not the
 * blocks' fault: the batcher keeps the range and tries again; the next batch starts a new worker).
 */
export class BatchEncoderWorkerError extends MachError {
  override name = "BatchEncoderWorkerError";
}

/** The `ByteWriter` error of the DA codecs: a field out of its wire range. */
export function batchEncodeError(message: string): BatchEncodeError {
  return new BatchEncodeError(message);
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
