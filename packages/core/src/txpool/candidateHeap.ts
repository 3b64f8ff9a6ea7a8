/**
 * The order `TxPool.takeExecutable` hands transactions out in: a min-heap of senders' next transactions by round (a
 * sender's k-th transaction is in round k) and then arrival, so every sender gets one transaction per round.
 */
import type { PoolEntry, SenderQueue } from "./senderQueue.ts";

export interface Candidate {
  readonly sender: SenderQueue;
  readonly entry: PoolEntry;
  readonly round: number;
}

/** Min-heap of senders' next transactions by (round, arrival). */
export class CandidateHeap {
  readonly #items: Candidate[] = [];

  push(candidate: Candidate): void {
    const items = this.#items;
    items.push(candidate);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i] as Candidate, items[parent] as Candidate)) break;
      [items[i], items[parent]] = [items[parent] as Candidate, items[i] as Candidate];
      i = parent;
    }
  }

  pop(): Candidate | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    items[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < items.length && before(items[l] as Candidate, items[m] as Candidate)) m = l;
      if (r < items.length && before(items[r] as Candidate, items[m] as Candidate)) m = r;
      if (m === i) break;
      [items[i], items[m]] = [items[m] as Candidate, items[i] as Candidate];
      i = m;
    }
    return top;
  }
}

function before(a: Candidate, b: Candidate): boolean {
  return a.round !== b.round ? a.round < b.round : a.entry.arrival < b.entry.arrival;
}
