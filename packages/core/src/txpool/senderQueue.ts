/**
 * One sender's transactions in the pool, by nonce, and the fee arithmetic the pool ranks and charges them by.
 *
 * Every entry's nonce is at least the queue's `nonce` (entries below it are dropped when it moves), and `runEnd` (the
 * end of the sender's pending run) and `costSum` are kept as entries come and go, so admitting a transaction costs the
 * same whether the sender has one transaction waiting or hundreds (walking the run per admission made a burst of a
 * sender's consecutive nonces quadratic: 15% of the sequencer's thread under the bench's load).
 */
import type { Transaction, UnsignedFieldsTransaction } from "../chain/types.ts";

/** A signed (non-deposit) transaction as the pool holds it. */
export type PoolTransaction = Transaction & UnsignedFieldsTransaction;

export type TxStatus = "pending" | "queued";

/** A held transaction. */
export interface PoolEntry {
  readonly tx: PoolTransaction;
  /** Admission order across the pool (round-robin ordering). */
  readonly arrival: number;
  /** Clock time of admission (`queuedLifetimeMs`). */
  readonly addedMs: number;
  /** Handed to the sequencer by `takeExecutable`, not yet reported back. */
  inFlight: boolean;
}

export function feeCap(tx: PoolTransaction): bigint {
  return tx.type === 0 || tx.type === 1 ? tx.gasPrice : tx.maxFeePerGas;
}

export function tipCap(tx: PoolTransaction): bigint {
  return tx.type === 0 || tx.type === 1 ? tx.gasPrice : tx.maxPriorityFeePerGas;
}

/** What the sequencer earns per gas at `baseFeePerGas`: min(tip cap, fee cap − base fee). */
export function effectiveTip(tx: PoolTransaction, baseFeePerGas: bigint): bigint {
  const headroom = feeCap(tx) - baseFeePerGas;
  const tip = tipCap(tx);
  return headroom < tip ? headroom : tip;
}

/** gas × fee cap + value: what the sender must hold for the transaction to be executable. */
export function cost(tx: PoolTransaction): bigint {
  return tx.gasLimit * feeCap(tx) + tx.value;
}

export class SenderQueue {
  /** The sender's next nonce as far as executed transactions go. */
  #nonce: bigint;
  readonly #entries = new Map<bigint, PoolEntry>();
  /** The first nonce from `nonce` on that has no entry: the end of the sender's pending run. */
  #runEnd: bigint;
  /** `cost` of every entry, summed. */
  #costSum = 0n;

  constructor(nonce: bigint) {
    this.#nonce = nonce;
    this.#runEnd = nonce;
  }

  get nonce(): bigint {
    return this.#nonce;
  }
  get runEnd(): bigint {
    return this.#runEnd;
  }
  get costSum(): bigint {
    return this.#costSum;
  }
  get size(): number {
    return this.#entries.size;
  }
  /** Transactions executable after the sender's executed nonce without a gap (in flight included). */
  get pendingCount(): number {
    return Number(this.#runEnd - this.#nonce);
  }

  get(nonce: bigint): PoolEntry | undefined {
    return this.#entries.get(nonce);
  }
  has(nonce: bigint): boolean {
    return this.#entries.has(nonce);
  }
  /** Every entry, in insertion order (not nonce order). */
  entries(): IterableIterator<[bigint, PoolEntry]> {
    return this.#entries.entries();
  }

  /** "queued" when a nonce gap lies before `nonce`. */
  statusOf(nonce: bigint): TxStatus {
    return nonce > this.#runEnd ? "queued" : "pending";
  }

  /** The first nonce from `from` (at least the sender's nonce) that has no entry. */
  runEndFrom(from: bigint): bigint {
    if (from <= this.#runEnd) return this.#runEnd;
    let end = from;
    while (this.#entries.has(end)) end++;
    return end;
  }

  /** Whether a new transaction at `nonce` would sit behind a gap, with the sender's next nonce at `stateNonce`. */
  wouldQueue(stateNonce: bigint, nonce: bigint): boolean {
    return nonce > this.runEndFrom(stateNonce);
  }

  /** The transactions behind a nonce gap, with the sender's next nonce at `stateNonce`. */
  queuedCount(stateNonce: bigint): number {
    const pending = Number(this.runEndFrom(stateNonce) - stateNonce);
    let stale = 0;
    // Entries below `stateNonce` exist only when the state moved on without the pool being told for this sender.
    if (stateNonce > this.#nonce) for (const nonce of this.#entries.keys()) if (nonce < stateNonce) stale++;
    return this.#entries.size - pending - stale;
  }

  /** What the entries below `stateNonce` cost (some only when the state moved on without the pool being told). */
  staleCost(stateNonce: bigint): bigint {
    let stale = 0n;
    if (stateNonce > this.#nonce)
      for (const [nonce, entry] of this.#entries) if (nonce < stateNonce) stale += cost(entry.tx);
    return stale;
  }

  /** Places `entry` (over the one at its nonce, if any), extending the run when it fills its end. */
  put(entry: PoolEntry): void {
    const { nonce } = entry.tx;
    const replaced = this.#entries.get(nonce);
    if (replaced !== undefined) this.#costSum -= cost(replaced.tx);
    this.#entries.set(nonce, entry);
    this.#costSum += cost(entry.tx);
    if (nonce === this.#runEnd) while (this.#entries.has(this.#runEnd)) this.#runEnd++;
  }

  /** Removes `entry` if it is the one held at its nonce; the run ends before it when it was part of it. */
  remove(entry: PoolEntry): boolean {
    const { nonce } = entry.tx;
    if (this.#entries.get(nonce) !== entry) return false;
    this.#entries.delete(nonce);
    this.#costSum -= cost(entry.tx);
    if (nonce >= this.#nonce && nonce < this.#runEnd) this.#runEnd = nonce;
    return true;
  }

  /** Moves the sender's nonce up to `nonce`; the entries below it are removed and handed to `dropped`. */
  advanceNonce(nonce: bigint, dropped: (entry: PoolEntry) => void): void {
    // The run from the old nonce to `runEnd` was all there and only entries below `nonce` go: from `nonce` on (when
    // `nonce` is within it) it still ends at `runEnd`.
    const runEnd = this.#runEnd;
    if (nonce - this.#nonce <= BigInt(this.#entries.size)) {
      for (let n = this.#nonce; n < nonce; n++) {
        const entry = this.#entries.get(n);
        if (entry !== undefined && this.remove(entry)) dropped(entry);
      }
    } else {
      for (const [n, entry] of this.#entries) if (n < nonce && this.remove(entry)) dropped(entry);
    }
    this.#nonce = nonce;
    this.#runEnd = runEnd >= nonce ? runEnd : nonce;
    while (this.#entries.has(this.#runEnd)) this.#runEnd++;
  }

  /** The first not-in-flight entry of the contiguous run from `from`, if any. */
  nextAvailable(from: bigint): PoolEntry | undefined {
    for (let n = from; ; n++) {
      const entry = this.#entries.get(n);
      if (entry === undefined) return undefined;
      if (!entry.inFlight) return entry;
    }
  }

  /** The highest-nonce entry not in flight, when nothing is held above it (an eviction never opens a gap). */
  evictableTail(): PoolEntry | undefined {
    let tail: PoolEntry | undefined;
    for (const entry of this.#entries.values()) {
      if (!entry.inFlight && (tail === undefined || entry.tx.nonce > tail.tx.nonce)) tail = entry;
    }
    return tail === undefined || this.#entries.has(tail.tx.nonce + 1n) ? undefined : tail;
  }
}
