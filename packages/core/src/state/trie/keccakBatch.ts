/**
 * keccak256 of many independent messages at once: the trie queues one depth's dirty nodes (messages written into the
 * staging area, or branch encodings already in shared chunks), then `flush()` hashes them all. Once a batch holds
 * `minParallelJobs` jobs it is opened to the hashing workers (keccakWorker.ts; protocol in keccakProtocol.ts), and
 * later jobs are published while the caller's thread is still queueing, so the workers hash as it encodes; at the
 * flush the caller's thread hashes alongside and blocks (Atomics) until the batch is done, so `MerkleTrie.root()`
 * stays synchronous. Digests land in `results`, 32 bytes per job, in job order (and, for jobs that name one, in a
 * parent's encoding).
 *
 * The staging area, job table and digests live in one SharedArrayBuffer that the workers map at start-up: nothing is
 * copied or posted per batch. Workers start lazily, on the first batch large enough to share; until one has booted,
 * the caller's thread simply hashes everything itself (jobs are claimed, not assigned).
 */
import { availableParallelism } from "node:os";
import { MessageChannel, type MessagePort, Worker } from "node:worker_threads";
import { z } from "zod";
import { keccak256Into } from "../../chain/hash.ts";
import { type ChunkPool, encChunks } from "./encArena.ts";
import {
  CHUNKS,
  type ChunkViews,
  CLOSED,
  DONE,
  ENTERED,
  FAILED,
  GENERATION,
  hashClaimedJobs,
  hashJobs,
  JOB_COUNT,
  JOB_WORDS,
  type KeccakLayout,
  type KeccakViews,
  LEFT,
  NEXT,
  PUBLISH_EVERY,
  PUBLISH_SPIN_MICROSECONDS,
  READY,
  RETIRED,
  SEQUENCE,
  sharedBytes,
  viewsOf,
  WAITING,
  WORDS_PER_WORKER,
  WORKER_WORDS,
  waitForChange,
} from "./keccakProtocol.ts";

/** One hashing worker when the machine has a second core: the trie's thread hashes too, so 2 cores ≈ 2 hashers. */
export const DEFAULT_TRIE_HASH_WORKERS = Math.min(availableParallelism() - 1, 1);
/** Below this many messages a flush hashes on the caller's thread: waking a worker costs more than it saves. */
export const DEFAULT_MIN_PARALLEL_JOBS = 128;
/** Staging area: one depth of a 10k-key update over 1M accounts (~9k branch nodes of ~500 B) fits in two flushes. */
export const DEFAULT_STAGING_BYTES = 4 << 20;
export const DEFAULT_MAX_JOBS = 16_384;
const MAX_WORKERS = 8;
/** Result space kept between rounds: 128k digests, room for a 100k-key block. */
const RETAINED_RESULTS_BYTES = 32 << 17;
/** Worker slots for the process's lifetime (reconfiguring to fewer workers retires slots). */
const WORKER_SLOTS = 32;

export const trieHashingConfigSchema = z.object({
  /** Worker threads hashing trie nodes beside the caller's thread (0: hash on the caller's thread only). */
  workers: z.number().int().min(0).max(MAX_WORKERS).default(DEFAULT_TRIE_HASH_WORKERS),
  /** Smallest batch handed to the workers. */
  minParallelJobs: z.number().int().positive().default(DEFAULT_MIN_PARALLEL_JOBS),
});
export type TrieHashingConfig = z.output<typeof trieHashingConfigSchema>;
export type TrieHashingConfigInput = z.input<typeof trieHashingConfigSchema>;

export class KeccakBatch {
  readonly #layout: KeccakLayout;
  readonly #buffer: SharedArrayBuffer;
  readonly #views: KeccakViews;
  /** Where callers write messages, at the offset `reserve()` returned. */
  readonly staging: Uint8Array;
  /** Digests of this round's jobs: job j at [32 j, 32 j + 32); valid once the job's flush returned. */
  results = new Uint8Array(RETAINED_RESULTS_BYTES);
  /** Jobs pushed since `reset()`. */
  jobCount = 0;
  #queued = 0;
  #stagingUsed = 0;
  #config: TrieHashingConfig;
  /** A batch is open to the workers (jobs are published as they are pushed). */
  #shared = false;
  /** Running workers, by slot, with the port that brings them new encoding chunks. */
  readonly #workers: { readonly worker: Worker; readonly slot: number; readonly chunkPort: MessagePort }[] = [];
  /** The encoding chunks jobs may point into, by id (the pool's own list on this thread; workers map copies). */
  readonly #chunks: ChunkViews;
  readonly #chunkBuffers: SharedArrayBuffer[] = [];
  /** Slots used so far (running or retired): the batch-closing wait checks them all. */
  #slotsUsed = 0;
  #generation = 0;
  #failed = false;
  /** The error that stopped the workers, if one did (hashing then continues on the caller's thread). */
  workerError: unknown = undefined;
  /** Messages hashed since start-up, and how many of them by workers (for benches and metrics). */
  readonly stats = { jobs: 0, jobsOnWorkers: 0 };

  /** `chunks`: where jobs pushed with `pushInChunk` point (this thread's pool of large tries' encodings). */
  constructor(config: TrieHashingConfigInput = {}, chunks: ChunkPool = encChunks) {
    this.#config = trieHashingConfigSchema.parse(config);
    this.#layout = { maxWorkers: WORKER_SLOTS, maxJobs: DEFAULT_MAX_JOBS, stagingBytes: DEFAULT_STAGING_BYTES };
    this.#buffer = new SharedArrayBuffer(sharedBytes(this.#layout));
    this.#views = viewsOf(this.#buffer, this.#layout);
    this.staging = this.#views.staging;
    this.#chunks = { list: chunks.chunks, refresh: () => undefined };
    chunks.subscribe((id, buffer) => {
      this.#chunkBuffers[id] = buffer;
      for (const { chunkPort } of this.#workers) chunkPort.postMessage({ id, buffer });
      Atomics.store(this.#views.control, CHUNKS, this.#chunkBuffers.length);
    });
  }

  /** Largest message `reserve()` accepts; longer ones go through `pushDigestOf()`. */
  get maxMessageBytes(): number {
    return this.#layout.stagingBytes;
  }

  get config(): TrieHashingConfig {
    return this.#config;
  }

  /**
   * Changes the worker count or threshold. With `workers: 0` running workers stay asleep (no batch is shared); a
   * smaller positive count retires the surplus (each ends at its next wake-up, inside no batch).
   */
  configure(config: TrieHashingConfigInput): void {
    this.#config = trieHashingConfigSchema.parse(config);
    const keep = this.#config.workers;
    while (keep > 0 && this.#workers.length > keep) {
      const { slot } = this.#workers.pop()!;
      const control = this.#views.control;
      Atomics.store(control, WORKER_WORDS + WORDS_PER_WORKER * slot + RETIRED, 1);
      Atomics.notify(control, GENERATION);
    }
  }

  /** Starts the configured workers (they also start on the first large batch) and resolves once all are hashing. */
  async workersReady(): Promise<void> {
    this.#startWorkers();
    const control = this.#views.control;
    for (const { slot } of this.#workers) {
      const ready = WORKER_WORDS + WORDS_PER_WORKER * slot + READY;
      while (Atomics.load(control, ready) === 0 && !this.#failed) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
  }

  /** Offset in `staging` where a message of `length` bytes (≤ maxMessageBytes) goes; flushes first when full. */
  reserve(length: number): number {
    if (this.#stagingUsed + length > this.#layout.stagingBytes || this.#queued === this.#layout.maxJobs) this.flush();
    return this.#stagingUsed;
  }

  /**
   * Queues a message that lives in encoding chunk `chunk` at [offset, offset + length) (it must not change until the
   * batch is flushed); returns its job index. `target`/`targetOffset`: a chunk where the digest is also written.
   */
  pushInChunk(chunk: number, offset: number, length: number, target = -1, targetOffset = 0): number {
    if (this.#queued === this.#layout.maxJobs) this.flush();
    return this.#queue(chunk, offset, length, target, targetOffset);
  }

  /**
   * Queues the message written at staging[offset, offset + length) (from `reserve`); returns its job index. Once
   * `minParallelJobs` are queued the batch is opened to the workers, and later jobs are published as they come.
   */
  push(offset: number, length: number, target = -1, targetOffset = 0): number {
    this.#stagingUsed = offset + length;
    return this.#queue(-1, offset, length, target, targetOffset);
  }

  #queue(chunk: number, offset: number, length: number, target: number, targetOffset: number): number {
    const jobs = this.#views.jobs;
    const queued = this.#queued;
    const at = JOB_WORDS * queued;
    jobs[at] = chunk;
    jobs[at + 1] = offset;
    jobs[at + 2] = length;
    jobs[at + 3] = target;
    jobs[at + 4] = targetOffset;
    this.#queued = queued + 1;
    if (this.#shared) {
      if (((queued + 1) & (PUBLISH_EVERY - 1)) === 0) this.#publish(queued + 1, false);
    } else if (queued + 1 === this.#config.minParallelJobs && this.#config.workers > 0 && !this.#failed) {
      this.#openShared(queued + 1);
    }
    return this.jobCount++;
  }

  /** Hashes `message` now (one too long for the staging area); returns its job index. */
  pushDigestOf(message: Uint8Array): number {
    this.flush();
    this.#ensureResults(this.jobCount + 1);
    keccak256Into(message, this.results, this.jobCount << 5);
    this.stats.jobs++;
    return this.jobCount++;
  }

  /** Ends a round: results grown past `RETAINED_RESULTS_BYTES` (a bulk load's) are let go. */
  release(): void {
    if (this.results.length > RETAINED_RESULTS_BYTES) this.results = new Uint8Array(RETAINED_RESULTS_BYTES);
  }

  /** Starts a new round: job indices restart at 0. Unflushed jobs are dropped (a batch open to workers is finished). */
  reset(): void {
    if (this.#shared) {
      this.#shared = false;
      this.#finishShared(this.#queued);
    }
    this.#queued = 0;
    this.#stagingUsed = 0;
    this.jobCount = 0;
  }

  /** Hashes every queued message; their digests are in `results` when this returns. */
  flush(): void {
    const count = this.#queued;
    if (count === 0) return;
    const base = this.jobCount - count;
    this.#ensureResults(this.jobCount);
    this.stats.jobs += count;
    if (this.#shared) {
      this.#shared = false;
      if (this.#finishShared(count)) {
        this.results.set(this.#views.digests.subarray(0, count << 5), base << 5);
        this.#queued = 0;
        this.#stagingUsed = 0;
        return;
      }
    }
    hashJobs(this.#views, this.#chunks, 0, count, keccak256Into);
    this.results.set(this.#views.digests.subarray(0, count << 5), base << 5);
    this.#queued = 0;
    this.#stagingUsed = 0;
  }

  #ensureResults(jobs: number): void {
    if (this.results.length >= jobs << 5) return;
    const grown = new Uint8Array(Math.max(jobs << 5, this.results.length * 2));
    grown.set(this.results);
    this.results = grown;
  }

  #startWorkers(): void {
    while (this.#workers.length < this.#config.workers && this.#slotsUsed < WORKER_SLOTS) {
      const slot = this.#slotsUsed++;
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(new URL("./keccakWorker.ts", import.meta.url), {
        workerData: {
          buffer: this.#buffer,
          layout: this.#layout,
          index: slot,
          chunks: this.#chunkBuffers,
          chunkPort: port2,
        },
        transferList: [port2],
      });
      worker.unref();
      worker.on("error", (error) => {
        this.workerError = error;
        this.#failed = true;
      });
      port1.unref();
      this.#workers.push({ worker, slot, chunkPort: port1 });
    }
  }

  /** Opens a batch to the workers with the `count` jobs queued so far. */
  #openShared(count: number): void {
    this.#startWorkers();
    const control = this.#views.control;
    const previous = this.#generation;
    // Close the previous batch, and wait for any worker still inside it to leave before resetting the counters.
    Atomics.store(control, GENERATION, previous + 1);
    for (let slot = 0; slot < this.#slotsUsed; slot++) {
      const entered = WORKER_WORDS + WORDS_PER_WORKER * slot + ENTERED;
      const left = WORKER_WORDS + WORDS_PER_WORKER * slot + LEFT;
      if (previous === 0 || Atomics.load(control, entered) !== previous) continue;
      for (let seen = Atomics.load(control, left); seen !== previous; seen = Atomics.load(control, left)) {
        Atomics.wait(control, left, seen, 10);
      }
    }
    Atomics.store(control, JOB_COUNT, count);
    Atomics.store(control, CLOSED, 0);
    Atomics.store(control, NEXT, 0);
    Atomics.store(control, DONE, 0);
    this.#generation = previous + 2;
    Atomics.store(control, GENERATION, this.#generation);
    Atomics.notify(control, GENERATION);
    this.#shared = true;
  }

  /** Makes `count` jobs visible to the workers (`closed`: and no more will come). */
  #publish(count: number, closed: boolean): void {
    const control = this.#views.control;
    Atomics.store(control, JOB_COUNT, count);
    if (closed) Atomics.store(control, CLOSED, 1);
    Atomics.add(control, SEQUENCE, 1);
    if (Atomics.load(control, WAITING) > 0) Atomics.notify(control, SEQUENCE);
  }

  /** Closes the open batch at `count` jobs, hashes alongside the workers, waits for the rest; false if one failed. */
  #finishShared(count: number): boolean {
    const control = this.#views.control;
    this.#publish(count, true);
    this.stats.jobsOnWorkers += count - hashClaimedJobs(this.#views, this.#chunks, keccak256Into);
    for (let done = Atomics.load(control, DONE); done < count; done = Atomics.load(control, DONE)) {
      if (Atomics.load(control, FAILED) !== 0) {
        this.#failed = true;
        return false;
      }
      waitForChange(control, DONE, done, PUBLISH_SPIN_MICROSECONDS, -1, 10);
    }
    return true;
  }
}

/** The batch every MerkleTrie hashes through (one per thread: tries are used from one thread). */
export const trieKeccakBatch = new KeccakBatch();

/** Sets how trie roots are hashed (worker count, threshold); `node/` calls this with its parsed config. */
export function configureTrieHashing(config: TrieHashingConfigInput): void {
  trieKeccakBatch.configure(config);
}

/** How trie roots are hashed now. */
export function trieHashingConfig(): TrieHashingConfig {
  return trieKeccakBatch.config;
}

/** Trie node hashes computed so far in this thread's tries, and how many of them on hashing workers. */
export function trieHashingStats(): { readonly jobs: number; readonly jobsOnWorkers: number } {
  return { ...trieKeccakBatch.stats };
}
