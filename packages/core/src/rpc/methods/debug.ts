/**
 * Traces that tools call, in geth's shapes: `debug_traceTransaction`, `debug_traceCall`, `debug_traceBlockByNumber`
 * and `debug_traceBlockByHash` with the default struct logger (opcodes), `callTracer` and `prestateTracer` (with
 * `diffMode`), as `tracers.ts` names them. The backend runs and renders them (on the read workers when the node has
 * them); here the config is checked and each trace is admitted as one read execution, under the EVM timeout.
 */
import { defineMethod, type MethodTable, type RpcContext } from "../context.ts";
import { headerNotFound, methodNotFound, type RpcError, serverError } from "../errors.ts";
import { blockNumberOrTag, blockParam, callRequest, hash } from "../params.ts";
import { resolveBlockNumber, resolveStateTarget } from "../resolve.ts";
import { prepareTracer, type TraceConfig, traceConfig } from "../tracers.ts";
import { toCallMessage, withReadExecution } from "./call.ts";

/** geth's answer when a trace runs past its timeout (`eth/tracers/api.go`: `tracer.Stop(errors.New(…))`). */
export function traceTimeout(): RpcError {
  return serverError("execution timeout");
}

async function traceBlock(context: RpcContext, number: bigint, config: TraceConfig) {
  const { backend } = context;
  if (!backend.traceBlock) throw methodNotFound("debug_traceBlockByNumber");
  // Refuse an unknown tracer before any execution.
  prepareTracer(config);
  const traceBlockRuns = backend.traceBlock.bind(backend);
  const traces = await withReadExecution(context, (signal) => traceBlockRuns(number, config, signal), traceTimeout);
  if (!traces) throw headerNotFound();
  return traces;
}

const configParam = { name: "config", schema: traceConfig, optional: true } as const;

export const debugMethods: MethodTable = {
  debug_traceTransaction: defineMethod(
    [{ name: "hash", schema: hash }, configParam],
    async ([value, config], context) => {
      const { backend } = context;
      if (!backend.traceTransaction) throw methodNotFound("debug_traceTransaction");
      prepareTracer(config);
      const traceTransaction = backend.traceTransaction.bind(backend);
      const trace = await withReadExecution(context, (signal) => traceTransaction(value, config, signal), traceTimeout);
      if (trace === undefined) throw serverError(`transaction ${value} not found`);
      return trace;
    },
  ),
  debug_traceCall: defineMethod(
    [{ name: "transaction", schema: callRequest }, { name: "block", schema: blockParam, optional: true }, configParam],
    async ([tx, tag, config], context) => {
      if (!context.backend.traceCall) throw methodNotFound("debug_traceCall");
      prepareTracer(config);
      const target = resolveStateTarget(context, tag);
      const message = toCallMessage(tx, context.backend.callGasCap());
      const traceCall = context.backend.traceCall.bind(context.backend);
      return withReadExecution(context, (signal) => traceCall({ message, target, signal }, config), traceTimeout);
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
