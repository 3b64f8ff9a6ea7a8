/**
 * A sender-recovery worker thread: decodes each raw transaction of a request and recovers its sender (native
 * libsecp256k1 where it loads, @noble/curves otherwise: `chain/signature.ts` picks in this thread as on the main one)
 * and answers in request order. It holds no state, so a request needs nothing but its bytes.
 */
import { parentPort } from "node:worker_threads";
import { secp256k1Backend } from "../chain/signature.ts";
import { nameThisThread } from "../threadName.ts";
import { announceLoaded } from "../workerLifecycle.ts";
import { type RecoverRequest, recoverPacked, type WorkerReady } from "./senderRecoveryProtocol.ts";

nameThisThread("mach-senders");

const port = parentPort;
if (port === null) throw new Error("senderRecoveryWorker.ts runs as a worker thread");

port.on("message", (request: RecoverRequest) => port.postMessage(recoverPacked(request)));
port.postMessage({ type: "ready", backend: secp256k1Backend } satisfies WorkerReady);
announceLoaded(port);
