/**
 * The batcher's back-pressure as a small state machine, fed after each look at the chain with where reading stopped:
 * at the head (everything sealed is batched or in the open batch), or at a bound with sealed blocks still waiting
 * (every in-flight slot taken with the open batch full, or `maxPendingBytes` reached). It engages at a bound and
 * releases only once reading reaches the head again, so a batcher that stays behind reports one engagement, not one
 * per batch. Transitions come back for the log line and the metrics.
 */

/** Why the batcher stopped reading: every in-flight slot taken (open batch full), or the pending-bytes bound. */
export type BackPressureReason = "inFlight" | "bytes";

export interface BackPressureState {
  readonly engaged: boolean;
  /** While engaged: the bound that stopped reading last. */
  readonly reason?: BackPressureReason;
  /** While engaged: when it engaged, Unix ms. */
  readonly since?: number;
}

export type BackPressureTransition =
  | { readonly kind: "engaged"; readonly reason: BackPressureReason }
  | { readonly kind: "released"; readonly durationMs: number };

export class BackPressure {
  #state: BackPressureState = { engaged: false };

  get state(): BackPressureState {
    return this.#state;
  }

  /** Where reading stopped this time (`head`: caught up); returns the transition it caused, if any. */
  observe(stoppedAt: "head" | BackPressureReason, nowMs: number): BackPressureTransition | undefined {
    const { engaged, since } = this.#state;
    if (stoppedAt === "head") {
      if (!engaged) return undefined;
      this.#state = { engaged: false };
      return { kind: "released", durationMs: nowMs - (since ?? nowMs) };
    }
    if (engaged) {
      this.#state = { ...this.#state, reason: stoppedAt };
      return undefined;
    }
    this.#state = { engaged: true, reason: stoppedAt, since: nowMs };
    return { kind: "engaged", reason: stoppedAt };
  }

  /** Forgets the state (the batcher stopped or halted: it reads nothing, whatever the bound). */
  reset(): void {
    this.#state = { engaged: false };
  }
}
