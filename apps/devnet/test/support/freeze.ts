/**
 * Freezes a child process with SIGSTOP and thaws it with SIGCONT: a hung service, as a stalled node or a network
 * black hole looks to its clients. Its sockets stay open and its port stays taken, but nothing answers: requests sent
 * meanwhile wait in the kernel until their clients time out, and the process serves them late once thawed.
 */
import type { ChildProcess } from "node:child_process";

export interface FrozenProcess {
  /** SIGCONT; a no-op after the first call or once the process exited. */
  thaw(): void;
}

export function freezeProcess(child: ChildProcess): FrozenProcess {
  if (child.exitCode !== null || child.signalCode !== null) throw new Error("cannot freeze an exited process");
  child.kill("SIGSTOP");
  let frozen = true;
  return {
    thaw() {
      if (!frozen) return;
      frozen = false;
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGCONT");
    },
  };
}
