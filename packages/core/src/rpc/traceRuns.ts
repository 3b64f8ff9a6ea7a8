/**
 * The traced executions behind `debug_trace*`, over a state the caller holds: a mined transaction replayed after the
 * earlier transactions of its block, a call message, every transaction of a block. Each traced execution runs on a
 * throwaway overlay seen through an `AccessRecordingState` (what the prestateTracer reads) with the tracer its config
 * names (`tracers.ts`), and comes back as geth's JSON. The read workers run these (`reads/readWorker.ts`); a backend
 * without workers runs them on its own thread.
 */
import type { Transaction } from "../chain/types.ts";
import { MachError } from "../errors.ts";
import { AccessRecordingState } from "../execution/tracing/prestateTracer.ts";
import type { TraceSubject } from "../execution/tracing/tracer.ts";
import type { BlockEnv, CallMessage, Executor } from "../execution/types.ts";
import type { StateReader, StateWriter } from "../state/types.ts";
import { createOverlayState } from "./overlay.ts";
import { prepareTracer, type TraceConfig, type TxTrace } from "./tracers.ts";

export interface TraceEngines {
  /** Replays the transactions before a traced one (the engine the chain runs). */
  readonly executor: Executor;
  /** Runs the traced execution: an executor implementing `trace`. */
  readonly tracing: Executor;
}

async function traced(
  engines: TraceEngines,
  state: StateWriter,
  subject: TraceSubject,
  env: BlockEnv,
  config: TraceConfig,
): Promise<unknown> {
  const { tracing } = engines;
  if (!tracing.trace) throw new MachError("this executor cannot trace");
  const prepared = prepareTracer(config);
  const recorded = new AccessRecordingState(state);
  const result = await tracing.trace(recorded, subject, env, prepared.tracer);
  const gasLimit = "transaction" in subject ? subject.transaction.gasLimit : subject.call.gasLimit;
  return prepared.render({
    result,
    gasLimit,
    state: recorded,
    ...("transaction" in subject ? { tx: subject.transaction } : {}),
  });
}

/** debug_traceTransaction: `prefix` (the block's earlier transactions) replayed on `base`, then `tx` traced. */
export async function traceTransactionAfter(
  engines: TraceEngines,
  base: StateReader,
  prefix: readonly Transaction[],
  tx: Transaction,
  env: BlockEnv,
  config: TraceConfig,
): Promise<unknown> {
  const overlay = createOverlayState(base);
  for (const earlier of prefix) await engines.executor.executeTransaction(overlay, earlier, env);
  return traced(engines, overlay, { transaction: tx }, env, config);
}

/** debug_traceCall: `message` traced on `state` (an overlay, overrides applied). */
export function traceCallOn(
  engines: TraceEngines,
  state: StateWriter,
  message: CallMessage,
  env: BlockEnv,
  config: TraceConfig,
): Promise<unknown> {
  return traced(engines, state, { call: message }, env, config);
}

/**
 * debug_traceBlockBy*: every transaction of a block traced in order on `base` (its parent's state), each seeing the
 * state the ones before it left. `signal` is looked at between transactions.
 */
export async function traceBlockTransactions(
  engines: TraceEngines,
  base: StateReader,
  transactions: readonly Transaction[],
  env: BlockEnv,
  config: TraceConfig,
  signal?: AbortSignal,
): Promise<TxTrace[]> {
  const overlay = createOverlayState(base);
  const traces: TxTrace[] = [];
  for (const tx of transactions) {
    signal?.throwIfAborted();
    traces.push({ txHash: tx.hash, result: await traced(engines, overlay, { transaction: tx }, env, config) });
  }
  return traces;
}
