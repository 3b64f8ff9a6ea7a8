/** The range verifier's worker thread (rangeVerifier.ts): checks and decodes each response's frames, in order. */
import { parentPort } from "node:worker_threads";
import { nameThisThread } from "../threadName.ts";
import { announceLoaded } from "../workerLifecycle.ts";
import { checkFrame, type RangeVerifyRequest, type RangeVerifyResponse } from "./rangeVerifier.ts";

nameThisThread("mach-rangecheck");

if (parentPort === null) throw new Error("rangeVerifyWorker.ts runs as a worker thread");
const port = parentPort;

port.on("message", ({ id, kind, chainId, maxMessageBytes, bytes, ends }: RangeVerifyRequest) => {
  let response: RangeVerifyResponse;
  try {
    const results = ends.map((end, i) =>
      checkFrame(kind, bytes.subarray(i === 0 ? 0 : (ends[i - 1] as number), end), chainId, maxMessageBytes),
    );
    response = { id, results };
  } catch (error) {
    response = { id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  port.postMessage(response);
});
announceLoaded(port);
