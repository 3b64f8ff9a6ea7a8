/**
 * The in-memory DA layer for tests and the `memory` provider. Blobs live in a `MemoryDaStore` that stands for the
 * DA network: hand the same store to a new `createMemoryDa` to model a restart of the client (or of the service with
 * its data kept). Submissions confirm after `confirmationDelayMs`; faults can be injected per operation, and
 * `holdConfirmations` keeps submissions pending until the test settles each one (a slow DA, confirmations out of
 * order, a permanent failure of any one of several in flight).
 *
 * Pointer: version byte 0x01 ‖ keccak256(data) (33 bytes).
 */
import { bytesToHex } from "viem";
import { keccak256 } from "../chain/hash.ts";
import {
  DaError,
  type DaErrorKind,
  DaNotFoundError,
  type DataAvailability,
  type SubmissionHandle,
  type SubmissionStatus,
} from "./types.ts";

export const MEMORY_POINTER_VERSION = 0x01;
export const MEMORY_POINTER_BYTES = 33;
export const DEFAULT_MEMORY_MAX_BLOB_BYTES = 1024 * 1024;

interface StoredBlob {
  readonly data: Uint8Array;
  /** When the blob becomes retrievable, ms on the DA's clock. */
  readonly confirmAt: number;
}

/** The blobs of one memory DA "network". Outlives the clients created over it. */
export interface MemoryDaStore {
  readonly blobs: Map<string, StoredBlob>;
}

export function createMemoryDaStore(): MemoryDaStore {
  return { blobs: new Map() };
}

export interface MemoryDaOptions {
  /** Default 1 MiB. */
  readonly maxBlobBytes?: number;
  /** Time from submit to confirmation (status `pending` until then). Default 0. */
  readonly confirmationDelayMs?: number;
  /** Shared backing store; default a fresh one. */
  readonly store?: MemoryDaStore;
  /** Clock in ms (default `Date.now`). */
  readonly now?: () => number;
}

export interface MemoryDa extends DataAvailability {
  readonly provider: "memory";
  readonly store: MemoryDaStore;
  /** The next `count` calls to `submit` reject with a DaError of `kind`. */
  failNextSubmits(count: number, kind?: DaErrorKind): void;
  /** The next `count` calls to `retrieve` reject with a DaError of `kind`. */
  failNextRetrieves(count: number, kind?: DaErrorKind): void;
  /** The next `count` accepted submissions end in status `failed` (their `wait` rejects) instead of confirming. */
  failNextConfirmations(count: number, kind?: DaErrorKind): void;
  /** Calls to `submit` that passed validation and submit-fault injection (confirmation may still fail). */
  readonly submitCount: number;
  /**
   * While on, every accepted submission stays `pending` until settled through `heldSubmissions`; turning it off
   * leaves those already held as they are.
   */
  holdConfirmations(on: boolean): void;
  /** Held submissions not settled yet, oldest first. */
  readonly heldSubmissions: readonly HeldSubmission[];
}

/** Longest single timer of a `wait` on a held submission (settling it wakes the wait at once). */
const HELD_WAIT_MS = 60_000;

/** A submission held pending by `holdConfirmations`, for the test to settle. */
export interface HeldSubmission {
  /** The blob as submitted. */
  readonly data: Uint8Array;
  /** Confirms it now: its `wait` resolves with the pointer and the blob becomes retrievable. */
  confirm(): void;
  /** Ends it in status `failed` with a DaError of `kind` (default transient). */
  fail(kind?: DaErrorKind): void;
}

interface FaultQueue {
  count: number;
  kind: DaErrorKind;
}

export function encodeMemoryPointer(id: Uint8Array): Uint8Array {
  const pointer = new Uint8Array(MEMORY_POINTER_BYTES);
  pointer[0] = MEMORY_POINTER_VERSION;
  pointer.set(id, 1);
  return pointer;
}

/** The blob id inside a memory pointer; throws a permanent DaError for anything else. */
export function decodeMemoryPointer(pointer: Uint8Array): Uint8Array {
  if (pointer.length !== MEMORY_POINTER_BYTES || pointer[0] !== MEMORY_POINTER_VERSION) {
    throw new DaError("permanent", "malformed memory DA pointer", {
      details: `expected ${MEMORY_POINTER_BYTES} bytes starting with 0x01, got ${pointer.length} bytes`,
    });
  }
  return pointer.subarray(1);
}

export function createMemoryDa(options: MemoryDaOptions = {}): MemoryDa {
  const maxBlobBytes = options.maxBlobBytes ?? DEFAULT_MEMORY_MAX_BLOB_BYTES;
  const delayMs = options.confirmationDelayMs ?? 0;
  const store = options.store ?? createMemoryDaStore();
  const now = options.now ?? Date.now;
  const faults = {
    submit: { count: 0, kind: "transient" } as FaultQueue,
    retrieve: { count: 0, kind: "transient" } as FaultQueue,
    confirm: { count: 0, kind: "transient" } as FaultQueue,
  };
  const timers = new Set<{ timer: NodeJS.Timeout; reject: (error: unknown) => void }>();
  /** A wait that `close` and `signal` cut short, and `wakers` (when given) ends early. */
  const sleep = (ms: number, signal: AbortSignal | undefined, wakers?: Set<() => void>) =>
    new Promise<void>((resolve, reject) => {
      const cleanUp = () => {
        clearTimeout(entry.timer);
        timers.delete(entry);
        wakers?.delete(wake);
        signal?.removeEventListener("abort", onAbort);
      };
      const wake = () => {
        cleanUp();
        resolve();
      };
      const onAbort = () => {
        cleanUp();
        reject(signal?.reason);
      };
      const entry = { timer: setTimeout(wake, ms), reject };
      timers.add(entry);
      wakers?.add(wake);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  let closed = false;
  let submitCount = 0;
  let holding = false;
  const held: HeldSubmission[] = [];

  const takeFault = (queue: FaultQueue): DaErrorKind | undefined => {
    if (queue.count === 0) return undefined;
    queue.count--;
    return queue.kind;
  };
  const assertOpen = () => {
    if (closed) throw new DaError("permanent", "memory DA client is closed");
  };

  const setFault = (queue: FaultQueue, count: number, kind: DaErrorKind) => {
    queue.count = count;
    queue.kind = kind;
  };

  return {
    provider: "memory",
    limits: { maxBlobBytes },
    store,
    get submitCount() {
      return submitCount;
    },
    failNextSubmits: (count, kind = "transient") => setFault(faults.submit, count, kind),
    failNextRetrieves: (count, kind = "transient") => setFault(faults.retrieve, count, kind),
    failNextConfirmations: (count, kind = "transient") => setFault(faults.confirm, count, kind),
    holdConfirmations: (on) => {
      holding = on;
    },
    get heldSubmissions() {
      return [...held];
    },

    async submit(data) {
      assertOpen();
      const injected = takeFault(faults.submit);
      if (injected) throw new DaError(injected, "memory DA: injected submit failure");
      if (data.length === 0) throw new DaError("permanent", "memory DA: empty blob");
      if (data.length > maxBlobBytes) {
        throw new DaError("permanent", "memory DA: blob over size limit", {
          details: `${data.length} bytes, max ${maxBlobBytes}`,
        });
      }
      submitCount++;
      const id = keccak256(data);
      const key = bytesToHex(id);
      const pointer = encodeMemoryPointer(id);
      let failure = takeFault(faults.confirm);
      let confirmAt = now() + delayMs;
      /** Pending until the test settles it (`holdConfirmations`). */
      let isHeld = holding && !failure;
      const keep = () => {
        // Same bytes, same id: a resubmission confirms no later than the first submission would.
        const stored = store.blobs.get(key);
        if (!stored || stored.confirmAt > confirmAt) store.blobs.set(key, { data: data.slice(), confirmAt });
      };
      /** Waits on this submission while held; settling it wakes them. */
      const heldWaiters = new Set<() => void>();
      if (isHeld) {
        const settle = () => {
          const at = held.indexOf(entry);
          if (at < 0) return false;
          held.splice(at, 1);
          isHeld = false;
          return true;
        };
        const entry: HeldSubmission = {
          data: data.slice(),
          confirm: () => {
            if (!settle()) return;
            confirmAt = now();
            keep();
            for (const wake of heldWaiters) wake();
          },
          fail: (kind = "transient") => {
            if (!settle()) return;
            failure = kind;
            for (const wake of heldWaiters) wake();
          },
        };
        held.push(entry);
      } else if (!failure) keep();

      const status = (): SubmissionStatus => {
        if (failure) {
          return { state: "failed", error: new DaError(failure, "memory DA: injected confirmation failure") };
        }
        if (isHeld) return { state: "pending", detail: "held" };
        const remaining = confirmAt - now();
        if (remaining > 0) return { state: "pending", detail: `confirms in ${remaining} ms` };
        return { state: "confirmed", pointer: pointer.slice() };
      };

      const handle: SubmissionHandle = {
        id: key,
        status: async () => status(),
        async wait(waitOptions = {}) {
          const { signal, timeoutMs } = waitOptions;
          const deadline = timeoutMs === undefined ? Number.POSITIVE_INFINITY : now() + timeoutMs;
          for (;;) {
            if (closed) throw new DaError("transient", "memory DA client closed while waiting");
            signal?.throwIfAborted();
            const current = status();
            if (current.state === "confirmed") return current.pointer;
            if (current.state === "failed") throw current.error;
            const left = deadline - now();
            if (left <= 0) throw new DaError("transient", `memory DA: not confirmed within ${timeoutMs} ms`);
            if (isHeld) await sleep(Math.min(HELD_WAIT_MS, left), signal, heldWaiters);
            else await sleep(Math.max(1, Math.min(confirmAt - now(), left)), signal);
          }
        },
      };
      return handle;
    },

    async retrieve(pointer) {
      assertOpen();
      const id = decodeMemoryPointer(pointer);
      const injected = takeFault(faults.retrieve);
      if (injected) throw new DaError(injected, "memory DA: injected retrieve failure");
      const blob = store.blobs.get(bytesToHex(id));
      if (!blob || blob.confirmAt > now()) {
        throw new DaNotFoundError("memory DA: blob not found", { details: bytesToHex(pointer) });
      }
      return blob.data.slice();
    },

    async close() {
      closed = true;
      for (const entry of timers) {
        clearTimeout(entry.timer);
        entry.reject(new DaError("transient", "memory DA client closed while waiting"));
      }
      timers.clear();
    },
  };
}
