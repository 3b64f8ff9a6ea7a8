/**
 * Where blob commitments are computed: inline (tests, tools) or in worker threads (the client's default: one), behind
 * one async interface, with any KZG engine (engine.ts; native by default, mcl-wasm when the addon cannot be had). Each worker gets the SRS once, serialized
 * in Mach's format, and keeps the engine built from it.
 */
import { Worker } from "node:worker_threads";
import {
  BLOB_COMMITMENT_PARTS,
  type BlobCommitment,
  type BlobCommitmentPart,
  type BlobCommitmentParts,
  completeBlobCommitment,
} from "./commitment.ts";
import type { CommitResponse, CommitWorkerData } from "./commitWorker.ts";
import {
  createKzgEngine,
  defaultKzgEngine,
  type KzgEngine,
  type KzgEngineName,
  type KzgEngineOptions,
} from "./engine.ts";
import { type G1Point, g1FromBytes, g2FromBytes } from "./points.ts";
import { type Srs, SrsError, serializeMachSrs } from "./srs.ts";

export interface BlobCommitter {
  commit(blob: Uint8Array): Promise<BlobCommitment>;
  commitG1(blob: Uint8Array): Promise<G1Point>;
  close(): Promise<void>;
}

export interface CommitterOptions {
  /** Which KZG engine computes the commitments (default `defaultKzgEngine()`; "reference" is the pure-JS path). */
  readonly engine?: KzgEngineName;
  /** Options of the engine (the native engine's fixed-base tables). */
  readonly engineOptions?: KzgEngineOptions;
  /** Worker threads (worker committer only; default 1). */
  readonly workers?: number;
  /** Told the CPU time (seconds, on the thread that computed it) of each piece of commitment work, for metrics. */
  readonly onCpuSeconds?: (seconds: number) => void;
}

/** Runs `compute` and tells `onCpuSeconds` the CPU time this thread spent on it. */
function measured<T>(compute: () => T, onCpuSeconds: ((seconds: number) => void) | undefined): T {
  if (onCpuSeconds === undefined) return compute();
  const before = process.threadCpuUsage();
  const result = compute();
  const used = process.threadCpuUsage(before);
  onCpuSeconds((used.user + used.system) / 1e6);
  return result;
}

export function createInlineCommitter(srs: () => Promise<Srs>, options: CommitterOptions = {}): BlobCommitter {
  let engine: Promise<KzgEngine> | undefined;
  const ready = (): Promise<KzgEngine> => {
    engine ??= srs().then((loaded) =>
      createKzgEngine(options.engine ?? defaultKzgEngine(), loaded, options.engineOptions),
    );
    return engine;
  };
  return {
    commit: async (blob) => {
      const engine = await ready();
      return measured(() => engine.computeBlobCommitment(blob), options.onCpuSeconds);
    },
    commitG1: async (blob) => {
      const engine = await ready();
      return measured(() => engine.computeG1Commitment(blob), options.onCpuSeconds);
    },
    close: async () => {},
  };
}

/** Relative cost of each point: a G2 MSM costs about four G1 MSMs of the same size (measured, both engines). */
const PART_COST: Record<BlobCommitmentPart, number> = { commitment: 1, lengthCommitment: 4, lengthProof: 4 };

interface PendingRequest {
  readonly cost: number;
  readonly resolve: (parts: BlobCommitmentParts) => void;
  readonly reject: (error: Error) => void;
}

interface CommitWorker {
  worker: Promise<Worker> | undefined;
  readonly pending: Map<number, PendingRequest>;
  /** Sum of the costs of the requests in flight: where the next point goes. */
  load: number;
}

/**
 * Commitments in a pool of `workers` threads (default 1), each holding its own engine over the SRS. A dispersal's
 * three points go to the least-loaded workers (with two or more, the two G2 MSMs run in parallel), so the pool cuts
 * the latency of one commitment and multiplies throughput by the number of cores it is given.
 */
export function createWorkerCommitter(srs: () => Promise<Srs>, options: CommitterOptions = {}): BlobCommitter {
  const count = options.workers ?? 1;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`workers must be a positive integer, got ${count}`);
  const pool: CommitWorker[] = Array.from({ length: count }, () => ({
    worker: undefined,
    pending: new Map(),
    load: 0,
  }));
  let srsBytes: Promise<Uint8Array> | undefined;
  let nextId = 0;

  const settle = (slot: CommitWorker, id: number): PendingRequest | undefined => {
    const p = slot.pending.get(id);
    if (!p) return undefined;
    slot.pending.delete(id);
    slot.load -= p.cost;
    return p;
  };
  const failAll = (slot: CommitWorker, error: Error) => {
    for (const id of [...slot.pending.keys()]) settle(slot, id)?.reject(error);
  };

  const start = async (slot: CommitWorker): Promise<Worker> => {
    srsBytes ??= srs().then(serializeMachSrs);
    const bytes = (await srsBytes).slice();
    const workerData: CommitWorkerData = {
      srsBytes: bytes.buffer as ArrayBuffer,
      engine: options.engine ?? defaultKzgEngine(),
      engineOptions: options.engineOptions ?? {},
    };
    const w = new Worker(new URL("./commitWorker.ts", import.meta.url), {
      workerData,
      transferList: [bytes.buffer as ArrayBuffer],
    });
    w.on("message", (response: CommitResponse) => {
      const p = settle(slot, response.id);
      if (!p) return;
      if (slot.pending.size === 0) w.unref();
      if ("error" in response) {
        p.reject(new SrsError(response.error));
        return;
      }
      options.onCpuSeconds?.(response.cpuSeconds);
      p.resolve({
        ...(response.commitment.length > 0 ? { commitment: g1FromBytes(response.commitment) } : {}),
        ...(response.lengthCommitment.length > 0
          ? { lengthCommitment: g2FromBytes(response.lengthCommitment, { checkSubgroup: false }) }
          : {}),
        ...(response.lengthProof.length > 0
          ? { lengthProof: g2FromBytes(response.lengthProof, { checkSubgroup: false }) }
          : {}),
        length: response.length,
      });
    });
    w.on("error", (error) => failAll(slot, error));
    w.on("exit", (code) => {
      slot.worker = undefined;
      failAll(slot, new Error(`commitment worker exited with code ${code}`));
    });
    // An idle worker must not keep the process alive; a busy one must (see `request`).
    w.unref();
    return w;
  };

  const request = (slot: CommitWorker, blob: Uint8Array, parts: BlobCommitmentPart[]): Promise<BlobCommitmentParts> => {
    const id = nextId++;
    const cost = parts.reduce((sum, part) => sum + PART_COST[part], 0);
    slot.load += cost;
    return new Promise<BlobCommitmentParts>((resolve, reject) => {
      slot.pending.set(id, { cost, resolve, reject });
      slot.worker ??= start(slot);
      slot.worker.then(
        (w) => {
          w.ref();
          w.postMessage({ id, blob, parts });
        },
        (error: Error) => {
          slot.worker = undefined; // the next request tries to start it again
          settle(slot, id)?.reject(error);
        },
      );
    });
  };

  /** Greedy: each point, largest first, to the worker with the least work in flight. */
  const dispatch = async (blob: Uint8Array, parts: readonly BlobCommitmentPart[]): Promise<BlobCommitmentParts> => {
    const planned = new Map<CommitWorker, BlobCommitmentPart[]>();
    const plannedLoad = new Map(pool.map((slot) => [slot, slot.load]));
    for (const part of [...parts].sort((a, b) => PART_COST[b] - PART_COST[a])) {
      const slot = pool.reduce((best, s) => ((plannedLoad.get(s) ?? 0) < (plannedLoad.get(best) ?? 0) ? s : best));
      plannedLoad.set(slot, (plannedLoad.get(slot) ?? 0) + PART_COST[part]);
      planned.set(slot, [...(planned.get(slot) ?? []), part]);
    }
    const results = await Promise.all([...planned].map(([slot, slotParts]) => request(slot, blob, slotParts)));
    return Object.assign({}, ...results) as BlobCommitmentParts;
  };

  return {
    commit: async (blob) => completeBlobCommitment(await dispatch(blob, BLOB_COMMITMENT_PARTS)),
    commitG1: async (blob) => (await dispatch(blob, ["commitment"])).commitment as G1Point,
    async close() {
      const running = pool.map((slot) => slot.worker);
      for (const slot of pool) slot.worker = undefined;
      await Promise.all(running.map(async (w) => (w ? (await w).terminate() : undefined)));
    },
  };
}
