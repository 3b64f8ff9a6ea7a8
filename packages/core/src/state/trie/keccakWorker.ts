/**
 * A hashing worker of `KeccakBatch`: waits for a batch (Atomics.wait on the generation word), claims and hashes jobs
 * from the shared staging area into the shared digests, and goes back to waiting. Holds no trie state and never
 * posts a message; see keccakProtocol.ts for the protocol.
 */
import { type MessagePort, receiveMessageOnPort, workerData } from "node:worker_threads";
import { createKeccak } from "hash-wasm";
import { nameThisThread } from "../../threadName.ts";
import {
  BATCH_SPIN_MICROSECONDS,
  CHUNKS,
  type ChunkViews,
  DONE,
  ENTERED,
  FAILED,
  GENERATION,
  hashClaimedJobs,
  type KeccakLayout,
  LEFT,
  READY,
  RETIRED,
  viewsOf,
  WORDS_PER_WORKER,
  WORKER_WORDS,
  waitForChange,
} from "./keccakProtocol.ts";

interface KeccakWorkerData {
  readonly buffer: SharedArrayBuffer;
  readonly layout: KeccakLayout;
  readonly index: number;
  /** Encoding chunks that exist at start; later ones arrive on `chunkPort` as { id, buffer }. */
  readonly chunks: readonly SharedArrayBuffer[];
  readonly chunkPort: MessagePort;
}

const { buffer, layout, index, chunkPort } = workerData as KeccakWorkerData;
nameThisThread(`mach-keccak-${index}`);
const list: Uint8Array[] = (workerData as KeccakWorkerData).chunks.map((chunk) => new Uint8Array(chunk));

/**
 * Maps the chunks posted since (the trie's thread posts a chunk before counting it in CHUNKS and before any job
 * points into it, so it is on the port).
 */
const chunks: ChunkViews = {
  list,
  refresh(): void {
    while (list.length < Atomics.load(control, CHUNKS)) {
      const received = receiveMessageOnPort(chunkPort);
      if (received === undefined) continue;
      const { id, buffer: chunk } = received.message as { id: number; buffer: SharedArrayBuffer };
      list[id] = new Uint8Array(chunk);
    }
  },
};
const views = viewsOf(buffer, layout);
const control = views.control;
const slot = WORKER_WORDS + WORDS_PER_WORKER * index;
const entered = slot + ENTERED;
const left = slot + LEFT;
const hasher = await createKeccak(256);
Atomics.store(control, slot + READY, 1);
Atomics.notify(control, slot + READY);

function keccakInto(data: Uint8Array, out: Uint8Array, outOffset: number): void {
  hasher.init();
  hasher.update(data);
  out.set(hasher.digest("binary"), outOffset);
}

let last = 0;
while (Atomics.load(control, slot + RETIRED) === 0) {
  const generation = Atomics.load(control, GENERATION);
  if (generation === last || (generation & 1) === 1) {
    waitForChange(control, GENERATION, generation, BATCH_SPIN_MICROSECONDS);
    continue;
  }
  Atomics.store(control, entered, generation);
  // Re-read after announcing: the batch may have closed (or this worker been retired) in between.
  if (Atomics.load(control, GENERATION) === generation && Atomics.load(control, slot + RETIRED) === 0) {
    try {
      hashClaimedJobs(views, chunks, keccakInto);
    } catch (error) {
      // The trie's thread sees the flag and hashes the batch itself; the error ends this worker and reaches the
      // Worker's "error" event on the trie's thread.
      Atomics.store(control, FAILED, 1);
      Atomics.store(control, left, generation);
      Atomics.notify(control, left);
      Atomics.notify(control, DONE);
      throw error;
    }
  }
  last = generation;
  Atomics.store(control, left, generation);
  Atomics.notify(control, left);
}
