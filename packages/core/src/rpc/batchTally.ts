/**
 * DA batch counts by provider and status for `mach_status`, kept up to date from the batcher's record updates
 * (a record put again for the same first block replaces the old one, as in the batch record store): counts move
 * on each update, so a status request costs the number of providers, never the number of batches.
 */
import type { DaBatchesStatus, StatusBatch, StatusBatchState } from "./statusSource.ts";

const zeroCounts = (): Record<StatusBatchState, number> => ({ submitting: 0, confirmed: 0, recorded: 0, failed: 0 });

export class BatchTally {
  readonly #maxRecent: number;
  /** First block → where each batch stands. */
  readonly #states = new Map<bigint, { readonly provider: string; readonly status: StatusBatchState }>();
  readonly #counts = new Map<string, Record<StatusBatchState, number>>();
  /** The newest batches by first block, highest last. */
  #recent: StatusBatch[] = [];

  constructor(options: { readonly maxRecent?: number } = {}) {
    this.#maxRecent = options.maxRecent ?? 8;
  }

  update(batch: StatusBatch): void {
    const previous = this.#states.get(batch.firstBlock);
    if (previous) this.#countsOf(previous.provider)[previous.status]--;
    this.#countsOf(batch.provider)[batch.status]++;
    this.#states.set(batch.firstBlock, { provider: batch.provider, status: batch.status });

    const at = this.#recent.findIndex((known) => known.firstBlock === batch.firstBlock);
    if (at >= 0) {
      this.#recent[at] = batch;
      return;
    }
    const oldest = this.#recent[0];
    if (this.#recent.length >= this.#maxRecent && oldest && batch.firstBlock < oldest.firstBlock) return;
    this.#recent.push(batch);
    this.#recent.sort((a, b) => (a.firstBlock < b.firstBlock ? -1 : a.firstBlock > b.firstBlock ? 1 : 0));
    if (this.#recent.length > this.#maxRecent) this.#recent.shift();
  }

  snapshot(): DaBatchesStatus {
    return {
      byProvider: [...this.#counts].map(([provider, counts]) => ({ provider, counts: { ...counts } })),
      recent: [...this.#recent].reverse(),
    };
  }

  #countsOf(provider: string): Record<StatusBatchState, number> {
    let counts = this.#counts.get(provider);
    if (!counts) {
      counts = zeroCounts();
      this.#counts.set(provider, counts);
    }
    return counts;
  }
}
