/**
 * Waiting with bounds: a sleep that ends early when the client closes, and a race of a submission against the
 * caller's timeout and abort signal (the submission itself keeps running).
 */
import { DaError } from "@mach/core/da";

/** Resolves after `ms`, or as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Resolves or rejects with `promise`, or rejects with a transient DaError after `timeoutMs` or when `signal` aborts. */
export function raceWithTimeout<T>(
  promise: Promise<T>,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  id: string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    const onAbort = (): void => {
      cleanup();
      reject(signal?.reason ?? new DaError("transient", "wait aborted"));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(
        new DaError("transient", "timed out waiting for inclusion", { details: `submission ${id}, ${timeoutMs} ms` }),
      );
    }, timeoutMs);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        cleanup();
        resolve(value);
      },
      (error: unknown) => {
        cleanup();
        reject(error);
      },
    );
  });
}
