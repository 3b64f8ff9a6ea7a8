/**
 * Read workers, main-thread side: starts `workers` threads (`readWorker.ts`), forwards every mini-block diff and block
 * seal to each, and runs read executions on the least busy one. A read whose signal aborts (EVM timeout, client gone)
 * is cancelled if it has not started; if it is running, the worker's EVM is told through shared memory and stops it
 * as it loops or enters a frame. Should the read still run a second later, the worker is terminated (which stops any code at once)
 * and replaced by a new one that restores from the store and follows again; the reads queued behind it move to the
 * new worker. A worker that fails (a diff it cannot apply) is replaced the same way.
 *
 * The main thread's cost per mini-block is one structured clone of its diff per worker; no read ever runs here. Chain
 * events go out together, up to `FOLLOW_MAX_EVENTS` a message and at most `FOLLOW_DELAY_MS` after the first, and
 * always before any other message: a read still comes after every diff seen when it was posted, and a mini-block every
 * few milliseconds costs one message per worker per batch instead of one each (each post wakes the worker up).
 */
import { Worker } from "node:worker_threads";
import type { MiniBlock } from "../../chain/miniBlock.ts";
import type { Block } from "../../chain/types.ts";
import type { ExecutionEngine } from "../../execution/config.ts";
import type { BlockPreValues } from "../../state/diff.ts";
import { encodedStateDiff } from "../../state/diffCodec.ts";
import type { Logger } from "../../telemetry.ts";
import { prunedHistory } from "../errors.ts";
import {
  type ChainEvent,
  deserializeError,
  type FromWorker,
  type ReadOperation,
  type ReadResult,
  type ReadWorkerData,
  ReadWorkerError,
  type ToWorker,
} from "./protocol.ts";

export interface ReadWorkerPoolOptions {
  readonly storePath: string;
  readonly chainId: bigint;
  /** The engine calls run on (`execution.engine`). */
  readonly engine: ExecutionEngine;
  /** Dev chains: replays apply dev state edits (as the node's own executor does). */
  readonly devStateEdits?: boolean;
  readonly historyBlocks: number;
  /** Threads to start (each holds a copy of the state). */
  readonly workers: number;
  /** Unix nice value of the worker threads. */
  readonly niceness: number;
  /**
   * The reverse diffs of sealed blocks `from`..`through` as this thread keeps them (`StateHistory.preValuesOf`):
   * sent to a worker that holds less history (a replacement restores from the newest snapshot) when a read needs an
   * older state. Absent: such reads are answered 4444.
   */
  readonly historyOf?: (from: bigint, through: bigint) => readonly BlockPreValues[] | undefined;
  readonly logger?: Logger;
}

/** Runs read executions away from the sealing loop. `signal` stops a read, running or queued. */
export interface ReadExecution {
  run(operation: ReadOperation, signal?: AbortSignal): Promise<ReadResult>;
}

interface PendingRead {
  readonly id: number;
  readonly operation: ReadOperation;
  readonly resolve: (result: ReadResult) => void;
  readonly reject: (error: unknown) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
  slot: WorkerSlot;
  /** The worker was sent the history this read needs once already. */
  historySent: boolean;
}

interface WorkerSlot {
  readonly index: number;
  worker: Worker;
  ready: boolean;
  /**
   * The oldest block whose state the worker holds, as it reported when ready (its snapshot: a replacement starts
   * from the newest one and holds less history than the workers started with the node until blocks pass).
   */
  oldestBlock: bigint;
  /** Reads posted to this worker, in the order it runs them. */
  readonly reads: Map<number, PendingRead>;
  running: number | undefined;
  /** Shared with the worker: the id of the running read to stop. */
  readonly interrupt: Int32Array;
  /** Set while an interrupted read has not ended: the worker is replaced when it fires. */
  graceTimer: NodeJS.Timeout | undefined;
}

/** How long an interrupted read may take to end before its worker is replaced. */
const INTERRUPT_GRACE_MS = 1_000;

/** Chain events wait at most this long for others to go out with (reads send them at once). */
const FOLLOW_DELAY_MS = 10;
/** Chain events sent in one message at most. */
const FOLLOW_MAX_EVENTS = 64;

/** Pause before replacing a worker that failed on its own. */
const FAILED_WORKER_RESTART_MS = 1_000;

const WORKER_URL = new URL("./readWorker.ts", import.meta.url);

/** What the pool weighs of a worker when it places a read. */
export interface WorkerChoice {
  readonly ready: boolean;
  /** The oldest block whose state the worker holds. */
  readonly oldestBlock: bigint;
  /** Reads posted to it and not answered. */
  readonly queued: number;
}

/**
 * Where a read at `target` goes (an index into `workers`, at least one): a ready worker first, then one holding
 * the target's state (a replaced worker restores from the newest snapshot and holds less history than the others
 * until blocks pass), then the fewest queued reads; the first of equals.
 */
export function pickWorker(workers: readonly WorkerChoice[], target: ReadOperation["target"]): number {
  const holds = (worker: WorkerChoice) => target === "latest" || worker.oldestBlock <= target;
  let best = 0;
  for (let index = 1; index < workers.length; index++) {
    const worker = workers[index] as WorkerChoice;
    const current = workers[best] as WorkerChoice;
    if (worker.ready !== current.ready) {
      if (worker.ready) best = index;
    } else if (holds(worker) !== holds(current)) {
      if (holds(worker)) best = index;
    } else if (worker.queued < current.queued) best = index;
  }
  return best;
}

export class ReadWorkerPool implements ReadExecution {
  readonly #options: ReadWorkerPoolOptions;
  readonly #slots: WorkerSlot[] = [];
  #nextId = 0;
  #closed = false;
  #replacements = 0;
  /** Chain events not posted yet, oldest first, and the timer that posts them. */
  #following: ChainEvent[] = [];
  #followTimer: NodeJS.Timeout | undefined;
  #followMessages = 0;
  /** Resolves once every first worker reported ready (or failed). */
  readonly ready: Promise<void>;

  constructor(options: ReadWorkerPoolOptions) {
    if (options.workers < 1) throw new ReadWorkerError("a read worker pool needs at least one worker");
    this.#options = options;
    const readies: Promise<void>[] = [];
    for (let index = 0; index < options.workers; index++) {
      const slot: WorkerSlot = {
        index,
        worker: undefined as unknown as Worker,
        ready: false,
        oldestBlock: 0n,
        reads: new Map(),
        running: undefined,
        interrupt: new Int32Array(new SharedArrayBuffer(4)),
        graceTimer: undefined,
      };
      readies.push(this.#spawn(slot));
      this.#slots.push(slot);
    }
    this.ready = Promise.all(readies).then(() => undefined);
  }

  /** Workers replaced so far (a read that would not stop, a worker that failed). */
  get replacements(): number {
    return this.#replacements;
  }

  /** Reads posted and not answered yet, across workers. */
  get outstanding(): number {
    let count = 0;
    for (const slot of this.#slots) count += slot.reads.size;
    return count;
  }

  /** Messages of chain events posted to each worker so far (a batch of events is one). */
  get followMessages(): number {
    return this.#followMessages;
  }

  /** Forwards a sealed mini-block's diff to every worker (call it from the sequencer's `miniBlock` event). */
  onMiniBlock(miniBlock: MiniBlock): void {
    this.#follow({
      type: "miniBlock",
      number: miniBlock.number,
      blockNumber: miniBlock.blockNumber,
      diff: encodedStateDiff(miniBlock.stateDiff),
    });
  }

  /** Forwards a block seal to every worker (call it from the sequencer's `block` event). */
  onBlock(block: Block): void {
    this.#follow({ type: "block", number: block.header.number });
  }

  #follow(event: ChainEvent): void {
    this.#following.push(event);
    if (this.#following.length >= FOLLOW_MAX_EVENTS) this.#sendFollowing();
    else if (this.#followTimer === undefined) {
      this.#followTimer = setTimeout(() => this.#sendFollowing(), FOLLOW_DELAY_MS);
      this.#followTimer.unref();
    }
  }

  /** Posts the chain events not sent yet to every worker; called before any other message goes out. */
  #sendFollowing(): void {
    clearTimeout(this.#followTimer);
    this.#followTimer = undefined;
    if (this.#following.length === 0) return;
    const message: ToWorker = { type: "follow", events: this.#following };
    this.#following = [];
    this.#followMessages++;
    for (const slot of this.#slots) slot.worker.postMessage(message);
  }

  run(operation: ReadOperation, signal?: AbortSignal): Promise<ReadResult> {
    if (this.#closed) return Promise.reject(new ReadWorkerError("read workers are closed"));
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<ReadResult>((resolve, reject) => {
      const id = this.#nextId++;
      const slot = this.#leastBusy(operation.target);
      const pending: PendingRead = {
        id,
        operation,
        resolve,
        reject,
        signal,
        onAbort: () => this.#abort(pending),
        slot,
        historySent: false,
      };
      signal?.addEventListener("abort", pending.onAbort, { once: true });
      this.#post(slot, pending);
    });
  }

  /**
   * Replaces every worker: each restores from the store again. For a node whose live state went back (a replica that
   * refused a block it had forwarded mini-blocks of: their diffs are undone and dropped from the log).
   */
  async resync(): Promise<void> {
    if (this.#closed) return;
    // Events not sent yet belong to the state that went back: the new workers read what replaced it from the store.
    clearTimeout(this.#followTimer);
    this.#followTimer = undefined;
    this.#following = [];
    await Promise.all(this.#slots.map((slot) => this.#replace(slot)));
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#followTimer);
    this.#followTimer = undefined;
    const stopped: Promise<number>[] = [];
    for (const slot of this.#slots) {
      for (const pending of slot.reads.values()) this.#settle(pending, new ReadWorkerError("node shutting down"));
      slot.reads.clear();
      stopped.push(slot.worker.terminate());
    }
    await Promise.all(stopped);
  }

  #leastBusy(target: ReadOperation["target"]): WorkerSlot {
    const choices = this.#slots.map((slot) => ({
      ready: slot.ready,
      oldestBlock: slot.oldestBlock,
      queued: slot.reads.size,
    }));
    return this.#slots[pickWorker(choices, target)] as WorkerSlot;
  }

  #post(slot: WorkerSlot, pending: PendingRead): void {
    pending.slot = slot;
    slot.reads.set(pending.id, pending);
    const message: ToWorker = { type: "read", id: pending.id, operation: pending.operation };
    this.#sendFollowing();
    slot.worker.postMessage(message);
  }

  #settle(pending: PendingRead, outcome: ReadResult | Error): void {
    pending.signal?.removeEventListener("abort", pending.onAbort);
    if (outcome instanceof Error) pending.reject(outcome);
    else pending.resolve(outcome);
  }

  #abort(pending: PendingRead): void {
    const slot = pending.slot;
    if (slot.reads.get(pending.id) !== pending) return;
    slot.reads.delete(pending.id);
    const reason = pending.signal?.reason;
    this.#settle(pending, reason instanceof Error ? reason : new ReadWorkerError(String(reason)));
    if (slot.running !== pending.id) {
      slot.worker.postMessage({ type: "cancel", id: pending.id } satisfies ToWorker);
      return;
    }
    this.#interrupt(slot, pending.id);
  }

  /**
   * Stops the running read `id`: the worker's EVM sees the id as it loops or enters a frame and ends the read, keeping
   * its state. Code that does neither (a long precompile) is stopped for sure by replacing the worker after a grace
   * period; the reads queued behind it then go to the replacement.
   */
  #interrupt(slot: WorkerSlot, id: number): void {
    Atomics.store(slot.interrupt, 0, id);
    clearTimeout(slot.graceTimer);
    slot.graceTimer = setTimeout(() => {
      slot.graceTimer = undefined;
      if (slot.running !== id || this.#closed) return;
      this.#options.logger?.warn({ worker: slot.index }, "read worker did not stop a read in time, replacing it");
      void this.#replace(slot);
    }, INTERRUPT_GRACE_MS);
    slot.graceTimer.unref();
  }

  /**
   * A read needs a state older than its worker holds: sends the worker this thread's reverse diffs of the blocks
   * between, then the read again. False when this thread does not hold them either (or sent them once already).
   */
  #sendHistory(slot: WorkerSlot, pending: PendingRead, oldestBlock: bigint): boolean {
    const target = pending.operation.target;
    if (target === "latest" || pending.historySent) return false;
    const blocks = this.#options.historyOf?.(target + 1n, oldestBlock);
    if (blocks === undefined) return false;
    pending.historySent = true;
    this.#sendFollowing();
    slot.worker.postMessage({ type: "history", through: oldestBlock, blocks } satisfies ToWorker);
    slot.oldestBlock = target;
    slot.worker.postMessage({ type: "read", id: pending.id, operation: pending.operation } satisfies ToWorker);
    return true;
  }

  /** Replaces a slot's worker; after a failure, `delayMs` later (a store that cannot be read must not spin). */
  async #replace(slot: WorkerSlot, delayMs = 0): Promise<void> {
    const old = slot.worker;
    this.#replacements++;
    clearTimeout(slot.graceTimer);
    slot.graceTimer = undefined;
    old.removeAllListeners();
    old.on("error", (error) => this.#options.logger?.debug({ err: error }, "replaced read worker failed"));
    void old.terminate();
    slot.running = undefined;
    slot.ready = false;
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
    if (this.#closed) return;
    const queued = [...slot.reads.values()];
    slot.reads.clear();
    const ready = this.#spawn(slot);
    for (const pending of queued) this.#post(slot, pending);
    await ready;
  }

  #spawn(slot: WorkerSlot): Promise<void> {
    const { storePath, chainId, engine, devStateEdits, historyBlocks, niceness, logger } = this.#options;
    Atomics.store(slot.interrupt, 0, -1);
    const workerData: ReadWorkerData = {
      storePath,
      chainId,
      engine,
      devStateEdits: devStateEdits ?? false,
      historyBlocks,
      niceness,
      interrupt: slot.interrupt.buffer as SharedArrayBuffer,
    };
    const worker = new Worker(WORKER_URL, { workerData });
    slot.worker = worker;
    slot.ready = false;
    return new Promise<void>((resolveReady) => {
      worker.on("message", (message: FromWorker) => {
        switch (message.type) {
          case "ready":
            slot.ready = true;
            slot.oldestBlock = message.oldestBlock;
            if (message.priorityError) {
              logger?.warn({ worker: slot.index, reason: message.priorityError }, "read worker priority not lowered");
            }
            logger?.debug({ worker: slot.index, head: message.head.toString() }, "read worker ready");
            resolveReady();
            return;
          case "started":
            slot.running = message.id;
            // Aborted while its cancel was on the way: the worker runs a read nobody waits for. Stop it.
            if (!slot.reads.has(message.id) && !this.#closed) this.#interrupt(slot, message.id);
            return;
          case "done":
          case "failed":
          case "pruned": {
            if (slot.running === message.id) {
              slot.running = undefined;
              clearTimeout(slot.graceTimer);
              slot.graceTimer = undefined;
            }
            const pending = slot.reads.get(message.id);
            if (pending === undefined) return;
            if (message.type === "pruned" && this.#sendHistory(slot, pending, message.oldestBlock)) return;
            slot.reads.delete(message.id);
            if (message.type === "done") this.#settle(pending, message.result);
            else if (message.type === "pruned") this.#settle(pending, prunedHistory());
            else this.#settle(pending, deserializeError(message.error));
            return;
          }
          case "fatal":
            logger?.error({ worker: slot.index, reason: message.message }, "read worker failed, replacing it");
            resolveReady();
            if (!this.#closed) void this.#replace(slot, FAILED_WORKER_RESTART_MS);
            return;
        }
      });
      worker.on("error", (error) => {
        logger?.error({ worker: slot.index, err: error }, "read worker crashed, replacing it");
        resolveReady();
        if (!this.#closed) void this.#replace(slot, FAILED_WORKER_RESTART_MS);
      });
    });
  }
}
