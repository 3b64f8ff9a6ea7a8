/**
 * Where blob commitments are computed: inline (tests, tools) or in a worker thread (the client's default), behind one
 * async interface, with either KZG engine (engine.ts; WASM by default). The worker gets the SRS once, serialized in
 * Mach's format, and keeps the engine built from it.
 */
import { Worker } from "node:worker_threads";
import type { BlobCommitment } from "./commitment.ts";
import type { CommitResponse, CommitWorkerData } from "./commitWorker.ts";
import { createKzgEngine, DEFAULT_KZG_ENGINE, type KzgEngine, type KzgEngineName } from "./engine.ts";
import { type G1Point, G2, g1FromBytes, g2FromBytes } from "./points.ts";
import { type Srs, SrsError, serializeMachSrs } from "./srs.ts";

export interface BlobCommitter {
  commit(blob: Uint8Array): Promise<BlobCommitment>;
  commitG1(blob: Uint8Array): Promise<G1Point>;
  close(): Promise<void>;
}

export interface CommitterOptions {
  /** Which KZG engine computes the commitments (default "wasm"; "reference" is the pure-JS path). */
  readonly engine?: KzgEngineName;
}

export function createInlineCommitter(srs: () => Promise<Srs>, options: CommitterOptions = {}): BlobCommitter {
  let engine: Promise<KzgEngine> | undefined;
  const ready = (): Promise<KzgEngine> => {
    engine ??= srs().then((loaded) => createKzgEngine(options.engine ?? DEFAULT_KZG_ENGINE, loaded));
    return engine;
  };
  return {
    commit: async (blob) => (await ready()).computeBlobCommitment(blob),
    commitG1: async (blob) => (await ready()).computeG1Commitment(blob),
    close: async () => {},
  };
}

export function createWorkerCommitter(srs: () => Promise<Srs>, options: CommitterOptions = {}): BlobCommitter {
  let worker: Promise<Worker> | undefined;
  let nextId = 0;
  const pending = new Map<number, { resolve: (c: BlobCommitment) => void; reject: (e: Error) => void }>();
  const failAll = (error: Error) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };

  const start = async (): Promise<Worker> => {
    const bytes = serializeMachSrs(await srs());
    const workerData: CommitWorkerData = {
      srsBytes: bytes.buffer as ArrayBuffer,
      engine: options.engine ?? DEFAULT_KZG_ENGINE,
    };
    const w = new Worker(new URL("./commitWorker.ts", import.meta.url), {
      workerData,
      transferList: [bytes.buffer as ArrayBuffer],
    });
    w.on("message", (response: CommitResponse) => {
      const p = pending.get(response.id);
      if (!p) return;
      pending.delete(response.id);
      if (pending.size === 0) w.unref();
      if ("error" in response) {
        p.reject(new SrsError(response.error));
        return;
      }
      const commitment = g1FromBytes(response.commitment);
      p.resolve(
        response.length === 0
          ? { commitment, lengthCommitment: G2.ZERO, lengthProof: G2.ZERO, length: 0 }
          : {
              commitment,
              lengthCommitment: g2FromBytes(response.lengthCommitment, { checkSubgroup: false }),
              lengthProof: g2FromBytes(response.lengthProof, { checkSubgroup: false }),
              length: response.length,
            },
      );
    });
    w.on("error", (error) => failAll(error));
    w.on("exit", (code) => {
      worker = undefined;
      failAll(new Error(`commitment worker exited with code ${code}`));
    });
    // An idle worker must not keep the process alive; a busy one must (see `request`).
    w.unref();
    return w;
  };

  const request = async (blob: Uint8Array, g1Only: boolean): Promise<BlobCommitment> => {
    worker ??= start();
    const w = await worker;
    const id = nextId++;
    return new Promise<BlobCommitment>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      w.ref();
      w.postMessage({ id, blob, g1Only });
    });
  };

  return {
    commit: (blob) => request(blob, false),
    commitG1: async (blob) => (await request(blob, true)).commitment,
    async close() {
      const w = worker;
      worker = undefined;
      if (w) await (await w).terminate();
    },
  };
}
