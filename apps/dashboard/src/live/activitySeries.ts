/**
 * Per-second totals of mini-blocks, transactions and gas over the last few minutes, for the throughput chart and
 * the live rates. Seconds are taken from the mini-blocks' own timestamps (the node's clock), so a slow or
 * backgrounded tab still files each mini-block under the second it was made. A ring of `horizonSeconds` buckets;
 * a bucket is reused when its second falls out of the horizon.
 */

export interface ActivityPoint {
  /** Start of the second, Unix ms. */
  readonly atMs: number;
  readonly miniBlocks: number;
  readonly transactions: number;
  readonly gas: number;
}

export interface ActivityRates {
  readonly miniBlocksPerSecond: number;
  readonly transactionsPerSecond: number;
  readonly gasPerSecond: number;
}

export class ActivitySeries {
  readonly horizonSeconds: number;
  readonly #second: Float64Array;
  readonly #miniBlocks: Float64Array;
  readonly #transactions: Float64Array;
  readonly #gas: Float64Array;

  constructor(horizonSeconds = 300) {
    this.horizonSeconds = horizonSeconds;
    this.#second = new Float64Array(horizonSeconds).fill(-1);
    this.#miniBlocks = new Float64Array(horizonSeconds);
    this.#transactions = new Float64Array(horizonSeconds);
    this.#gas = new Float64Array(horizonSeconds);
  }

  /** Files one mini-block under the second of `atMs`. */
  record(atMs: number, transactions: number, gas: number): void {
    const second = Math.floor(atMs / 1000);
    const slot = second % this.horizonSeconds;
    if (this.#second[slot] !== second) {
      if ((this.#second[slot] as number) > second) return; // older than the horizon
      this.#second[slot] = second;
      this.#miniBlocks[slot] = 0;
      this.#transactions[slot] = 0;
      this.#gas[slot] = 0;
    }
    this.#miniBlocks[slot] = (this.#miniBlocks[slot] as number) + 1;
    this.#transactions[slot] = (this.#transactions[slot] as number) + transactions;
    this.#gas[slot] = (this.#gas[slot] as number) + gas;
  }

  /** The `seconds` whole seconds before the one holding `nowMs`, oldest first; empty seconds as zeros. */
  points(nowMs: number, seconds = this.horizonSeconds): ActivityPoint[] {
    const current = Math.floor(nowMs / 1000);
    const count = Math.min(seconds, this.horizonSeconds - 1);
    const out: ActivityPoint[] = [];
    for (let second = current - count; second < current; second++) {
      const slot = ((second % this.horizonSeconds) + this.horizonSeconds) % this.horizonSeconds;
      const filled = this.#second[slot] === second;
      out.push({
        atMs: second * 1000,
        miniBlocks: filled ? (this.#miniBlocks[slot] as number) : 0,
        transactions: filled ? (this.#transactions[slot] as number) : 0,
        gas: filled ? (this.#gas[slot] as number) : 0,
      });
    }
    return out;
  }

  /** Mean per second over the `seconds` whole seconds before `nowMs`, or over `coveredSeconds` if fewer. */
  rates(nowMs: number, seconds: number, coveredSeconds = seconds): ActivityRates {
    const span = Math.max(1, Math.min(seconds, coveredSeconds));
    let miniBlocks = 0;
    let transactions = 0;
    let gas = 0;
    for (const point of this.points(nowMs, span)) {
      miniBlocks += point.miniBlocks;
      transactions += point.transactions;
      gas += point.gas;
    }
    return {
      miniBlocksPerSecond: miniBlocks / span,
      transactionsPerSecond: transactions / span,
      gasPerSecond: gas / span,
    };
  }

  clear(): void {
    this.#second.fill(-1);
  }
}
