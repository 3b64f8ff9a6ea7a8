/**
 * An executor that records what each transaction touches for the block's witness: the state it executes against is
 * wrapped by the `WitnessRecorder` (every account, slot and code read or written is noted), and so is its
 * `BLOCKHASH` lookup. Calls, estimates and traces pass through unrecorded: they are not part of a block.
 */
import type { WitnessRecorder } from "../state/witness/recorder.ts";
import type { Executor } from "./types.ts";

export function createWitnessRecordingExecutor(inner: Executor, recorder: WitnessRecorder): Executor {
  const recording: Executor = {
    executeTransaction: (state, tx, env) =>
      inner.executeTransaction(recorder.wrap(state), tx, {
        ...env,
        getBlockHash: recorder.blockHash(env.getBlockHash),
      }),
    call: (state, message, env) => inner.call(state, message, env),
    traceTransaction: (state, tx, env) => inner.traceTransaction(state, tx, env),
  };
  const traceCall = inner.traceCall;
  return traceCall === undefined
    ? recording
    : { ...recording, traceCall: (state, message, env) => traceCall.call(inner, state, message, env) };
}
