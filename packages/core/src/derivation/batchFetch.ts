/**
 * From a batch record on L1 to the batch it points at: each pointer's blob from DA, in pointer order, must be frame
 * `i` of the same `n`-frame batch (n = the number of pointers), the frames must join into bytes that hash to their
 * batch id, those bytes must decode as a batch of this chain, and the batch must cover exactly the record's range.
 * Anything else is a rejection (`daUnavailable`, `daMismatch`, `malformed`); a transient DA failure is thrown as it
 * is, for the deriver to retry the same record later.
 *
 *   RecordedBatch.pointers ──DataAvailability.retrieve──► blobs ──assembleBatch──► Batch (da/'s codecs)
 */
import { type Batch, decodeBatch } from "../da/batch.ts";
import { BatchDecodeError } from "../da/errors.ts";
import { decodeFrame, type Frame, joinFrames } from "../da/frame.ts";
import { DaError, type DataAvailability } from "../da/types.ts";
import type { RecordedBatch } from "../settlement/ports.ts";
import { BatchRejectedError } from "./rejection.ts";

export interface FetchBatchParameters {
  readonly da: DataAvailability;
  readonly record: RecordedBatch;
  readonly chainId: bigint;
}

/** The batch a record points at; throws `BatchRejectedError` on a rule, a transient `DaError` to retry. */
export async function fetchBatch({ da, record, chainId }: FetchBatchParameters): Promise<Batch> {
  if (record.provider !== da.provider) {
    throw new BatchRejectedError("daUnavailable", `batch recorded on DA provider ${record.provider}`, {
      details: `this node reads ${da.provider}`,
    });
  }
  const blobs: Uint8Array[] = [];
  for (const [index, pointer] of record.pointers.entries()) {
    try {
      blobs.push(await da.retrieve(pointer));
    } catch (error) {
      if (error instanceof DaError && error.kind === "permanent") {
        throw new BatchRejectedError("daUnavailable", `DA has no blob for pointer ${index}`, { cause: error });
      }
      throw error;
    }
  }
  return assembleBatch(blobs, record, chainId);
}

/** The batch the blobs of a record's pointers (in pointer order) hold; pure. */
export function assembleBatch(
  blobs: readonly Uint8Array[],
  record: Pick<RecordedBatch, "firstBlock" | "lastBlock">,
  chainId: bigint,
): Batch {
  if (blobs.length === 0) throw new BatchRejectedError("daMismatch", "the record names no pointer");
  const frames: Frame[] = blobs.map((blob, index) => {
    let frame: Frame;
    try {
      frame = decodeFrame(blob);
    } catch (error) {
      if (!(error instanceof BatchDecodeError)) throw error;
      throw new BatchRejectedError("daMismatch", `the blob of pointer ${index} is not a frame`, { cause: error });
    }
    if (frame.index !== index || frame.count !== blobs.length) {
      throw new BatchRejectedError(
        "daMismatch",
        `pointer ${index} of ${blobs.length} holds frame ${frame.index} of ${frame.count}`,
      );
    }
    return frame;
  });
  let bytes: Uint8Array;
  try {
    bytes = joinFrames(frames);
  } catch (error) {
    if (!(error instanceof BatchDecodeError)) throw error;
    throw new BatchRejectedError("daMismatch", "the frames do not join into one batch", { cause: error });
  }
  let batch: Batch;
  try {
    batch = decodeBatch(bytes, { chainId });
  } catch (error) {
    if (!(error instanceof BatchDecodeError)) throw error;
    throw new BatchRejectedError("malformed", `the batch does not decode (${error.reason})`, { cause: error });
  }
  if (batch.firstBlock !== record.firstBlock || batch.lastBlock !== record.lastBlock) {
    throw new BatchRejectedError(
      "daMismatch",
      `the batch holds blocks ${batch.firstBlock}..${batch.lastBlock}, the record names ${record.firstBlock}..${record.lastBlock}`,
    );
  }
  return batch;
}
