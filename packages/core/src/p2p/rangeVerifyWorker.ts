/** The range verifier's worker thread (rangeVerifier.ts): checks and decodes each response's frames, in order. */
import { parentPort } from "node:worker_threads";
import { nameThisThread } from "../threadName.ts";
import { announceLoaded } from "../workerLifecycle.ts";
import { checkFrame, type RangeVerifyRequest, type RangeVerifyResponse, takeFirst } from "./rangeVerifier.ts";

nameThisThread("mach-rangecheck");

if (parentPort === null) throw new Error("rangeVerifyWorker.ts runs as a worker thread");
const port = parentPort;

/** Requests received and not yet checked. */
const waiting: RangeVerifyRequest[] = [];
let scheduled = false;

// Checked one at a time, the next picked by `comesFirst` (blocks, then chain order) among those that arrived by then:
// each check runs in its own turn, so requests posted meanwhile are in `waiting` when the next is picked.
port.on("message", (request: RangeVerifyRequest) => {
  waiting.push(request);
  schedule();
});

function schedule(): void {
  if (scheduled || waiting.length === 0) return;
  scheduled = true;
  setImmediate(() => {
    scheduled = false;
    const request = takeFirst(waiting);
    if (request !== undefined) check(request);
    schedule();
  });
}

function check({ id, kind, chainId, maxMessageBytes, bytes, ends }: RangeVerifyRequest): void {
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
}
announceLoaded(port);
