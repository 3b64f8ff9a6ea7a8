/**
 * The sequencer: orders and executes transactions against the in-RAM state, seals a mini-block as soon as it has
 * executed work (at most `miniBlockMs` of work per mini-block), writes it to the write-ahead log BEFORE anyone
 * learns of it, and seals an EVM block every `blockMs` with the mini-blocks since the last one.
 *
 *   block start (before its first transaction, or at its seal): L1 origin (L1Origins) ──► chain/'s block start
 *        (attributes deposit, the epoch's deposits) ──► mini-block 0 of the block (blockStart.ts), logged and emitted
 *        like any other
 *   pool ──peekExecutable──► execute (Executor over a recording StateWriter) ──► receipts + state diff
 *        ──► store.appendMiniBlock (durable) ──► emit "miniBlock" (RPC answers realtime sends here)
 *   every blockMs: state.commitBlock (incremental root) ──► header ──► store.putBlock ──► emit "block"
 *
 * All work runs on one serial queue, so mini-block production and block sealing never interleave.
 */
import { EventEmitter } from "node:events";
import { type BlockStart, chooseBlockStart } from "../chain/blockStart.ts";
import type { ChainConfig } from "../chain/config.ts";
import { type L1BlockInfo, l1BlockInfoOfBlock } from "../chain/l1BlockInfo.ts";
import type { MiniBlock } from "../chain/miniBlock.ts";
import { nextBlockEnv, nextBlockTimestamp } from "../chain/nextBlock.ts";
import { OpenBlock, type OpenBlockEnv } from "../chain/openBlock.ts";
import { buildReceipt } from "../chain/receipt.ts";
import { forcedBlockEnv, forcedBlockStart } from "../chain/sequencingWindow.ts";
import type { Block, Hash, Receipt, Transaction } from "../chain/types.ts";
import { TransactionRejectedError } from "../errors.ts";
import type { BlockEnv, ExecutionResult, Executor } from "../execution/types.ts";
import type { ChainStore } from "../state/store/chainStore.ts";
import type { Logger } from "../telemetry.ts";
import { executeBlockStart } from "./blockStart.ts";
import type { SequencerConfig } from "./config.ts";
import { withoutL1 } from "./l1Origins.ts";
import type { L1Origins, SequencerState, TxSource } from "./ports.ts";
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
  /** Where blocks' L1 origins come from (`L1EpochFollower`); default `withoutL1()`: one fixed epoch. */
  readonly l1?: L1Origins;
  /**
   * Whether blocks start with the L1-attributes deposit and their epoch's deposits (default true: every Mach chain).
   * False only for a standalone development chain with no L1 at all (`pnpm devnet --dev`), whose blocks then hold
   * only their users' transactions, as anvil's do, so that Ethereum-only tools read them.
   */
  readonly l1Attributes?: boolean;
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
  readonly #l1: L1Origins;
  /** L1 info of the newest started block (the head's until the open block starts; undefined at genesis). */
  #l1Info: L1BlockInfo | undefined;

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
    this.#l1 = options.l1 ?? withoutL1();
    this.#l1Info = this.#newestL1Info();
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
  /** The L1 origin of the newest started block (undefined before block 1 starts). */
  get l1Origin(): L1BlockInfo | undefined {
    return this.#l1Info;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#startFollowingL1();
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
    await this.#l1.stop();
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
    this.#followNewestL1Origin();
  }

  /** Dev chains: an empty open block takes the environment of the moment it is first used (as anvil's next block). */
  #refreshEmptyOpenBlock(): void {
    if (this.#options.dev !== undefined && this.#open.miniBlocks.length === 0)
      this.#open = new OpenBlock(this.#nextEnv());
  }

  /**
   * Queues one production run unless one is already waiting: the flag clears when the run starts, not when it is
   * queued. Cleared at queueing, every event-loop turn with new work under sustained load queued another run, each
   * good for one more mini-block once a block was due, so the block timer's seal waited behind a queue that only grew
   * (blocks every few seconds after minutes at 3,400 ERC-20 tx/s, while the pool filled).
   */
  #scheduleProduce(): void {
    if (this.#produceScheduled || this.#stopped) return;
    this.#produceScheduled = true;
    setImmediate(() => {
      if (this.#stopped) {
        this.#produceScheduled = false; // stopped meanwhile (the store may be closed already)
        return;
      }
      void this.#enqueue(() => {
        this.#produceScheduled = false;
        return this.#produceMiniBlocks();
      });
    });
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(async () => {
      if (this.#fatal) return;
      try {
        await task();
      } catch (error) {
        this.#halt(error instanceof Error ? error : new Error(String(error)));
      }
    });
    this.#queue = run;
    return run;
  }

  /** Stops for good on an unrecoverable error (a failing store, an L1 reorg deeper than the confirmation depth). */
  #halt(error: Error): void {
    if (this.#fatal) return;
    this.#fatal = error;
    this.#stopped = true;
    clearInterval(this.#blockTimer);
    this.#options.logger?.error({ err: error }, "sequencer stopped on an unrecoverable error");
    this.emit("fatal", error);
  }

  /** Executes and seals mini-blocks while executable transactions keep coming. */
  async #produceMiniBlocks(): Promise<void> {
    await this.#sealCatchUpBlocks();
    this.#refreshEmptyOpenBlock();
    if (!(await this.#startBlockForWork())) return;
    const { maxMiniBlockTransactions, miniBlockMs } = this.#options.config;
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
    await this.#sealCatchUpBlocks();
    this.#refreshEmptyOpenBlock();
    if (!(await this.#ensureBlockStarted())) return;
    await this.#sealOpenBlock();
    // Work held back by a full block goes into the new one.
    this.#scheduleProduce();
  }

  /**
   * Force inclusion (`chain/sequencingWindow.ts`): while the next epoch must be caught up (half its sequencing window
   * gone) and is read, seals its deposit-only block, the block derivation would force there. Only on an empty open
   * block: a block under way seals as it is, and the next one catches up.
   */
  async #sealCatchUpBlocks(): Promise<void> {
    if (this.#options.l1Attributes === false) return;
    for (;;) {
      if (this.#open.miniBlocks.length > 0) return;
      const epoch = this.#l1.catchUp(this.#l1Info)?.epoch;
      if (epoch === undefined) return;
      this.#open = new OpenBlock(forcedBlockEnv(this.#head, this.#options.chain, epoch.origin));
      const start = forcedBlockStart(this.#l1Info, epoch, this.#open.env.timestamp, this.#l1.l1StartBlock);
      await this.#startBlock(start);
      this.#options.logger?.warn(
        {
          block: this.#open.env.number.toString(),
          l1Block: epoch.origin.number.toString(),
          deposits: epoch.deposits.length,
        },
        "catching up with L1 within the sequencing window: sealed a deposit-only block",
      );
      await this.#sealOpenBlock();
    }
  }

  async #sealOpenBlock(): Promise<void> {
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
  }

  // --- Block start (L1 origin and deposits): mini-block 0 of every block, before any user transaction. ---

  /** The L1 info of the newest started block: the recovered open block's, else the head's (none at genesis). */
  #newestL1Info(): L1BlockInfo | undefined {
    if (this.#options.l1Attributes === false) return undefined;
    const recovered = this.#open.miniBlocks[0];
    if (recovered !== undefined) return l1BlockInfoOfBlock(recovered);
    return this.#head.header.number === 0n ? undefined : l1BlockInfoOfBlock(this.#head);
  }

  /** Takes the L1 origin from the newest block (at start; after the chain was taken back to an earlier head). */
  #followNewestL1Origin(): void {
    this.#l1Info = this.#newestL1Info();
    this.#l1.followed(this.#l1Info);
  }

  #startFollowingL1(): void {
    this.#followNewestL1Origin();
    // Work that waited for block 1's L1 start block can go now.
    this.#l1.start({ epochReady: () => this.#scheduleProduce(), fatal: (error) => this.#halt(error) });
  }

  /**
   * Starts the open block only when there is work for it: a block starts when its first transaction comes or when it
   * seals, so `latest` stays the sealed head while nothing happens.
   */
  async #startBlockForWork(): Promise<boolean> {
    if (this.#open.miniBlocks.length > 0) return true;
    const probe = this.#options.txs.takeExecutable(1);
    if (probe.length === 0) return false;
    this.#options.txs.release(probe);
    return this.#ensureBlockStarted();
  }

  /**
   * Starts the open block if it has no mini-block yet (before its first transaction, or when it seals): its start
   * transactions (`blockStart.ts`) become its first mini-block, logged before anyone hears of it. False when it cannot start yet (block 1 before L1 gave its
   * start block). Throws `L1OriginError` when L1's next block does not build on the parent's origin.
   */
  async #ensureBlockStarted(): Promise<boolean> {
    const open = this.#open;
    if (open.miniBlocks.length > 0 || this.#options.l1Attributes === false) return true;
    const parent = this.#l1Info;
    // Catching up: only deposit-only blocks start until the chain is back within the sequencing window.
    if (this.#l1.catchUp(parent) !== undefined) return false;
    const start = chooseBlockStart(parent, this.#l1.nextEpoch(parent), open.env.timestamp, this.#l1.l1StartBlock);
    if (start === undefined) return false;
    await this.#startBlock(start);
    return true;
  }

  /** Executes `start` into the open block's first mini-block, logs it and follows its L1 origin. */
  async #startBlock(start: BlockStart): Promise<void> {
    const open = this.#open;
    const started = this.#now();
    const miniBlock = await executeBlockStart({
      start,
      open,
      env: this.#blockEnv(open.env),
      executor: this.#options.executor,
      state: this.#options.state,
      timestampUs: BigInt(this.#now()) * 1000n,
    });
    await this.#options.store.appendMiniBlock(miniBlock);
    open.add(miniBlock);
    this.#l1Info = start.info;
    this.#l1.followed(start.info);
    this.#options.metrics?.miniBlocksSealed(1, miniBlock.transactions.length, (this.#now() - started) / 1000);
    this.emit("miniBlock", miniBlock);
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
