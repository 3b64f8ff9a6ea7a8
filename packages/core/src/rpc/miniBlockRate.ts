/**
 * Mini-blocks, transactions and gas per second over a sliding window, for `mach_status`. The server feeds every
 * mini-block it emits; the meter keeps one small entry per mini-block in a ring (enough for the window at the
 * fastest cadence) and sums the entries inside the window when asked. Before the meter has run a whole window,
 * rates are taken over the time it has run, so a fresh node does not under-report.
 */
import type { MiniBlock } from "../chain/miniBlock.ts";

export interface MiniBlockRateOptions {
  /** Default 10,000 ms. */
  readonly windowMs?: number;
  /** Entries kept; mini-blocks beyond it within one window are not counted. Default 8,192 (8 per ms at 10 s). */
  readonly maxEntries?: number;
  /** Clock in ms (default `Date.now`). */
  readonly now?: () => number;
}

export interface MiniBlockRates {
  readonly windowMs: number;
  readonly miniBlocksPerSecond: number;
  readonly transactionsPerSecond: number;
  readonly gasPerSecond: number;
}

export class MiniBlockRateMeter {
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #startedAt: number;
  readonly #at: Float64Array;
  readonly #txs: Float64Array;
  readonly #gas: Float64Array;
  #entries = 0;
  #next = 0;

  constructor(options: MiniBlockRateOptions = {}) {
    this.#windowMs = options.windowMs ?? 10_000;
    this.#now = options.now ?? Date.now;
    this.#startedAt = this.#now();
    const size = options.maxEntries ?? 8192;
    this.#at = new Float64Array(size);
    this.#txs = new Float64Array(size);
    this.#gas = new Float64Array(size);
  }

  onMiniBlock(miniBlock: MiniBlock): void {
    this.#at[this.#next] = this.#now();
    this.#txs[this.#next] = miniBlock.transactions.length;
    // Gas per mini-block stays far below 2^53.
    this.#gas[this.#next] = Number(miniBlock.gasUsed);
    this.#next = (this.#next + 1) % this.#at.length;
    if (this.#entries < this.#at.length) this.#entries++;
  }

  rates(): MiniBlockRates {
    const now = this.#now();
    const since = now - this.#windowMs;
    let miniBlocks = 0;
    let txs = 0;
    let gas = 0;
    for (let i = 0; i < this.#entries; i++) {
      if ((this.#at[i] as number) <= since) continue;
      miniBlocks++;
      txs += this.#txs[i] as number;
      gas += this.#gas[i] as number;
    }
    const seconds = Math.max(Math.min(this.#windowMs, now - this.#startedAt), 1) / 1000;
    return {
      windowMs: this.#windowMs,
      miniBlocksPerSecond: miniBlocks / seconds,
      transactionsPerSecond: txs / seconds,
      gasPerSecond: gas / seconds,
    };
  }
}
