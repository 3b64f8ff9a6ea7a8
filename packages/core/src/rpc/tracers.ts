/**
 * geth's tracers by name, as `debug_trace*` configure them: the trace config (`traceConfig`), the tracer it names
 * (struct logs by default, `callTracer`, `prestateTracer` with `diffMode`) and how that tracer renders a finished run
 * in geth's JSON. The config is plain data, so a read worker builds and renders the tracer itself and only the
 * rendered JSON crosses back to the main thread.
 */
import { z } from "zod";
import type { Hash, Transaction } from "../chain/types.ts";
import { createCallFrameRecorder } from "../execution/tracing/callTracer.ts";
import type { AccessRecordingState } from "../execution/tracing/prestateTracer.ts";
import { prestateDiffOf, prestateOf } from "../execution/tracing/prestateTracer.ts";
import { createStructLogger } from "../execution/tracing/structLogger.ts";
import type { ExecutionTracer } from "../execution/tracing/tracer.ts";
import type { CallFrame, ExecutionResult } from "../execution/types.ts";
import { invalidParams } from "./errors.ts";
import { formatCallFrame, toData } from "./format.ts";

export const traceConfig = z
  .object({
    tracer: z.string().optional(),
    tracerConfig: z
      .object({ onlyTopCall: z.boolean().optional(), diffMode: z.boolean().optional() })
      .passthrough()
      .optional(),
    timeout: z.string().optional(),
    disableStack: z.boolean().optional(),
    disableStorage: z.boolean().optional(),
    enableMemory: z.boolean().optional(),
    enableReturnData: z.boolean().optional(),
    limit: z.number().int().nonnegative().optional(),
  })
  .passthrough()
  .optional();
export type TraceConfig = z.output<typeof traceConfig>;

/** One traced execution: its result and the state it ran on, with the first value it saw of each key (prestate). */
export interface TraceRun {
  readonly result: ExecutionResult;
  /** The transaction's (or message's) gas limit: the callTracer's top-level `gas`. */
  readonly gasLimit: bigint;
  readonly state: AccessRecordingState;
  /** The traced transaction, absent for calls. */
  readonly tx?: Transaction;
}

/** One transaction's trace in `debug_traceBlockBy*`. */
export interface TxTrace {
  readonly txHash: Hash;
  readonly result: unknown;
}

/** A tracer for one execution and how its result renders once the run is over. */
export interface PreparedTracer {
  readonly tracer: ExecutionTracer;
  render(run: TraceRun): unknown;
}

function onlyTop(frame: CallFrame): CallFrame {
  return { ...frame, calls: [] };
}

/** The tracer `config` names; an unknown name is refused with -32602 before anything runs. */
export function prepareTracer(config: TraceConfig): PreparedTracer {
  const name = config?.tracer;
  if (name === undefined || name === "" || name === "structLogger") {
    const logger = createStructLogger({
      ...(config?.disableStack !== undefined ? { disableStack: config.disableStack } : {}),
      ...(config?.disableStorage !== undefined ? { disableStorage: config.disableStorage } : {}),
      ...(config?.enableMemory !== undefined ? { enableMemory: config.enableMemory } : {}),
      ...(config?.limit !== undefined ? { limit: config.limit } : {}),
    });
    return {
      tracer: logger.tracer,
      render: (run) => ({
        gas: Number(run.result.gasUsed),
        failed: run.result.status !== 1,
        returnValue: toData(run.result.returnData),
        structLogs: logger.logs,
      }),
    };
  }
  if (name === "callTracer") {
    const recorder = createCallFrameRecorder();
    return {
      tracer: recorder.tracer,
      render: (run) => {
        const frame = recorder.result(run.gasLimit, run.result.gasUsed);
        return formatCallFrame(config?.tracerConfig?.onlyTopCall ? onlyTop(frame) : frame);
      },
    };
  }
  if (name === "prestateTracer") {
    return {
      tracer: {},
      render: (run) => (config?.tracerConfig?.diffMode ? prestateDiffOf(run.state) : prestateOf(run.state)),
    };
  }
  throw invalidParams(`tracer ${name} is not supported (struct logs, callTracer, prestateTracer)`);
}
