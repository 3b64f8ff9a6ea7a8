/**
 * A read worker's thread: it follows the sequencer and runs read executions (eth_call, eth_estimateGas trials,
 * debug traces, eth_simulateV1) on its own copy of the chain's state, so a hostile call costs this thread and never
 * the sealing loop.
 *
 * It restores the state from the store (newest snapshot plus the write-ahead log: what a restart does), then applies
 * the mini-block diffs and block seals the main thread forwards (`ChainState.applyMiniBlockDiff` and `commitBlock`,
 * the path a replica takes, checking each block's state root), skipping those the store already gave it. Messages are
 * handled strictly in arrival order, one at a time, so a read sees exactly the diffs posted before it (the `latest`
 * rule) and no diff lands while a read runs. Between two messages the thread yields to its event loop, so a
 * `cancel` for a queued read is seen before that read would start.
 *
 * A read is stopped from the main thread through a shared Int32 (`interrupt`) that the EVM checks at every JUMP and
 * JUMPI: the read ends with `ReadInterruptedError` and the worker keeps its state. The thread can lower its own
 * scheduling priority (`niceness`) so that on a busy machine the kernel gives the sequencer's thread the CPU first.
 */
import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import type { Hash } from "../../chain/types.ts";
import { createEthereumJsExecutor } from "../../execution/ethereumjsExecutor.ts";
import type { BlockEnv } from "../../execution/types.ts";
import { LmdbChainStore } from "../../state/store/lmdbStore.ts";
import { restoreChainState } from "../../state/store/recovery.ts";
import type { StateReader } from "../../state/types.ts";
import { createOverlayState } from "../overlay.ts";
import { runSimulation } from "../simulate/run.ts";
import {
  type FromWorker,
  type PlainBlockEnv,
  PRUNED_STATE_ERROR,
  READ_INTERRUPTED_ERROR,
  type ReadOperation,
  type ReadResult,
  type ReadWorkerData,
  serializeError,
  type ToWorker,
} from "./protocol.ts";

const port = parentPort;
if (port === null) throw new Error("readWorker.ts runs as a worker thread only");
const data = workerData as ReadWorkerData;
const post = (message: FromWorker) => port.postMessage(message);

/** Lowers this thread's priority; returns why it could not, if it could not. */
function lowerPriority(niceness: number): string | undefined {
  if (niceness === 0) return undefined;
  if (process.platform !== "linux") return `thread priority is only set on Linux (${process.platform})`;
  try {
    // `/proc/thread-self` → `<pid>/task/<tid>`: setpriority(PRIO_PROCESS, tid) renices this thread alone on Linux.
    const tid = Number(readlinkSync("/proc/thread-self").split("/").at(-1));
    setPriority(tid, niceness);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
const priorityError = lowerPriority(data.niceness);

const store = new LmdbChainStore({ path: data.storePath });
const restored = restoreChainState(store, { historyBlocks: data.historyBlocks });
const state = restored.state;
let sealedBlock = restored.head.header.number;
let appliedMiniBlock =
  restored.openMiniBlocks.at(-1)?.number ?? restored.head.miniBlockOffset + BigInt(restored.head.miniBlockCount) - 1n;
const oldestBlock = (() => {
  const snapshot = store.latestSnapshot();
  return snapshot === undefined ? sealedBlock : snapshot.blockNumber;
})();
const interrupt = new Int32Array(data.interrupt);
/** The read executing now (-1: none); the main thread stops it by writing its id into `interrupt`. */
let runningRead = -1;
/** Throws when the main thread asked to stop the running read. */
function checkInterrupt(): void {
  if (runningRead >= 0 && Atomics.load(interrupt, 0) === runningRead) {
    const error = new Error(`read ${runningRead} stopped`);
    error.name = READ_INTERRUPTED_ERROR;
    throw error;
  }
}
const executor = await createEthereumJsExecutor({ chainId: data.chainId, interruptCheck: checkInterrupt });
post({ type: "ready", head: sealedBlock, oldestBlock, ...(priorityError ? { priorityError } : {}) });

function blockEnv(env: PlainBlockEnv): BlockEnv {
  return {
    ...env,
    getBlockHash: (n: bigint): Hash | undefined =>
      n < env.number && n + 256n >= env.number ? store.getBlock(n)?.hash : undefined,
  };
}

function stateFor(target: "latest" | bigint): StateReader {
  const reader = target === "latest" ? state.latest : state.stateAt(target);
  if (reader === undefined) {
    const error = new Error(`state of block ${target} is not held by this read worker`);
    error.name = PRUNED_STATE_ERROR;
    throw error;
  }
  return reader;
}

async function execute(operation: ReadOperation): Promise<ReadResult> {
  if (operation.kind === "simulate") {
    // Checked between calls too: a run of calls that never jump would not see the interrupt otherwise.
    return runSimulation(
      executor,
      stateFor(operation.target),
      operation.input,
      (n) => store.getBlock(n)?.hash,
      checkInterrupt,
    );
  }
  const env = blockEnv(operation.env);
  if (operation.kind === "traceTransaction") {
    const overlay = createOverlayState(stateFor(operation.target));
    for (const tx of operation.prefix) await executor.executeTransaction(overlay, tx, env);
    return executor.traceTransaction(overlay, operation.tx, env);
  }
  const overlay = createOverlayState(stateFor(operation.target), operation.stateOverride);
  if (operation.kind === "traceCall") return executor.traceCall(overlay, operation.message, env);
  return executor.call(overlay, operation.message, env);
}

function follow(message: Extract<ToWorker, { type: "miniBlock" | "block" }>): void {
  if (message.type === "miniBlock") {
    if (message.number <= appliedMiniBlock) return;
    if (message.number !== appliedMiniBlock + 1n) {
      throw new Error(`read worker: mini-block ${message.number} arrived after ${appliedMiniBlock}`);
    }
    if (message.blockNumber !== sealedBlock + 1n) {
      throw new Error(`read worker: mini-block of block ${message.blockNumber} while block ${sealedBlock} is sealed`);
    }
    state.applyMiniBlockDiff(message.diff);
    appliedMiniBlock = message.number;
    return;
  }
  if (message.number <= sealedBlock) return;
  if (message.number !== sealedBlock + 1n) {
    throw new Error(`read worker: block ${message.number} sealed after ${sealedBlock}`);
  }
  const root = state.commitBlock(message.number);
  const expected = store.getBlock(message.number)?.header.stateRoot;
  if (root !== expected)
    throw new Error(`read worker: block ${message.number} root ${root}, the store has ${expected}`);
  sealedBlock = message.number;
}

const inbox: ToWorker[] = [];
const cancelled = new Set<number>();
let pumping = false;

async function pump(): Promise<void> {
  pumping = true;
  for (let message = inbox.shift(); message !== undefined; message = inbox.shift()) {
    if (message.type === "miniBlock" || message.type === "block") {
      try {
        follow(message);
      } catch (error) {
        post({ type: "fatal", message: error instanceof Error ? error.message : String(error) });
        inbox.length = 0;
        pumping = false;
        return;
      }
      continue;
    }
    if (message.type !== "read" || cancelled.delete(message.id)) continue;
    // Reads run in id order: a cancel for an earlier id came after that read had started.
    for (const id of cancelled) if (id < message.id) cancelled.delete(id);
    post({ type: "started", id: message.id });
    runningRead = message.id;
    try {
      post({ type: "done", id: message.id, result: await execute(message.operation) });
    } catch (error) {
      post({ type: "failed", id: message.id, error: serializeError(error) });
    } finally {
      runningRead = -1;
    }
    // Let queued messages (a cancel among them) reach the inbox before the next read starts.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  pumping = false;
}

port.on("message", (message: ToWorker) => {
  if (message.type === "cancel") {
    cancelled.add(message.id);
    return;
  }
  inbox.push(message);
  if (!pumping) void pump();
});
