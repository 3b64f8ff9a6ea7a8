/**
 * tracing/: traces that tools call (`debug_trace*`), built on one engine-neutral port so every EVM engine feeds them.
 *
 *   tracer.ts          the port: enter/exit per message, step per opcode; what a trace runs (tx or call)
 *   callTracer.ts      geth's callTracer frames
 *   structLogger.ts    geth's default (opcode) logger: pc, op, gas, gasCost, depth, stack, memory, storage
 *   prestateTracer.ts  geth's prestateTracer (and diff mode) from an access-recording state, no engine hooks
 *   opcodeNames.ts     mnemonics for struct logs
 *
 * Data flow: RPC → a read worker (`rpc/traceRuns.ts`) replays the block up to the tx on an overlay →
 * Executor.trace(overlay wrapped in an AccessRecordingState, subject, env, tracer) → engine events → tracers →
 * geth's JSON (`rpc/tracers.ts`), sent back to the main thread.
 */
export { type CallFrameRecorder, createCallFrameRecorder } from "./callTracer.ts";
export { opcodeName } from "./opcodeNames.ts";
export {
  AccessRecordingState,
  type Prestate,
  type PrestateAccount,
  prestateDiffOf,
  prestateOf,
} from "./prestateTracer.ts";
export { createStructLogger, type StructLog, type StructLogger, type StructLoggerConfig } from "./structLogger.ts";
export {
  combineTracers,
  type ExecutionTracer,
  type TracedFrameEnd,
  type TracedFrameStart,
  type TracedStep,
  type TraceSubject,
} from "./tracer.ts";
