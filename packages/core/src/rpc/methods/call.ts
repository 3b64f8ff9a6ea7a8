/**
 * Message execution without persisting: eth_call (with state and block overrides), eth_estimateGas (geth's binary
 * search over `backend.call`); the traces are `debug.ts`. A revert answers code 3 with
 * the revert data; other EVM failures answer -32000 with the EVM's message.
 */
import type { Address } from "../../chain/types.ts";
import { TransactionRejectedError } from "../../errors.ts";
import { revertedError, searchGasLimit } from "../../execution/estimateGas.ts";
import type { CallMessage, ExecutionResult } from "../../execution/types.ts";
import type { CallParameters, StateTarget } from "../backend.ts";
import { defineMethod, type MethodTable, type RpcContext } from "../context.ts";
import { methodNotFound, type RpcError, serverError } from "../errors.ts";
import { toData, toQuantity } from "../format.ts";
import { blockOverrides, blockParam, type CallRequest, callRequest, stateOverride } from "../params.ts";
import { resolveStateTarget, stateFor } from "../resolve.ts";

const ZERO_ADDRESS: Address = "0x0000000000000000000000000000000000000000";

export function toCallMessage(request: CallRequest, gasCap: bigint): CallMessage {
  const gasLimit = request.gas === undefined || request.gas > gasCap ? gasCap : request.gas;
  const message: { -readonly [K in keyof CallMessage]: CallMessage[K] } = {
    from: request.from ?? ZERO_ADDRESS,
    to: request.to ?? null,
    data: request.input ?? request.data ?? new Uint8Array(0),
    value: request.value ?? 0n,
    gasLimit,
  };
  if (request.gasPrice !== undefined) message.gasPrice = request.gasPrice;
  if (request.maxFeePerGas !== undefined) message.maxFeePerGas = request.maxFeePerGas;
  if (request.maxPriorityFeePerGas !== undefined) message.maxPriorityFeePerGas = request.maxPriorityFeePerGas;
  if (request.accessList !== undefined) message.accessList = request.accessList;
  if (request.nonce !== undefined) message.nonce = request.nonce;
  return message;
}

/** Throws the JSON-RPC error for a failed execution. */
function throwFailure(result: ExecutionResult): never {
  if (result.error === undefined || result.error === "execution reverted" || result.error.startsWith("revert")) {
    throw revertedError(result);
  }
  throw serverError(result.error);
}

function callParameters(
  message: CallMessage,
  target: StateTarget,
  overrides: CallParameters["stateOverride"],
  blockOverride: CallParameters["blockOverrides"],
  signal: AbortSignal,
): CallParameters {
  const parameters: { -readonly [K in keyof CallParameters]: CallParameters[K] } = { message, target, signal };
  if (overrides !== undefined) parameters.stateOverride = overrides;
  if (blockOverride !== undefined) parameters.blockOverrides = blockOverride;
  return parameters;
}

/** geth's answer when `--rpc.evmtimeout` stops a call. */
export function executionTimeout(timeoutMs: number): RpcError {
  return serverError(`execution aborted (timeout = ${timeoutMs / 1000}s)`);
}

/**
 * Runs one read execution request (which may execute several times, as eth_estimateGas does) inside a read slot and
 * under one deadline: `evmTimeoutMs` from admission, or the client leaving, whichever comes first. Past the slot
 * bounds the request is answered -32005 at once. At the deadline the request fails with `timedOut` (eth_call's
 * words by default; traces give geth's trace words).
 */
export async function withReadExecution<T>(
  context: RpcContext,
  run: (signal: AbortSignal) => Promise<T>,
  timedOut: (timeoutMs: number) => RpcError = executionTimeout,
): Promise<T> {
  const release = context.reads.acquire(context.connectionKey);
  const timeoutMs = context.limits.evmTimeoutMs;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(timedOut(timeoutMs)), timeoutMs);
  const signal = context.signal ? AbortSignal.any([deadline.signal, context.signal]) : deadline.signal;
  try {
    return await run(signal);
  } finally {
    clearTimeout(timer);
    release();
  }
}

/** geth's estimator (`execution/estimateGas.ts`) over `backend.call`, capped by balance / fee cap and the gas cap. */
export async function estimateGas(
  context: RpcContext,
  request: CallRequest,
  target: StateTarget,
  overrides: CallParameters["stateOverride"],
  signal: AbortSignal,
): Promise<bigint> {
  const { backend } = context;
  let hi = request.gas ?? backend.pendingBlockEnv().gasLimit;
  const cap = backend.callGasCap();
  if (hi > cap) hi = cap;
  const state = stateFor(context, target === "latest" ? undefined : { kind: "number", number: target });
  const feeCap = request.gasPrice ?? request.maxFeePerGas ?? 0n;
  if (feeCap > 0n && request.from !== undefined) {
    const balance = state.getAccount(request.from)?.balance ?? 0n;
    const value = request.value ?? 0n;
    if (value > balance) throw serverError("insufficient funds for transfer");
    const allowance = (balance - value) / feeCap;
    if (hi > allowance) hi = allowance;
  }
  const data = request.input ?? request.data;
  const overridden = request.to !== undefined && request.to !== null && overrides?.get(request.to)?.code !== undefined;
  return searchGasLimit({
    hi,
    plainTransfer:
      (data === undefined || data.length === 0) &&
      request.to !== undefined &&
      request.to !== null &&
      !overridden &&
      state.getCode(request.to).length === 0,
    run: async (gas) => {
      signal.throwIfAborted();
      try {
        return await backend.call(
          callParameters(toCallMessage({ ...request, gas }, gas), target, overrides, undefined, signal),
        );
      } catch (error) {
        // Too little gas for the intrinsic cost is a failed trial, not an error of the estimate.
        if (error instanceof TransactionRejectedError && error.reason === "intrinsicGasTooLow") return undefined;
        throw error;
      }
    },
  });
}

const request = { name: "transaction", schema: callRequest } as const;
const block = { name: "block", schema: blockParam, optional: true } as const;

export const callMethods: MethodTable = {
  eth_call: defineMethod(
    [
      request,
      block,
      { name: "stateOverride", schema: stateOverride, optional: true },
      { name: "blockOverrides", schema: blockOverrides, optional: true },
    ],
    async ([tx, tag, overrides, blockOverride], context) => {
      const target = resolveStateTarget(context, tag);
      const message = toCallMessage(tx, context.backend.callGasCap());
      const result = await withReadExecution(context, (signal) =>
        context.backend.call(callParameters(message, target, overrides, blockOverride, signal)),
      );
      if (result.status !== 1) throwFailure(result);
      return toData(result.returnData);
    },
  ),
  eth_estimateGas: defineMethod(
    [request, block, { name: "stateOverride", schema: stateOverride, optional: true }],
    async ([tx, tag, overrides], context) => {
      const target = resolveStateTarget(context, tag);
      return toQuantity(
        await withReadExecution(context, (signal) => estimateGas(context, tx, target, overrides, signal)),
      );
    },
  ),
  eth_createAccessList: defineMethod([request, block], async ([tx, tag], context) => {
    if (!context.backend.createAccessList) throw methodNotFound("eth_createAccessList");
    const target = resolveStateTarget(context, tag);
    const message = toCallMessage(tx, context.backend.callGasCap());
    const createAccessList = context.backend.createAccessList.bind(context.backend);
    const result = await withReadExecution(context, (signal) => createAccessList({ message, target, signal }));
    return {
      accessList: result.accessList.map((item) => ({ address: item.address, storageKeys: [...item.storageKeys] })),
      gasUsed: toQuantity(result.gasUsed),
      ...(result.error === undefined ? {} : { error: result.error }),
    };
  }),
};
