/**
 * The messages between the main thread and a read worker. Everything crosses by structured clone (bigints, Maps and
 * Uint8Arrays survive it); functions do not, so a block environment travels without its BLOCKHASH lookup
 * (`PlainBlockEnv`) and the worker answers BLOCKHASH from its own view of the store.
 *
 * main → worker, on one port and therefore in order: `follow` messages (the `miniBlock` diffs and `block` seals the
 * sequencer emitted, several to a message) and `read` operations. Because every chain event the main thread had seen
 * when a request arrived is posted before its read, a read at `latest` runs on the newest mini-block's state (the
 * `latest` rule) without any handshake.
 */
import type { Transaction } from "../../chain/types.ts";
import { MachError, TransactionRejectedError, type TransactionRejectionReason } from "../../errors.ts";
import type { ExecutionEngine } from "../../execution/config.ts";
import type { BlockEnv, CallMessage, ExecutionResult } from "../../execution/types.ts";
import type { BlockPreValues } from "../../state/diff.ts";
import type { StateOverride, StateTarget } from "../backend.ts";
import { RpcError } from "../errors.ts";
import type { SimulatedBlock, SimulationInput } from "../simulate/index.ts";
import type { TraceConfig } from "../tracers.ts";

/** A `BlockEnv` without its BLOCKHASH function. */
export type PlainBlockEnv = Omit<BlockEnv, "getBlockHash">;

export function plainBlockEnv(env: BlockEnv): PlainBlockEnv {
  const { getBlockHash: _, ...plain } = env;
  return plain;
}

/** One read execution, as the backend hands it to a worker. Traces carry their config: the worker renders them. */
export type ReadOperation =
  | {
      readonly kind: "call";
      readonly target: StateTarget;
      readonly message: CallMessage;
      readonly stateOverride?: StateOverride;
      readonly env: PlainBlockEnv;
    }
  | {
      /** debug_traceCall. */
      readonly kind: "traceCall";
      readonly target: StateTarget;
      readonly message: CallMessage;
      readonly stateOverride?: StateOverride;
      readonly env: PlainBlockEnv;
      readonly config: TraceConfig;
    }
  | {
      /** debug_traceTransaction: re-executes `prefix` on the state after block `target`, then traces `tx`. */
      readonly kind: "traceTransaction";
      readonly target: bigint;
      readonly prefix: readonly Transaction[];
      readonly tx: Transaction;
      readonly env: PlainBlockEnv;
      readonly config: TraceConfig;
    }
  | {
      /** debug_traceBlockBy*: traces `transactions` in order on the state after block `target` (their parent). */
      readonly kind: "traceBlock";
      readonly target: bigint;
      readonly transactions: readonly Transaction[];
      readonly env: PlainBlockEnv;
      readonly config: TraceConfig;
    }
  | {
      /** eth_simulateV1 on the state of `target`. */
      readonly kind: "simulate";
      readonly target: StateTarget;
      readonly input: SimulationInput;
    };

/** A trace as geth's JSON text, rendered and serialized by the worker (a block trace: one entry per transaction). */
export interface RenderedTrace {
  readonly traceJson: string;
}

/** What a read answers: the execution's result (calls), the rendered trace, or the simulated blocks. */
export type ReadResult = ExecutionResult | RenderedTrace | readonly SimulatedBlock[];

/** What the worker is started with (`workerData`). */
export interface ReadWorkerData {
  readonly storePath: string;
  readonly chainId: bigint;
  /** The engine calls run on (`execution.engine`); traces run on the tracing engine `createExecutionEngines` picks. */
  readonly engine: ExecutionEngine;
  /** Dev chains: the executors apply dev state edits (a block replayed for a trace holds them). */
  readonly devStateEdits: boolean;
  readonly historyBlocks: number;
  /** Unix nice value the worker thread lowers itself to (0 = leave it). */
  readonly niceness: number;
  /**
   * One Int32 the main thread sets to the id of a running read to stop: the worker's EVM checks it as it jumps and
   * enters frames (both engines) and ends that read at once, keeping the worker and its state.
   */
  readonly interrupt: SharedArrayBuffer;
}

/** The error name of a read stopped through `ReadWorkerData.interrupt`. */
export const READ_INTERRUPTED_ERROR = "ReadInterruptedError";

/** What a worker follows the chain by, in the order the sequencer emitted it. */
export type ChainEvent =
  /** `diff`: the mini-block's state diff, encoded (one copy of bytes per worker, decoded there). */
  | { readonly type: "miniBlock"; readonly number: bigint; readonly blockNumber: bigint; readonly diff: Uint8Array }
  | { readonly type: "block"; readonly number: bigint };

export type ToWorker =
  /** Chain events, oldest first. */
  | { readonly type: "follow"; readonly events: readonly ChainEvent[] }
  | { readonly type: "read"; readonly id: number; readonly operation: ReadOperation }
  /** Drop read `id` if it has not started (its client left or its deadline passed). */
  | { readonly type: "cancel"; readonly id: number }
  /**
   * The main thread's reverse diffs of the blocks up to `through` (the oldest block the worker can read), oldest
   * first: the worker reaches back with them (`StateHistory.extendBack`) to serve an older state.
   */
  | { readonly type: "history"; readonly through: bigint; readonly blocks: readonly BlockPreValues[] };

export type FromWorker =
  /** State restored from the store; `oldestBlock` is the oldest block whose state it can serve. */
  | { readonly type: "ready"; readonly head: bigint; readonly oldestBlock: bigint; readonly priorityError?: string }
  /** Execution of read `id` begins now (its EVM timeout starts here). */
  | { readonly type: "started"; readonly id: number }
  | { readonly type: "done"; readonly id: number; readonly result: ReadResult }
  | { readonly type: "failed"; readonly id: number; readonly error: SerializedError }
  /** Read `id` needs a state older than `oldestBlock`, the oldest this worker can read: it did not run. */
  | { readonly type: "pruned"; readonly id: number; readonly oldestBlock: bigint }
  /** The worker cannot follow the chain any more (a diff failed to apply, the store is unreadable). */
  | { readonly type: "fatal"; readonly message: string };

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly reason?: TransactionRejectionReason;
  /** A JSON-RPC error's code and data (eth_simulateV1 answers geth's codes from inside the simulation). */
  readonly code?: number;
  readonly data?: unknown;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof TransactionRejectedError) {
    return { name: error.name, message: error.shortMessage, reason: error.reason };
  }
  if (error instanceof RpcError) {
    return { name: error.name, message: error.shortMessage, code: error.code, data: error.data };
  }
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: "Error", message: String(error) };
}

/** The error as the main thread rethrows it: rejections and JSON-RPC errors keep their class (the RPC maps them to geth's answers). */
export function deserializeError(error: SerializedError): Error {
  if (error.reason !== undefined) return new TransactionRejectedError(error.reason, error.message);
  if (error.code !== undefined) return new RpcError(error.code, error.message, error.data);
  return new ReadWorkerError(error.message);
}

/** A read failed inside the worker for a reason other than a rejected message. */
export class ReadWorkerError extends MachError {
  override name = "ReadWorkerError";
}
