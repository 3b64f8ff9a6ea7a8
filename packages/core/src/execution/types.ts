/**
 * The Executor port: runs one transaction against a state writer. The sequencer, eth_call/estimateGas and (later)
 * the prover and derivation all go through it; @ethereumjs/evm sits behind it today, a faster engine can later.
 */
import type { L1FeeCharge } from "../chain/l1Fee.ts";
import type { Address, Hash, Log, Transaction, TxType } from "../chain/types.ts";
import type { StateWriter } from "../state/types.ts";
import type { ExecutionTracer, TraceSubject } from "./tracing/tracer.ts";

/** Per-block values the EVM sees. */
export interface BlockEnv {
  readonly chainId: bigint;
  readonly number: bigint;
  /** Seconds. */
  readonly timestamp: bigint;
  readonly gasLimit: bigint;
  readonly baseFeePerGas: bigint;
  /** Receives priority fees (and the L1 data fee). */
  readonly coinbase: Address;
  /** PREVRANDAO value. */
  readonly prevRandao: Hash;
  /** BLOCKHASH lookup for the 256 previous blocks. */
  readonly getBlockHash: (number: bigint) => Hash | undefined;
}

export interface ExecutionResult {
  readonly type: TxType;
  readonly status: 0 | 1;
  readonly gasUsed: bigint;
  readonly effectiveGasPrice: bigint;
  readonly logs: readonly Log[];
  readonly contractAddress: Address | null;
  /** Revert data (or return data on success). */
  readonly returnData: Uint8Array;
  /** Human-readable EVM error on failure (`execution reverted`, `out of gas`, …). */
  readonly error?: string;
  /** Deposits: the sender's nonce before execution. */
  readonly depositNonce?: bigint;
  /** The OP L1 data fee charged to the sender and its inputs (every non-deposit transaction). */
  readonly l1Fee?: L1FeeCharge;
}

/** A transaction message for eth_call / eth_estimateGas (no signature, nothing charged unless gasPrice given). */
export interface CallMessage {
  readonly from: Address;
  readonly to: Address | null;
  readonly data: Uint8Array;
  readonly value: bigint;
  readonly gasLimit: bigint;
  readonly gasPrice?: bigint;
  readonly maxFeePerGas?: bigint;
  readonly maxPriorityFeePerGas?: bigint;
  readonly accessList?: readonly { address: Address; storageKeys: readonly Hash[] }[];
  readonly nonce?: bigint;
  /**
   * Check the message as a block checks a transaction (eth_simulateV1's `validation`): `nonce` against the sender's
   * and the fee cap against the base fee even when no fee is given. Off: eth_call's rules (no nonce check, the fee
   * cap checked only when a fee is given).
   */
  readonly validate?: boolean;
}

/** A call frame for debug_traceTransaction's callTracer. */
export interface CallFrame {
  readonly type: "CALL" | "STATICCALL" | "DELEGATECALL" | "CALLCODE" | "CREATE" | "CREATE2" | "SELFDESTRUCT";
  readonly from: Address;
  readonly to: Address;
  readonly value: bigint;
  readonly gas: bigint;
  readonly gasUsed: bigint;
  readonly input: Uint8Array;
  readonly output: Uint8Array;
  readonly error?: string;
  readonly revertReason?: string;
  readonly calls: CallFrame[];
}

export interface Executor {
  /**
   * Applies `tx` to `state`: on success and on EVM failure alike the post-transaction values (nonce, balances,
   * fees to `env.coinbase`, burnt base fee) are written; consensus-invalid transactions throw a
   * `TransactionRejectedError` without touching `state`.
   */
  executeTransaction(state: StateWriter, tx: Transaction, env: BlockEnv): Promise<ExecutionResult>;
  /** Runs a message without persisting: `state` is an overlay the caller throws away. */
  call(state: StateWriter, message: CallMessage, env: BlockEnv): Promise<ExecutionResult>;
  /** Like executeTransaction on a throwaway overlay, returning the call tree. */
  traceTransaction(state: StateWriter, tx: Transaction, env: BlockEnv): Promise<CallFrame>;
  /** Like `call`, returning the call tree (debug_traceCall). Optional: engines without tracing omit it. */
  traceCall?(state: StateWriter, message: CallMessage, env: BlockEnv): Promise<CallFrame>;
  /**
   * Runs a transaction (checked and charged as in a block) or a call message into `state` (a throwaway overlay),
   * feeding `tracer` (the engine-neutral tracing port, `tracing/tracer.ts`). Optional: engines without it serve
   * only `traceTransaction`/`traceCall`.
   */
  trace?(state: StateWriter, subject: TraceSubject, env: BlockEnv, tracer: ExecutionTracer): Promise<ExecutionResult>;
}
