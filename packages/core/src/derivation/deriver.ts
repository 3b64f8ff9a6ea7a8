/**
 * The deriver: rebuilds the chain from L1 and DA alone. It reads the batch records L1 holds, a confirmation depth
 * behind the L1 head and in L1 order, fetches each record's batch from DA (`batchFetch.ts`), and re-executes every
 * block of it by chain/'s rules (`blockDerivation.ts`) into its own state, checking each block's state root and
 * hash against the batch. A record that breaks a rule (index.ts) is rejected from the offending block on, its writes
 * undone, and derivation waits for a later record carrying the next block; a transient L1 or DA failure is retried
 * from the same record. Nothing a batch holds stops the deriver.
 *
 * Only L1 can stop it: each poll checks that the newest L1 block it read through (the tip) is still L1's, each new
 * window of L1 blocks must build on the tip (parent hash), and each record's L1 block must be L1's when it is used.
 * A miss is a reorg deeper than the confirmation depth under blocks already derived (`l1Lineage.ts`): the deriver
 * logs it as an error, reports it in `progress.halted`, counts it, emits "halted" and derives nothing more.
 *
 *   L1BatchReader.readBatches ─► record ─order─► fetchBatch (DA) ─► per block: deriveBlock (DepositSource for epochs)
 *        ─► onBlockDerived (node/: store, snapshots) ─► head moves ─► "block"
 *                                 └─ BatchRejectedError ─► state.discardOpenBlock ─► "rejected"
 *   tip, window, record's L1 block no longer L1's ─► L1ReorgTooDeepError ─► "halted" (for good)
 *
 * Derivation sees sealed blocks only: it is a `LiveChain` without an open block. Work runs on one serial queue.
 */
import { EventEmitter } from "node:events";
import { type L1Epoch, L1ReorgTooDeepError } from "../chain/blockStart.ts";
import type { ChainConfig } from "../chain/config.ts";
import { type L1BlockInfo, type L1BlockRef, l1BlockInfoOfBlock } from "../chain/l1BlockInfo.ts";
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
import { L1Lineage } from "./l1Lineage.ts";
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
  /** The newest L1 block whose batch records were read. */
  l1BlockRead(l1BlockNumber: bigint): void;
  /** Derivation stopped on an L1 reorg deeper than its confirmation depth. */
  l1ReorgTooDeep(): void;
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
  /**
   * The first L1 block whose batch records are read (default: the chain's L1 start block). A deriver that starts from
   * a head other than genesis may start at the head's L1 origin: a record carrying a later block is recorded after
   * that block was sealed on an origin no older, and the epochs whose windows it must check start after the origin.
   */
  readonly fromL1Block?: bigint;
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
  /** Derivation stopped for good (an L1 reorg deeper than the confirmation depth). */
  halted: [L1ReorgTooDeepError];
}

/** Why derivation stopped: L1 replaced a block it had read or used, deeper than the confirmation depth. */
export interface DerivationHalt {
  readonly reason: "l1Reorg";
  readonly message: string;
  /** The L1 block found replaced, the hash derivation had read, and L1's hash there now. */
  readonly l1BlockNumber: bigint;
  readonly derivedL1Hash: Hash;
  readonly l1Hash: Hash;
  /** The oldest L1 block derivation used (batch record, L1 origin) that L1 no longer has, among the remembered. */
  readonly oldestGoneL1Block?: bigint;
  /** The first derived L2 block built on an L1 block that is gone: it and every block after it are in doubt. */
  readonly firstAffectedL2Block?: bigint;
  /** Unix ms. */
  readonly haltedAt: number;
}

/** Where derivation stands (`mach_status`, tests). */
export interface DeriverProgress {
  readonly headBlock: bigint;
  readonly headHash: Hash;
  /** The next L1 block whose batch records are read. */
  readonly nextL1Block: bigint;
  /** The newest L1 block whose batch records were read (all it carries is derived); absent before the first read. */
  readonly l1Block?: { readonly number: bigint; readonly hash: Hash };
  readonly rejectedBatches: number;
  /** Set once derivation stopped for good. */
  readonly halted?: DerivationHalt;
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
  /** The newest L1 block whose records were read (the tip every later window must build on). */
  #l1Tip: L1BlockRef | undefined;
  readonly #lineage = new L1Lineage();
  #halted: { readonly error: L1ReorgTooDeepError; readonly report: DerivationHalt } | undefined;
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
    this.#nextL1Block = options.fromL1Block ?? options.chain.l1StartBlock;
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
    const tip = this.#l1Tip;
    return {
      headBlock: this.#head.header.number,
      headHash: this.#head.hash,
      nextL1Block: this.#nextL1Block,
      ...(tip === undefined ? {} : { l1Block: { number: tip.number, hash: tip.hash } }),
      rejectedBatches: this.#rejected,
      forcedBlocks: this.#forced,
      ...(this.#halted === undefined ? {} : { halted: this.#halted.report }),
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
        // Reported where it was found; nothing is derived after it.
        if (this.#halted !== undefined) {
          this.#running = false;
          return;
        }
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
   * its records carry. Throws on a transient L1 or DA failure (the same records are read again next time), and
   * `L1ReorgTooDeepError` once L1 replaced a block derivation read (then on every later call).
   */
  syncOnce(): Promise<{ readonly caughtUp: boolean }> {
    const run = this.#queue.then(() => this.#syncOnce());
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #syncOnce(): Promise<{ readonly caughtUp: boolean }> {
    if (this.#halted !== undefined) throw this.#halted.error;
    const { batches, deposits, config } = this.#options;
    const confirmed = (await deposits.headNumber()) - BigInt(config.l1ConfirmationDepth);
    const tip = this.#l1Tip;
    if (tip !== undefined) {
      const now = await deposits.blockAt(tip.number);
      // An L1 node behind the tip (lagging, resyncing, or reorganized to a shorter chain) is not yet evidence.
      if (now === undefined) return this.#l1Lacks(tip.number);
      if (now.hash !== tip.hash) return this.#l1Reorged(tip.number, tip.hash, now.hash);
    }
    const from = this.#nextL1Block;
    if (confirmed < from) return { caughtUp: true };
    const to =
      confirmed - from + 1n > BigInt(config.maxL1BlocksPerRead)
        ? from + BigInt(config.maxL1BlocksPerRead) - 1n
        : confirmed;
    const last = await deposits.blockAt(to);
    const first = from === to ? last : await deposits.blockAt(from);
    if (last === undefined || first === undefined) return this.#l1Lacks(last === undefined ? to : from);
    // The window builds on the tip, or the tip was replaced since it was checked above.
    if (tip !== undefined && first.parentHash !== tip.hash)
      return this.#l1Reorged(tip.number, tip.hash, first.parentHash);
    const l1Hashes = new Map<bigint, Hash | undefined>([[to, last.hash]]);
    const records = [...(await batches.readBatches({ fromL1Block: from, toL1Block: to }))].sort((a, b) =>
      a.batchIndex < b.batchIndex ? -1 : a.batchIndex > b.batchIndex ? 1 : 0,
    );
    for (const record of records) {
      // Stopping: the rest waits for the next start (records are skipped by index, never applied twice).
      if (this.#stopping) return { caughtUp: false };
      if (record.batchIndex < this.#nextBatchIndex) continue;
      // A record read from an L1 block that L1 replaced since the window was read (it was confirmed) is never used.
      if (!l1Hashes.has(record.l1BlockNumber))
        l1Hashes.set(record.l1BlockNumber, (await deposits.blockAt(record.l1BlockNumber))?.hash);
      const l1Hash = l1Hashes.get(record.l1BlockNumber);
      // The window is read again next time (records handled already are skipped by index).
      if (l1Hash === undefined) return this.#l1Lacks(record.l1BlockNumber);
      if (l1Hash !== record.l1BlockHash) return this.#l1Reorged(record.l1BlockNumber, record.l1BlockHash, l1Hash);
      // L1 blocks before this record are read in full: epochs whose window they close are forced first.
      await this.#forcePassedEpochs(record.l1BlockNumber - 1n);
      await this.#applyRecord(record);
      this.#nextBatchIndex = record.batchIndex + 1n;
    }
    if (this.#stopping) return { caughtUp: false };
    await this.#forcePassedEpochs(to);
    this.#nextL1Block = to + 1n;
    this.#l1Tip = last;
    this.#options.metrics?.l1BlockRead(to);
    return { caughtUp: to === confirmed };
  }

  #l1Lacks(l1Block: bigint): { readonly caughtUp: boolean } {
    this.#options.logger?.warn({ l1Block: l1Block.toString() }, "L1 lacks an L1 block derivation reads; waiting");
    return { caughtUp: true };
  }

  /** Stops derivation for good on a reorg of L1 blocks it read: logs, reports, counts, emits, throws. */
  async #l1Reorged(l1BlockNumber: bigint, derivedL1Hash: Hash, l1Hash: Hash): Promise<never> {
    const { deposits, logger, config } = this.#options;
    let gone: Awaited<ReturnType<L1Lineage["gone"]>> | undefined;
    try {
      gone = await this.#lineage.gone(async (number) => (await deposits.blockAt(number))?.hash);
    } catch (error) {
      logger?.warn({ err: error }, "reading L1 for the extent of the reorg failed; reporting without it");
    }
    const affected = gone?.firstAffectedL2Block;
    const error = new L1ReorgTooDeepError(
      `L1 reorganized below the derivation's confirmation depth: L1 block ${l1BlockNumber} that derivation read is gone`,
      {
        details: `derivation read ${derivedL1Hash} at that height, L1 has ${l1Hash} now; ${
          affected === undefined
            ? "no remembered derived block was built on a replaced L1 block"
            : `derived blocks from ${affected} on were built on L1 blocks L1 no longer has`
        }; derivation stops: raise derivation.l1ConfirmationDepth (now ${config.l1ConfirmationDepth}) and derive again from an empty data directory`,
      },
    );
    const report: DerivationHalt = {
      reason: "l1Reorg",
      message: error.message,
      l1BlockNumber,
      derivedL1Hash,
      l1Hash,
      ...(gone?.oldestGone === undefined ? {} : { oldestGoneL1Block: gone.oldestGone.number }),
      ...(affected === undefined ? {} : { firstAffectedL2Block: affected }),
      haltedAt: Date.now(),
    };
    this.#halted = { error, report };
    logger?.error(
      {
        err: error,
        l1Block: l1BlockNumber.toString(),
        derivedL1Hash,
        l1Hash,
        oldestGoneL1Block: gone?.oldestGone?.number.toString(),
        firstAffectedL2Block: affected?.toString(),
      },
      "L1 reorg deeper than the confirmation depth: derivation stops",
    );
    this.#options.metrics?.l1ReorgTooDeep();
    this.emit("halted", error);
    throw error;
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
      await this.#adopt(derived, started, record);
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

  /** Takes a derived block as the head; `record`: the batch record it came from (none for a forced block). */
  async #adopt(
    { block, receipts, info }: DerivedBlock,
    started: number,
    record?: { readonly l1BlockNumber: bigint; readonly l1BlockHash: Hash },
  ): Promise<void> {
    await this.#options.onBlockDerived?.(block, receipts);
    this.#head = block;
    this.#headInfo = info;
    this.#remember(block);
    this.#lineage.use(info.number, info.hash, block.header.number);
    if (record !== undefined) this.#lineage.use(record.l1BlockNumber, record.l1BlockHash, block.header.number);
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
    this.#lineage.use(record.l1BlockNumber, record.l1BlockHash, undefined);
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
