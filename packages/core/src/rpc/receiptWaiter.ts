/**
 * Waits for a transaction's receipt, for `eth_sendRawTransactionSync` / `realtime_sendRawTransaction`. Receipts
 * arrive with mini-blocks; a waiter registered after submission first checks the backend (the mini-block may have
 * sealed while the pool admitted the transaction), then resolves on the mini-block that carries the hash.
 */

import type { LocatedReceipt } from "../chain/chainView.ts";
import type { MiniBlock } from "../chain/miniBlock.ts";
import { miniBlockTxLocations } from "../chain/txLocation.ts";
import type { Hash, Receipt, Transaction } from "../chain/types.ts";
import type { RpcBackend } from "./backend.ts";

interface Waiter {
  resolve: (receipt: LocatedReceipt | undefined) => void;
  timer: NodeJS.Timeout;
}

export class ReceiptWaiter {
  readonly #backend: RpcBackend;
  readonly #waiters = new Map<Hash, Set<Waiter>>();

  constructor(backend: RpcBackend) {
    this.#backend = backend;
  }

  /** Resolves with the receipt, or `undefined` after `timeoutMs`. */
  wait(hash: Hash, timeoutMs: number): Promise<LocatedReceipt | undefined> {
    const known = this.#backend.getReceipt(hash);
    if (known) return Promise.resolve(known);
    return new Promise((resolve) => {
      let set = this.#waiters.get(hash);
      if (!set) {
        set = new Set();
        this.#waiters.set(hash, set);
      }
      const waiter: Waiter = {
        resolve,
        timer: setTimeout(() => {
          this.#remove(hash, waiter);
          resolve(undefined);
        }, timeoutMs),
      };
      set.add(waiter);
    });
  }

  onMiniBlock(miniBlock: MiniBlock): void {
    if (this.#waiters.size === 0) return;
    let locations: ReturnType<typeof miniBlockTxLocations> | undefined;
    for (let i = 0; i < miniBlock.transactions.length; i++) {
      const tx = miniBlock.transactions[i] as Transaction;
      const set = this.#waiters.get(tx.hash);
      if (!set) continue;
      locations ??= miniBlockTxLocations(miniBlock, this.#backend.pendingBlockEnv().baseFeePerGas);
      const located: LocatedReceipt = {
        tx,
        receipt: miniBlock.receipts[i] as Receipt,
        location: locations[i] as LocatedReceipt["location"],
      };
      this.#waiters.delete(tx.hash);
      for (const waiter of set) {
        clearTimeout(waiter.timer);
        waiter.resolve(located);
      }
    }
  }

  get pending(): number {
    return this.#waiters.size;
  }

  /** Resolves every waiter with `undefined` (server shutdown). */
  close(): void {
    for (const set of this.#waiters.values()) {
      for (const waiter of set) {
        clearTimeout(waiter.timer);
        waiter.resolve(undefined);
      }
    }
    this.#waiters.clear();
  }

  #remove(hash: Hash, waiter: Waiter): void {
    const set = this.#waiters.get(hash);
    if (!set) return;
    set.delete(waiter);
    if (set.size === 0) this.#waiters.delete(hash);
  }
}
