/**
 * The sequencer: orders and executes transactions against the in-RAM state, seals a mini-block as soon as it has
 * executed work (at most `miniBlockMs` of work per mini-block), writes it to the write-ahead log BEFORE anyone
 * learns of it, and seals an EVM block every `blockMs` with the mini-blocks since the last one.
 *
 *   pool ──peekExecutable──► execute (Executor over a recording StateWriter) ──► receipts + state diff
 *        ──► store.appendMiniBlock (durable) ──► emit "miniBlock" (RPC answers realtime sends here)
 *   every blockMs: state.commitBlock (incremental root) ──► header ──► store.putBlock ──► emit "block"
 *
 * All work runs on one serial queue, so mini-block production and block sealing never interleave.
 */
import { EventEmitter } from "node:events";
import type { ChainConfig } from "../chain/config.ts";
import type { MiniBlock } from "../chain/miniBlock.ts";
import { nextBlockEnv, nextBlockTimestamp } from "../chain/nextBlock.ts";
import { OpenBlock, type OpenBlockEnv } from "../chain/openBlock.ts";
import { buildReceipt } from "../chain/receipt.ts";
import type { Block, Hash, Receipt, Transaction } from "../chain/types.ts";
import { TransactionRejectedError } from "../errors.ts";
import type { BlockEnv, ExecutionResult, Executor } from "../execution/types.ts";
import type { ChainStore } from "../state/store/chainStore.ts";
import type { Logger } from "../telemetry.ts";
import type { SequencerConfig } from "./config.ts";
import type { SequencerState, TxSource } from "./ports.ts";
import type { SequencerEvents } from "./types.ts";

/** Most transactions taken from the pool at once while a mini-block fills. */
const TAKE_CHUNK = 128;

/** Counters the node exports as Prometheus metrics (`node/metrics.ts` fills them). */
export interface SequencerMetrics {
  miniBlocksSealed(count: number, txs: number, seconds: number): void;
  blockSealed(txs: number, gasUsed: bigint, stateRootSeconds: number): void;
  transactionRejected(reason: string): void;
}

/**
 * Development hooks (dev nodes only: `node/dev/` supplies them; production leaves them unset). Kept apart so the
 * production path reads the same with or without them.
 */
export interface SequencerDevHooks {
  /** Adjusts the environment of a block as it opens (dev timestamps, coinbase, gas limit, base fee). */
  blockEnv(env: OpenBlockEnv, parent: Block, nowSeconds: bigint): OpenBlockEnv;
  /** anvil's automine: seal a block right after each mini-block. */
  automine(): boolean;
}

export interface SequencerOptions {
  readonly chain: ChainConfig;
  readonly config: SequencerConfig;
  readonly executor: Executor;
  readonly state: SequencerState;
  readonly txs: TxSource;
  readonly store: ChainStore;
  /** The newest sealed block (genesis on a new chain). */
  readonly head: Block;
  /** Mini-blocks of the unsealed block recovered from the write-ahead log after a restart. */
  readonly recoveredMiniBlocks?: readonly MiniBlock[];
  readonly logger?: Logger;
  readonly metrics?: SequencerMetrics;
  /** Called after each sealed block, e.g. to write a snapshot or feed the batcher. */
  readonly onBlockSealed?: (block: Block, receipts: readonly Receipt[]) => Promise<void> | void;
  /** Clock in milliseconds (tests inject one). */
  readonly now?: () => number;
  /** Development hooks; see `SequencerDevHooks`. */
  readonly dev?: SequencerDevHooks;
}

export class Sequencer extends EventEmitter<{ [K in keyof SequencerEvents]: Parameters<SequencerEvents[K]> }> {
  readonly #options: SequencerOptions;
  readonly #now: () => number;
  #head: Block;
  #open: OpenBlock;
  #queue: Promise<void> = Promise.resolve();
  #blockMs: number;
  #produceScheduled = false;
  /** The block timer fired: mini-block production yields so the seal queued behind it runs on time. */
  #sealDue = false;
  #blockTimer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;
  #stopped = true;
  #fatal: Error | undefined;
  readonly #recentHashes = new Map<bigint, Hash>();

  constructor(options: SequencerOptions) {
    super();
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#blockMs = options.config.blockMs;
    this.#head = options.head;
    this.#rememberHash(options.head);
    const recovered = options.recoveredMiniBlocks ?? [];
    this.#open = new OpenBlock(this.#nextEnv(recovered[0]?.blockTimestamp));
    for (const miniBlock of recovered) this.#open.add(miniBlock);
  }

  get head(): Block {
    return this.#head;
  }
  get openBlock(): OpenBlock {
    return this.#open;
  }
  /** The newest mini-block, sealed or recovered; undefined right after a block seals. */
  get latestMiniBlock(): MiniBlock | undefined {
    return this.#open.miniBlocks.at(-1);
  }
  /** Set when the sequencer stopped on an unrecoverable error (e.g. the store failed). */
  get fatalError(): Error | undefined {
    return this.#fatal;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#unsubscribe = this.#options.txs.onPending(() => this.#scheduleProduce());
    this.#startBlockTimer();
    this.#scheduleProduce();
  }

  #startBlockTimer(): void {
    clearInterval(this.#blockTimer);
    this.#blockTimer = undefined;
    if (this.#blockMs <= 0) return;
    this.#blockTimer = setInterval(() => {
      this.#sealDue = true;
      void this.#enqueue(() => this.#sealBlock());
    }, this.#blockMs);
  }

  /** Stops producing; waits for work in flight. Does not seal the open block (its mini-blocks are in the log). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#blockTimer);
    this.#unsubscribe?.();
    await this.#queue;
  }

  /** Seals the open block now (tests, shutdown of a dev chain). */
  sealBlockNow(): Promise<void> {
    return this.#enqueue(() => this.#sealBlock());
  }

  /** Runs one round of mini-block production now (tests). */
  produceNow(): Promise<void> {
    return this.#enqueue(() => this.#produceMiniBlocks());
  }

  /** BLOCKHASH for the EVM: the 256 most recent sealed blocks. */
  blockHash(number: bigint): Hash | undefined {
    return this.#recentHashes.get(number);
  }

  /** The block environment a call sees at the newest mini-block. */
  pendingBlockEnv(): BlockEnv {
    return this.#blockEnv(this.#open.env);
  }

  // --- Development controls (dev nodes only; see `SequencerDevHooks`) ---

  /** Interval mining: seal a block every `blockMs` (0: only when asked or, with automine, after each mini-block). */
  setBlockInterval(blockMs: number): void {
    this.#blockMs = blockMs;
    if (!this.#stopped) this.#startBlockTimer();
  }

  get blockIntervalMs(): number {
    return this.#blockMs;
  }

  /** Runs `task` on the serial queue, between mini-blocks and blocks; unlike production work, its errors go to the caller. */
  runExclusive<T>(task: () => Promise<T> | T): Promise<T> {
    const run = this.#queue.then(task);
    this.#queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /**
   * Makes `head` the newest sealed block and opens the next block (with `open`'s environment and mini-blocks when
   * given): a development chain went back to a snapshot. Call inside `runExclusive`, after the state and the store
   * went back.
   */
  adoptHead(head: Block, open?: { readonly env: OpenBlockEnv; readonly miniBlocks: readonly MiniBlock[] }): void {
    this.#head = head;
    for (const number of [...this.#recentHashes.keys()])
      if (number > head.header.number) this.#recentHashes.delete(number);
    this.#rememberHash(head);
    this.#open = new OpenBlock(open?.env ?? this.#nextEnv());
    for (const miniBlock of open?.miniBlocks ?? []) this.#open.add(miniBlock);
  }

  /** Dev chains: an empty open block takes the environment of the moment it is first used (as anvil's next block). */
  #refreshEmptyOpenBlock(): void {
    if (this.#options.dev !== undefined && this.#open.miniBlocks.length === 0)
      this.#open = new OpenBlock(this.#nextEnv());
  }

  #scheduleProduce(): void {
    if (this.#produceScheduled || this.#stopped) return;
    this.#produceScheduled = true;
    setImmediate(() => {
      this.#produceScheduled = false;
      if (this.#stopped) return; // stopped meanwhile (the store may be closed already)
      void this.#enqueue(() => this.#produceMiniBlocks());
    });
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(async () => {
      if (this.#fatal) return;
      try {
        await task();
      } catch (error) {
        this.#fatal = error instanceof Error ? error : new Error(String(error));
        this.#stopped = true;
        clearInterval(this.#blockTimer);
        this.#options.logger?.error({ err: this.#fatal }, "sequencer stopped on an unrecoverable error");
        this.emit("fatal", this.#fatal);
      }
    });
    this.#queue = run;
    return run;
  }

  /** Executes and seals mini-blocks while executable transactions keep coming. */
  async #produceMiniBlocks(): Promise<void> {
    const { maxMiniBlockTransactions, miniBlockMs } = this.#options.config;
    this.#refreshEmptyOpenBlock();
    for (;;) {
      const started = this.#now();
      const writer = this.#options.state.beginMiniBlock();
      const included: Transaction[] = [];
      const receipts: Receipt[] = [];
      let gasUsed = 0n;
      let logs = this.#open.logCount;
      const env = this.#blockEnv(this.#open.env);
      const gasLimit = this.#open.env.gasLimit;
      // Keep taking work until the pool is drained, the mini-block's time is up, or the block is full.
      while (included.length < maxMiniBlockTransactions && this.#now() - started < miniBlockMs) {
        // Small takes: a mini-block's time budget fits tens to hundreds of transactions, and whatever is taken but
        // not run goes back to the pool (a large take mostly churned the pool's heap).
        const batch = this.#options.txs.takeExecutable(
          Math.min(maxMiniBlockTransactions - included.length, TAKE_CHUNK),
        );
        if (batch.length === 0) break;
        let progressed = false;
        const batchIncluded: Transaction[] = [];
        for (const [position, tx] of batch.entries()) {
          if (this.#open.gasUsed + gasUsed + tx.gasLimit > gasLimit || this.#now() - started >= miniBlockMs) {
            // The block is full or the mini-block's time is up: the rest goes into the next one.
            this.#options.txs.release(batch.slice(position));
            break;
          }
          let result: ExecutionResult;
          try {
            result = await this.#options.executor.executeTransaction(writer, tx, env);
          } catch (error) {
            if (!(error instanceof TransactionRejectedError)) throw error;
            this.#options.txs.markRejected(tx, error);
            this.#options.metrics?.transactionRejected(error.reason);
            progressed = true;
            continue;
          }
          gasUsed += result.gasUsed;
          receipts.push(buildReceipt(result, this.#open.gasUsed + gasUsed));
          logs += result.logs.length;
          included.push(tx);
          batchIncluded.push(tx);
          progressed = true;
        }
        // Mark what ran so the next peek returns successors, even before the mini-block seals.
        this.#options.txs.markIncluded(batchIncluded);
        if (!progressed) break;
      }
      const stateDiff = this.#options.state.endMiniBlock();
      if (included.length === 0) return;
      const miniBlock = this.#open.buildMiniBlock({
        transactions: included,
        receipts,
        stateDiff,
        timestampUs: BigInt(this.#now()) * 1000n,
      });
      await this.#options.store.appendMiniBlock(miniBlock);
      this.#open.add(miniBlock);
      this.#options.metrics?.miniBlocksSealed(1, included.length, (this.#now() - started) / 1000);
      this.emit("miniBlock", miniBlock);
      if (logs !== this.#open.logCount) throw new Error("sequencer: log index bookkeeping diverged");
      if (this.#options.dev?.automine()) await this.#sealBlock();
      // Under sustained load the pool never drains: without yielding, the block would wait for it.
      if (this.#stopped || this.#sealDue) return;
    }
  }

  async #sealBlock(): Promise<void> {
    this.#sealDue = false;
    this.#refreshEmptyOpenBlock();
    const open = this.#open;
    const rootStarted = performance.now();
    const stateRoot = this.#options.state.commitBlock(open.env.number);
    const stateRootSeconds = (performance.now() - rootStarted) / 1000;
    const block = open.seal(stateRoot);
    await this.#options.store.putBlock(block, open.receipts);
    this.#head = block;
    this.#rememberHash(block);
    this.#open = new OpenBlock(this.#nextEnv());
    this.#options.metrics?.blockSealed(block.transactions.length, block.header.gasUsed, stateRootSeconds);
    this.emit("block", block, open.receipts);
    await this.#options.onBlockSealed?.(block, open.receipts);
    // Work held back by a full block goes into the new one.
    this.#scheduleProduce();
  }

  /** The environment of the block after the head. `timestamp` is forced when resuming recovered mini-blocks. */
  #nextEnv(timestamp?: bigint): OpenBlockEnv {
    const nowSeconds = BigInt(Math.floor(this.#now() / 1000));
    const env = nextBlockEnv(this.#head, this.#options.chain, {
      timestamp: timestamp ?? nextBlockTimestamp(this.#head, nowSeconds),
      coinbase: this.#options.config.feeRecipient,
    });
    const dev = this.#options.dev;
    return dev === undefined || timestamp !== undefined ? env : dev.blockEnv(env, this.#head, nowSeconds);
  }

  #blockEnv(env: OpenBlockEnv): BlockEnv {
    return {
      chainId: this.#options.chain.chainId,
      number: env.number,
      timestamp: env.timestamp,
      gasLimit: env.gasLimit,
      baseFeePerGas: env.baseFeePerGas,
      coinbase: env.coinbase,
      prevRandao: env.prevRandao,
      getBlockHash: (number) => this.blockHash(number),
    };
  }

  #rememberHash(block: Block): void {
    this.#recentHashes.set(block.header.number, block.hash);
    this.#recentHashes.delete(block.header.number - 257n);
  }
}
