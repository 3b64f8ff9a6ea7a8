/**
 * Names the calling thread for the operating system (`top -H`, `ps -L`, `/proc/<pid>/task/<tid>/comm`), so an
 * operator sees which of the node's worker threads spends the CPU. Shared ground like `errors.ts`: any folder's
 * worker calls it first thing. Linux only (other platforms keep their names); at most 15 bytes are kept, and a name
 * that cannot be set is ignored: naming is a diagnostic, never a reason to fail.
 */
import { writeFileSync } from "node:fs";

/** Longest name Linux keeps for a thread (TASK_COMM_LEN − 1). */
export const THREAD_NAME_MAX_BYTES = 15;

/** Sets this thread's name; returns whether it was set. */
export function nameThisThread(name: string): boolean {
  if (process.platform !== "linux") return false;
  try {
    writeFileSync("/proc/thread-self/comm", Buffer.from(name, "utf8").subarray(0, THREAD_NAME_MAX_BYTES));
    return true;
  } catch {
    return false;
  }
}
