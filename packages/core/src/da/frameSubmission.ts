/**
 * One batch's frames to DA: every frame submitted at once, each retried on its own (`batchRetry.ts`), the batch's
 * pointers in frame order once all are certified. The first failure that halts, or an abort of `signal`, stops the
 * other frames' waits and backoffs.
 */
import type { BatchRecord } from "./batchRecord.ts";
import { type RetryContext, withRetry } from "./batchRetry.ts";
import type { DataAvailability } from "./types.ts";

export interface SubmitFramesParameters {
  readonly da: DataAvailability;
  readonly frames: readonly Uint8Array[];
  /** The batch the frames belong to (named in retries and halts). */
  readonly record: BatchRecord;
  /** Bound on one `wait` for a certificate; a timeout is a transient failure (the frame is resubmitted). */
  readonly confirmTimeoutMs: number;
  readonly retry: RetryContext;
  readonly signal: AbortSignal;
}

export async function submitFrames(parameters: SubmitFramesParameters): Promise<Uint8Array[]> {
  const { da, frames, record, confirmTimeoutMs, retry, signal } = parameters;
  const batchSignal = new AbortController();
  const forwardAbort = () => batchSignal.abort(signal.reason);
  signal.addEventListener("abort", forwardAbort, { once: true });
  try {
    return await Promise.all(
      frames.map((frame) =>
        withRetry(retry, "DA submission", record, batchSignal.signal, async (frameSignal) => {
          const handle = await da.submit(frame);
          return handle.wait({ timeoutMs: confirmTimeoutMs, signal: frameSignal });
        }).catch((error: unknown) => {
          batchSignal.abort(error);
          throw error;
        }),
      ),
    );
  } finally {
    signal.removeEventListener("abort", forwardAbort);
  }
}
