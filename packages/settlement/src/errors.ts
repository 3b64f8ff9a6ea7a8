/**
 * The settlement adapter's one error type. Like the DA port's errors it says what to do about it: `permanent`
 * (a revert that will fail the same way on every retry: wrong sender, a range that does not extend the record, a
 * bad attestation; or L1 contradicting what we know, such as a reorg deeper than the confirmation depth) or
 * `transient` (RPC and network failures, timeouts, a transaction that was mined but reverted after its simulation
 * passed: retry with backoff). `toSettlementError` is the one place viem errors are mapped.
 */

import { artifacts } from "@mach/contracts";
import { MachError, type MachErrorOptions } from "@mach/core/errors";
import { type Abi, BaseError, ContractFunctionRevertedError, decodeErrorResult, toFunctionSelector } from "viem";

export type SettlementErrorKind = "transient" | "permanent";

export interface SettlementErrorOptions extends MachErrorOptions {
  /** Name of the contract's custom error (or `Error` / `Panic`) when the cause is a revert. */
  readonly revertName?: string;
}

export class SettlementError extends MachError {
  override name = "SettlementError";
  readonly kind: SettlementErrorKind;
  readonly revertName: string | undefined;
  constructor(kind: SettlementErrorKind, message: string, options: SettlementErrorOptions = {}) {
    super(message, options);
    this.kind = kind;
    this.revertName = options.revertName;
  }
}

/**
 * Every custom error of Mach's L1 contracts, so that a revert raised by a callee (the verifier under a game's
 * `attest`, a certificate check under `submitBatch`) is named even though the called contract's ABI lacks it.
 */
const machErrorsAbi: Abi = (() => {
  const bySelector = new Map<string, Abi[number]>();
  for (const artifact of Object.values(artifacts))
    for (const item of artifact.abi as Abi)
      if (item.type === "error") bySelector.set(toFunctionSelector(item as never), item);
  return [...bySelector.values()];
})();

function revertNameOf(reverted: ContractFunctionRevertedError): { name?: string; args?: readonly unknown[] } {
  if (reverted.data)
    return { name: reverted.data.errorName, ...(reverted.data.args ? { args: reverted.data.args } : {}) };
  if (reverted.raw && reverted.raw !== "0x") {
    try {
      const decoded = decodeErrorResult({ abi: machErrorsAbi, data: reverted.raw });
      return { name: decoded.errorName, ...(decoded.args ? { args: decoded.args } : {}) };
    } catch {
      // Not one of Mach's errors: keep it unnamed (the raw data stays in the cause).
      return {};
    }
  }
  return reverted.reason === undefined ? {} : { name: "Error", args: [reverted.reason] };
}

/**
 * Maps an error of a contract call to a `SettlementError`: a decoded revert (viem's `ContractFunctionRevertedError`)
 * is `permanent` and keeps the custom error's name; anything else (transport, timeout, node hiccup) is `transient`.
 */
export function toSettlementError(operation: string, error: unknown): SettlementError {
  if (error instanceof SettlementError) return error;
  const reverted =
    error instanceof BaseError ? error.walk((e) => e instanceof ContractFunctionRevertedError) : undefined;
  if (reverted instanceof ContractFunctionRevertedError) {
    const { name: revertName, args: revertArgs } = revertNameOf(reverted);
    const args = revertArgs?.map((a) => String(a)).join(", ");
    const what = revertName === undefined ? "reverted" : `reverted with ${revertName}${args ? `(${args})` : ""}`;
    return new SettlementError("permanent", `${operation} ${what}`, {
      cause: error,
      details: reverted.shortMessage,
      ...(revertName === undefined ? {} : { revertName }),
    });
  }
  const details = error instanceof BaseError ? error.shortMessage : error instanceof Error ? error.message : undefined;
  return new SettlementError("transient", `${operation} failed`, {
    cause: error,
    ...(details === undefined ? {} : { details }),
  });
}
