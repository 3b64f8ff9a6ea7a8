/**
 * Installed filters (`eth_newFilter`, `eth_newBlockFilter`, `eth_newPendingTransactionFilter`) polled with
 * `eth_getFilterChanges`. Block and pending-transaction filters buffer hashes from backend events (bounded);
 * log filters remember the next transaction to scan (block and index), so the open block's mini-blocks are served as
 * they seal and never twice (`ChainView`'s `latest` rule). Filters not polled within `filterTimeoutMs` are removed.
 */
import { randomBytes } from "node:crypto";
import type { Block, Hash, Transaction } from "../chain/types.ts";
import type { RpcBackend } from "./backend.ts";
import type { RpcLimits } from "./config.ts";
import { limitExceeded } from "./errors.ts";
import type { JsonObject } from "./format.ts";
import { collectLogs, type LogCriteria } from "./logs.ts";

export interface LogFilterSpec {
  readonly criteria: LogCriteria;
  /** Resolved bounds; `undefined` = follow the head. */
  readonly fromBlock: bigint | undefined;
  readonly toBlock: bigint | undefined;
}

type Filter =
  | {
      readonly kind: "logs";
      readonly spec: LogFilterSpec;
      /** The next log to deliver is in transaction `nextTx` of block `nextBlock` or later. */
      nextBlock: bigint;
      nextTx: number;
      lastPollMs: number;
    }
  | { readonly kind: "blocks" | "pendingTransactions"; hashes: Hash[]; lastPollMs: number };

export class FilterRegistry {
  readonly #backend: RpcBackend;
  readonly #limits: RpcLimits;
  readonly #filters = new Map<string, Filter>();
  readonly #sweep: NodeJS.Timeout;
  readonly #now: () => number;

  constructor(backend: RpcBackend, limits: RpcLimits, now: () => number = Date.now) {
    this.#backend = backend;
    this.#limits = limits;
    this.#now = now;
    this.#sweep = setInterval(() => this.expire(), Math.max(1000, Math.floor(limits.filterTimeoutMs / 2)));
    this.#sweep.unref();
  }

  get size(): number {
    return this.#filters.size;
  }

  newLogFilter(spec: LogFilterSpec): string {
    // Changes start after what exists now: the newest block's transactions so far are not "changes".
    const newest = this.#backend.newestBlockNumber();
    const seen = this.#backend.blockContents(newest)?.transactions.length ?? 0;
    const start =
      spec.fromBlock !== undefined && spec.fromBlock > newest
        ? { nextBlock: spec.fromBlock, nextTx: 0 }
        : { nextBlock: newest, nextTx: seen };
    return this.#install({ kind: "logs", spec, ...start, lastPollMs: this.#now() });
  }

  newBlockFilter(): string {
    return this.#install({ kind: "blocks", hashes: [], lastPollMs: this.#now() });
  }

  newPendingTransactionFilter(): string {
    return this.#install({ kind: "pendingTransactions", hashes: [], lastPollMs: this.#now() });
  }

  uninstall(id: string): boolean {
    return this.#filters.delete(id);
  }

  /** The log filter's spec (for `eth_getFilterLogs`), or undefined if `id` is not a log filter. */
  logFilter(id: string): LogFilterSpec | undefined {
    const filter = this.#filters.get(id);
    if (filter?.kind !== "logs") return undefined;
    filter.lastPollMs = this.#now();
    return filter.spec;
  }

  /** New items since the last poll; `undefined` for unknown ids. */
  changes(id: string): (Hash | JsonObject)[] | undefined {
    const filter = this.#filters.get(id);
    if (!filter) return undefined;
    filter.lastPollMs = this.#now();
    if (filter.kind !== "logs") {
      const out = filter.hashes;
      filter.hashes = [];
      return out;
    }
    const newest = this.#backend.newestBlockNumber();
    const to = filter.spec.toBlock !== undefined && filter.spec.toBlock < newest ? filter.spec.toBlock : newest;
    if (filter.nextBlock > to) return [];
    let last = to;
    if (last - filter.nextBlock + 1n > BigInt(this.#limits.maxLogsBlockRange)) {
      last = filter.nextBlock + BigInt(this.#limits.maxLogsBlockRange) - 1n;
    }
    const out: JsonObject[] = [];
    for (let number = filter.nextBlock; number <= last; number++) {
      const contents = this.#backend.blockContents(number);
      const fromTx = number === filter.nextBlock ? filter.nextTx : 0;
      if (contents && !collectLogs(contents, filter.spec.criteria, out, this.#limits.maxLogsResults, fromTx)) {
        throw limitExceeded(`query returned more than ${this.#limits.maxLogsResults} results`);
      }
      // Resume inside the newest block: it may be open and gain mini-blocks before the next poll.
      if (number === last) {
        filter.nextBlock = last;
        filter.nextTx = contents?.transactions.length ?? fromTx;
      }
    }
    return out;
  }

  onBlock(block: Block): void {
    this.#push("blocks", block.hash);
  }

  onPendingTransaction(tx: Transaction): void {
    this.#push("pendingTransactions", tx.hash);
  }

  /** Removes filters idle for longer than `filterTimeoutMs`. */
  expire(): void {
    const cutoff = this.#now() - this.#limits.filterTimeoutMs;
    for (const [id, filter] of this.#filters) if (filter.lastPollMs < cutoff) this.#filters.delete(id);
  }

  close(): void {
    clearInterval(this.#sweep);
    this.#filters.clear();
  }

  #push(kind: "blocks" | "pendingTransactions", hash: Hash): void {
    for (const filter of this.#filters.values()) {
      if (filter.kind !== kind) continue;
      filter.hashes.push(hash);
      if (filter.hashes.length > this.#limits.maxFilterBufferedItems) filter.hashes.shift();
    }
  }

  #install(filter: Filter): string {
    if (this.#filters.size >= this.#limits.maxFilters) throw limitExceeded("too many installed filters");
    const id = `0x${randomBytes(16).toString("hex")}`;
    this.#filters.set(id, filter);
    return id;
  }
}
