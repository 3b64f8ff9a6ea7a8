/**
 * Worker thread body: computes blob commitments off the main thread, so a multi-second MSM never stalls the event
 * loop of the process that submits (the sequencer). Receives the SRS once (Mach SRS bytes) and the engine's name,
 * builds the engine (WASM: the SRS goes straight from the bytes into the module's memory) and answers `{ id, blob }`
 * with the three points uncompressed.
 */
import { parentPort, workerData } from "node:worker_threads";
import { createReferenceKzgEngine } from "./commitment.ts";
import type { KzgEngine, KzgEngineName } from "./engine.ts";
import { g1ToUncompressed, g2ToUncompressed } from "./points.ts";
import { parseMachSrs } from "./srs.ts";
import { createWasmKzgEngineFromMachSrs } from "./wasmEngine.ts";

export interface CommitWorkerData {
  readonly srsBytes: ArrayBuffer;
  readonly engine: KzgEngineName;
}

export interface CommitRequest {
  readonly id: number;
  readonly blob: Uint8Array;
  /** Only the G1 commitment (a reader checking a fetched blob). */
  readonly g1Only: boolean;
}

export type CommitResponse =
  | {
      readonly id: number;
      readonly commitment: Uint8Array;
      readonly lengthCommitment: Uint8Array;
      readonly lengthProof: Uint8Array;
      readonly length: number;
    }
  | { readonly id: number; readonly error: string };

const port = parentPort;
if (port) {
  const data = workerData as CommitWorkerData;
  const srsBytes = new Uint8Array(data.srsBytes);
  const engine: KzgEngine =
    data.engine === "wasm"
      ? createWasmKzgEngineFromMachSrs(srsBytes)
      : createReferenceKzgEngine(parseMachSrs(srsBytes));
  port.on("message", (request: CommitRequest) => {
    let response: CommitResponse;
    try {
      if (request.g1Only) {
        const commitment = g1ToUncompressed(engine.computeG1Commitment(request.blob));
        response = {
          id: request.id,
          commitment,
          lengthCommitment: new Uint8Array(0),
          lengthProof: new Uint8Array(0),
          length: 0,
        };
        port.postMessage(response);
        return;
      }
      const c = engine.computeBlobCommitment(request.blob);
      response = {
        id: request.id,
        commitment: g1ToUncompressed(c.commitment),
        lengthCommitment: g2ToUncompressed(c.lengthCommitment),
        lengthProof: g2ToUncompressed(c.lengthProof),
        length: c.length,
      };
    } catch (error) {
      response = { id: request.id, error: (error as Error).message };
    }
    port.postMessage(response);
  });
}
