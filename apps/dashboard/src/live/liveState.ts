/**
 * Everything the page shows live, folded from the node's streams (`miniBlocks`, `newHeads`) and the `mach_status`
 * poll. Keeps short newest-first lists for the feeds, per-second activity for the chart, mini-block intervals for
 * their percentiles, and which mini-block carried each recent transaction (for the lookup's state diff). Bounded
 * in memory whatever the load. A mini-block number going backwards means the devnet restarted: everything resets.
 */
import type { MachStatus, MiniBlockPayload, NewHead } from "../api.ts";
import { quantityToBigInt, quantityToNumber } from "../format.ts";
import { ActivitySeries } from "./activitySeries.ts";
import { SampleRing } from "./quantiles.ts";

export interface MiniBlockSummary {
  readonly number: number;
  readonly blockNumber: number;
  readonly index: number;
  /** Unix ms (from the node's µs timestamp). */
  readonly timestampMs: number;
  readonly transactions: number;
  readonly gasUsed: number;
  /** Size of the notification as received. */
  readonly bytes: number;
  /** Time since the previous mini-block; `null` for the first one seen. */
  readonly intervalMs: number | null;
}

export interface TransactionSummary {
  readonly hash: string;
  readonly from: string;
  readonly to: string | null;
  readonly value: bigint;
  readonly success: boolean;
  readonly gasUsed: number;
  readonly logs: number;
  readonly contractAddress: string | null;
  readonly miniBlockNumber: number;
  readonly blockNumber: number;
}

export interface BlockSummary {
  readonly number: number;
  readonly hash: string;
  readonly timestampMs: number;
  readonly gasUsed: number;
  readonly miniBlockCount: number;
  /** `null` when the page did not see all of the block's mini-blocks. */
  readonly transactions: number | null;
}

export interface LiveStateLimits {
  readonly miniBlocks?: number;
  readonly transactions?: number;
  readonly blocks?: number;
  readonly rememberedTransactions?: number;
  readonly intervals?: number;
  readonly horizonSeconds?: number;
}

/** Running totals of one block's mini-blocks as they stream in. */
interface BlockTally {
  transactions: number;
  miniBlocks: number;
  sawFirst: boolean;
}

export class LiveState {
  readonly activity: ActivitySeries;
  readonly intervals: SampleRing;
  /** Newest first. */
  miniBlocks: MiniBlockSummary[] = [];
  transactions: TransactionSummary[] = [];
  blocks: BlockSummary[] = [];
  status: MachStatus | undefined;
  /** Node clock minus page clock, from the last status. */
  clockOffsetMs = 0;
  miniBlocksSeen = 0;
  transactionsSeen = 0;
  /** Unix ms when the first mini-block of this chain was seen (rates cover no more than that). */
  firstSeenAtMs: number | undefined;
  /** Bumped on every change (the view re-renders when it moved). */
  version = 0;

  readonly #limits: Required<LiveStateLimits>;
  readonly #miniBlockOfTx = new Map<string, number>();
  readonly #blockTallies = new Map<number, BlockTally>();
  #lastMiniBlock: { number: number; timestampMs: number } | undefined;

  constructor(limits: LiveStateLimits = {}) {
    this.#limits = {
      miniBlocks: 12,
      transactions: 10,
      blocks: 8,
      rememberedTransactions: 50_000,
      intervals: 2_000,
      horizonSeconds: 300,
      ...limits,
    };
    this.activity = new ActivitySeries(this.#limits.horizonSeconds);
    this.intervals = new SampleRing(this.#limits.intervals);
  }

  /** Newest mini-block number seen on the stream or in a status, if any. */
  get headMiniBlockNumber(): number | undefined {
    const fromStatus = quantityToNumber(this.status?.head.miniBlockNumber);
    const fromStream = this.#lastMiniBlock?.number;
    if (fromStatus === undefined) return fromStream;
    return fromStream === undefined ? fromStatus : Math.max(fromStatus, fromStream);
  }

  /** The page's clock moved onto the node's. */
  nodeNow(localNowMs: number): number {
    return localNowMs + this.clockOffsetMs;
  }

  /** The mini-block that carried a transaction the page saw stream by. */
  miniBlockOf(hash: string): number | undefined {
    return this.#miniBlockOfTx.get(hash.toLowerCase());
  }

  onMiniBlock(payload: MiniBlockPayload, bytes: number, receivedAtMs: number): void {
    const number = quantityToNumber(payload.mini_block_number) ?? 0;
    const last = this.#lastMiniBlock;
    if (last && number < last.number) this.reset();
    const timestampMs = Number((quantityToBigInt(payload.mini_block_timestamp) ?? 0n) / 1000n);
    const blockNumber = quantityToNumber(payload.block_number) ?? 0;
    const index = quantityToNumber(payload.index) ?? 0;
    const gasUsed = quantityToNumber(payload.gas_used) ?? 0;
    const intervalMs = last && number === last.number + 1 ? timestampMs - last.timestampMs : null;
    if (intervalMs !== null) this.intervals.push(intervalMs);
    this.#lastMiniBlock = { number, timestampMs };
    this.firstSeenAtMs ??= receivedAtMs;
    this.miniBlocksSeen++;
    this.transactionsSeen += payload.transactions.length;
    this.activity.record(timestampMs, payload.transactions.length, gasUsed);
    this.#tallyBlock(blockNumber, index, payload.transactions.length);

    this.miniBlocks = [
      {
        number,
        blockNumber,
        index,
        timestampMs,
        transactions: payload.transactions.length,
        gasUsed,
        bytes,
        intervalMs,
      },
      ...this.miniBlocks,
    ].slice(0, this.#limits.miniBlocks);

    for (const tx of payload.transactions) this.#remember(tx.hash, number);
    const arrived: TransactionSummary[] = [];
    const oldestShown = Math.max(0, payload.transactions.length - this.#limits.transactions);
    for (let i = payload.transactions.length - 1; i >= oldestShown; i--) {
      const tx = payload.transactions[i];
      const receipt = payload.receipts[i];
      if (!tx) continue;
      arrived.push({
        hash: tx.hash,
        from: tx.from,
        to: tx.to,
        value: quantityToBigInt(tx.value) ?? 0n,
        success: receipt?.status === "0x1",
        gasUsed: quantityToNumber(receipt?.gasUsed) ?? 0,
        logs: receipt?.logs.length ?? 0,
        contractAddress: receipt?.contractAddress ?? null,
        miniBlockNumber: number,
        blockNumber,
      });
    }
    if (arrived.length > 0) this.transactions = [...arrived, ...this.transactions].slice(0, this.#limits.transactions);
    this.version++;
  }

  onHead(head: NewHead): void {
    const number = quantityToNumber(head.number) ?? 0;
    const newest = this.blocks[0];
    if (newest && number < newest.number) this.reset();
    const miniBlockCount = quantityToNumber(head.miniBlockCount) ?? 0;
    const tally = this.#blockTallies.get(number);
    this.blocks = [
      {
        number,
        hash: head.hash,
        timestampMs: (quantityToNumber(head.timestamp) ?? 0) * 1000,
        gasUsed: quantityToNumber(head.gasUsed) ?? 0,
        miniBlockCount,
        transactions:
          tally?.sawFirst && tally.miniBlocks === miniBlockCount ? tally.transactions : miniBlockCount === 0 ? 0 : null,
      },
      ...this.blocks.filter((block) => block.number !== number),
    ].slice(0, this.#limits.blocks);
    for (const key of this.#blockTallies.keys()) if (key <= number) this.#blockTallies.delete(key);
    this.version++;
  }

  onStatus(status: MachStatus, receivedAtMs: number): void {
    const previous = quantityToNumber(this.status?.head.miniBlockNumber);
    const next = quantityToNumber(status.head.miniBlockNumber);
    if (previous !== undefined && next !== undefined && next < previous) this.reset();
    this.status = status;
    this.clockOffsetMs = status.serverTimeMs - receivedAtMs;
    this.version++;
  }

  /** Forgets everything seen (the devnet restarted from genesis). */
  reset(): void {
    this.miniBlocks = [];
    this.transactions = [];
    this.blocks = [];
    this.status = undefined;
    this.miniBlocksSeen = 0;
    this.transactionsSeen = 0;
    this.firstSeenAtMs = undefined;
    this.activity.clear();
    this.intervals.clear();
    this.#miniBlockOfTx.clear();
    this.#blockTallies.clear();
    this.#lastMiniBlock = undefined;
    this.version++;
  }

  #remember(hash: string, miniBlockNumber: number): void {
    if (this.#miniBlockOfTx.size >= this.#limits.rememberedTransactions) {
      const oldest = this.#miniBlockOfTx.keys().next();
      if (!oldest.done) this.#miniBlockOfTx.delete(oldest.value);
    }
    this.#miniBlockOfTx.set(hash.toLowerCase(), miniBlockNumber);
  }

  #tallyBlock(blockNumber: number, index: number, transactions: number): void {
    let tally = this.#blockTallies.get(blockNumber);
    if (!tally) {
      // Heads that never came (a dropped subscription) leave tallies behind: keep the newest few.
      if (this.#blockTallies.size >= 64) this.#blockTallies.delete(Math.min(...this.#blockTallies.keys()));
      tally = { transactions: 0, miniBlocks: 0, sawFirst: index === 0 };
      this.#blockTallies.set(blockNumber, tally);
    }
    tally.transactions += transactions;
    tally.miniBlocks++;
  }
}
