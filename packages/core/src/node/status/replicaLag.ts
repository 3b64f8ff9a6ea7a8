/**
 * How far a replica trails the sequencer, judged on the sequencer's clock alone (no clock skew between machines):
 * the sequencer notes when it emitted each recent mini-block; a poll taken at `askedAtMs` learns the replica's newest
 * applied mini-block `r`. The replica lags by the mini-blocks the sequencer had emitted by then past `r`, and by how
 * long the first of them (`r + 1`) had been out. Both are lower bounds: the replica answers after `askedAtMs`, so it
 * may have applied more meanwhile, never less.
 */

/** The emission times of the sequencer's newest mini-blocks (a bounded window, oldest dropped first). */
export class MiniBlockEmissions {
  readonly #capacity: number;
  readonly #emittedAtMs = new Map<bigint, number>();
  #newest: bigint | undefined;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  record(miniBlockNumber: bigint, emittedAtMs: number): void {
    this.#emittedAtMs.set(miniBlockNumber, emittedAtMs);
    if (this.#newest === undefined || miniBlockNumber > this.#newest) this.#newest = miniBlockNumber;
    if (this.#emittedAtMs.size > this.#capacity) {
      const oldest = this.#emittedAtMs.keys().next();
      if (!oldest.done) this.#emittedAtMs.delete(oldest.value);
    }
  }

  newest(): bigint | undefined {
    return this.#newest;
  }

  emittedAtMs(miniBlockNumber: bigint): number | undefined {
    return this.#emittedAtMs.get(miniBlockNumber);
  }
}

export interface ReplicaLag {
  /** Mini-blocks the sequencer had emitted past the replica's newest. */
  readonly lagMiniBlocks: bigint;
  /**
   * How long the first mini-block the replica lacked had been out; 0 when it lacked none; `undefined` when that
   * mini-block is older than the window of emission times kept.
   */
  readonly lagMs: number | undefined;
}

export function replicaLagOf(parameters: {
  /** The sequencer's newest mini-block when the poll was sent. */
  readonly sequencerNewest: bigint | undefined;
  readonly replicaMiniBlock: bigint | undefined;
  readonly askedAtMs: number;
  readonly emissions: Pick<MiniBlockEmissions, "emittedAtMs">;
}): ReplicaLag {
  const { sequencerNewest, replicaMiniBlock, askedAtMs, emissions } = parameters;
  if (sequencerNewest === undefined) return { lagMiniBlocks: 0n, lagMs: 0 };
  const applied = replicaMiniBlock ?? -1n;
  if (applied >= sequencerNewest) return { lagMiniBlocks: 0n, lagMs: 0 };
  const firstMissing = emissions.emittedAtMs(applied + 1n);
  return {
    lagMiniBlocks: sequencerNewest - applied,
    lagMs: firstMissing === undefined ? undefined : Math.max(0, askedAtMs - firstMissing),
  };
}
