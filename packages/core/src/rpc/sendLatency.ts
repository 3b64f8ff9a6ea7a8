/**
 * Send → receipt latency as this server sees it: from the moment a raw transaction reaches a send method
 * (`eth_sendRawTransaction`, `eth_sendRawTransactionSync`, `realtime_sendRawTransaction`) to the moment the mini-block
 * carrying its receipt is emitted. A rolling recorder for `mach_status`: the newest samples in a ring, summarized as
 * nearest-rank percentiles over a time window. Submissions that never land (dropped, replaced) are forgotten once
 * `maxTracked` newer ones wait, so memory stays bounded under any load.
 */

import type { MiniBlock } from "../chain/miniBlock.ts";
import type { Hash } from "../chain/types.ts";

export interface SendLatencyOptions {
  /** Submissions awaiting their receipt that are remembered (oldest forgotten first). Default 65,536. */
  readonly maxTracked?: number;
  /** Samples kept. Default 4,096. */
  readonly maxSamples?: number;
  /** Samples older than this are left out of the summary (ms). Default 60,000. */
  readonly windowMs?: number;
  /** Monotonic clock in ms (default `performance.now`). */
  readonly now?: () => number;
}

/** Nearest-rank percentiles of the samples inside the window, in ms; `null` while there is none. */
export interface SendLatencySummary {
  readonly windowMs: number;
  readonly count: number;
  readonly p50Ms: number | null;
  readonly p90Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
}

export const DEFAULT_SEND_LATENCY_WINDOW_MS = 60_000;

/** The value at quantile `q` (0 < q ≤ 1) of ascending `sorted` by the nearest-rank method. */
export function nearestRank(sorted: Float64Array, q: number): number {
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1] as number;
}

export class SendLatencyRecorder {
  readonly #maxTracked: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  /** Hash → time the send began; insertion order is age order. */
  readonly #waiting = new Map<Hash, number>();
  readonly #latencyMs: Float64Array;
  readonly #recordedAt: Float64Array;
  #samples = 0;
  #next = 0;

  constructor(options: SendLatencyOptions = {}) {
    this.#maxTracked = options.maxTracked ?? 65_536;
    this.#windowMs = options.windowMs ?? DEFAULT_SEND_LATENCY_WINDOW_MS;
    this.#now = options.now ?? (() => performance.now());
    const size = options.maxSamples ?? 4096;
    this.#latencyMs = new Float64Array(size);
    this.#recordedAt = new Float64Array(size);
  }

  /** The clock sends are stamped with (pass its reading to `submitted`). */
  now(): number {
    return this.#now();
  }

  /** A send that began at `startedMs` (this recorder's clock) was admitted as `hash`. */
  submitted(hash: Hash, startedMs: number): void {
    if (this.#waiting.has(hash)) return;
    if (this.#waiting.size >= this.#maxTracked) {
      const oldest = this.#waiting.keys().next();
      if (!oldest.done) this.#waiting.delete(oldest.value);
    }
    this.#waiting.set(hash, startedMs);
  }

  /** Records a sample for every tracked transaction the mini-block carries. */
  onMiniBlock(miniBlock: MiniBlock): void {
    if (this.#waiting.size === 0) return;
    const at = this.#now();
    for (const tx of miniBlock.transactions) {
      const started = this.#waiting.get(tx.hash);
      if (started === undefined) continue;
      this.#waiting.delete(tx.hash);
      this.#latencyMs[this.#next] = at - started;
      this.#recordedAt[this.#next] = at;
      this.#next = (this.#next + 1) % this.#latencyMs.length;
      if (this.#samples < this.#latencyMs.length) this.#samples++;
    }
  }

  /** Submissions still waiting for their receipt. */
  get tracked(): number {
    return this.#waiting.size;
  }

  summary(): SendLatencySummary {
    const since = this.#now() - this.#windowMs;
    const inWindow: number[] = [];
    for (let i = 0; i < this.#samples; i++) {
      if ((this.#recordedAt[i] as number) >= since) inWindow.push(this.#latencyMs[i] as number);
    }
    if (inWindow.length === 0) {
      return { windowMs: this.#windowMs, count: 0, p50Ms: null, p90Ms: null, p99Ms: null, maxMs: null };
    }
    const sorted = Float64Array.from(inWindow).sort();
    return {
      windowMs: this.#windowMs,
      count: sorted.length,
      p50Ms: nearestRank(sorted, 0.5),
      p90Ms: nearestRank(sorted, 0.9),
      p99Ms: nearestRank(sorted, 0.99),
      maxMs: sorted[sorted.length - 1] as number,
    };
  }
}
