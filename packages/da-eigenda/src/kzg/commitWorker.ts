/**
 * Worker thread body: computes blob commitments off the main thread, so a multi-second MSM never stalls the event
 * loop of the process that submits (the sequencer). Receives the SRS once (Mach SRS bytes) and answers
 * `{ id, blob }` with the three points uncompressed.
 */
import { parentPort, workerData } from "node:worker_threads";
import { computeBlobCommitment, computeG1Commitment } from "./commitment.ts";
import { g1ToUncompressed, g2ToUncompressed } from "./points.ts";
import { parseMachSrs } from "./srs.ts";

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
  const srs = parseMachSrs(new Uint8Array((workerData as { srsBytes: ArrayBuffer }).srsBytes));
  port.on("message", (request: CommitRequest) => {
    let response: CommitResponse;
    try {
      if (request.g1Only) {
        const commitment = g1ToUncompressed(computeG1Commitment(srs, request.blob));
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
      const c = computeBlobCommitment(srs, request.blob);
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
