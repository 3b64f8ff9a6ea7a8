/**
 * The one place where errors become JSON-RPC error objects (reth's `rpc-eth-types/src/error`, viem's `errors/rpc.ts`
 * codes). Handlers throw `RpcError` (or a domain error from `errors.ts`); `toJsonRpcError` maps everything else.
 * Messages follow geth so viem's `errors/node.ts` patterns and ethers' parsers recognize them.
 */
import { DevMethodError, ExecutionRevertedError, MachError, TransactionRejectedError } from "../errors.ts";
import { GasEstimationError } from "../execution/estimateGas.ts";

export const RpcErrorCode = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internal: -32603,
  /** geth's catch-all server error: rejected transactions, unknown blocks, WebSocket-only methods. */
  server: -32000,
  resourceNotFound: -32001,
  limitExceeded: -32005,
  /** MegaETH gateway: request body over the limit (HTTP 413). */
  payloadTooLarge: -32099,
  /** The block exists but its state is no longer kept (MegaETH / EIP-4444 wording). */
  prunedHistory: 4444,
  /** EVM revert in eth_call / eth_estimateGas; `data` = revert data. */
  executionReverted: 3,
  /** EIP-7966: the transaction was accepted but no receipt within the timeout; `data` = tx hash. */
  transactionTimeout: 4,
  /** EIP-7966: the transaction cannot run yet because of a nonce gap; `data` = expected nonce (Quantity). */
  nonceGap: 5,
  /** eth_simulateV1 (execution-apis): a simulated call's validation failed, or the blocks asked for are malformed. */
  simulateNonceTooLow: -38010,
  simulateNonceTooHigh: -38011,
  simulateBaseFeeTooLow: -38012,
  simulateIntrinsicGas: -38013,
  simulateInsufficientFunds: -38014,
  simulateBlockGasLimitReached: -38015,
  simulateBlockNumberInvalid: -38020,
  simulateBlockTimestampInvalid: -38021,
  simulateSenderIsNotEoa: -38024,
  simulateMaxInitCodeSizeExceeded: -38025,
  simulateClientLimitExceeded: -38026,
  /** A simulated call failed in the EVM for a reason other than a revert (geth's `errCodeVMError`). */
  vmError: -32015,
} as const;
export type RpcErrorCode = (typeof RpcErrorCode)[keyof typeof RpcErrorCode];

export interface JsonRpcErrorObject {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

/** An error with its JSON-RPC code, thrown by handlers and the server. */
export class RpcError extends MachError {
  override name = "RpcError";
  readonly code: number;
  readonly data: unknown;
  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.code = code;
    this.data = data;
  }
}

export const parseError = (detail?: string): RpcError =>
  new RpcError(RpcErrorCode.parseError, detail ? `parse error: ${detail}` : "parse error");
export const invalidRequest = (message = "invalid request"): RpcError =>
  new RpcError(RpcErrorCode.invalidRequest, message);
/** geth's wording. */
export const methodNotFound = (method: string): RpcError =>
  new RpcError(RpcErrorCode.methodNotFound, `the method ${method} does not exist/is not available`);
export const invalidParams = (message: string): RpcError => new RpcError(RpcErrorCode.invalidParams, message);
export const limitExceeded = (message: string): RpcError => new RpcError(RpcErrorCode.limitExceeded, message);
export const payloadTooLarge = (): RpcError => new RpcError(RpcErrorCode.payloadTooLarge, "payload too large");
export const serverError = (message: string, data?: unknown): RpcError =>
  new RpcError(RpcErrorCode.server, message, data);
/** geth: block selector that names no known block. */
export const headerNotFound = (): RpcError => serverError("header not found");
export const prunedHistory = (): RpcError => new RpcError(RpcErrorCode.prunedHistory, "Pruned history unavailable");
export const webSocketRequired = (): RpcError => serverError("WebSocket connection required");
export const transactionTimeout = (hash: string): RpcError =>
  new RpcError(
    RpcErrorCode.transactionTimeout,
    "The transaction was added to the transaction pool but wasn't processed within the timeout",
    hash,
  );
/**
 * EIP-7966 code 5. Mach keeps a gapped transaction queued (as geth's pool and `eth_sendRawTransaction` do) and runs
 * it once the sender's missing nonces arrive, so the answer says exactly that: re-signing it would run the action
 * twice or be refused as `already known`. It may still leave the pool unexecuted (expiry after the queued
 * lifetime, eviction by a better-paying transaction when the pool is full).
 */
export const nonceGap = (expectedNonce: bigint): RpcError =>
  new RpcError(
    RpcErrorCode.nonceGap,
    `The transaction was added to the transaction pool but waits behind a nonce gap: it executes once the sender's transactions from nonce ${expectedNonce} are sent. Do not resubmit it`,
    `0x${expectedNonce.toString(16)}`,
  );

/**
 * Maps any thrown value to a JSON-RPC error object. Unknown errors become -32603 with their message (never a stack),
 * so a bug answers one request instead of crashing the server.
 */
export function toJsonRpcError(error: unknown): JsonRpcErrorObject {
  if (error instanceof RpcError) {
    return error.data === undefined
      ? { code: error.code, message: error.shortMessage }
      : { code: error.code, message: error.shortMessage, data: error.data };
  }
  if (error instanceof TransactionRejectedError) {
    return {
      code: error.reason === "decode" ? RpcErrorCode.invalidParams : RpcErrorCode.server,
      message: error.shortMessage,
    };
  }
  if (error instanceof ExecutionRevertedError) {
    return { code: RpcErrorCode.executionReverted, message: error.shortMessage, data: error.data };
  }
  // geth answers a failed estimate (`gas required exceeds allowance (N)`) with -32000.
  if (error instanceof GasEstimationError) return { code: RpcErrorCode.server, message: error.shortMessage };
  if (error instanceof DevMethodError) return { code: RpcErrorCode.server, message: error.shortMessage };
  if (error instanceof MachError) return { code: RpcErrorCode.internal, message: error.shortMessage };
  if (error instanceof Error) return { code: RpcErrorCode.internal, message: error.message };
  return { code: RpcErrorCode.internal, message: "internal error" };
}
