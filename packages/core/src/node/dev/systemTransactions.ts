/**
 * The sequencer's transaction source on a full (rollup) dev chain: dev system transactions (state edits) first, then
 * the pool's. A submitted system transaction resolves once the sequencer executed it into a mini-block.
 */
import type { Hash, Transaction } from "../../chain/types.ts";
import type { TxSource } from "../../sequencer/ports.ts";

interface Waiting {
  readonly tx: Transaction;
  inFlight: boolean;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export class DevSystemTxSource implements TxSource {
  readonly #inner: TxSource;
  readonly #waiting = new Map<Hash, Waiting>();
  readonly #listeners = new Set<(tx: Transaction) => void>();

  constructor(inner: TxSource) {
    this.#inner = inner;
  }

  /** Queues a system transaction ahead of the pool; resolves when it is executed, rejects if it is refused. */
  submit(tx: Transaction): Promise<void> {
    const done = new Promise<void>((resolve, reject) => {
      this.#waiting.set(tx.hash, { tx, inFlight: false, resolve, reject });
    });
    for (const listener of this.#listeners) listener(tx);
    return done;
  }

  takeExecutable(max: number): readonly Transaction[] {
    const out: Transaction[] = [];
    for (const entry of this.#waiting.values()) {
      if (out.length >= max) return out;
      if (entry.inFlight) continue;
      entry.inFlight = true;
      out.push(entry.tx);
    }
    return out.length >= max ? out : [...out, ...this.#inner.takeExecutable(max - out.length)];
  }

  release(txs: readonly Transaction[]): void {
    const pool: Transaction[] = [];
    for (const tx of txs) {
      const entry = this.#waiting.get(tx.hash);
      if (entry !== undefined) entry.inFlight = false;
      else pool.push(tx);
    }
    if (pool.length > 0) this.#inner.release(pool);
  }

  markIncluded(txs: readonly Transaction[]): void {
    const pool: Transaction[] = [];
    for (const tx of txs) {
      const entry = this.#waiting.get(tx.hash);
      if (entry === undefined) {
        pool.push(tx);
        continue;
      }
      this.#waiting.delete(tx.hash);
      entry.resolve();
    }
    if (pool.length > 0) this.#inner.markIncluded(pool);
  }

  markRejected(tx: Transaction, error: Error): void {
    const entry = this.#waiting.get(tx.hash);
    if (entry === undefined) {
      this.#inner.markRejected(tx, error);
      return;
    }
    this.#waiting.delete(tx.hash);
    entry.reject(error);
  }

  onPending(listener: (tx: Transaction) => void): () => void {
    this.#listeners.add(listener);
    const off = this.#inner.onPending(listener);
    return () => {
      this.#listeners.delete(listener);
      off();
    };
  }
}
