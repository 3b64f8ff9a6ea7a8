/**
 * How the batcher retries a DA submission or an L1 recording: transient failures (a DaError `transient`, a wait
 * timeout, any error without `kind: "permanent"`) are retried with the policy's exponential backoff; a permanent
 * failure, or `retryMaxAttempts` transient ones, becomes a `BatcherHaltedError` for the batch's range. Aborting the
 * signal ends the backoff and rethrows the last error as it is.
 */
import type { Logger } from "../telemetry.ts";
import { type BatcherPolicy, retryDelayMs } from "./batcherPolicy.ts";
import type { BatchRecord } from "./batchRecord.ts";
import { BatcherHaltedError } from "./errors.ts";
import { DaError } from "./types.ts";

export type RetriedOperation = "DA submission" | "L1 recording";

/** A sleep that rejects with the signal's reason when it aborts. */
export type AbortableSleep = (ms: number, signal: AbortSignal) => Promise<void>;

export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Port errors say what to do about them with `kind`, as DA's do (settlement's too). */
export function isPermanent(error: unknown): boolean {
  if (error instanceof DaError) return error.kind === "permanent";
  return typeof error === "object" && error !== null && (error as { kind?: unknown }).kind === "permanent";
}

export interface RetryContext {
  readonly policy: BatcherPolicy;
  readonly sleep: AbortableSleep;
  readonly logger: Logger;
  /** Called before each backoff. */
  readonly onRetry?: (operation: RetriedOperation) => void;
}

/** Runs `attempt` until it succeeds, backing off between transient failures; halts the range on a permanent one. */
export async function withRetry<T>(
  context: RetryContext,
  operation: RetriedOperation,
  record: BatchRecord,
  signal: AbortSignal,
  attempt: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const { policy, logger } = context;
  for (let failures = 0; ; ) {
    try {
      return await attempt(signal);
    } catch (error) {
      if (signal.aborted) throw error;
      failures++;
      const exhausted = policy.retryMaxAttempts !== undefined && failures >= policy.retryMaxAttempts;
      if (isPermanent(error) || exhausted) {
        const reason = isPermanent(error) ? "permanent error" : `${failures} transient failures`;
        const range = `${record.firstBlock}..${record.lastBlock}`;
        throw new BatcherHaltedError(record.firstBlock, record.lastBlock, `${operation} of blocks ${range} failed`, {
          details: `${reason}: ${error instanceof Error ? error.message : String(error)}`,
          cause: error,
        });
      }
      const delayMs = retryDelayMs(policy, failures);
      context.onRetry?.(operation);
      logger.warn(
        { what: operation, firstBlock: record.firstBlock, lastBlock: record.lastBlock, failures, delayMs, err: error },
        "transient failure, retrying",
      );
      await context.sleep(delayMs, signal);
    }
  }
}
