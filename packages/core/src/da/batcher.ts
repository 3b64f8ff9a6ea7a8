/**
 * The DA half of the batcher: sealed blocks → batches → frames → DA blobs → pointers, persisted, then handed to the
 * L1 side. All I/O goes through ports (block source, DA, record store, recorder), so the loop is testable in memory.
 *
 * Guarantees: ranges are contiguous and go out in order, none skipped. A transient failure (DaError `transient`,
 * wait timeout, any non-DaError) is retried with exponential backoff, resubmitting the frame; a permanent one
 * halts the batcher on that range (status `halted`, record `failed`) instead of moving past it. After a restart the
 * batcher resumes after the last range it holds complete pointers for, and redoes a range left `submitting` or
 * `failed`; confirmed batches not yet recorded on L1 are recorded first.
 */
import { bytesToHex } from "viem";
import { keccak256 } from "../chain/hash.ts";
import type { Block, Hash } from "../chain/types.ts";
import type { BatchRecorder } from "../settlement/ports.ts";
import { type Logger, silentLogger } from "../telemetry.ts";
import { type BatchBlock, batchBlockSize, encodeBatch, toBatchBlock } from "./batch.ts";
import { type BatcherPolicy, batcherPolicySchema, retryDelayMs } from "./batcherPolicy.ts";
import type { BatchRecord, BatchRecordStore, BatchStatus, ListBatchesParameters } from "./batchRecord.ts";
import { BatchEncodeError, BatcherHaltedError } from "./errors.ts";
import { splitIntoFrames } from "./frame.ts";
import { DaError, type DataAvailability } from "./types.ts";

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
  /** `mach_da_unbatched_blocks`: sealed blocks read but not yet in a batch. */
  readonly pendingBlocks: { set(value: number): void };
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
  readonly startBlock?: bigint;
  readonly logger?: Logger;
  readonly metrics?: BatcherMetrics;
  /** Clock in Unix ms; default `Date.now`. */
  readonly now?: () => number;
  /** Backoff and poll sleeps; default a timer. Must reject when `signal` aborts. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export type BatcherState = "idle" | "running" | "stopped" | "halted";

export interface BatcherStatus {
  readonly state: BatcherState;
  /** First block not yet in a confirmed batch. */
  readonly nextBlock: bigint;
  /** Sealed blocks read but not yet batched. */
  readonly pendingBlocks: number;
  readonly error?: BatcherHaltedError;
}

export interface RunOnceOptions {
  /** Close a batch from whatever is pending, ignoring the age policy. */
  readonly force?: boolean;
}

export interface Batcher {
  /** Runs the loop in the background until `stop` or a halt. */
  start(): void;
  /** Stops the loop, aborting in-flight waits and backoffs; an interrupted range is redone after a restart. */
  stop(): Promise<void>;
  /** Resolves when the loop has exited (stopped or halted); never rejects. */
  done(): Promise<BatcherStatus>;
  /**
   * One step: records pending L1 recordings, then packs pending blocks and submits a batch if the policy (or
   * `force`) says so. Resolves with the record of the batch it completed, or `undefined` when nothing was due.
   * Rejects with `BatcherHaltedError` once halted.
   */
  runOnce(options?: RunOnceOptions): Promise<BatchRecord | undefined>;
  status(): BatcherStatus;
  /** Batch records for `mach_getBatches`, lowest ranges first. */
  listBatches(parameters?: ListBatchesParameters): Promise<readonly BatchRecord[]>;
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function isPermanent(error: unknown): boolean {
  if (error instanceof DaError) return error.kind === "permanent";
  return typeof error === "object" && error !== null && (error as { kind?: unknown }).kind === "permanent";
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createBatcher(parameters: CreateBatcherParameters): Batcher {
  const { chainId, da, source, pointers: store, recorder, onBatchUpdated } = parameters;
  const policy: BatcherPolicy = parameters.policy ?? batcherPolicySchema.parse({});
  const compression = { algorithm: policy.compression, level: policy.compressionLevel };
  const logger = parameters.logger ?? silentLogger;
  const metrics = parameters.metrics;
  const now = parameters.now ?? Date.now;
  const sleep = parameters.sleep ?? defaultSleep;

  let controller = new AbortController();
  let state: BatcherState = "idle";
  let haltError: BatcherHaltedError | undefined;
  let initialized: Promise<void> | undefined;
  /** First block of the next batch, and the hash its parent must have (unknown at genesis of the batcher). */
  let nextBlock = parameters.startBlock ?? 1n;
  let expectedParent: Hash | undefined;
  /** Blocks read from the source, not yet in a batch: contiguous from `nextBlock`. */
  let pending: BatchBlock[] = [];
  let pendingBytes = 4;
  /** When the loop first saw a pending block for the current batch. */
  let pendingSince: number | undefined;
  /** Confirmed records still waiting for L1 recording, in order. */
  let unrecorded: BatchRecord[] = [];
  let loop: Promise<void> | undefined;
  let step: Promise<unknown> = Promise.resolve();

  const save = async (record: BatchRecord) => {
    await store.put(record);
    metrics?.batches.inc({ status: record.status });
    onBatchUpdated?.(record);
  };

  const init = async () => {
    const latest = await store.latest();
    if (!latest) return;
    const complete = latest.pointers.length > 0 && latest.pointers.length === latest.frameCount;
    if (latest.status === "confirmed" || latest.status === "recorded" || (latest.status === "failed" && complete)) {
      // A `failed` record with every pointer failed on L1, not on DA: it only needs recording.
      nextBlock = latest.lastBlock + 1n;
      expectedParent = latest.lastBlockHash;
    } else {
      // `submitting` (interrupted) or `failed` on DA (halted before): redo the range from its first block.
      nextBlock = latest.firstBlock;
      const previous = (await store.list({ fromBlock: latest.firstBlock - 1n })).find(
        (r) => r.lastBlock === latest.firstBlock - 1n,
      );
      expectedParent = previous?.lastBlockHash;
      logger.info({ firstBlock: latest.firstBlock, status: latest.status }, "redoing unfinished batch range");
    }
    if (recorder) {
      const records = await store.list({});
      unrecorded = records
        .filter((r) => r.status === "confirmed" || (r.status === "failed" && r.pointers.length === r.frameCount))
        .filter((r) => r.pointers.length > 0)
        .map((r) => (r.status === "failed" ? withoutError({ ...r, status: "confirmed" }) : r));
    }
    logger.info({ nextBlock, unrecorded: unrecorded.length }, "batcher resumed");
  };

  const halt = async (error: BatcherHaltedError, record?: BatchRecord): Promise<never> => {
    if (haltError) throw haltError; // a concurrent frame halted first
    haltError = error;
    state = "halted";
    logger.error({ firstBlock: error.firstBlock, lastBlock: error.lastBlock, err: error }, "batcher halted");
    if (record) await save({ ...record, status: "failed", error: error.message });
    throw error;
  };

  /** Retries `attempt` on transient errors with backoff; a permanent error, or too many attempts, halts. */
  const withRetry = async <T>(
    what: string,
    range: { first: bigint; last: bigint },
    record: BatchRecord,
    signal: AbortSignal,
    attempt: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> => {
    for (let failures = 0; ; ) {
      try {
        return await attempt(signal);
      } catch (error) {
        if (signal.aborted) throw error;
        failures++;
        const exhausted = policy.retryMaxAttempts !== undefined && failures >= policy.retryMaxAttempts;
        if (isPermanent(error) || exhausted) {
          const reason = isPermanent(error) ? "permanent error" : `${failures} transient failures`;
          return halt(
            new BatcherHaltedError(range.first, range.last, `${what} of blocks ${range.first}..${range.last} failed`, {
              details: `${reason}: ${errorMessage(error)}`,
              cause: error,
            }),
            record,
          );
        }
        const delayMs = retryDelayMs(policy, failures);
        metrics?.retries.inc({ operation: what === "L1 recording" ? "record" : "submit" });
        logger.warn(
          { what, firstBlock: range.first, lastBlock: range.last, failures, delayMs, err: error },
          "transient failure, retrying",
        );
        await sleep(delayMs, signal);
      }
    }
  };

  const recordOnL1 = async (record: BatchRecord) => {
    if (!recorder) return record;
    const range = { first: record.firstBlock, last: record.lastBlock };
    const recording = await withRetry("L1 recording", range, record, controller.signal, () =>
      recorder.recordBatch(record),
    );
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

  /** Reads newly sealed blocks into `pending` until the batch is full or the head is reached. */
  const fill = async (): Promise<boolean> => {
    const head = await source.headBlockNumber();
    let full = pending.length >= policy.maxBlocksPerBatch;
    while (!full) {
      const number = nextBlock + BigInt(pending.length);
      if (number > head) break;
      const block = await source.getBlockByNumber(number);
      if (!block) {
        return halt(new BatcherHaltedError(number, undefined, `block source has no block ${number} (head ${head})`));
      }
      const batchBlock = toBatchBlock(block);
      if (batchBlock.number !== number) {
        return halt(
          new BatcherHaltedError(number, undefined, `block source gave block ${batchBlock.number} for ${number}`),
        );
      }
      const parent = pending[pending.length - 1]?.hash ?? expectedParent;
      if (parent !== undefined && batchBlock.parentHash !== parent) {
        return halt(
          new BatcherHaltedError(number, undefined, `block ${number} does not extend the batched chain`, {
            details: `parentHash ${batchBlock.parentHash}, expected ${parent}`,
          }),
        );
      }
      const size = batchBlockSize(batchBlock);
      if (pending.length > 0 && pendingBytes + size > policy.maxBatchBytes) {
        full = true;
        break;
      }
      pending.push(batchBlock);
      pendingBytes += size;
      pendingSince ??= now();
      full = pending.length >= policy.maxBlocksPerBatch || pendingBytes >= policy.maxBatchBytes;
    }
    return full;
  };

  const submitBatch = async (blocks: BatchBlock[]): Promise<BatchRecord> => {
    const first = blocks[0]!;
    const last = blocks[blocks.length - 1]!;
    const range = { first: first.number, last: last.number };
    let encoded: Uint8Array;
    let frames: Uint8Array[];
    try {
      encoded = encodeBatch({ chainId, blocks, compression });
      frames = splitIntoFrames(encoded, da.limits.maxBlobBytes);
    } catch (error) {
      if (!(error instanceof BatchEncodeError)) throw error;
      return halt(new BatcherHaltedError(range.first, range.last, "cannot encode batch", { cause: error }));
    }
    const submitting: BatchRecord = {
      firstBlock: first.number,
      lastBlock: last.number,
      lastBlockHash: last.hash,
      batchId: bytesToHex(keccak256(encoded)),
      provider: da.provider,
      pointers: [],
      status: "submitting" satisfies BatchStatus,
      submittedAt: now(),
      txCount: blocks.reduce((sum, block) => sum + block.transactions.length, 0),
      uncompressedBytes: pendingBytesOf(blocks),
      encodedBytes: encoded.length,
      frameCount: frames.length,
    };
    await save(submitting);
    logger.info(
      { firstBlock: range.first, lastBlock: range.last, frames: frames.length, bytes: encoded.length },
      "submitting batch",
    );
    // Frames go out concurrently; the first failure that halts (or a stop) aborts the others' waits and backoffs.
    const batchSignal = new AbortController();
    const forwardAbort = () => batchSignal.abort(controller.signal.reason);
    controller.signal.addEventListener("abort", forwardAbort, { once: true });
    let framePointers: Uint8Array[];
    try {
      framePointers = await Promise.all(
        frames.map((frame) =>
          withRetry("DA submission", range, submitting, batchSignal.signal, async (signal) => {
            const handle = await da.submit(frame);
            return handle.wait({ timeoutMs: policy.confirmTimeoutMs, signal });
          }).catch((error: unknown) => {
            batchSignal.abort(error);
            throw error;
          }),
        ),
      );
    } finally {
      controller.signal.removeEventListener("abort", forwardAbort);
    }
    const confirmed: BatchRecord = { ...submitting, pointers: framePointers, status: "confirmed", confirmedAt: now() };
    await save(confirmed);
    metrics?.batchBytes.observe(confirmed.encodedBytes);
    metrics?.confirmSeconds.observe((confirmed.confirmedAt! - confirmed.submittedAt) / 1000);
    logger.info({ firstBlock: range.first, lastBlock: range.last }, "batch confirmed on DA");
    return confirmed;
  };

  const runStep = async (options: RunOnceOptions): Promise<BatchRecord | undefined> => {
    if (haltError) throw haltError;
    if (controller.signal.aborted && !loop) controller = new AbortController();
    initialized ??= init();
    await initialized;
    while (unrecorded.length > 0) {
      await recordOnL1(unrecorded[0]!);
      unrecorded.shift();
    }
    const full = await fill();
    metrics?.pendingBlocks.set(pending.length);
    if (pending.length === 0) return undefined;
    const aged = pendingSince !== undefined && now() - pendingSince >= policy.maxBatchAgeMs;
    if (!full && !aged && !options.force) return undefined;

    const blocks = pending;
    const confirmed = await submitBatch(blocks);
    pending = [];
    pendingBytes = 4;
    pendingSince = undefined;
    metrics?.pendingBlocks.set(0);
    nextBlock = confirmed.lastBlock + 1n;
    expectedParent = confirmed.lastBlockHash;
    unrecorded.push(confirmed);
    const recorded = await recordOnL1(confirmed);
    unrecorded.shift();
    return recorded;
  };

  const runOnce = (options: RunOnceOptions = {}): Promise<BatchRecord | undefined> => {
    const next = step.then(() => runStep(options));
    step = next.catch(() => undefined);
    return next;
  };

  const runLoop = async () => {
    while (!controller.signal.aborted) {
      try {
        const record = await runOnce();
        if (record === undefined) await sleep(policy.pollIntervalMs, controller.signal);
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

  const status = (): BatcherStatus => ({
    state,
    nextBlock,
    pendingBlocks: pending.length,
    ...(haltError ? { error: haltError } : {}),
  });

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
      controller.abort(new Error("batcher stopped"));
      await loop;
      await step;
      if (state !== "halted") state = "stopped";
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

function withoutError(record: BatchRecord): BatchRecord {
  const { error: _error, ...rest } = record;
  return rest;
}

function pendingBytesOf(blocks: readonly BatchBlock[]): number {
  return blocks.reduce((sum, block) => sum + batchBlockSize(block), 4);
}
