/** The batch encoder's worker thread (batchEncoder.ts): seals and hashes each body it is sent, in order. */
import { parentPort } from "node:worker_threads";
import { nameThisThread } from "../threadName.ts";
import { announceLoaded } from "../workerLifecycle.ts";
import { type BatchEncodeRequest, type BatchEncodeResponse, sealAndHash } from "./batchEncoder.ts";

nameThisThread("mach-batchenc");

if (parentPort === null) throw new Error("batchEncodeWorker.ts runs as a worker thread");
const port = parentPort;

port.on("message", ({ id, body }: BatchEncodeRequest) => {
  let response: BatchEncodeResponse;
  try {
    const { bytes, batchId } = sealAndHash(body);
    response = { id, bytes, batchId };
    port.postMessage(response, bytes.buffer instanceof ArrayBuffer ? [bytes.buffer] : []);
  } catch (error) {
    response = { id, error: error instanceof Error ? error.message : String(error) };
    port.postMessage(response);
  }
});
announceLoaded(port);
