/**
 * The `Executor` behind Mach's own interpreter (`evm/`): the same transaction-level rules as the @ethereumjs engine
 * (`transactionPlan.ts` validation, gas purchase, warm sets, EIP-7702 authorizations, refunds, fees, EIP-161/6780
 * clean-up, OP deposits, the L1-fee hook), run synchronously over a journaled overlay of the caller's `StateWriter`.
 * The port's methods return promises; the `…Sync` twins are what a synchronous caller (the sequencer loop) can use.
 */
import { MAX_REFUND_QUOTIENT } from "../chain/fees.ts";
import type { Address, Log, Transaction } from "../chain/types.ts";
import { MachError, TransactionRejectedError } from "../errors.ts";
import type { StateWriter } from "../state/types.ts";
import { authorityOf, authorizedCode, EXISTING_AUTHORITY_REFUND, mayDelegate } from "./authorizations.ts";
import { failedDepositResult } from "./deposit.ts";
import type { DetailedExecutionResult } from "./ethereumjsExecutor.ts";
import { createMachCallTracer } from "./evm/callTracer.ts";
import { delegationTarget } from "./evm/delegation.ts";
import * as H from "./evm/halts.ts";
import { type BlockContext, createAddress, Evm, type EvmTracer } from "./evm/interpreter.ts";
import { TxState } from "./evm/txState.ts";
import { wordToSlot } from "./evm/words.ts";
import { ecotoneL1FeeFromState, L1_FEE_VAULT, type L1FeeRule } from "./l1Fee.ts";
import { createPreimageNotingKeccak, isMappingSlotSink, type MappingSlotSink } from "./mappingSlotPreimages.ts";
import {
  EMPTY_ACCOUNT,
  type ExecutionFork,
  type ExecutorOptions,
  minBigint,
  type Prepared,
  prepareCall,
  prepareTransaction,
  type Validated,
  validatePrepared,
} from "./transactionPlan.ts";
import type { BlockEnv, CallFrame, CallMessage, ExecutionResult, Executor } from "./types.ts";

export type MachExecutorOptions = ExecutorOptions;

const MAX_SAFE_GAS = BigInt(Number.MAX_SAFE_INTEGER);

/** Creates an `Executor` running Prague (or Cancun) on Mach's own interpreter. */
export function createMachExecutor(options: MachExecutorOptions): MachExecutor {
  return new MachExecutor(options);
}

export class MachExecutor implements Executor {
  readonly chainId: bigint;
  readonly #evm: Evm;
  readonly #fork: ExecutionFork;
  readonly #l1FeeFor: L1FeeRule;
  readonly #baseFeeRecipient: Address | undefined;
  readonly #allowUnlimitedInitCode: boolean;
  readonly #setPreimageSink: (sink: MappingSlotSink | undefined) => void;
  readonly #blocks = new WeakMap<BlockEnv, BlockContext>();
  readonly #tx: TxState;

  constructor(options: MachExecutorOptions) {
    this.chainId = options.chainId;
    this.#fork = options.hardfork ?? "prague";
    this.#l1FeeFor = options.l1FeeFor ?? ecotoneL1FeeFromState;
    this.#baseFeeRecipient = options.baseFeeRecipient;
    this.#allowUnlimitedInitCode = options.allowUnlimitedContractSize ?? false;
    const keccak = createPreimageNotingKeccak();
    this.#setPreimageSink = keccak.setSink;
    this.#evm = new Evm({
      fork: this.#fork,
      keccak256: keccak.hash,
      ...(options.interruptCheck !== undefined ? { interruptCheck: options.interruptCheck } : {}),
      ...(options.allowUnlimitedContractSize !== undefined
        ? { allowUnlimitedContractSize: options.allowUnlimitedContractSize }
        : {}),
    });
    this.#tx = new TxState(new Set(this.#evm.precompiles.keys()));
  }

  executeTransaction(state: StateWriter, tx: Transaction, env: BlockEnv): Promise<ExecutionResult> {
    return settle(() => this.executeTransactionSync(state, tx, env));
  }

  call(state: StateWriter, message: CallMessage, env: BlockEnv): Promise<DetailedExecutionResult> {
    return settle(() => this.callSync(state, message, env));
  }

  traceTransaction(state: StateWriter, tx: Transaction, env: BlockEnv): Promise<CallFrame> {
    return settle(() => this.traceTransactionSync(state, tx, env));
  }

  traceCall(state: StateWriter, message: CallMessage, env: BlockEnv): Promise<CallFrame> {
    return settle(() => this.traceCallSync(state, message, env));
  }

  executeTransactionSync(state: StateWriter, tx: Transaction, env: BlockEnv): DetailedExecutionResult {
    this.#setPreimageSink(isMappingSlotSink(state) ? state : undefined);
    try {
      return this.#run(state, prepareTransaction(tx, env, this.chainId, this.#l1FeeFor, this.#fork, state), env, true);
    } finally {
      this.#setPreimageSink(undefined);
    }
  }

  callSync(state: StateWriter, message: CallMessage, env: BlockEnv): DetailedExecutionResult {
    return this.#run(state, prepareCall(message), env, false);
  }

  traceTransactionSync(state: StateWriter, tx: Transaction, env: BlockEnv, tracer?: EvmTracer): CallFrame {
    const calls = createMachCallTracer();
    const p = prepareTransaction(tx, env, this.chainId, this.#l1FeeFor, this.#fork, state);
    const result = this.#run(state, p, env, false, join(calls.tracer, tracer));
    return calls.result(tx.gasLimit, result.gasUsed);
  }

  traceCallSync(state: StateWriter, message: CallMessage, env: BlockEnv, tracer?: EvmTracer): CallFrame {
    const calls = createMachCallTracer();
    const result = this.#run(state, prepareCall(message), env, false, join(calls.tracer, tracer));
    return calls.result(message.gasLimit, result.gasUsed);
  }

  #block(env: BlockEnv): BlockContext {
    let block = this.#blocks.get(env);
    if (block === undefined) {
      block = {
        coinbase: env.coinbase,
        number: env.number,
        timestamp: env.timestamp,
        gasLimit: env.gasLimit,
        baseFeePerGas: env.baseFeePerGas,
        prevRandao: BigInt(env.prevRandao),
        chainId: env.chainId,
        // Blob transactions are not supported: the blob base fee stays at its minimum (as the @ethereumjs engine).
        blobBaseFee: 1n,
        blockHash: (number) => {
          const hash = env.getBlockHash(number);
          return hash === undefined ? 0n : BigInt(hash);
        },
      };
      this.#blocks.set(env, block);
    }
    return block;
  }

  #run(state: StateWriter, p: Prepared, env: BlockEnv, persist: boolean, tracer?: EvmTracer): DetailedExecutionResult {
    if (env.chainId !== this.chainId) {
      throw new MachError(`block env of chain ${env.chainId} given to the executor of chain ${this.chainId}`);
    }
    const tx = this.#tx;
    tx.begin(state);
    try {
      return this.#apply(tx, p, env, persist, tracer);
    } finally {
      tx.end();
    }
  }

  #apply(tx: TxState, p: Prepared, env: BlockEnv, persist: boolean, tracer?: EvmTracer): DetailedExecutionResult {
    const isDeposit = p.kind === "deposit";
    const sender = tx.entry(p.from);

    // Deposits: the mint lands first and persists whatever happens next (OP spec).
    if (isDeposit && p.mint > 0n) tx.addBalance(sender, p.mint);
    const nonceBefore = sender.nonce;
    const senderBefore = sender.exists
      ? { nonce: sender.nonce, balance: sender.balance, codeHash: sender.codeHash }
      : EMPTY_ACCOUNT;

    let validated: Validated;
    try {
      validated = validatePrepared(
        p,
        env,
        senderBefore,
        () => tx.code(sender),
        this.#fork,
        this.#allowUnlimitedInitCode,
      );
    } catch (error) {
      if (!isDeposit || !(error instanceof TransactionRejectedError)) throw error;
      return this.#depositFailure(tx, p, nonceBefore, error, persist);
    }
    const { gasPrice, intrinsic, floor } = validated;

    // --- Buy gas and bump the nonce. ---
    tx.setNonce(sender, nonceBefore + 1n);
    tx.setBalance(sender, senderBefore.balance - (p.gasLimit * gasPrice + p.l1Fee));

    // --- Warm sets (EIP-2929/2930/3651). ---
    tx.warmAccount(sender);
    if (p.to !== null) tx.warmAccount(tx.entry(p.to));
    tx.warmAccount(tx.entry(env.coinbase));
    for (const item of p.accessList) {
      const entry = tx.entry(item.address);
      tx.warmAccount(entry);
      for (const key of item.storageKeys) tx.warmSlot(entry, key);
    }

    // --- EIP-7702 authorizations. ---
    let authRefund = 0;
    for (const auth of p.authorizationList) {
      const authority = authorityOf(auth, this.chainId);
      if (authority === null) continue;
      const entry = tx.entry(authority);
      tx.warmAccount(entry);
      const account = entry.exists ? entry : undefined;
      if (!mayDelegate(auth, account, () => tx.code(entry))) continue;
      if (account !== undefined) authRefund += Number(EXISTING_AUTHORITY_REFUND);
      tx.setNonce(entry, auth.nonce + 1n);
      tx.setCode(entry, authorizedCode(auth));
    }
    if (p.to !== null && this.#fork === "prague") {
      const delegate = delegationTarget(tx.code(tx.entry(p.to)));
      if (delegate !== undefined) tx.warmAccount(tx.entry(delegate));
    }

    // --- Execute. ---
    const evm = this.#evm;
    evm.begin(tx, this.#block(env), { origin: p.from, gasPrice, blobHashes: [] }, tracer);
    // Gas is a number inside the EVM: a limit beyond 2^53 runs with 2^53 - 1 (more than any code can burn) and the
    // excess is added back unless the message failed exceptionally (which consumes everything).
    const executionGas = p.gasLimit - intrinsic;
    const gas = executionGas > MAX_SAFE_GAS ? Number(MAX_SAFE_GAS) : Number(executionGas);
    const contractAddress = p.to === null ? createAddress(p.from, nonceBefore) : null;
    const result =
      contractAddress !== null
        ? evm.create(p.from, contractAddress, p.value, p.data, gas)
        : evm.call(p.from, p.to as Address, p.value, p.data, gas);
    const kept = result.halt === H.OK || result.halt === H.REVERTED;
    const gasLeft = BigInt(result.gasLeft) + (kept ? executionGas - BigInt(gas) : 0n);

    // --- Gas accounting: EIP-3529 refund cap, EIP-7623 floor. ---
    let gasUsed = p.gasLimit - gasLeft;
    let refund = BigInt(authRefund + tx.refund);
    const maxRefund = gasUsed / MAX_REFUND_QUOTIENT;
    if (refund > maxRefund) refund = maxRefund;
    gasUsed -= refund;
    if (gasUsed < floor) gasUsed = floor;

    if (!isDeposit) {
      tx.addBalance(sender, (p.gasLimit - gasUsed) * gasPrice);
      const tipPerGas = gasPrice > env.baseFeePerGas ? gasPrice - env.baseFeePerGas : 0n;
      tx.addBalance(tx.entry(env.coinbase), gasUsed * tipPerGas);
      const baseFeeRecipient = this.#baseFeeRecipient;
      if (baseFeeRecipient !== undefined && p.kind === "transaction") {
        tx.addBalance(tx.entry(baseFeeRecipient), gasUsed * minBigint(gasPrice, env.baseFeePerGas));
      }
      // The L1 fee reaches its vault after execution, as op-geth credits it.
      if (p.l1Fee > 0n) tx.addBalance(tx.entry(L1_FEE_VAULT), p.l1Fee);
    }
    const failed = result.halt !== H.OK;
    const logs: Log[] = [];
    if (!failed) {
      for (const log of tx.logs) {
        logs.push({ address: log.address, topics: log.topics.map(wordToSlot), data: log.data });
      }
    }
    tx.finalize(persist);
    return {
      type: p.type,
      status: failed ? 0 : 1,
      gasUsed,
      gasRefunded: refund,
      effectiveGasPrice: gasPrice,
      logs,
      contractAddress,
      returnData: result.output,
      ...(failed ? { error: H.haltMessage(result.halt) } : {}),
      ...(isDeposit ? { depositNonce: nonceBefore } : {}),
      ...(p.l1 !== undefined ? { l1Fee: p.l1 } : {}),
    };
  }

  /** A deposit that cannot execute is still included (execution/deposit.ts, rule 4): mint kept, nonce bumped. */
  #depositFailure(
    tx: TxState,
    p: Prepared,
    nonceBefore: bigint,
    error: TransactionRejectedError,
    persist: boolean,
  ): DetailedExecutionResult {
    tx.setNonce(tx.entry(p.from), nonceBefore + 1n);
    tx.finalize(persist);
    return { ...failedDepositResult(p, nonceBefore, error), gasRefunded: 0n };
  }
}

/** The port is asynchronous: a synchronous result or its error, as a promise. */
function settle<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Both tracers see every event (the call tracer always, a step tracer when given). */
function join(calls: EvmTracer, extra: EvmTracer | undefined): EvmTracer {
  if (extra === undefined) return calls;
  return {
    enter(...args) {
      calls.enter(...args);
      extra.enter(...args);
    },
    exit(...args) {
      calls.exit(...args);
      extra.exit(...args);
    },
    ...(extra.step !== undefined ? { step: extra.step.bind(extra) } : {}),
  };
}
