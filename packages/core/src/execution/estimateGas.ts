/**
 * eth_estimateGas: geth's binary search (`eth/gasestimator`) over `Executor.call`: cap by balance / fee cap and the
 * RPC gas cap, short-circuit plain transfers at 21000, run once at the cap, try the optimistic limit
 * (used + refund + stipend) × 64/63, then bisect until within 1.5%.
 */
import { bytesToHex } from "@ethereumjs/util";
import { TX_GAS } from "../chain/fees.ts";
import { ExecutionRevertedError, MachError, TransactionRejectedError } from "../errors.ts";
import type { StateWriter } from "../state/types.ts";
import { decodeRevertReason } from "./evmErrors.ts";
import type { BlockEnv, CallMessage, ExecutionResult, Executor } from "./types.ts";

/** geth's default `--rpc.gascap`. */
export const DEFAULT_RPC_GAS_CAP = 50_000_000n;
/** geth's `estimateGasErrorRatio`: stop bisecting once within 1.5% of the answer. */
export const ESTIMATE_GAS_ERROR_RATIO = 0.015;
const CALL_STIPEND = 2_300n;

export interface EstimateGasOptions {
  readonly gasCap?: bigint;
  readonly errorRatio?: number;
}

/** The estimate failed for a reason other than a revert (e.g. `gas required exceeds allowance (N)`). */
export class GasEstimationError extends MachError {
  override name = "GasEstimationError";
}

/** An `ExecutionRevertedError` for a failed call: `execution reverted[: reason]` with the revert data. */
export function revertedError(result: ExecutionResult): ExecutionRevertedError {
  const reason = decodeRevertReason(result.returnData);
  const message = reason === undefined ? "execution reverted" : `execution reverted: ${reason}`;
  return new ExecutionRevertedError(message, bytesToHex(result.returnData) as `0x${string}`);
}

/** One trial run at a gas limit: the result, or `undefined` when the message cannot run at that limit at all. */
export type GasTrial = (gasLimit: bigint) => Promise<ExecutionResult | undefined>;

export interface GasSearch {
  /** Runs the message with a given gas limit on a throwaway state. */
  readonly run: GasTrial;
  /** Upper bound: the request's gas, capped by the balance / fee cap allowance and the RPC gas cap. */
  readonly hi: bigint;
  /** A plain value transfer to an account without code: 21000 is tried first. */
  readonly plainTransfer: boolean;
  readonly errorRatio?: number;
}

const failed = (result: ExecutionResult | undefined) => result === undefined || result.status !== 1;

/**
 * geth's search for the least gas limit with which a message succeeds: short-circuit plain transfers at 21000, run
 * once at `hi`, try the optimistic limit (used + refund + stipend) × 64/63, then bisect until within 1.5%. Throws
 * `ExecutionRevertedError` when it reverts at `hi`, `GasEstimationError` when it fails otherwise.
 */
export async function searchGasLimit({
  run,
  hi: upper,
  plainTransfer,
  errorRatio = ESTIMATE_GAS_ERROR_RATIO,
}: GasSearch): Promise<bigint> {
  let hi = upper;
  if (plainTransfer && !failed(await run(TX_GAS))) return TX_GAS;
  const first = await run(hi);
  if (first === undefined || first.status !== 1) {
    const error = first?.error;
    if (first !== undefined && (error === undefined || error === "execution reverted")) throw revertedError(first);
    if (error === undefined || error === "out of gas")
      throw new GasEstimationError(`gas required exceeds allowance (${hi})`);
    throw new GasEstimationError(error);
  }
  let lo = first.gasUsed - 1n;
  const refunded = (first as { gasRefunded?: bigint }).gasRefunded ?? 0n;
  const optimistic = ((first.gasUsed + refunded + CALL_STIPEND) * 64n) / 63n;
  if (optimistic < hi) {
    if (failed(await run(optimistic))) lo = optimistic;
    else hi = optimistic;
  }
  while (lo + 1n < hi) {
    if (errorRatio > 0 && Number(hi - lo) / Number(hi) < errorRatio) break;
    let mid = (hi + lo) / 2n;
    if (mid > lo * 2n) mid = lo * 2n;
    if (failed(await run(mid))) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** A trial over an executor: too little gas for the intrinsic cost (or the EIP-7623 floor) is just a failed run. */
export function executorTrial(executor: Executor, state: StateWriter, message: CallMessage, env: BlockEnv): GasTrial {
  return async (gasLimit) => {
    try {
      return await executor.call(state, { ...message, gasLimit }, env);
    } catch (error) {
      if (error instanceof TransactionRejectedError && error.reason === "intrinsicGasTooLow") return undefined;
      throw error;
    }
  };
}

/**
 * The least gas limit with which `message` succeeds. Throws `ExecutionRevertedError` (with the revert data) when it
 * reverts at the cap, `GasEstimationError` when it runs out of gas at the cap, and `TransactionRejectedError` for
 * messages that cannot run at all.
 */
export async function estimateGas(
  executor: Executor,
  state: StateWriter,
  message: CallMessage,
  env: BlockEnv,
  options: EstimateGasOptions = {},
): Promise<bigint> {
  const gasCap = options.gasCap ?? DEFAULT_RPC_GAS_CAP;
  let hi = message.gasLimit >= TX_GAS ? message.gasLimit : env.gasLimit;
  const feeCap = message.maxFeePerGas ?? message.gasPrice ?? 0n;
  if (feeCap > 0n) {
    const balance = state.getAccount(message.from)?.balance ?? 0n;
    if (message.value > 0n && message.value >= balance) {
      throw new TransactionRejectedError("insufficientFunds", "insufficient funds for transfer");
    }
    const allowance = (balance - message.value) / feeCap;
    if (hi > allowance) hi = allowance;
  }
  if (gasCap !== 0n && hi > gasCap) hi = gasCap;
  return searchGasLimit({
    run: executorTrial(executor, state, message, env),
    hi,
    plainTransfer: message.data.length === 0 && message.to !== null && state.getCode(message.to).length === 0,
    ...(options.errorRatio !== undefined ? { errorRatio: options.errorRatio } : {}),
  });
}
