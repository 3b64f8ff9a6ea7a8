/**
 * The DA suite's sends, as the node answered them: the run's counts (`createSendOutcome`) and each phase's
 * (`PhaseSends`). A sender whose send was refused sends nothing more (see `createSendOutcome`).
 */

/** One phase's sends: how many it made, and the refusals and skipped sends that came during it. */
export interface PhaseSends {
  readonly name: string;
  readonly sent: number;
  readonly rejected: number;
  readonly skipped: number;
  /** Senders stopped by a refusal during the phase (they send nothing more in any later phase either). */
  readonly stoppedSenders: number;
  readonly firstError?: string;
}

/**
 * What the node answered to the sends; `settled` resolves once every send has an answer. A sender whose send was
 * refused sends nothing more: its later nonces would wait in the pool behind the gap for good, fill it, and have
 * sends of other senders refused in turn (one refusal cascading into many, and a rate no longer the offered one).
 */
export function createSendOutcome() {
  let outstanding = 0;
  let onIdle: (() => void) | undefined;
  const stopped = new Set<number>();
  const outcome = {
    accepted: 0,
    rejected: 0,
    /** Sends not made: their sender had been refused before. */
    skipped: 0,
    firstError: undefined as string | undefined,
    /** The newest refusal's message (a phase's first is the newest one at its first refusal). */
    lastError: undefined as string | undefined,
    /** Whether `sender` may still send (counts the send it skips otherwise). */
    mayStillSend(sender: number): boolean {
      if (!stopped.has(sender)) return true;
      outcome.skipped++;
      return false;
    },
    stoppedSenders: () => stopped.size,
    /** Sends not answered yet (the node has not admitted or refused them). */
    outstanding: () => outstanding,
    track(sender: number, answer: Promise<unknown>) {
      outstanding++;
      answer
        .then(
          () => {
            outcome.accepted++;
          },
          (error: unknown) => {
            outcome.rejected++;
            stopped.add(sender);
            outcome.lastError = error instanceof Error ? error.message : String(error);
            outcome.firstError ??= outcome.lastError;
          },
        )
        .finally(() => {
          outstanding--;
          if (outstanding === 0) onIdle?.();
        });
    },
    settled: () =>
      outstanding === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            onIdle = resolve;
          }),
  };
  return outcome;
}
