/**
 * The DA half of the batcher: sealed blocks → batches → frames → DA blobs → pointers, persisted, then handed to the
 * L1 side. All I/O goes through ports (block source, DA, record store, recorder), so the loop is testable in memory.
 *
 * Pipeline: the open batch reads sealed blocks; once due it is encoded, persisted as `submitting` and submitted, and
 * the next batch opens at once. Up to `maxInFlightBatches` batches are in flight, each submitting its frames
 * concurrently; confirmations may come back in any order, but a batch finishes (is recorded on L1, or with no
 * recorder simply leaves the pipeline) only after every batch before it: L1 sees ranges strictly in order.
 *
 * Guarantees: ranges are contiguous and go out in order, none skipped. A transient failure (DaError `transient`,
 * wait timeout, any non-DaError) is retried with exponential backoff, resubmitting the frame; a permanent one
 * halts the batcher on that range (status `halted`, record `failed`) instead of moving past it: batches after it are
 * abandoned (their records stay `submitting` or `confirmed`), batches before it still finish, then it halts. After a
 * restart the batcher resumes after the last finished range: confirmed batches not yet recorded on L1 are recorded
 * first, in order, and every range left `submitting` or `failed` is redone with the same bounds, so the records
 * never overlap; new batches start after the last record.
 *
 * Back-pressure: the batcher holds at most the open batch plus the frames of in-flight batches, and stops reading
 * sealed blocks (they wait in the store) when every slot is taken with the open batch full, or at
 * `maxPendingBytes`. It is visible in `status()`, the metrics and a log line when it engages and releases.
 */

import { hexToBytes } from "../chain/bytes.ts";
import type { Block, Hash } from "../chain/types.ts";
import type { BatchRecorder } from "../settlement/ports.ts";
import { type Logger, silentLogger } from "../telemetry.ts";
import { BackPressure, type BackPressureReason } from "./backPressure.ts";
import { type BatchBlock, batchBlockSize, toBatchBlock } from "./batch.ts";
import { type BatchEncoder, type EncodedBatch, inlineBatchEncoder } from "./batchEncoder.ts";
import { type BatcherPolicy, batcherPolicySchema } from "./batcherPolicy.ts";
import { planResume } from "./batcherResume.ts";
import type { BatchRecord, BatchRecordStore, BatchStatus, ListBatchesParameters } from "./batchRecord.ts";
import { type RetryContext, sleepUnlessAborted, withRetry } from "./batchRetry.ts";
import { BatchEncodeError, BatcherHaltedError } from "./errors.ts";
import { splitIntoFrames } from "./frame.ts";
import { submitFrames } from "./frameSubmission.ts";
import type { DataAvailability } from "./types.ts";

/**
 * Sealed L2 blocks by number (a `ChainView` is one). Blocks up to `headBlockNumber()` must be available and never
 * change.
 */
export interface BlockSource {
  /** Number of the newest sealed block. */
  headBlockNumber(): bigint | Promise<bigint>;
  getBlockByNumber(number: bigint): Block | undefined | Promise<Block | undefined>;
}

/**
 * The metrics the batcher updates; `node/` fills them with prom-client (a Counter / Histogram / Gauge fits each
 * shape) under the names given.
 */
export interface BatcherMetrics {
  /** `mach_da_batches_total{status}`: record transitions (submitting, confirmed, recorded, failed). */
  readonly batches: { inc(labels: { status: BatchStatus }): void };
  /** `mach_da_batch_encoded_bytes`: size of each confirmed batch (header + compressed body). */
  readonly batchBytes: { observe(value: number): void };
  /** `mach_da_batch_confirm_seconds`: from the first submit of a batch to its last frame's confirmation. */
  readonly confirmSeconds: { observe(value: number): void };
  /** `mach_da_retries_total{operation}`: transient failures retried. */
  readonly retries: { inc(labels: { operation: "submit" | "record" }): void };
  /** `mach_da_unbatched_blocks`: sealed blocks not yet in a submitted batch (open batch, or not read yet). */
  readonly pendingBlocks: { set(value: number): void };
  /** `mach_da_in_flight_batches`: batches submitted and not finished yet. */
  readonly inFlightBatches: { set(value: number): void };
  /** `mach_da_pending_bytes`: what the batcher holds: the open batch's body bytes plus in-flight frames. */
  readonly pendingBytes: { set(value: number): void };
  /** `mach_da_back_pressure`: 1 while the batcher has stopped reading sealed blocks at a bound, else 0. */
  readonly backPressure: { set(value: number): void };
  /** `mach_da_back_pressure_total{reason}`: times back-pressure engaged. */
  readonly backPressureEngaged: { inc(labels: { reason: BackPressureReason }): void };
}

export interface CreateBatcherParameters {
  readonly chainId: bigint;
  readonly da: DataAvailability;
  readonly source: BlockSource;
  /** Where batch records (ranges and pointers) persist. */
  readonly pointers: BatchRecordStore;
  readonly recorder?: BatchRecorder;
  /** Called after every persisted change of a record (submitting, confirmed, recorded, failed). */
  readonly onBatchUpdated?: (record: BatchRecord) => void;
  /** The parsed policy (`batcherPolicySchema.parse(…)`); its defaults when absent. */
  readonly policy?: BatcherPolicy;
  /** First block to batch when the store holds no record. Default 1 (genesis is not batched). */
  /**
   * Where batches are checksummed and compressed (default: in place). A sequencer passes a worker encoder, so that
   * this work does not hold its sealing loop.
   */
  readonly encoder?: BatchEncoder;
  readonly startBlock?: bigint;
  readonly logger?: Logger;
  readonly metrics?: BatcherMetrics;
  /** Clock in Unix ms; default `Date.now`. */
  readonly now?: () => number;
  /** Backoff and poll sleeps; default a timer. Must reject when `signal` aborts. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /**
   * Test-only fault injection (`batcher.testFaults.holdBatchAt`): the first batch to reach this point of its L1
   * recording stays there until the batcher stops (or the process is killed), so a test can kill the node inside
   * that window. Never set in production.
   */
  readonly holdBatchAt?: BatchHoldPoint;
}

/**
 * The windows of a batch's L1 recording a test can hold it in: `daConfirmed` after its DA pointers are persisted and
 * before its L1 record is written; `l1Recorded` after the L1 record is written and before the node's record says so.
 */
export const BATCH_HOLD_POINTS = ["daConfirmed", "l1Recorded"] as const;
export type BatchHoldPoint = (typeof BATCH_HOLD_POINTS)[number];
/** The warning logged (with `at`, `firstBlock`, `lastBlock`) when a batch is held: what a crash test waits for. */
export const BATCH_HELD_MESSAGE = "TEST FAULT: batcher holds this batch until it stops or the process is killed";

export type BatcherState = "idle" | "running" | "stopped" | "halted";

export interface BatcherStatus {
  readonly state: BatcherState;
  /** First block not yet in a finished batch (confirmed, and recorded on L1 with a recorder); batches finish in order. */
  readonly nextBlock: bigint;
  /** Sealed blocks read into the open batch, not yet submitted. */
  readonly pendingBlocks: number;
  /** Sealed blocks not yet in a submitted batch (the open batch and blocks not read yet), at the last look at the head. */
  readonly unbatchedBlocks: number;
  /** Batches submitted and not finished yet, and the bound. */
  readonly inFlightBatches: number;
  readonly maxInFlightBatches: number;
  /** Bytes held in memory (open batch body + in-flight frames), and the bound. */
  readonly pendingBytes: number;
  readonly maxPendingBytes: number;
  /** True while the batcher has stopped reading sealed blocks at a bound (they wait in the store). */
  readonly backPressure: boolean;
  readonly backPressureReason?: BackPressureReason;
  /** Unix ms when back-pressure engaged. */
  readonly backPressureSince?: number;
  readonly error?: BatcherHaltedError;
}

export interface RunOnceOptions {
  /** Close a batch from whatever is pending, ignoring the age policy. */
  readonly force?: boolean;
}

export interface Batcher {
  /** Runs the loop in the background until `stop` or a halt. */
  start(): void;
  /**
   * Stops the loop, aborting in-flight submissions, waits and backoffs. The batcher then forgets its pipeline: a
   * later `runOnce` or `start` resumes from the store, as a restarted process would (interrupted ranges are redone).
   */
  stop(): Promise<void>;
  /** Resolves when the loop has exited (stopped or halted); never rejects. */
  done(): Promise<BatcherStatus>;
  /**
   * One step: submits every batch that is due while in-flight slots are free, then waits for the oldest batch in
   * flight to finish (confirmed, and recorded on L1 with a recorder) and resolves with its record (later batches may
   * finish meanwhile: drain with `while (await runOnce()) {}`); `undefined` when nothing is in flight or due. Rejects with `BatcherHaltedError` once halted, and with a port's error when the
   * block source or the store failed (the range is kept and retried by the next step).
   */
  runOnce(options?: RunOnceOptions): Promise<BatchRecord | undefined>;
  status(): BatcherStatus;
  /** Batch records for `mach_getBatches`, lowest ranges first. */
  listBatches(parameters?: ListBatchesParameters): Promise<readonly BatchRecord[]>;
}

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Only `runOnce` awaits it; a rejection nobody waits for (a stop, a halt) is expected, not unhandled.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/**
 * One batch in the pipeline. `outcome` moves submitting → confirmed (then leaves the pipeline once finished in
 * order), or to failed (a permanent error: the batcher halts here), aborted (stopped, or abandoned behind a failed
 * range) or errored (a port threw: resubmitted by the next step).
 */
interface Slot {
  record: BatchRecord;
  /** Encoded frames, kept for resubmission until confirmed. */
  frames: readonly Uint8Array[];
  outcome: "submitting" | "confirmed" | "failed" | "aborted" | "errored";
  error?: unknown;
  abort: AbortController;
  /** Resolves (never rejects) when the current submission attempt settles. */
  settled: Promise<void>;
  /** Resolves with the finished record; rejects on a halt, a stop, or a port error (`errored`). */
  done: Deferred<BatchRecord>;
}

const heldBytesOf = (slot: Slot) => slot.frames.reduce((sum, frame) => sum + frame.length, 0);

/** Where reading stopped: at the head, at the open batch's own size/count bound, or at `maxPendingBytes`. */
type FillStop = "head" | "batchFull" | "bytes";

export function createBatcher(parameters: CreateBatcherParameters): Batcher {
  const { chainId, da, source, pointers: store, recorder, onBatchUpdated } = parameters;
  const policy: BatcherPolicy = parameters.policy ?? batcherPolicySchema.parse({});
  const compression = { algorithm: policy.compression, level: policy.compressionLevel };
  const logger = parameters.logger ?? silentLogger;
  const metrics = parameters.metrics;
  const now = parameters.now ?? Date.now;
  const sleep = parameters.sleep ?? sleepUnlessAborted;
  const startBlock = parameters.startBlock ?? 1n;
  const encoder = parameters.encoder ?? inlineBatchEncoder;

  let controller = new AbortController();
  let state: BatcherState = "idle";
  let haltError: BatcherHaltedError | undefined;
  /** The lowest range a permanent error stopped on: no new batches; the batcher halts once the ranges before it finish. */
  let pendingHalt: BatcherHaltedError | undefined;
  let initialized: Promise<void> | undefined;
  /** The first batch a restore put back in flight, until a step reports it. */
  let restoredOldest: Slot | undefined;
  /** Batches submitted and not finished, in block order. */
  let pipeline: Slot[] = [];
  /** First block of the open batch, and the hash its parent must have (unknown before the first batch). */
  let openFirst = startBlock;
  let expectedParent: Hash | undefined;
  /** Blocks read from the source, not yet in a batch: contiguous from `openFirst`. */
  let open: BatchBlock[] = [];
  /** Uncompressed body size of the open batch (4: the block count). */
  let openBytes = 4;
  /** When the loop first saw a block of the open batch. */
  let openSince: number | undefined;
  /** The head at the last look. */
  let lastHead = 0n;
  const backPressure = new BackPressure();
  let loop: Promise<void> | undefined;
  let step: Promise<unknown> = Promise.resolve();
  let recorderRun: Promise<void> | undefined;
  let recorderDirty = false;
  let recorderError: unknown;
  /** Wakes the loop's idle wait when a batch finishes (a slot frees). */
  const wakers = new Set<() => void>();

  const heldBytes = () => (open.length > 0 ? openBytes : 0) + pipeline.reduce((sum, s) => sum + heldBytesOf(s), 0);
  const unbatchedBlocks = () => (lastHead >= openFirst ? Number(lastHead - openFirst + 1n) : 0);

  const publishGauges = () => {
    if (!metrics) return;
    metrics.pendingBlocks.set(unbatchedBlocks());
    metrics.inFlightBatches.set(pipeline.length);
    metrics.pendingBytes.set(heldBytes());
    metrics.backPressure.set(backPressure.state.engaged ? 1 : 0);
  };

  const save = async (record: BatchRecord) => {
    await store.put(record);
    metrics?.batches.inc({ status: record.status });
    onBatchUpdated?.(record);
  };

  const retry: RetryContext = {
    policy,
    sleep,
    logger,
    onRetry: (operation) => metrics?.retries.inc({ operation: operation === "L1 recording" ? "record" : "submit" }),
  };

  // --- halting -------------------------------------------------------------------------------------------------

  const requestHalt = (error: BatcherHaltedError) => {
    if (pendingHalt && pendingHalt.firstBlock <= error.firstBlock) return;
    pendingHalt = error;
    // Batches after the failed range can never be recorded before it: abandon them (redone after a restart).
    for (const slot of pipeline) if (slot.record.firstBlock > error.firstBlock) slot.abort.abort(error);
    advance();
  };

  const enterHalt = (error: BatcherHaltedError) => {
    if (haltError) return;
    haltError = error;
    state = "halted";
    backPressure.reset();
    logger.error({ firstBlock: error.firstBlock, lastBlock: error.lastBlock, err: error }, "batcher halted");
    for (const slot of pipeline) {
      slot.abort.abort(error);
      slot.done.reject(error);
    }
    controller.abort(error);
    publishGauges();
  };

  // --- DA submission of one batch ------------------------------------------------------------------------------

  const submitSlot = async (slot: Slot): Promise<void> => {
    const { record } = slot;
    try {
      const framePointers = await submitFrames({
        da,
        frames: slot.frames,
        record,
        confirmTimeoutMs: policy.confirmTimeoutMs,
        retry,
        signal: slot.abort.signal,
      });
      const confirmed: BatchRecord = { ...record, pointers: framePointers, status: "confirmed", confirmedAt: now() };
      await save(confirmed);
      slot.record = confirmed;
      slot.frames = [];
      slot.outcome = "confirmed";
      metrics?.batchBytes.observe(confirmed.encodedBytes);
      metrics?.confirmSeconds.observe((confirmed.confirmedAt! - confirmed.submittedAt) / 1000);
      logger.info({ firstBlock: record.firstBlock, lastBlock: record.lastBlock }, "batch confirmed on DA");
    } catch (error) {
      if (slot.abort.signal.aborted) {
        slot.outcome = "aborted";
        slot.done.reject(slot.abort.signal.reason);
      } else if (error instanceof BatcherHaltedError) {
        try {
          await save({ ...record, status: "failed", error: error.message });
          slot.outcome = "failed";
          slot.error = error;
          requestHalt(error);
        } catch (saveError) {
          slot.outcome = "errored";
          slot.error = saveError;
          slot.done.reject(saveError);
        }
      } else {
        slot.outcome = "errored";
        slot.error = error;
        slot.done.reject(error);
      }
    } finally {
      publishGauges();
    }
  };

  const startSubmission = (slot: Slot) => {
    slot.outcome = "submitting";
    slot.settled = submitSlot(slot).then(advance);
  };

  /** Encodes `blocks`, persists the batch as `submitting` and starts submitting it; undefined if it cannot be encoded. */
  const launch = async (blocks: readonly BatchBlock[]): Promise<Slot | undefined> => {
    const first = blocks[0]!;
    const last = blocks[blocks.length - 1]!;
    let encoded: EncodedBatch;
    let frames: Uint8Array[];
    try {
      encoded = await encoder.encode({ chainId, blocks, compression });
      frames = splitIntoFrames(encoded.bytes, da.limits.maxBlobBytes, hexToBytes(encoded.batchId));
    } catch (error) {
      if (!(error instanceof BatchEncodeError)) throw error;
      requestHalt(new BatcherHaltedError(first.number, last.number, "cannot encode batch", { cause: error }));
      return undefined;
    }
    const record: BatchRecord = {
      firstBlock: first.number,
      lastBlock: last.number,
      lastBlockHash: last.hash,
      batchId: encoded.batchId,
      provider: da.provider,
      pointers: [],
      status: "submitting",
      submittedAt: now(),
      txCount: blocks.reduce((sum, block) => sum + block.transactions.length, 0),
      uncompressedBytes: bodyBytesOf(blocks),
      encodedBytes: encoded.bytes.length,
      frameCount: frames.length,
    };
    await save(record);
    logger.info(
      {
        firstBlock: record.firstBlock,
        lastBlock: record.lastBlock,
        frames: frames.length,
        bytes: encoded.bytes.length,
        inFlight: pipeline.length + 1,
      },
      "submitting batch",
    );
    const slot: Slot = {
      record,
      frames,
      outcome: "submitting",
      abort: new AbortController(),
      settled: Promise.resolve(),
      done: deferred(),
    };
    pipeline.push(slot);
    startSubmission(slot);
    return slot;
  };

  // --- L1 recording, strictly in order -------------------------------------------------------------------------

  /** Test-only: parks the batch at `point` until the batcher stops (`holdBatchAt`). */
  const holdIfFaulted = async (point: BatchHoldPoint, record: BatchRecord) => {
    if (parameters.holdBatchAt !== point) return;
    logger.warn({ at: point, firstBlock: record.firstBlock, lastBlock: record.lastBlock }, BATCH_HELD_MESSAGE);
    await untilAborted(controller.signal);
  };

  const recordOnL1 = async (record: BatchRecord): Promise<BatchRecord> => {
    if (!recorder) return record;
    await holdIfFaulted("daConfirmed", record);
    const recording = await withRetry(retry, "L1 recording", record, controller.signal, () =>
      recorder.recordBatch(record),
    );
    await holdIfFaulted("l1Recorded", record);
    const recorded: BatchRecord = {
      ...record,
      status: "recorded",
      recordedAt: now(),
      ...(recording ? { recording } : {}),
    };
    await save(recorded);
    logger.info({ firstBlock: record.firstBlock, lastBlock: record.lastBlock }, "batch recorded on L1");
    return recorded;
  };

  /** Finishes confirmed batches at the head of the pipeline, in order; halts once nothing before a failure is left. */
  const finishInOrder = async () => {
    for (;;) {
      if (haltError || controller.signal.aborted) return;
      const head = pipeline[0];
      if (pendingHalt && (!head || head.record.firstBlock >= pendingHalt.firstBlock)) return enterHalt(pendingHalt);
      if (head?.outcome !== "confirmed") return;
      let finished: BatchRecord;
      try {
        finished = await recordOnL1(head.record);
      } catch (error) {
        if (controller.signal.aborted) return;
        if (error instanceof BatcherHaltedError) {
          // On DA, not on L1: the record keeps its pointers, so a restart only records it.
          const persisted = await save({ ...head.record, status: "failed", error: error.message }).then(
            () => true,
            (saveError: unknown) => {
              logger.warn({ err: saveError }, "cannot persist failed batch record, retrying");
              return false;
            },
          );
          if (persisted) {
            head.outcome = "failed";
            requestHalt(error);
            continue;
          }
        } else {
          // The store failed after the L1 write: recording is idempotent, so back off and record again.
          logger.warn({ err: error, firstBlock: head.record.firstBlock }, "finishing batch failed, retrying");
        }
        try {
          await sleep(policy.retryMaxDelayMs, controller.signal);
        } catch (sleepError) {
          if (controller.signal.aborted) return;
          throw sleepError;
        }
        continue;
      }
      pipeline.shift();
      head.done.resolve(finished);
      publishGauges();
      for (const wake of wakers) wake();
    }
  };

  function advance(): void {
    recorderDirty = true;
    recorderRun ??= (async () => {
      while (recorderDirty) {
        recorderDirty = false;
        await finishInOrder();
      }
    })()
      .catch((error: unknown) => {
        // Surfaces through the next step (runOnce rejects, the loop logs it and backs off), which restarts it.
        recorderError = error;
      })
      .finally(() => {
        recorderRun = undefined;
        if (recorderDirty && !haltError && !controller.signal.aborted) advance();
      });
  }

  // --- reading blocks and closing batches ----------------------------------------------------------------------

  /** Block `number` from the source as a batch block, checked to extend `parent`; a halt error if it cannot be. */
  const readBlock = async (number: bigint, parent: Hash | undefined, head: bigint): Promise<BatchBlock> => {
    const block = await source.getBlockByNumber(number);
    if (!block) throw new BatcherHaltedError(number, undefined, `block source has no block ${number} (head ${head})`);
    const batchBlock = toBatchBlock(block);
    if (batchBlock.number !== number) {
      throw new BatcherHaltedError(number, undefined, `block source gave block ${batchBlock.number} for ${number}`);
    }
    if (parent !== undefined && batchBlock.parentHash !== parent) {
      throw new BatcherHaltedError(number, undefined, `block ${number} does not extend the batched chain`, {
        details: `parentHash ${batchBlock.parentHash}, expected ${parent}`,
      });
    }
    return batchBlock;
  };

  /** Reads newly sealed blocks into the open batch until it is full, the head is reached, or memory is at its bound. */
  const fill = async (): Promise<FillStop> => {
    const head = await source.headBlockNumber();
    lastHead = head;
    for (;;) {
      if (open.length >= policy.maxBlocksPerBatch || (open.length > 0 && openBytes >= policy.maxBatchBytes))
        return "batchFull";
      const number = openFirst + BigInt(open.length);
      if (number > head) return "head";
      if (heldBytes() >= policy.maxPendingBytes) return "bytes";
      const batchBlock = await readBlock(number, open[open.length - 1]?.hash ?? expectedParent, head);
      const size = batchBlockSize(batchBlock);
      if (open.length > 0 && openBytes + size > policy.maxBatchBytes) return "batchFull";
      open.push(batchBlock);
      openBytes += size;
      openSince ??= now();
    }
  };

  const closeOpen = (last: BatchBlock) => {
    openFirst = last.number + 1n;
    expectedParent = last.hash;
    open = [];
    openBytes = 4;
    openSince = undefined;
  };

  const observeBackPressure = (stoppedAt: FillStop) => {
    const at = stoppedAt === "head" ? "head" : stoppedAt === "bytes" ? "bytes" : "inFlight";
    const transition = backPressure.observe(at, now());
    if (transition?.kind === "engaged") {
      metrics?.backPressureEngaged.inc({ reason: transition.reason });
      logger.warn(
        {
          reason: transition.reason,
          inFlightBatches: pipeline.length,
          pendingBytes: heldBytes(),
          unbatchedBlocks: unbatchedBlocks(),
          headBlock: lastHead,
        },
        "DA back-pressure engaged: the batcher stops reading sealed blocks until its backlog drains",
      );
    } else if (transition?.kind === "released") {
      logger.info(
        { durationMs: transition.durationMs, unbatchedBlocks: unbatchedBlocks(), inFlightBatches: pipeline.length },
        "DA back-pressure released",
      );
    }
  };

  // --- restart -------------------------------------------------------------------------------------------------

  /** Rebuilds the pipeline from the store (`planResume`): records to hand to L1, ranges to redo, in block order. */
  const restore = async () => {
    const plan = planResume(await store.list({}), { recorder: recorder !== undefined });
    openFirst = plan.finished ? plan.finished.lastBlock + 1n : startBlock;
    expectedParent = plan.finished?.lastBlockHash;
    for (const { action, record } of plan.unfinished) {
      if (action === "record") {
        const slot: Slot = {
          record,
          frames: [],
          outcome: "confirmed",
          abort: new AbortController(),
          settled: Promise.resolve(),
          done: deferred(),
        };
        pipeline.push(slot);
        restoredOldest ??= slot;
      } else {
        logger.info(
          { firstBlock: record.firstBlock, lastBlock: record.lastBlock, status: record.status },
          "redoing unfinished batch range",
        );
        const blocks: BatchBlock[] = [];
        const head = await source.headBlockNumber();
        try {
          for (let number = record.firstBlock; number <= record.lastBlock; number++) {
            blocks.push(await readBlock(number, blocks[blocks.length - 1]?.hash ?? expectedParent, head));
          }
          if (blocks[blocks.length - 1]?.hash !== record.lastBlockHash) {
            throw new BatcherHaltedError(
              record.firstBlock,
              record.lastBlock,
              "block source disagrees with the batch record",
              {
                details: `block ${record.lastBlock} is not ${record.lastBlockHash}`,
              },
            );
          }
        } catch (error) {
          if (!(error instanceof BatcherHaltedError)) throw error;
          requestHalt(error);
          return;
        }
        const slot = await launch(blocks);
        if (!slot) return;
        restoredOldest ??= slot;
      }
      openFirst = record.lastBlock + 1n;
      expectedParent = record.lastBlockHash;
    }
    logger.info({ nextBlock: openFirst, inFlight: pipeline.length }, "batcher resumed");
  };

  /** Drops the in-memory pipeline (after a stop, or a failed restore): the next step restores from the store. */
  const forget = async () => {
    for (const slot of pipeline) slot.abort.abort(new Error("batcher reset"));
    await Promise.all(pipeline.map((slot) => slot.settled));
    pipeline = [];
    open = [];
    openBytes = 4;
    openSince = undefined;
    pendingHalt = undefined;
    initialized = undefined;
    restoredOldest = undefined;
    backPressure.reset();
  };

  const ensureInitialized = async () => {
    initialized ??= restore().catch(async (error: unknown) => {
      await forget();
      throw error;
    });
    await initialized;
  };

  // --- steps ---------------------------------------------------------------------------------------------------

  /**
   * Resubmits batches a port error interrupted, reads sealed blocks and submits every batch that is due. Resolves
   * with the oldest batch in flight when it started (after a restore), else the first it submitted.
   */
  const pump = async (options: RunOnceOptions): Promise<Slot | undefined> => {
    if (haltError) throw haltError;
    await ensureInitialized();
    // A restored batch may have finished during the restore already: it is still the oldest to report.
    let oldest = restoredOldest ?? pipeline[0];
    restoredOldest = undefined;
    const errored = pipeline.filter((slot) => slot.outcome === "errored");
    for (const slot of errored) {
      slot.done = deferred();
      startSubmission(slot);
    }
    if (errored.length > 0) throw errored[0]!.error;
    if (recorderError !== undefined) {
      const error = recorderError;
      recorderError = undefined;
      advance();
      throw error;
    }
    // A batch may fail while the next is being launched: stop launching as soon as a halt is pending.
    while (pendingHalt === undefined) {
      let stoppedAt: FillStop;
      try {
        stoppedAt = await fill();
      } catch (error) {
        if (!(error instanceof BatcherHaltedError)) throw error;
        requestHalt(error);
        break;
      }
      const aged = openSince !== undefined && now() - openSince >= policy.maxBatchAgeMs;
      const due = stoppedAt !== "head" || aged || options.force === true;
      if (open.length === 0 || !due || pipeline.length >= policy.maxInFlightBatches) {
        observeBackPressure(stoppedAt);
        break;
      }
      const blocks = open;
      const slot = await launch(blocks);
      if (!slot) break;
      oldest ??= slot;
      closeOpen(blocks[blocks.length - 1]!);
    }
    publishGauges();
    advance();
    return oldest;
  };

  const serialized = <T>(run: () => Promise<T>): Promise<T> => {
    const next = step.then(run);
    step = next.catch(() => undefined);
    return next;
  };

  const runOnce = (options: RunOnceOptions = {}): Promise<BatchRecord | undefined> =>
    serialized(async () => {
      if (controller.signal.aborted && !loop && !haltError) controller = new AbortController();
      // Another batch may finish while later ones are submitted: wait for the one that was oldest, not the head now.
      const oldest = (await pump(options)) ?? pipeline[0];
      if (oldest) return oldest.done.promise;
      if (haltError) throw haltError;
      return undefined;
    });

  /** Sleeps `pollIntervalMs`, or less when a batch finishes or the batcher stops. */
  const idle = async () => {
    const waiter = new AbortController();
    const wake = () => waiter.abort();
    wakers.add(wake);
    controller.signal.addEventListener("abort", wake, { once: true });
    try {
      await sleep(policy.pollIntervalMs, waiter.signal);
    } catch (error) {
      if (!waiter.signal.aborted) throw error;
    } finally {
      wakers.delete(wake);
      controller.signal.removeEventListener("abort", wake);
    }
  };

  const runLoop = async () => {
    while (!controller.signal.aborted && !haltError) {
      try {
        await serialized(() => pump({}).then(() => undefined));
        await idle();
      } catch (error) {
        if (controller.signal.aborted || error instanceof BatcherHaltedError) return;
        // Errors of the ports themselves (the block source or the store threw): keep the range, back off, retry.
        logger.warn({ err: error }, "batcher step failed, retrying");
        try {
          await sleep(policy.retryMaxDelayMs, controller.signal);
        } catch {
          return;
        }
      }
    }
  };

  const status = (): BatcherStatus => {
    const pressure = backPressure.state;
    return {
      state,
      nextBlock: pipeline[0]?.record.firstBlock ?? openFirst,
      pendingBlocks: open.length,
      unbatchedBlocks: unbatchedBlocks(),
      inFlightBatches: pipeline.length,
      maxInFlightBatches: policy.maxInFlightBatches,
      pendingBytes: heldBytes(),
      maxPendingBytes: policy.maxPendingBytes,
      backPressure: pressure.engaged,
      ...(pressure.reason ? { backPressureReason: pressure.reason } : {}),
      ...(pressure.since !== undefined ? { backPressureSince: pressure.since } : {}),
      ...(haltError ? { error: haltError } : {}),
    };
  };

  return {
    start() {
      if (loop || haltError) return;
      if (controller.signal.aborted) controller = new AbortController();
      state = "running";
      loop = runLoop().finally(() => {
        loop = undefined;
        if (state !== "halted") state = "stopped";
      });
    },
    async stop() {
      const reason = new Error("batcher stopped");
      controller.abort(reason);
      for (const slot of pipeline) {
        slot.abort.abort(reason);
        slot.done.reject(reason);
      }
      await loop;
      await step;
      await recorderRun;
      if (state !== "halted") {
        await forget();
        state = "stopped";
      }
      publishGauges();
    },
    async done() {
      await loop;
      return status();
    },
    runOnce,
    status,
    async listBatches(listParameters = {}) {
      return store.list(listParameters);
    },
  };
}

/** Rejects with the signal's reason once it aborts; never resolves. */
function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

function bodyBytesOf(blocks: readonly BatchBlock[]): number {
  return blocks.reduce((sum, block) => sum + batchBlockSize(block), 4);
}
