/**
 * The shared-memory protocol between `KeccakBatch` (the trie's thread) and its hashing workers. One
 * SharedArrayBuffer holds, in order: the control words (Int32), the job table (`JOB_WORDS` Int32 per job), the
 * digests (32 bytes per job) and the staging area (messages written for the batch). A job's message is in the
 * staging area or in a chunk of large tries' branch encodings (encArena.ts; workers learn of new chunks through a
 * MessagePort, counted in `CHUNKS`), and its digest may also be written into a chunk (a parent's encoding). A batch
 * is opened by bumping `GENERATION`; workers and the trie's thread claim chunks of jobs with `Atomics.add` on `NEXT`
 * and count finished jobs in `DONE`.
 *
 * Jobs are published while the trie's thread is still encoding the batch's nodes: `JOB_COUNT` grows (every
 * `PUBLISH_EVERY` jobs) until `CLOSED`, and each change bumps `SEQUENCE`, the word a worker waits on when it has
 * claimed jobs not published yet (so no wake-up is lost). The trie's thread then hashes alongside.
 *
 * Generations: an even value is an open batch, an odd one means the table is being rewritten. A worker announces
 * the batch it works on in its `ENTERED` word and re-reads `GENERATION` before claiming; the trie's thread, after
 * closing a batch (odd), waits for every worker that entered it to post the same value in `LEFT`. So a worker that
 * woke up late never claims jobs from a table being rewritten.
 */

export const GENERATION = 0;
export const JOB_COUNT = 1;
export const NEXT = 2;
export const DONE = 3;
/** Set by a worker whose hasher threw; the trie's thread then hashes the batch itself and stops using workers. */
export const FAILED = 4;
/** 1 once `JOB_COUNT` is final for the open batch. */
export const CLOSED = 5;
/** Bumped at every change of `JOB_COUNT` or `CLOSED`. */
export const SEQUENCE = 6;
/** Workers waiting on `SEQUENCE` (the trie's thread notifies only then). */
export const WAITING = 7;
/** Encoding chunks posted to the workers so far. */
export const CHUNKS = 8;

/** A job: message chunk (-1: staging), offset, length, digest's extra destination chunk (-1: none), its offset. */
export const JOB_WORDS = 5;
/** The trie's thread publishes its queued jobs every this many. */
export const PUBLISH_EVERY = 64;
/** How long a thread spins for the next published jobs, or for the last chunks, before sleeping. */
export const PUBLISH_SPIN_MICROSECONDS = 200;
/** How long an idle worker spins for the next batch before sleeping (a root update opens one per depth). */
export const BATCH_SPIN_MICROSECONDS = 300;

/**
 * Waits until `control[index]` differs from `value`: spinning for up to `spinMicroseconds` first (within a root
 * update the next batch or chunk is usually microseconds away, and waking a sleeping thread costs tens of
 * microseconds, more on a loaded machine), then sleeping in `Atomics.wait`. While it sleeps, `control[waitingIndex]`
 * (when given) counts it, so the other side knows to notify; `timeoutMs` bounds the sleep (the caller re-checks).
 */
export function waitForChange(
  control: Int32Array,
  index: number,
  value: number,
  spinMicroseconds: number,
  waitingIndex = -1,
  timeoutMs = Number.POSITIVE_INFINITY,
): void {
  const deadline = performance.now() + spinMicroseconds / 1000;
  for (let spins = 1; ; spins++) {
    if (Atomics.load(control, index) !== value) return;
    if ((spins & 255) === 0 && performance.now() > deadline) break;
  }
  if (waitingIndex >= 0) Atomics.add(control, waitingIndex, 1);
  Atomics.wait(control, index, value, timeoutMs);
  if (waitingIndex >= 0) Atomics.sub(control, waitingIndex, 1);
}
/**
 * Per worker w, at WORKER_WORDS + WORDS_PER_WORKER w: ENTERED and LEFT (the batches it entered and left), READY (1 once
 * its hasher is up), RETIRED (1: the worker leaves its loop and ends at its next wake-up, without entering a batch).
 */
export const WORKER_WORDS = 12;
export const WORDS_PER_WORKER = 4;
export const ENTERED = 0;
export const LEFT = 1;
export const READY = 2;
export const RETIRED = 3;
/** Jobs claimed at once: small enough to balance two threads at the end of a batch. */
export const CLAIM_CHUNK = 8;

export interface KeccakLayout {
  /** Worker slots for the process's lifetime (a retired worker's slot is not reused). */
  readonly maxWorkers: number;
  readonly maxJobs: number;
  readonly stagingBytes: number;
}

export interface KeccakViews {
  readonly control: Int32Array;
  readonly jobs: Int32Array;
  readonly digests: Uint8Array;
  readonly staging: Uint8Array;
}

function controlWords(layout: KeccakLayout): number {
  return WORKER_WORDS + WORDS_PER_WORKER * layout.maxWorkers;
}

export function sharedBytes(layout: KeccakLayout): number {
  return 4 * controlWords(layout) + 4 * JOB_WORDS * layout.maxJobs + 32 * layout.maxJobs + layout.stagingBytes;
}

/** The views over one protocol buffer (the same on both sides). */
export function viewsOf(buffer: SharedArrayBuffer | ArrayBuffer, layout: KeccakLayout): KeccakViews {
  const controlBytes = 4 * controlWords(layout);
  const jobsBytes = 4 * JOB_WORDS * layout.maxJobs;
  const digestBytes = 32 * layout.maxJobs;
  return {
    control: new Int32Array(buffer, 0, controlWords(layout)),
    jobs: new Int32Array(buffer, controlBytes, JOB_WORDS * layout.maxJobs),
    digests: new Uint8Array(buffer, controlBytes + jobsBytes, digestBytes),
    staging: new Uint8Array(buffer, controlBytes + jobsBytes + digestBytes, layout.stagingBytes),
  };
}

/** A keccak256 that writes its digest into `out` at `outOffset` (hash-wasm's reused hasher). */
export type KeccakInto = (data: Uint8Array, out: Uint8Array, outOffset: number) => void;

/**
 * Claims and hashes jobs of the open batch until none is left (the batch is closed and every job claimed); returns
 * how many this thread hashed. Used by both sides, so the split adapts to whoever is faster (or not scheduled at
 * all). A claimed chunk not published yet is waited for.
 */
export function hashClaimedJobs(views: KeccakViews, chunks: ChunkViews, keccakInto: KeccakInto): number {
  const control = views.control;
  let hashed = 0;
  for (;;) {
    const first = Atomics.add(control, NEXT, CLAIM_CHUNK);
    const wanted = first + CLAIM_CHUNK;
    let available: number;
    for (;;) {
      const sequence = Atomics.load(control, SEQUENCE);
      const closed = Atomics.load(control, CLOSED) !== 0;
      available = Atomics.load(control, JOB_COUNT);
      if (closed || available >= wanted) break;
      waitForChange(control, SEQUENCE, sequence, PUBLISH_SPIN_MICROSECONDS, WAITING);
    }
    const end = Math.min(wanted, available);
    if (first >= end) return hashed;
    hashJobs(views, chunks, first, end, keccakInto);
    hashed += end - first;
    Atomics.add(control, DONE, end - first);
    Atomics.notify(control, DONE);
  }
}

/** The encoding chunks by id; `refresh` maps chunks created since (a worker's list lags the trie's thread's). */
export interface ChunkViews {
  readonly list: readonly Uint8Array[];
  refresh(): void;
}

function chunkView(chunks: ChunkViews, id: number): Uint8Array {
  let view = chunks.list[id];
  if (view === undefined) {
    chunks.refresh();
    view = chunks.list[id]!;
  }
  return view;
}

/** Hashes jobs [first, end) of the table into the digests (and into their extra destinations). */
export function hashJobs(
  views: KeccakViews,
  chunks: ChunkViews,
  first: number,
  end: number,
  keccakInto: KeccakInto,
): void {
  const { jobs, digests, staging } = views;
  for (let j = first; j < end; j++) {
    const at = JOB_WORDS * j;
    const source = jobs[at]!;
    const offset = jobs[at + 1]!;
    const data = source < 0 ? staging : chunkView(chunks, source);
    keccakInto(data.subarray(offset, offset + jobs[at + 2]!), digests, j << 5);
    const target = jobs[at + 3]!;
    if (target >= 0) {
      const out = chunkView(chunks, target);
      const to = jobs[at + 4]!;
      for (let b = 0, from = j << 5; b < 32; b++) out[to + b] = digests[from + b]!;
    }
  }
}
