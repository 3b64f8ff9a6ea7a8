/**
 * The deriver: rebuilds the chain from L1 and DA alone. It reads the batch records L1 holds, a confirmation depth
 * behind the L1 head and in L1 order, fetches each record's batch from DA (`batchFetch.ts`), and re-executes every
 * block of it by chain/'s rules (`blockDerivation.ts`) into its own state, checking each block's state root and
 * hash against the batch. A record that breaks a rule (index.ts) is rejected from the offending block on, its writes
 * undone, and derivation waits for a later record carrying the next block; a transient L1 or DA failure is retried
 * from the same record. Nothing a batch holds stops the deriver.
 *
 *   L1BatchReader.readBatches ─► record ─order─► fetchBatch (DA) ─► per block: deriveBlock (DepositSource for epochs)
 *        ─► onBlockDerived (node/: store, snapshots) ─► head moves ─► "block"
 *                                 └─ BatchRejectedError ─► state.discardOpenBlock ─► "rejected"
 *
 * Derivation sees sealed blocks only: it is a `LiveChain` without an open block. Work runs on one serial queue.
 */
import { EventEmitter } from "node:events";
import type { L1Epoch } from "../chain/blockStart.ts";
import type { ChainConfig } from "../chain/config.ts";
import { type L1BlockInfo, l1BlockInfoOfBlock } from "../chain/l1BlockInfo.ts";
import type { MiniBlock } from "../chain/miniBlock.ts";
import type { OpenBlock } from "../chain/openBlock.ts";
import { isWindowPassed, nextEpochNumber, windowDeadline } from "../chain/sequencingWindow.ts";
import type { Block, Hash, Receipt } from "../chain/types.ts";
import type { Batch } from "../da/batch.ts";
import type { DataAvailability } from "../da/types.ts";
import { MachError } from "../errors.ts";
import type { Executor } from "../execution/types.ts";
import type { DepositSource, L1BatchReader, RecordedBatch } from "../settlement/ports.ts";
import type { ChainState } from "../state/chainState.ts";
import type { Logger } from "../telemetry.ts";
import { fetchBatch } from "./batchFetch.ts";
import { type DerivedBlock, deriveBlock } from "./blockDerivation.ts";
import type { DerivationConfig } from "./config.ts";
import { deriveForcedBlock } from "./forcedBlock.ts";
import { BatchRejectedError, type BatchRejection } from "./rejection.ts";

/**
 * L1 does not hold a block derivation has read past (an L1 node that lost blocks, or is resyncing): transient, the
 * same L1 range is read again.
 */
export class DerivationL1Error extends MachError {
  override name = "DerivationL1Error";
  readonly kind = "transient";
}

/** What the node exports as Prometheus metrics (`node/metrics.ts` fills them). */
export interface DeriverMetrics {
  blockDerived(blockNumber: bigint, txs: number, seconds: number): void;
  batchRejected(reason: BatchRejection["reason"]): void;
}

export interface DeriverOptions {
  readonly chain: ChainConfig;
  readonly config: Pick<
    DerivationConfig,
    "l1ConfirmationDepth" | "pollIntervalMs" | "maxL1BlocksPerRead" | "retryDelayMs"
  >;
  readonly executor: Executor;
  readonly state: ChainState;
  /** The newest derived block (genesis on a new store). */
  readonly head: Block;
  readonly batches: L1BatchReader;
  readonly deposits: DepositSource;
  readonly da: DataAvailability;
  /** Hashes of derived blocks older than this run's (BLOCKHASH, repeated blocks after a restart). */
  readonly blockHashAt?: (number: bigint) => Hash | undefined;
  /** Called for each derived block before it becomes the head (node/ stores it). */
  readonly onBlockDerived?: (block: Block, receipts: readonly Receipt[]) => Promise<void> | void;
  readonly logger?: Logger;
  readonly metrics?: DeriverMetrics;
  /** A development chain's block content and environment (see `DeriveBlockParameters.devChain`). */
  readonly devChain?: boolean;
}

export interface DeriverEvents {
  miniBlock: [MiniBlock];
  block: [Block, readonly Receipt[]];
  rejected: [BatchRejection];
}

/** Where derivation stands (`mach_status`, tests). */
export interface DeriverProgress {
  readonly headBlock: bigint;
  /** The next L1 block whose batch records are read. */
  readonly nextL1Block: bigint;
  readonly rejectedBatches: number;
  /** Deposit-only blocks derived for epochs that passed their sequencing window (force inclusion). */
  readonly forcedBlocks: number;
}

export class Deriver extends EventEmitter<DeriverEvents> {
  readonly #options: DeriverOptions;
  #head: Block;
  #headInfo: L1BlockInfo | undefined;
  #nextL1Block: bigint;
  /** Records before this index were handled (derived or rejected). */
  #nextBatchIndex = 0n;
  #rejected = 0;
  #forced = 0;
  readonly #recentHashes = new Map<bigint, Hash>();
  #queue: Promise<unknown> = Promise.resolve();
  #running = false;
  #stopping = false;
  #timer: NodeJS.Timeout | undefined;
  #wake: (() => void) | undefined;

  constructor(options: DeriverOptions) {
    super();
    this.#options = options;
    this.#head = options.head;
    this.#headInfo = options.head.header.number === 0n ? undefined : l1BlockInfoOfBlock(options.head);
    this.#nextL1Block = options.chain.l1StartBlock;
    this.#remember(options.head);
  }

  get head(): Block {
    return this.#head;
  }
  /** Derivation sees sealed blocks only. */
  get openBlock(): OpenBlock | undefined {
    return undefined;
  }
  get progress(): DeriverProgress {
    return {
      headBlock: this.#head.header.number,
      nextL1Block: this.#nextL1Block,
      rejectedBatches: this.#rejected,
      forcedBlocks: this.#forced,
    };
  }

  /** Follows L1: catches up, then polls every `pollIntervalMs`; failures are logged and retried. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#stopping = false;
    void this.#loop();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#stopping = true;
    clearTimeout(this.#timer);
    this.#wake?.();
    await this.#queue;
  }

  async #loop(): Promise<void> {
    while (this.#running) {
      let delayMs = this.#options.config.pollIntervalMs;
      try {
        const { caughtUp } = await this.syncOnce();
        if (!caughtUp) delayMs = 0;
      } catch (error) {
        // L1 and DA errors say whether they are transient; anything else is unexpected, and retried all the same
        // (skipping a record could make the derived chain diverge).
        const transient = (error as { kind?: unknown }).kind === "transient";
        this.#options.logger?.[transient ? "warn" : "error"]({ err: error }, "derivation failed; retrying the record");
        delayMs = this.#options.config.retryDelayMs;
      }
      if (!this.#running) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        this.#timer = setTimeout(resolve, delayMs);
      });
    }
  }

  /**
   * Reads the next window of L1 blocks (at most `maxL1BlocksPerRead`, up to the confirmed L1 head) and derives what
   * its records carry. Throws on a transient L1 or DA failure (the same records are read again next time).
   */
  syncOnce(): Promise<{ readonly caughtUp: boolean }> {
    const run = this.#queue.then(() => this.#syncOnce());
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #syncOnce(): Promise<{ readonly caughtUp: boolean }> {
    const { batches, deposits, config } = this.#options;
    const confirmed = (await deposits.headNumber()) - BigInt(config.l1ConfirmationDepth);
    const from = this.#nextL1Block;
    if (confirmed < from) return { caughtUp: true };
    const to =
      confirmed - from + 1n > BigInt(config.maxL1BlocksPerRead)
        ? from + BigInt(config.maxL1BlocksPerRead) - 1n
        : confirmed;
    const records = [...(await batches.readBatches({ fromL1Block: from, toL1Block: to }))].sort((a, b) =>
      a.batchIndex < b.batchIndex ? -1 : a.batchIndex > b.batchIndex ? 1 : 0,
    );
    for (const record of records) {
      // Stopping: the rest waits for the next start (records are skipped by index, never applied twice).
      if (this.#stopping) return { caughtUp: false };
      if (record.batchIndex < this.#nextBatchIndex) continue;
      // L1 blocks before this record are read in full: epochs whose window they close are forced first.
      await this.#forcePassedEpochs(record.l1BlockNumber - 1n);
      await this.#applyRecord(record);
      this.#nextBatchIndex = record.batchIndex + 1n;
    }
    if (this.#stopping) return { caughtUp: false };
    await this.#forcePassedEpochs(to);
    this.#nextL1Block = to + 1n;
    return { caughtUp: to === confirmed };
  }

  async #applyRecord(record: RecordedBatch): Promise<void> {
    const head = this.#head.header.number;
    if (record.lastBlock <= head) {
      this.#reject(
        record,
        record.firstBlock,
        new BatchRejectedError("duplicate", `blocks ${record.firstBlock}..${record.lastBlock} are derived already`),
      );
      return;
    }
    if (record.firstBlock > head + 1n) {
      this.#reject(
        record,
        record.firstBlock,
        new BatchRejectedError("outOfOrder", `the batch starts at block ${record.firstBlock}`, {
          details: `the next block to derive is ${head + 1n}`,
        }),
      );
      return;
    }
    let batch: Batch;
    try {
      batch = await fetchBatch({ da: this.#options.da, record, chainId: this.#options.chain.chainId });
    } catch (error) {
      if (!(error instanceof BatchRejectedError)) throw error;
      this.#reject(record, record.firstBlock, error);
      return;
    }
    for (const entry of batch.blocks) {
      if (entry.number <= this.#head.header.number) {
        // A record that overlaps the derived chain repeats it exactly, or it is rejected.
        const derived = this.#blockHash(entry.number);
        if (derived !== entry.hash) {
          this.#reject(
            record,
            entry.number,
            new BatchRejectedError("conflict", `block ${entry.number} differs from the derived one`, {
              details: `derived ${derived}, the batch has ${entry.hash}`,
            }),
          );
          return;
        }
        continue;
      }
      const started = performance.now();
      const { state } = this.#options;
      let derived: DerivedBlock;
      try {
        derived = await deriveBlock({
          chain: this.#options.chain,
          executor: this.#options.executor,
          state,
          parent: this.#head,
          parentInfo: this.#headInfo,
          entry,
          epochAt: (number) => this.#epochAt(number),
          blockHash: (number) => this.#blockHash(number),
          ...(this.#options.devChain === undefined ? {} : { devChain: this.#options.devChain }),
        });
      } catch (error) {
        state.discardOpenBlock();
        if (!(error instanceof BatchRejectedError)) throw error;
        this.#reject(record, entry.number, error);
        return;
      }
      await this.#adopt(derived, started);
    }
  }

  /**
   * Force inclusion (`chain/sequencingWindow.ts`): while L1 through `throughL1Block` (read in full) closes the window
   * of the epoch after the head's, with no accepted batch having started it, derives that epoch's deposit-only block.
   */
  async #forcePassedEpochs(throughL1Block: bigint): Promise<void> {
    const { chain, state } = this.#options;
    for (;;) {
      const epochNumber = nextEpochNumber(this.#headInfo, chain.l1StartBlock);
      if (!isWindowPassed(epochNumber, throughL1Block, chain.sequencingWindow)) return;
      const epoch = await this.#epochAt(epochNumber);
      if (epoch === undefined) {
        throw new DerivationL1Error(`L1 lacks block ${epochNumber}, read through ${throughL1Block}`);
      }
      const started = performance.now();
      let derived: DerivedBlock;
      try {
        derived = await deriveForcedBlock({
          chain,
          executor: this.#options.executor,
          state,
          parent: this.#head,
          parentInfo: this.#headInfo,
          epoch,
          blockHash: (number) => this.#blockHash(number),
        });
      } catch (error) {
        state.discardOpenBlock();
        throw error;
      }
      this.#forced++;
      this.#options.logger?.warn(
        {
          block: derived.block.header.number.toString(),
          l1Block: epochNumber.toString(),
          deposits: epoch.deposits.length,
          deadline: windowDeadline(epochNumber, chain.sequencingWindow).toString(),
        },
        "L1 epoch passed its sequencing window unsequenced: derived its deposit-only block",
      );
      await this.#adopt(derived, started);
    }
  }

  async #adopt({ block, receipts, info }: DerivedBlock, started: number): Promise<void> {
    await this.#options.onBlockDerived?.(block, receipts);
    this.#head = block;
    this.#headInfo = info;
    this.#remember(block);
    this.#options.metrics?.blockDerived(
      block.header.number,
      block.transactions.length,
      (performance.now() - started) / 1000,
    );
    this.emit("block", block, receipts);
  }

  async #epochAt(number: bigint): Promise<L1Epoch | undefined> {
    const { deposits } = this.#options;
    const origin = await deposits.blockAt(number);
    if (origin === undefined) return undefined;
    const [systemConfig, epochDeposits] = await Promise.all([
      deposits.systemConfigAt(origin),
      deposits.depositsIn(origin),
    ]);
    return { origin, systemConfig, deposits: epochDeposits };
  }

  #reject(record: RecordedBatch, atBlock: bigint, error: BatchRejectedError): void {
    const rejection: BatchRejection = {
      batchIndex: record.batchIndex,
      l1BlockNumber: record.l1BlockNumber,
      firstBlock: record.firstBlock,
      lastBlock: record.lastBlock,
      atBlock,
      reason: error.reason,
      detail: error.message,
    };
    this.#rejected++;
    const fields = {
      batchIndex: record.batchIndex.toString(),
      l1Block: record.l1BlockNumber.toString(),
      blocks: `${record.firstBlock}..${record.lastBlock}`,
      atBlock: atBlock.toString(),
      reason: error.reason,
      detail: error.message,
    };
    // A repeated record derives nothing twice and is routine after a restart; any other rejection is news.
    if (error.reason === "duplicate") this.#options.logger?.debug(fields, "batch rejected");
    else this.#options.logger?.warn(fields, "batch rejected");
    this.#options.metrics?.batchRejected(error.reason);
    this.emit("rejected", rejection);
  }

  #blockHash(number: bigint): Hash | undefined {
    return this.#recentHashes.get(number) ?? this.#options.blockHashAt?.(number);
  }

  #remember(block: Block): void {
    this.#recentHashes.set(block.header.number, block.hash);
    this.#recentHashes.delete(block.header.number - 257n);
  }
}
