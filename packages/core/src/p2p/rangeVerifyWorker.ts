/** The range verifier's worker thread (rangeVerifier.ts): checks and decodes each response's frames, in order. */
import { parentPort } from "node:worker_threads";
import { nameThisThread } from "../threadName.ts";
import { announceLoaded } from "../workerLifecycle.ts";
import { checkFrame, type RangeVerifyRequest, type RangeVerifyResponse } from "./rangeVerifier.ts";

nameThisThread("mach-rangecheck");

if (parentPort === null) throw new Error("rangeVerifyWorker.ts runs as a worker thread");
const port = parentPort;

port.on("message", ({ id, kind, chainId, maxMessageBytes, bytes, ends }: RangeVerifyRequest) => {
  // One message per frame: each frame's decoded objects are garbage once posted, so the young generation never holds
  // a whole range's (a range held at once was promoted and copied by the collector).
  for (let index = 0; index < ends.length; index++) {
    let response: RangeVerifyResponse;
    try {
      const frame = bytes.subarray(index === 0 ? 0 : (ends[index - 1] as number), ends[index]);
      const result = checkFrame(kind, frame, chainId, maxMessageBytes);
      // The first failure voids the response: the frames after it are not checked.
      response = { id, index, result, last: index === ends.length - 1 || "failure" in result };
    } catch (error) {
      response = { id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    }
    port.postMessage(response);
    if (!("result" in response) || response.last) return;
  }
});
announceLoaded(port);
