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

type Attempt = { failed: true; result: ExecutionResult | undefined } | { failed: false; result: ExecutionResult };

async function attempt(
  executor: Executor,
  state: StateWriter,
  message: CallMessage,
  env: BlockEnv,
  gasLimit: bigint,
): Promise<Attempt> {
  try {
    const result = await executor.call(state, { ...message, gasLimit }, env);
    return result.status === 1 ? { failed: false, result } : { failed: true, result };
  } catch (error) {
    // Too little gas for the intrinsic cost (or the EIP-7623 floor) is just a failed attempt.
    if (error instanceof TransactionRejectedError && error.reason === "intrinsicGasTooLow") {
      return { failed: true, result: undefined };
    }
    throw error;
  }
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
  const errorRatio = options.errorRatio ?? ESTIMATE_GAS_ERROR_RATIO;
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

  if (message.data.length === 0 && message.to !== null && state.getCode(message.to).length === 0) {
    const transfer = await attempt(executor, state, message, env, TX_GAS);
    if (!transfer.failed) return TX_GAS;
  }

  const first = await attempt(executor, state, message, env, hi);
  if (first.failed) {
    const error = first.result?.error;
    if (first.result !== undefined && error === "execution reverted") throw revertedError(first.result);
    if (error === undefined || error === "out of gas") {
      throw new GasEstimationError(`gas required exceeds allowance (${hi})`);
    }
    throw new GasEstimationError(error);
  }
  let lo = first.result.gasUsed - 1n;
  const refunded = (first.result as { gasRefunded?: bigint }).gasRefunded ?? 0n;
  const optimistic = ((first.result.gasUsed + refunded + CALL_STIPEND) * 64n) / 63n;
  if (optimistic < hi) {
    const trial = await attempt(executor, state, message, env, optimistic);
    if (trial.failed) lo = optimistic;
    else hi = optimistic;
  }
  while (lo + 1n < hi) {
    if (errorRatio > 0 && Number(hi - lo) / Number(hi) < errorRatio) break;
    let mid = (hi + lo) / 2n;
    if (mid > lo * 2n) mid = lo * 2n;
    const trial = await attempt(executor, state, message, env, mid);
    if (trial.failed) lo = mid;
    else hi = mid;
  }
  return hi;
}
