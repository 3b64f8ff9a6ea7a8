/**
 * Nearest-rank quantiles over a bounded ring of recent samples (the page's mini-block intervals). The node reports
 * its own send → receipt percentiles in `mach_status`; this is only for what the page measures itself.
 */

export class SampleRing {
  readonly #values: Float64Array;
  #count = 0;
  #next = 0;

  constructor(capacity: number) {
    this.#values = new Float64Array(capacity);
  }

  push(value: number): void {
    this.#values[this.#next] = value;
    this.#next = (this.#next + 1) % this.#values.length;
    if (this.#count < this.#values.length) this.#count++;
  }

  get count(): number {
    return this.#count;
  }

  /** The value at each quantile (0 < q ≤ 1) by nearest rank; `null`s while empty. */
  quantiles(qs: readonly number[]): (number | null)[] {
    if (this.#count === 0) return qs.map(() => null);
    const sorted = this.#values.slice(0, this.#count).sort();
    return qs.map((q) => sorted[Math.min(this.#count, Math.max(1, Math.ceil(q * this.#count))) - 1] as number);
  }

  clear(): void {
    this.#count = 0;
    this.#next = 0;
  }
}
