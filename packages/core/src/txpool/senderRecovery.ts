/**
 * Sender recovery off the sealing loop: decoding a raw transaction and recovering its sender (secp256k1, the costliest
 * step of admission) run on worker threads (`senderRecoveryWorker.ts`); the main thread only admits the outcomes.
 *
 * - Gathering: every `recover` call made in one pass of the event loop over its ready connections (a JSON-RPC batch
 *   of 100 sends, the sends of every WebSocket read in that pass) becomes one group, posted as one message per worker
 *   once the pass ends (`setImmediate`): one round trip, not one per transaction or per connection.
 * - Arrival order: groups are admitted strictly in the order they were gathered, whichever worker answers first, and
 *   transactions of a group in their order; so a later batch never overtakes an earlier one and a sender's nonces
 *   arrive at the pool in the order they were sent, as when decoding inline.
 * - Light load: a group smaller than `inlineBelow` with nothing ahead of it is decoded right here, since a worker
 *   round trip costs more than one recovery with native libsecp256k1.
 * - A worker that fails has its groups decoded inline and is replaced; nothing is lost or reordered.
 */
import { Worker } from "node:worker_threads";
import type { Logger } from "../telemetry.ts";
import { isLoadedAnnouncement, terminateWhenLoaded, whenLoaded } from "../workerLifecycle.ts";
import {
  decodeOutcome,
  type FromSenderWorker,
  outcomeAt,
  packRaws,
  type RecoveredResponse,
  type RecoverRequest,
  type RecoveryOutcome,
  SenderRecoveryError,
} from "./senderRecoveryProtocol.ts";

/** Decodes raw transactions and recovers their senders, admitting the outcomes in arrival order. */
export interface SenderRecovery {
  /**
   * Decodes `raw` and recovers its sender, then calls `admit` with the outcome, after every earlier `raw` was
   * admitted. `undefined` when `raw` was not decoded for being larger than `maxTxBytes` (the pool refuses it).
   * Resolves to what `admit` returns, or rejects with what it throws.
   */
  recover<R>(raw: Uint8Array, admit: (outcome: RecoveryOutcome | undefined) => R): Promise<R>;
  close(): Promise<void>;
}

export interface SenderRecoveryPoolOptions {
  /** Worker threads (≥ 1; with 0 the caller decodes inline and starts no pool). */
  readonly workers: number;
  /** Groups of fewer transactions than this, with no group ahead of them, are decoded on the calling thread. */
  readonly inlineBelow: number;
  /** Larger raw transactions are not decoded at all: the pool refuses them as oversized first. */
  readonly maxTxBytes: number;
  readonly logger?: Logger;
}

interface Pending {
  readonly raw: Uint8Array;
  readonly admit: (outcome: RecoveryOutcome | undefined) => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

interface Group {
  readonly id: number;
  readonly entries: readonly Pending[];
  /** Set once decoded (by a worker or inline); the group is admitted when every group ahead of it was. */
  outcomes: readonly (RecoveryOutcome | undefined)[] | undefined;
  slot: WorkerSlot | undefined;
}

interface WorkerSlot {
  readonly index: number;
  worker: Worker;
  /** Groups posted to this worker and not answered yet. */
  readonly groups: Map<number, Group>;
  /** Transactions in those groups (the least loaded worker gets the next group). */
  load: number;
  /** Resolves with the secp256k1 implementation of the worker once it started. */
  ready: Promise<"native" | "noble">;
  /** Resolves once its modules have run, or it ended (`workerLifecycle.ts`). */
  loaded: Promise<void>;
}

/** A group is split over the workers only past this many transactions per part (a message has a fixed cost). */
const MIN_PART_SIZE = 32;

const WORKER_URL = new URL("./senderRecoveryWorker.ts", import.meta.url);

export class SenderRecoveryPool implements SenderRecovery {
  readonly #options: SenderRecoveryPoolOptions;
  readonly #slots: WorkerSlot[] = [];
  /** Groups in arrival order, not yet admitted. */
  readonly #queue: Group[] = [];
  #gathering: Pending[] | undefined;
  #nextId = 0;
  #closed = false;
  #replacements = 0;
  #messagesPosted = 0;

  constructor(options: SenderRecoveryPoolOptions) {
    if (options.workers < 1) throw new SenderRecoveryError("a sender-recovery pool needs at least one worker");
    this.#options = options;
    for (let index = 0; index < options.workers; index++) {
      const slot: WorkerSlot = {
        index,
        worker: undefined as unknown as Worker,
        groups: new Map(),
        load: 0,
        ready: Promise.resolve("noble"),
        loaded: Promise.resolve(),
      };
      this.#spawn(slot);
      this.#slots.push(slot);
    }
  }

  /**
   * The secp256k1 implementation of each worker, once all started (sends need not wait for it: they queue on the
   * worker's port). "noble" means the native binding did not load in that thread.
   */
  ready(): Promise<readonly ("native" | "noble")[]> {
    return Promise.all(this.#slots.map((slot) => slot.ready));
  }

  /** Workers replaced after a failure. */
  get replacements(): number {
    return this.#replacements;
  }

  /** Groups (or parts of a group) posted to workers so far: one per gathered group below `MIN_PART_SIZE` each. */
  get messagesPosted(): number {
    return this.#messagesPosted;
  }

  recover<R>(raw: Uint8Array, admit: (outcome: RecoveryOutcome | undefined) => R): Promise<R> {
    if (this.#closed) return Promise.reject(new SenderRecoveryError("sender recovery is closed"));
    return new Promise<R>((resolve, reject) => {
      const pending: Pending = { raw, admit, resolve: resolve as (value: unknown) => void, reject };
      if (this.#gathering === undefined) {
        this.#gathering = [];
        setImmediate(this.#flushGathered);
      }
      this.#gathering.push(pending);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    // Sends still gathering join the queue (their flush finds nothing left), and groups still on a worker are decoded
    // here: every caller gets its answer, in order.
    if (this.#gathering !== undefined) {
      this.#group(this.#gathering);
      this.#gathering = undefined;
    }
    for (const group of this.#queue) if (group.outcomes === undefined) this.#decodeInline(group);
    this.#admitReady();
    await Promise.all(this.#slots.map((slot) => terminateWhenLoaded(slot.worker, slot.loaded)));
  }

  readonly #flushGathered = () => this.#flush();

  #flush(): void {
    const entries = this.#gathering;
    this.#gathering = undefined;
    if (entries === undefined) return;
    if (entries.length < this.#options.inlineBelow && this.#queue.length === 0) {
      const group = this.#group(entries);
      this.#decodeInline(group);
      this.#admitReady();
      return;
    }
    const parts = Math.max(1, Math.min(this.#slots.length, Math.floor(entries.length / MIN_PART_SIZE)));
    const size = Math.ceil(entries.length / parts);
    for (let start = 0; start < entries.length; start += size) {
      this.#post(this.#leastLoaded(), this.#group(entries.slice(start, start + size)));
    }
  }

  #group(entries: readonly Pending[]): Group {
    const group: Group = { id: this.#nextId++, entries, outcomes: undefined, slot: undefined };
    this.#queue.push(group);
    return group;
  }

  #decodeInline(group: Group): void {
    group.outcomes = group.entries.map((entry) => this.#decode(entry.raw));
  }

  #decode(raw: Uint8Array): RecoveryOutcome | undefined {
    return raw.length > this.#options.maxTxBytes ? undefined : decodeOutcome(raw);
  }

  #leastLoaded(): WorkerSlot {
    let best = this.#slots[0] as WorkerSlot;
    for (const slot of this.#slots) if (slot.load < best.load) best = slot;
    return best;
  }

  #post(slot: WorkerSlot, group: Group): void {
    const { maxTxBytes } = this.#options;
    // Oversized raws stay here (their outcome is `undefined`); the worker gets the rest.
    const raws: Uint8Array[] = [];
    for (const entry of group.entries) if (entry.raw.length <= maxTxBytes) raws.push(entry.raw);
    group.slot = slot;
    if (slot.groups.size === 0) slot.worker.ref();
    slot.groups.set(group.id, group);
    slot.load += raws.length;
    const { packed, ends } = packRaws(raws);
    const request: RecoverRequest = { type: "recover", id: group.id, packed, ends };
    slot.worker.postMessage(request, [packed.buffer as ArrayBuffer, ends.buffer as ArrayBuffer]);
    this.#messagesPosted++;
  }

  #onRecovered(slot: WorkerSlot, response: RecoveredResponse): void {
    const group = slot.groups.get(response.id);
    if (group === undefined) return;
    slot.groups.delete(response.id);
    slot.load -= response.senders.length;
    if (slot.groups.size === 0) slot.worker.unref();
    const outcomes: (RecoveryOutcome | undefined)[] = new Array(group.entries.length);
    let next = 0;
    for (let i = 0; i < group.entries.length; i++) {
      const entry = group.entries[i] as Pending;
      if (entry.raw.length > this.#options.maxTxBytes) continue;
      outcomes[i] = outcomeAt(response, next++, entry.raw);
    }
    group.outcomes = outcomes;
    this.#admitReady();
  }

  /** Admits every decoded group at the head of the queue, in order; stops at the first group still decoding. */
  #admitReady(): void {
    const queue = this.#queue;
    while (queue.length > 0) {
      const group = queue[0] as Group;
      const outcomes = group.outcomes;
      if (outcomes === undefined) return;
      queue.shift();
      for (let i = 0; i < group.entries.length; i++) {
        const entry = group.entries[i] as Pending;
        try {
          entry.resolve(entry.admit(outcomes[i]));
        } catch (error) {
          entry.reject(error);
        }
      }
    }
  }

  /** A worker failed: its groups are decoded here (so none waits or moves) and a new worker takes its place. */
  #fail(slot: WorkerSlot, error: unknown): void {
    if (this.#closed) return;
    this.#options.logger?.error({ worker: slot.index, err: error }, "sender-recovery worker failed, replacing it");
    this.#replacements++;
    const old = slot.worker;
    old.removeAllListeners();
    old.on("error", (late) => this.#options.logger?.debug({ err: late }, "replaced sender-recovery worker failed"));
    void old.terminate();
    for (const group of slot.groups.values()) this.#decodeInline(group);
    slot.groups.clear();
    slot.load = 0;
    this.#spawn(slot);
    this.#admitReady();
  }

  #spawn(slot: WorkerSlot): void {
    const worker = new Worker(WORKER_URL);
    slot.worker = worker;
    let started: (backend: "native" | "noble") => void = () => undefined;
    slot.ready = new Promise((resolve) => {
      started = resolve;
    });
    worker.on("message", (message: FromSenderWorker) => {
      if (isLoadedAnnouncement(message)) return;
      if (message.type === "recovered") return this.#onRecovered(slot, message);
      started(message.backend);
      // Referenced until it started and while it owes an answer: an idle pool does not keep the process alive.
      if (slot.groups.size === 0) worker.unref();
      const log = this.#options.logger;
      if (message.backend === "native") log?.debug({ worker: slot.index }, "sender-recovery worker ready");
      else log?.warn({ worker: slot.index }, "sender-recovery worker without native secp256k1, using @noble/curves");
    });
    worker.on("error", (error) => this.#fail(slot, error));
    worker.on("exit", (code) => {
      if (slot.worker === worker) this.#fail(slot, new SenderRecoveryError(`worker exited with code ${code}`));
    });
    // After the handler above, which decides when the worker is referenced (`unref()` once it started).
    slot.loaded = whenLoaded(worker);
  }
}
