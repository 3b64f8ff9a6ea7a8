/**
 * Where a batch is hashed and compressed. Writing its body is a copy of the blocks' transaction bytes and stays with
 * the caller (it also checks the blocks); the checksum, the compression and the batch id (keccak256 of the bytes) cost
 * tens of milliseconds for a batch of a few thousand transactions, and on the sequencer's thread they held the sealing
 * loop that long once per batch. `createWorkerBatchEncoder` does them in one worker thread (batchEncodeWorker.ts),
 * the body handed over without a copy; `inlineBatchEncoder` does them in place (tests, tools).
 */
import { Worker } from "node:worker_threads";
import { keccak256Hex } from "../chain/hash.ts";
import type { Hash } from "../chain/types.ts";
import { isLoadedAnnouncement, terminateWhenLoaded, whenLoaded } from "../workerLifecycle.ts";
import { type BatchBody, type EncodeBatchParameters, sealBatchBody, writeBatchBody } from "./batch.ts";
import { BatchEncoderWorkerError } from "./errors.ts";

export interface EncodedBatch {
  readonly bytes: Uint8Array;
  /** keccak256 of `bytes`: the batch's id in its record. */
  readonly batchId: Hash;
}

export interface BatchEncoder {
  /** Rejects with `BatchEncodeError` for blocks that cannot form a batch (checked before any work is handed over). */
  encode(parameters: EncodeBatchParameters): Promise<EncodedBatch>;
  close(): Promise<void>;
}

/** What the worker receives (the body's buffer is transferred) and answers. */
export interface BatchEncodeRequest {
  readonly id: number;
  readonly body: BatchBody;
}
export type BatchEncodeResponse =
  | { readonly id: number; readonly bytes: Uint8Array; readonly batchId: Hash }
  | { readonly id: number; readonly error: string };

/** Seals and hashes a body: what the worker runs, and what the inline encoder runs in place. */
export function sealAndHash(body: BatchBody): EncodedBatch {
  const bytes = sealBatchBody(body);
  return { bytes, batchId: keccak256Hex(bytes) };
}

export const inlineBatchEncoder: BatchEncoder = {
  async encode(parameters) {
    return sealAndHash(writeBatchBody(parameters));
  },
  async close() {},
};

interface Waiting {
  resolve(batch: EncodedBatch): void;
  reject(error: unknown): void;
}

/**
 * One worker, started on first use and again after it failed; requests answered in order. The worker does not keep
 * the process alive; `close()` stops it and fails what is still waiting.
 */
export function createWorkerBatchEncoder(): BatchEncoder {
  /** The worker in use, with the requests posted to it: a worker that fails or exits fails only its own. */
  let running: { readonly worker: Worker; loaded: Promise<void>; readonly waiting: Map<number, Waiting> } | undefined;
  let nextId = 0;

  const failAll = (waiting: Map<number, Waiting>, error: unknown) => {
    for (const entry of waiting.values()) entry.reject(error);
    waiting.clear();
  };

  const start = () => {
    const worker = new Worker(new URL("./batchEncodeWorker.ts", import.meta.url));
    const waiting = new Map<number, Waiting>();
    const started = { worker, loaded: Promise.resolve(), waiting };
    worker.unref();
    worker.on("message", (response: BatchEncodeResponse) => {
      if (isLoadedAnnouncement(response)) return;
      const entry = waiting.get(response.id);
      if (entry === undefined) return;
      waiting.delete(response.id);
      if ("error" in response) entry.reject(new BatchEncoderWorkerError(`batch encoding failed: ${response.error}`));
      else entry.resolve({ bytes: response.bytes, batchId: response.batchId });
    });
    const lost = (error: unknown) => {
      if (running === started) running = undefined;
      failAll(waiting, error);
    };
    worker.on("error", (error) => lost(new BatchEncoderWorkerError("batch encoder worker failed", { cause: error })));
    worker.on("exit", (code) => lost(new BatchEncoderWorkerError(`batch encoder worker exited (${code})`)));
    // After the handler above: a worker's first `message` listener refs its port again after `unref()`.
    started.loaded = whenLoaded(worker);
    return started;
  };

  return {
    async encode(parameters) {
      // Checked and written here, so a bad range throws BatchEncodeError to the caller as the inline path does.
      const body = writeBatchBody(parameters);
      running ??= start();
      const { worker, waiting } = running;
      const id = nextId++;
      const request: BatchEncodeRequest = { id, body };
      const done = new Promise<EncodedBatch>((resolve, reject) => waiting.set(id, { resolve, reject }));
      const { buffer } = body.uncompressed;
      worker.postMessage(request, buffer instanceof ArrayBuffer ? [buffer] : []);
      return done;
    },
    async close() {
      const stopping = running;
      running = undefined;
      if (stopping === undefined) return;
      failAll(stopping.waiting, new BatchEncoderWorkerError("batch encoder closed"));
      await terminateWhenLoaded(stopping.worker, stopping.loaded);
    },
  };
}
