/**
 * Stopping a worker thread without taking the process down. `worker.terminate()` while the worker is still
 * evaluating its ES modules can abort the whole process inside V8 (`Check failed: (location_) != nullptr` in
 * `SourceTextModule::AsyncModuleExecutionFulfilled`: seen once, in the p2p fuzz test, whose nodes stop soon after
 * they start their workers). A worker's entry module calls `announceLoaded` once its modules have run; its owner keeps
 * `whenLoaded(worker)` from the spawn on and stops it with `terminateWhenLoaded`, which waits for that announcement (or
 * the worker's exit, or a grace period) before terminating. Shared ground like `threadName.ts`: any folder's worker
 * uses it.
 */
import type { MessagePort, Worker } from "node:worker_threads";

/** The message a worker posts once its modules have run (owners' message handlers skip it). */
const LOADED = "mach:worker-loaded";

/** Longest wait for a worker's announcement before it is terminated all the same (a worker stuck loading). */
export const LOADED_GRACE_MS = 10_000;

/** Called by a worker's entry module, last. */
export function announceLoaded(port: MessagePort): void {
  port.postMessage(LOADED);
}

/** Whether a message from a worker is its load announcement. */
export function isLoadedAnnouncement(message: unknown): boolean {
  return message === LOADED;
}

/**
 * Resolves once the worker announced it loaded, or ended. Call it right after the owner registered its own `message`
 * handler: a worker's first `message` listener refs its port again after `unref()`, later ones do not. Its listeners
 * stay (removing a worker's last `message` listener changes whether its port keeps the event loop alive).
 */
export function whenLoaded(worker: Worker): Promise<void> {
  return new Promise((resolve) => {
    worker.on("message", (message: unknown) => {
      if (isLoadedAnnouncement(message)) resolve();
    });
    worker.once("exit", () => resolve());
    worker.once("error", () => resolve());
  });
}

/** Terminates `worker` once `loaded` (its `whenLoaded`) resolved, or after `graceMs`. */
export async function terminateWhenLoaded(
  worker: Worker,
  loaded: Promise<void>,
  graceMs = LOADED_GRACE_MS,
): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, graceMs);
    timer.unref();
  });
  await Promise.race([loaded, grace]);
  clearTimeout(timer);
  return worker.terminate();
}
