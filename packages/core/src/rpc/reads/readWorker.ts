/**
 * A read worker's thread: it follows the sequencer and runs read executions (eth_call, eth_estimateGas trials,
 * debug traces, eth_simulateV1) on its own copy of the chain's state, so a hostile call costs this thread and never
 * the sealing loop.
 *
 * It restores the state from the store (newest snapshot plus the write-ahead log: what a restart does), then applies
 * the mini-block diffs and block seals the main thread forwards (`ChainState.applyMiniBlockDiff` and `sealBlock`,
 * the path a replica takes, without tries: the main thread checks each block's state root), skipping those the store
 * already gave it. Messages are
 * handled strictly in arrival order, one at a time, so a read sees exactly the diffs posted before it (the `latest`
 * rule) and no diff lands while a read runs. Between two messages the thread yields to its event loop, so a
 * `cancel` for a queued read is seen before that read would start.
 *
 * Calls run on the configured engine (`execution.engine`), traces on the tracing engine, with the same replays and
 * tracers as a backend without workers (`traceRuns.ts`); a trace comes back rendered as geth's JSON. A read is
 * stopped from the main thread through a shared Int32 (`interrupt`) that both engines check as they loop and enter
 * frames: the read ends with `ReadInterruptedError` and the worker keeps its state. The thread can lower its own
 * scheduling priority (`niceness`) so that on a busy machine the kernel gives the sequencer's thread the CPU first.
 */
import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import type { Hash } from "../../chain/types.ts";
import { MachError } from "../../errors.ts";
import { createExecutionEngines } from "../../execution/engine.ts";
import type { BlockEnv } from "../../execution/types.ts";
import { decodeStateDiff } from "../../state/diffCodec.ts";
import { LmdbChainStore } from "../../state/store/lmdbStore.ts";
import { restoreChainState } from "../../state/store/recovery.ts";
import type { StateReader } from "../../state/types.ts";
import { nameThisThread } from "../../threadName.ts";
import { createOverlayState } from "../overlay.ts";
import { runSimulation } from "../simulate/run.ts";
import { type TraceEngines, traceBlockTransactions, traceCallOn, traceTransactionAfter } from "../traceRuns.ts";
import {
  type ChainEvent,
  type FromWorker,
  type PlainBlockEnv,
  READ_INTERRUPTED_ERROR,
  type ReadOperation,
  type ReadResult,
  type ReadWorkerData,
  type RenderedTrace,
  serializeError,
  type ToWorker,
} from "./protocol.ts";

const port = parentPort;
if (port === null) throw new Error("readWorker.ts runs as a worker thread only");
const data = workerData as ReadWorkerData;
nameThisThread("mach-reads");
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

const store = new LmdbChainStore({ path: data.storePath, writer: false });
// No tries: reads use the flat state only, and the main thread checks every block's root (it restored from the same
// store and checked it), so this thread neither hashes each block again nor holds a copy of the tries.
const restored = restoreChainState(store, { historyBlocks: data.historyBlocks, tries: false });
const state = restored.state;
let sealedBlock = restored.head.header.number;
let appliedMiniBlock =
  restored.openMiniBlocks.at(-1)?.number ?? restored.head.miniBlockOffset + BigInt(restored.head.miniBlockCount) - 1n;
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
// As the sequencer role wires its backend: dev chains replay their dev state edits.
const traceEngines: TraceEngines = await createExecutionEngines(
  { engine: data.engine },
  {
    chainId: data.chainId,
    interruptCheck: checkInterrupt,
    devStateEdits: data.devStateEdits,
  },
);
const executor = traceEngines.executor;
post({ type: "ready", head: sealedBlock, oldestBlock: oldestReadable(), ...(priorityError ? { priorityError } : {}) });

function blockEnv(env: PlainBlockEnv): BlockEnv {
  return {
    ...env,
    getBlockHash: (n: bigint): Hash | undefined =>
      n < env.number && n + 256n >= env.number ? store.getBlock(n)?.hash : undefined,
  };
}

/** Thrown for a state older than this worker's history: reported as `pruned`, for the main thread to fill in. */
class PrunedStateError extends MachError {
  override name = "PrunedStateError";
}

/** The oldest block whose state this worker can read (its sealed block when it keeps no history yet). */
function oldestReadable(): bigint {
  return state.history.oldestBlock ?? sealedBlock;
}

function stateFor(target: "latest" | bigint): StateReader {
  const reader = target === "latest" ? state.latest : state.stateAt(target);
  if (reader === undefined) throw new PrunedStateError(`state of block ${target} is not held by this read worker`);
  return reader;
}

/** Serialized here: one string crosses to the main thread, which splices it into the response (`JsonText`). */
function rendered(trace: unknown): RenderedTrace {
  return { traceJson: JSON.stringify(trace) };
}

async function execute(operation: ReadOperation): Promise<ReadResult> {
  if (operation.kind === "simulate") {
    // Simulations collect logs through a tracer: they run on the tracing engine (@ethereumjs), as on the main thread.
    // Checked between calls too: a run of calls that never jump would not see the interrupt otherwise.
    const { tracing } = traceEngines;
    if (!tracing.trace) throw new Error("this executor cannot run a simulation");
    return runSimulation(
      { trace: tracing.trace.bind(tracing) },
      stateFor(operation.target),
      operation.input,
      (n) => store.getBlock(n)?.hash,
      checkInterrupt,
    );
  }
  const env = blockEnv(operation.env);
  switch (operation.kind) {
    case "call":
      return executor.call(
        createOverlayState(stateFor(operation.target), operation.stateOverride),
        operation.message,
        env,
      );
    case "traceCall": {
      const overlay = createOverlayState(stateFor(operation.target), operation.stateOverride);
      return rendered(await traceCallOn(traceEngines, overlay, operation.message, env, operation.config));
    }
    case "traceTransaction": {
      const { prefix, tx, config } = operation;
      return rendered(await traceTransactionAfter(traceEngines, stateFor(operation.target), prefix, tx, env, config));
    }
    case "traceBlock": {
      const { transactions, config } = operation;
      return rendered(
        await traceBlockTransactions(traceEngines, stateFor(operation.target), transactions, env, config),
      );
    }
  }
}

/**
 * The sequencer's thread wrote the block (or the blocks BLOCKHASH reads) before telling this one; lmdb keeps a read
 * snapshot until a later event turn, and messages are handled several to a turn: look at the newest commit.
 */
function refreshStoreReads(): void {
  store.root.resetReadTxn();
}

function follow(message: ChainEvent): void {
  if (message.type === "miniBlock") {
    if (message.number <= appliedMiniBlock) return;
    if (message.number !== appliedMiniBlock + 1n) {
      throw new Error(`read worker: mini-block ${message.number} arrived after ${appliedMiniBlock}`);
    }
    if (message.blockNumber !== sealedBlock + 1n) {
      throw new Error(`read worker: mini-block of block ${message.blockNumber} while block ${sealedBlock} is sealed`);
    }
    state.applyMiniBlockDiff(decodeStateDiff(message.diff));
    appliedMiniBlock = message.number;
    return;
  }
  if (message.number <= sealedBlock) return;
  if (message.number !== sealedBlock + 1n) {
    throw new Error(`read worker: block ${message.number} sealed after ${sealedBlock}`);
  }
  state.sealBlock(message.number);
  sealedBlock = message.number;
}

const inbox: ToWorker[] = [];
const cancelled = new Set<number>();
let pumping = false;

async function pump(): Promise<void> {
  pumping = true;
  for (let message = inbox.shift(); message !== undefined; message = inbox.shift()) {
    if (message.type === "follow") {
      try {
        for (const event of message.events) follow(event);
      } catch (error) {
        post({ type: "fatal", message: error instanceof Error ? error.message : String(error) });
        inbox.length = 0;
        pumping = false;
        return;
      }
      continue;
    }
    if (message.type === "history") {
      // Applies only where it was cut for: blocks sealed since may have moved the oldest readable block.
      if (message.through === oldestReadable()) state.history.extendBack(message.through, message.blocks);
      continue;
    }
    if (message.type !== "read" || cancelled.delete(message.id)) continue;
    // Reads run in id order: a cancel for an earlier id came after that read had started.
    for (const id of cancelled) if (id < message.id) cancelled.delete(id);
    post({ type: "started", id: message.id });
    refreshStoreReads();
    runningRead = message.id;
    try {
      post({ type: "done", id: message.id, result: await execute(message.operation) });
    } catch (error) {
      if (error instanceof PrunedStateError) post({ type: "pruned", id: message.id, oldestBlock: oldestReadable() });
      else post({ type: "failed", id: message.id, error: serializeError(error) });
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
