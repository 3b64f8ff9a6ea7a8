/**
 * Runs planned simulated blocks (`plan.ts`) on a throwaway overlay of the base state, as geth's `simulator` does:
 * each block's state overrides, then its calls in order, every call seeing what the earlier ones wrote; each block is
 * sealed over its calls (transactions, receipts, bloom, gas) and the next block's BLOCKHASH sees it. Runs wherever
 * reads run (a read worker, or the node's thread without workers): `checkAborted` stops it between calls.
 *
 * Calls are messages, not signed transactions: the sender is the call's `from` (zero address when absent), the
 * nonce the sender's current one unless given, the gas the block's remaining gas unless given (capped by the RPC gas
 * cap across all calls), and nothing is charged unless a fee is given. `validation` checks each call as a block
 * checks a transaction (nonce, base fee, which then follows the chain's EIP-1559 rule instead of being 0). A call
 * that cannot run at all fails the whole request with geth's -380xx code; a call that runs and fails is reported in
 * its result (code 3 for a revert, -32015 otherwise).
 *
 * The state root of a simulated block is not computed (an overlay has no trie): headers carry the zero hash.
 */
import { ZERO_ADDRESS, ZERO_HASH } from "../../chain/constants.ts";
import { type BaseFeeParams, nextBaseFee } from "../../chain/fees.ts";
import { keccak256Hex } from "../../chain/hash.ts";
import { OpenBlock } from "../../chain/openBlock.ts";
import { buildReceipt } from "../../chain/receipt.ts";
import { encodeTransaction } from "../../chain/transaction.ts";
import type { Address, Block, Eip1559Transaction, Hash, Hex, Receipt, Transaction } from "../../chain/types.ts";
import { TransactionRejectedError, type TransactionRejectionReason } from "../../errors.ts";
import { revertedError } from "../../execution/estimateGas.ts";
import type { BlockEnv, CallMessage, ExecutionResult, Executor } from "../../execution/types.ts";
import { applyStateOverrides, OverlayState } from "../../state/overlay.ts";
import type { StateReader } from "../../state/types.ts";
import { RpcError, RpcErrorCode } from "../errors.ts";
import type { CallRequest } from "../params.ts";
import { type IndexedLog, SimulationLogTracer } from "./logTracer.ts";
import type { PlannedBlock } from "./plan.ts";

/** The block the simulation starts after. */
export interface SimulationBase {
  readonly number: bigint;
  readonly hash: Hash;
  readonly timestamp: bigint;
  readonly gasLimit: bigint;
  readonly gasUsed: bigint;
  readonly baseFeePerGas: bigint;
  readonly coinbase: Address;
}

/** The chain's EIP-1559 rule: what a validated block's base fee follows. */
export interface BaseFeeRule extends BaseFeeParams {
  readonly minBaseFeePerGas: bigint;
}

/** Everything a simulation needs besides the executor and the state: plain data (it crosses to read workers). */
export interface SimulationInput {
  readonly chainId: bigint;
  readonly base: SimulationBase;
  readonly blocks: readonly PlannedBlock[];
  readonly validation: boolean;
  /** Log value transfers as ERC-20 `Transfer` events of the ERC-7528 ETH address (`logTracer.ts`). */
  readonly traceTransfers: boolean;
  /** Gas all calls together may use (the RPC gas cap); 0 = no limit. */
  readonly gasCap: bigint;
  readonly baseFeeRule: BaseFeeRule;
}

export interface SimulatedCallError {
  readonly code: number;
  readonly message: string;
  readonly data?: Hex;
}

export interface SimulatedCall {
  readonly status: 0 | 1;
  readonly returnData: Uint8Array;
  readonly gasUsed: bigint;
  /** Gas used before the refund. */
  readonly maxUsedGas: bigint;
  /** Empty when the call failed. */
  readonly logs: readonly IndexedLog[];
  readonly error?: SimulatedCallError;
}

export interface SimulatedBlock {
  readonly block: Block;
  readonly receipts: readonly Receipt[];
  readonly calls: readonly SimulatedCall[];
}

/** geth's `txValidationError` codes. */
const REJECTION_CODES: Partial<Record<TransactionRejectionReason, number>> = {
  nonceTooLow: RpcErrorCode.simulateNonceTooLow,
  nonceTooHigh: RpcErrorCode.simulateNonceTooHigh,
  senderNoEOA: RpcErrorCode.simulateSenderIsNotEoa,
  tipAboveFeeCap: RpcErrorCode.invalidParams,
  feeCapTooLow: RpcErrorCode.simulateBaseFeeTooLow,
  insufficientFunds: RpcErrorCode.simulateInsufficientFunds,
  intrinsicGasTooLow: RpcErrorCode.simulateIntrinsicGas,
  oversized: RpcErrorCode.simulateMaxInitCodeSizeExceeded,
};

function rejectionCode(error: TransactionRejectedError): number {
  // geth has no code for EIP-2681's nonce ceiling (`ErrNonceMax`): it answers it as an internal error.
  if (error.shortMessage.startsWith("nonce has max value")) return RpcErrorCode.internal;
  return REJECTION_CODES[error.reason] ?? RpcErrorCode.internal;
}

const GAS_CAPPED_NOTE = " (gas limit was capped by the RPC server's global gas cap)";

/** An executor that can run a message into a state it keeps (`trace` persists; `call` does not). */
export type SimulationExecutor = Required<Pick<Executor, "trace">>;

export async function runSimulation(
  executor: SimulationExecutor,
  baseState: StateReader,
  input: SimulationInput,
  canonicalBlockHash: (number: bigint) => Hash | undefined,
  checkAborted: () => void = () => {},
): Promise<SimulatedBlock[]> {
  const state = new OverlayState(baseState);
  const simulatedHashes = new Map<bigint, Hash>();
  let budget = input.gasCap === 0n ? 2n ** 64n - 1n : input.gasCap;
  let parent = input.base;
  let gasLimit = input.base.gasLimit;
  let coinbase = input.base.coinbase;
  const results: SimulatedBlock[] = [];

  for (const planned of input.blocks) {
    const overrides = planned.blockOverrides;
    gasLimit = overrides.gasLimit ?? gasLimit;
    coinbase = overrides.feeRecipient ?? coinbase;
    const baseFeePerGas = overrides.baseFeePerGas ?? (input.validation ? validatedBaseFee(parent, input) : 0n);
    const env: BlockEnv = {
      chainId: input.chainId,
      number: planned.number,
      timestamp: planned.timestamp,
      gasLimit,
      baseFeePerGas,
      coinbase,
      prevRandao: overrides.prevRandao ?? ZERO_HASH,
      getBlockHash: (n) => {
        if (n >= planned.number || n + 256n < planned.number) return undefined;
        return n <= input.base.number ? canonicalBlockHash(n) : simulatedHashes.get(n);
      },
    };
    if (planned.stateOverrides) applyStateOverrides(state, planned.stateOverrides);

    const tracer = new SimulationLogTracer(input.traceTransfers);
    const transactions: Transaction[] = [];
    const receipts: Receipt[] = [];
    const calls: SimulatedCall[] = [];
    let blockGasUsed = 0n;
    for (const call of planned.calls) {
      checkAborted();
      const remaining = gasLimit - blockGasUsed;
      const requested = call.gas ?? remaining;
      if (remaining < requested) {
        throw new RpcError(
          RpcErrorCode.simulateBlockGasLimitReached,
          `block gas limit reached: remaining: ${remaining}, required: ${requested}`,
        );
      }
      const gas = requested > budget ? budget : requested;
      const message = callMessage(call, gas, state, input.validation);
      let result: ExecutionResult;
      try {
        result = await executor.trace(state, { call: message }, env, tracer);
      } catch (error) {
        if (!(error instanceof TransactionRejectedError)) throw error;
        throw new RpcError(rejectionCode(error), `err: ${error.shortMessage} (supplied gas ${gas})`);
      }
      if (result.gasUsed > budget) {
        throw new RpcError(RpcErrorCode.internal, `RPC gas cap exhausted: need ${result.gasUsed}, remaining ${budget}`);
      }
      budget -= result.gasUsed;
      blockGasUsed += result.gasUsed;
      const tx = simulatedTransaction(message, input.chainId);
      transactions.push(tx);
      // Receipts hold the EVM's own logs; the call's answer the traced ones (with transfers when asked).
      receipts.push(buildReceipt({ ...result, type: tx.type }, blockGasUsed));
      calls.push(callResult(result, tracer.takeLogs(), gas < requested));
    }

    const open = new OpenBlock({
      number: planned.number,
      timestamp: planned.timestamp,
      baseFeePerGas,
      gasLimit,
      parentHash: parent.hash,
      coinbase,
      prevRandao: env.prevRandao,
      miniBlockOffset: 0n,
    });
    if (transactions.length > 0) {
      open.add(
        open.buildMiniBlock({
          transactions,
          receipts,
          stateDiff: { accounts: [] },
          timestampUs: planned.timestamp * 1_000_000n,
        }),
      );
    }
    const block = open.seal(ZERO_HASH);
    simulatedHashes.set(planned.number, block.hash);
    results.push({ block, receipts, calls });
    parent = {
      number: block.header.number,
      hash: block.hash,
      timestamp: block.header.timestamp,
      gasLimit: block.header.gasLimit,
      gasUsed: block.header.gasUsed,
      baseFeePerGas: block.header.baseFeePerGas,
      coinbase,
    };
  }
  return results;
}

function validatedBaseFee(parent: SimulationBase, input: SimulationInput): bigint {
  const fee = nextBaseFee(parent.gasUsed, parent.gasLimit, parent.baseFeePerGas, input.baseFeeRule);
  return fee > input.baseFeeRule.minBaseFeePerGas ? fee : input.baseFeeRule.minBaseFeePerGas;
}

function callMessage(call: CallRequest, gas: bigint, state: StateReader, validate: boolean): CallMessage {
  const from = call.from ?? ZERO_ADDRESS;
  const message: { -readonly [K in keyof CallMessage]: CallMessage[K] } = {
    from,
    to: call.to ?? null,
    data: call.input ?? call.data ?? new Uint8Array(0),
    value: call.value ?? 0n,
    gasLimit: gas,
    nonce: call.nonce ?? state.getAccount(from)?.nonce ?? 0n,
    validate,
  };
  if (call.gasPrice !== undefined) message.gasPrice = call.gasPrice;
  if (call.maxFeePerGas !== undefined) message.maxFeePerGas = call.maxFeePerGas;
  if (call.maxPriorityFeePerGas !== undefined) message.maxPriorityFeePerGas = call.maxPriorityFeePerGas;
  if (call.accessList !== undefined) message.accessList = call.accessList;
  return message;
}

/** The call as geth lists it in the block: an unsigned EIP-1559 transaction (zero signature), sender kept aside. */
function simulatedTransaction(message: CallMessage, chainId: bigint): Transaction {
  const body: Eip1559Transaction = {
    type: 2,
    chainId,
    nonce: message.nonce ?? 0n,
    maxFeePerGas: message.maxFeePerGas ?? message.gasPrice ?? 0n,
    maxPriorityFeePerGas: message.maxPriorityFeePerGas ?? message.gasPrice ?? 0n,
    gasLimit: message.gasLimit,
    to: message.to,
    value: message.value,
    data: message.data,
    accessList: message.accessList ?? [],
    r: 0n,
    s: 0n,
    yParity: 0,
  };
  const raw = encodeTransaction(body);
  return { ...body, hash: keccak256Hex(raw), from: message.from, raw };
}

function callResult(result: ExecutionResult, logs: readonly IndexedLog[], gasCapped: boolean): SimulatedCall {
  const refunded = (result as { gasRefunded?: bigint }).gasRefunded ?? 0n;
  const call = {
    status: result.status,
    // geth answers a failed call's output in `error.data` only.
    returnData: result.status === 1 ? result.returnData : new Uint8Array(0),
    gasUsed: result.gasUsed,
    maxUsedGas: result.gasUsed + refunded,
    logs: result.status === 1 ? logs : [],
  };
  if (result.status === 1) return call;
  if (result.error === undefined || result.error === "execution reverted" || result.error.startsWith("revert")) {
    const reverted = revertedError(result);
    return {
      ...call,
      error: { code: RpcErrorCode.executionReverted, message: reverted.shortMessage, data: reverted.data },
    };
  }
  return { ...call, error: { code: RpcErrorCode.vmError, message: result.error + (gasCapped ? GAS_CAPPED_NOTE : "") } };
}
