/**
 * OP deposit (type 0x7E) execution rules after Regolith and Canyon, as op-geth's `state_transition.go` applies them;
 * every engine follows them (the parts that are not the EVM itself live here):
 *
 *   1. `mint` is credited to `from` first and stays, whatever happens next.
 *   2. No nonce check, no EOA check, no fee-cap or balance-for-gas check; gas is free (price 0), no coinbase tip, no
 *      base fee, no L1 fee. The deposit's gas limit counts against the block's gas like any transaction.
 *   3. The sender's nonce is bumped (calls and creations alike); creations deploy at address(from, nonce before).
 *   4. A deposit that fails a consensus check is still included as a *failed deposit*: a `isSystemTransaction`
 *      deposit (refused since Regolith), gas limit below the intrinsic gas or the EIP-7623 floor (Prague), a value
 *      the sender (after the mint) cannot pay, init code over the size limit. Its effects are rewound to just after
 *      the mint, the nonce is bumped, it uses all its gas, status 0, no logs.
 *   5. A deposit that executes reports its real gas used, EIP-3529 refunds applied and the EIP-7623 floor enforced;
 *      a revert or halt keeps the nonce bump and the mint, not the value transfer (status 0).
 *   6. Receipts carry `depositNonce` (nonce before) and `depositReceiptVersion` 1; effective gas price 0.
 */
import { TransactionRejectedError } from "../errors.ts";
import type { ExecutionResult } from "./types.ts";

/** Rule 4's first case: system transactions are refused since Regolith (op-geth `ErrSystemTxNotSupported`). */
export function rejectSystemDeposit(from: string): never {
  throw new TransactionRejectedError("decode", `system tx not supported: address ${from}`);
}

/** Rule 4: the result of a deposit that failed a consensus check (the caller rewinds state to after the mint). */
export function failedDepositResult(
  deposit: { readonly gasLimit: bigint },
  nonceBefore: bigint,
  error: TransactionRejectedError,
): ExecutionResult {
  return {
    type: 0x7e,
    status: 0,
    gasUsed: deposit.gasLimit,
    effectiveGasPrice: 0n,
    logs: [],
    contractAddress: null,
    returnData: new Uint8Array(0),
    error: `failed deposit: ${error.shortMessage}`,
    depositNonce: nonceBefore,
  };
}
