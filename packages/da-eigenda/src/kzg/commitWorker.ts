/**
 * Worker thread body: computes blob commitments off the main thread, so a multi-second MSM never stalls the event
 * loop of the process that submits (the sequencer). Receives the SRS once (Mach SRS bytes) and the engine's name,
 * builds the engine (native and mcl: the SRS goes straight from the bytes into the addon's memory or the library's heap) and answers
 * `{ id, blob, parts }` with the requested points uncompressed.
 */
import { writeFileSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { type BlobCommitmentPart, createReferenceKzgEngine } from "./commitment.ts";
import type { KzgEngine, KzgEngineName, KzgEngineOptions } from "./engine.ts";
import { createMclKzgEngineFromMachSrs } from "./mclEngine.ts";
import { createNativeKzgEngineFromMachSrs } from "./nativeEngine.ts";
import { g1ToUncompressed, g2ToUncompressed } from "./points.ts";
import { parseMachSrs } from "./srs.ts";

// Named for `top -H` like the node's own workers (best effort; Linux keeps 15 bytes of a thread's name).
try {
  if (process.platform === "linux") writeFileSync("/proc/thread-self/comm", "mach-kzg");
} catch {
  // A name is a diagnostic: a thread that cannot take one computes all the same.
}

export interface CommitWorkerData {
  readonly srsBytes: ArrayBuffer;
  readonly engine: KzgEngineName;
  readonly engineOptions: KzgEngineOptions;
}

export interface CommitRequest {
  readonly id: number;
  readonly blob: Uint8Array;
  /** The points to compute: all three for a dispersal, only the G1 commitment for a reader's check. */
  readonly parts: readonly BlobCommitmentPart[];
}

/** The requested points, uncompressed (absent ones are empty), and the blob length. */
export type CommitResponse =
  | {
      readonly id: number;
      readonly commitment: Uint8Array;
      readonly lengthCommitment: Uint8Array;
      readonly lengthProof: Uint8Array;
      readonly length: number;
      /** CPU time this thread spent computing them (user + system), seconds. */
      readonly cpuSeconds: number;
    }
  | { readonly id: number; readonly error: string };

const port = parentPort;
if (port) {
  const data = workerData as CommitWorkerData;
  const srsBytes = new Uint8Array(data.srsBytes);
  const engine = buildEngine(data.engine, data.engineOptions, srsBytes);
  // A failed build is every request's answer (each awaits it below), not the thread's crash before the first one.
  engine.catch(() => {});
  const none = new Uint8Array(0);
  // Requests wait for the engine (mcl-wasm initialises asynchronously) and are answered in arrival order.
  port.on("message", async (request: CommitRequest) => {
    let response: CommitResponse;
    try {
      const ready = await engine;
      const before = process.threadCpuUsage();
      const c = ready.computeBlobCommitmentParts(request.blob, request.parts);
      const used = process.threadCpuUsage(before);
      response = {
        id: request.id,
        commitment: c.commitment ? g1ToUncompressed(c.commitment) : none,
        lengthCommitment: c.lengthCommitment ? g2ToUncompressed(c.lengthCommitment) : none,
        lengthProof: c.lengthProof ? g2ToUncompressed(c.lengthProof) : none,
        length: c.length,
        cpuSeconds: (used.user + used.system) / 1e6,
      };
    } catch (error) {
      response = { id: request.id, error: (error as Error).message };
    }
    port.postMessage(response);
  });
}

async function buildEngine(name: KzgEngineName, options: KzgEngineOptions, srsBytes: Uint8Array): Promise<KzgEngine> {
  if (name === "native") {
    return createNativeKzgEngineFromMachSrs(
      srsBytes,
      options.nativeTables === undefined ? {} : { tables: options.nativeTables },
    );
  }
  return name === "mcl" ? createMclKzgEngineFromMachSrs(srsBytes) : createReferenceKzgEngine(parseMachSrs(srsBytes));
}
