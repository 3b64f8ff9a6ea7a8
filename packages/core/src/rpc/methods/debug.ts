/**
 * Traces that tools call, in geth's shapes: `debug_traceTransaction`, `debug_traceCall`, `debug_traceBlockByNumber`
 * and `debug_traceBlockByHash` with the default struct logger (opcodes), `callTracer` and `prestateTracer` (with
 * `diffMode`). Every tracer is fed through the executor's engine-neutral tracing port.
 */
import { z } from "zod";
import type { Transaction } from "../../chain/types.ts";
import { createCallFrameRecorder } from "../../execution/tracing/callTracer.ts";
import { prestateDiffOf, prestateOf } from "../../execution/tracing/prestateTracer.ts";
import { createStructLogger } from "../../execution/tracing/structLogger.ts";
import type { ExecutionTracer } from "../../execution/tracing/tracer.ts";
import type { CallFrame } from "../../execution/types.ts";
import type { TraceRun } from "../backend.ts";
import { defineMethod, type MethodTable, type RpcContext } from "../context.ts";
import { headerNotFound, invalidParams, methodNotFound, serverError } from "../errors.ts";
import { formatCallFrame, toData } from "../format.ts";
import { blockNumberOrTag, blockParam, callRequest, hash } from "../params.ts";
import { resolveBlockNumber, resolveStateTarget } from "../resolve.ts";
import { toCallMessage } from "./call.ts";

const traceConfig = z
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
type TraceConfig = z.output<typeof traceConfig>;

/** A tracer for one execution and how its result renders once the run is over. */
interface PreparedTracer {
  readonly tracer: ExecutionTracer;
  render(run: TraceRun): unknown;
}

function onlyTop(frame: CallFrame): CallFrame {
  return { ...frame, calls: [] };
}

function prepareTracer(config: TraceConfig): PreparedTracer {
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

async function traceBlock(context: RpcContext, number: bigint, config: TraceConfig) {
  const { backend } = context;
  if (!backend.traceBlock) throw methodNotFound("debug_traceBlockByNumber");
  const prepared = new Map<Transaction, PreparedTracer>();
  // Validate the tracer name before any execution.
  prepareTracer(config);
  const runs = await backend.traceBlock(number, (tx) => {
    const tracer = prepareTracer(config);
    prepared.set(tx, tracer);
    return tracer.tracer;
  });
  if (!runs) throw headerNotFound();
  return runs.map((run) => {
    const tx = run.tx as Transaction;
    return { txHash: tx.hash, result: (prepared.get(tx) as PreparedTracer).render(run) };
  });
}

const configParam = { name: "config", schema: traceConfig, optional: true } as const;

export const debugMethods: MethodTable = {
  debug_traceTransaction: defineMethod(
    [{ name: "hash", schema: hash }, configParam],
    async ([value, config], { backend }) => {
      if (!backend.traceTransaction) throw methodNotFound("debug_traceTransaction");
      const prepared = prepareTracer(config);
      const run = await backend.traceTransaction(value, prepared.tracer);
      if (!run) throw serverError(`transaction ${value} not found`);
      return prepared.render(run);
    },
  ),
  debug_traceCall: defineMethod(
    [{ name: "transaction", schema: callRequest }, { name: "block", schema: blockParam, optional: true }, configParam],
    async ([tx, tag, config], context) => {
      if (!context.backend.traceCall) throw methodNotFound("debug_traceCall");
      const prepared = prepareTracer(config);
      const target = resolveStateTarget(context, tag);
      const message = toCallMessage(tx, context.backend.callGasCap());
      return prepared.render(await context.backend.traceCall({ message, target }, prepared.tracer));
    },
  ),
  debug_traceBlockByNumber: defineMethod(
    [{ name: "block", schema: blockNumberOrTag }, configParam],
    ([tag, config], context) => traceBlock(context, resolveBlockNumber(context, tag), config),
  ),
  debug_traceBlockByHash: defineMethod([{ name: "hash", schema: hash }, configParam], ([value, config], context) => {
    const block = context.backend.getBlockByHash(value);
    if (!block) throw headerNotFound();
    return traceBlock(context, block.header.number, config);
  }),
};
