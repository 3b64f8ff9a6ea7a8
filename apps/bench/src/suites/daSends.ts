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
  /** The phase under way: the counts at its start, and its first refusal. */
  let phase:
    | { name: string; sent: number; rejected: number; skipped: number; stopped: number; firstError?: string }
    | undefined;
  const phases: PhaseSends[] = [];
  const outcome = {
    accepted: 0,
    rejected: 0,
    /** Sends not made: their sender had been refused before. */
    skipped: 0,
    firstError: undefined as string | undefined,
    /**
     * Counts what comes from now on toward phase `name` of `sent` sends (closing the one before): an answer counts in
     * the phase it arrives in.
     */
    startPhase(name: string, sent: number): void {
      outcome.closePhase();
      phase = { name, sent, rejected: outcome.rejected, skipped: outcome.skipped, stopped: stopped.size };
    },
    /** Ends the phase under way (call it once every send was answered, for the last one). */
    closePhase(): void {
      if (phase === undefined) return;
      phases.push({
        name: phase.name,
        sent: phase.sent,
        rejected: outcome.rejected - phase.rejected,
        skipped: outcome.skipped - phase.skipped,
        stoppedSenders: stopped.size - phase.stopped,
        ...(phase.firstError === undefined ? {} : { firstError: phase.firstError }),
      });
      phase = undefined;
    },
    /** The closed phases, in order. */
    phases: (): readonly PhaseSends[] => [...phases],
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
            const message = error instanceof Error ? error.message : String(error);
            outcome.firstError ??= message;
            if (phase !== undefined) phase.firstError ??= message;
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
