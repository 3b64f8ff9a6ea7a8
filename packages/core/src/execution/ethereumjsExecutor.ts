/**
 * The `Executor` behind @ethereumjs/evm 10.1 at Prague, over Mach's own state. The EVM runs the message; the
 * transaction-level rules (validation, gas purchase, warm sets, EIP-7702 authorizations, refunds, fees, EIP-161/6780
 * clean-up, OP deposits) are Mach's, mirroring geth's `core/state_transition.go`. One EVM instance serves all calls in
 * turn (a queue): @ethereumjs keeps per-transaction state on the instance.
 */
import { createCustomCommon, Hardfork, Mainnet } from "@ethereumjs/common";
import { createEVM, type EVM, type EVMResult } from "@ethereumjs/evm";
import {
  bigIntToBytes,
  bytesToHex,
  Account as EvmAccount,
  Address as EvmAddress,
  generateAddress,
  hexToBytes,
} from "@ethereumjs/util";
import { KECCAK_EMPTY } from "../chain/constants.ts";
import { floorDataGas, intrinsicGas, MAX_INIT_CODE_SIZE, MAX_REFUND_QUOTIENT } from "../chain/fees.ts";
import type { L1FeeCharge } from "../chain/l1Fee.ts";
import type { Address, Authorization, Hash, Log, Transaction, TxType } from "../chain/types.ts";
import { MachError, TransactionRejectedError } from "../errors.ts";
import type { StateWriter } from "../state/types.ts";
import { processAuthorizations } from "./authorizations.ts";
import { createCallTracer } from "./callTracer.ts";
import { failedDepositResult, rejectSystemDeposit } from "./deposit.ts";
import { gethErrorMessage } from "./evmErrors.ts";
import { installJumpAnalysisCache } from "./jumpAnalysisCache.ts";
import { ecotoneL1FeeFromState, L1_FEE_VAULT, type L1FeeRule } from "./l1Fee.ts";
import { createPreimageNotingKeccak, isMappingSlotSink, type MappingSlotSink } from "./mappingSlotPreimages.ts";
import { hashToBytes, MachStateManager } from "./stateAdapter.ts";
import type { BlockEnv, CallFrame, CallMessage, ExecutionResult, Executor } from "./types.ts";

export interface EthereumJsExecutorOptions {
  readonly chainId: bigint;
  /** Only Prague is supported today; the field makes the choice explicit at the call site. */
  readonly hardfork?: "prague";
  /**
   * The OP L1 data fee of a (non-deposit) transaction in the state it executes against, charged to the sender and
   * credited to `L1_FEE_VAULT`. Default: the Ecotone fee over `L1Block`'s parameters (`ecotoneL1FeeFromState`).
   */
  readonly l1FeeFor?: L1FeeRule;
  /**
   * Where the base fee goes: burnt when omitted (Ethereum), or credited to this account (the OP Stack credits its
   * `BaseFeeVault`, 0x4200…0019).
   */
  readonly baseFeeRecipient?: Address;
  /** Lift EIP-170/EIP-3860 size limits (tests and dev chains only). */
  readonly allowUnlimitedContractSize?: boolean;
}

/** What the transaction-level pipeline runs: a signed transaction, a deposit, or an eth_call message. */
interface Prepared {
  readonly kind: "transaction" | "deposit" | "call";
  readonly type: TxType;
  readonly from: Address;
  readonly to: Address | null;
  readonly value: bigint;
  readonly data: Uint8Array;
  readonly gasLimit: bigint;
  readonly nonce: bigint | undefined;
  readonly gasPrice: bigint;
  readonly maxFeePerGas: bigint;
  readonly maxPriorityFeePerGas: bigint;
  /** Whether the fee cap is checked against the base fee (always for transactions; for calls only if given). */
  readonly checkBaseFee: boolean;
  readonly accessList: readonly { address: Address; storageKeys: readonly Hash[] }[];
  readonly authorizationList: readonly Authorization[];
  readonly mint: bigint;
  /** Deposits: refused since Regolith, included as a failed deposit. */
  readonly isSystemTransaction: boolean;
  /** The L1 data fee charge (non-deposit transactions); `l1Fee` is its amount or 0. */
  readonly l1: L1FeeCharge | undefined;
  readonly l1Fee: bigint;
}

/** Extra outputs the estimator needs besides `ExecutionResult`. */
export interface DetailedExecutionResult extends ExecutionResult {
  /** Gas refunded (after the EIP-3529 cap) and gas used before the refund. */
  readonly gasRefunded: bigint;
}

const ZERO_HASH_BYTES = new Uint8Array(32);

/** EVM address objects, reused (the EVM never mutates them); bounded so a long run does not grow it forever. */
const evmAddresses = new Map<Address, EvmAddress>();
function evmAddress(address: Address): EvmAddress {
  let evm = evmAddresses.get(address);
  if (evm === undefined) {
    if (evmAddresses.size >= 65_536) evmAddresses.clear();
    evm = new EvmAddress(hexToBytes(address));
    evmAddresses.set(address, evm);
  }
  return evm;
}

/** The journal's always-warm set (EIP-2929), keyed by unprefixed lowercase hex like the journal itself. */
type WarmJournal = Map<string, Set<string>>;
function alwaysWarm(evm: EVM): WarmJournal | undefined {
  return (evm.journal as unknown as { alwaysWarmJournal?: WarmJournal }).alwaysWarmJournal;
}

function reject(reason: ConstructorParameters<typeof TransactionRejectedError>[0], message: string): never {
  throw new TransactionRejectedError(reason, message);
}

function isDelegation(code: Uint8Array): boolean {
  return code.length === 23 && code[0] === 0xef && code[1] === 0x01 && code[2] === 0x00;
}

/** Creates an `Executor` running Prague on @ethereumjs/evm over Mach state. */
export async function createEthereumJsExecutor(options: EthereumJsExecutorOptions): Promise<EthereumJsExecutor> {
  await installJumpAnalysisCache();
  // hash-wasm's keccak for KECCAK256 and CREATE2 (about 6x @noble's, see perf-facts.md), noting mapping-slot
  // preimages for the state-diff codec while a transaction runs against a recorder.
  const keccak = createPreimageNotingKeccak();
  const common = createCustomCommon({ chainId: Number(options.chainId) }, Mainnet, {
    hardfork: Hardfork.Prague,
    customCrypto: { keccak256: keccak.hash },
  });
  const stateManager = new MachStateManager();
  let currentEnv: BlockEnv | undefined;
  const blockchain = {
    async getBlock(number: number) {
      const hash = currentEnv?.getBlockHash(BigInt(number));
      const bytes = hash === undefined ? ZERO_HASH_BYTES : hexToBytes(hash);
      return { hash: () => bytes };
    },
    async putBlock() {},
    shallowCopy() {
      return blockchain;
    },
  };
  const evm = await createEVM({
    common,
    stateManager,
    blockchain,
    allowUnlimitedContractSize: options.allowUnlimitedContractSize ?? false,
    allowUnlimitedInitCodeSize: options.allowUnlimitedContractSize ?? false,
  });
  return new EthereumJsExecutor(
    options,
    evm,
    stateManager,
    (env) => {
      currentEnv = env;
    },
    keccak.setSink,
  );
}

type EvmBlock = NonNullable<Parameters<EVM["runCall"]>[0]["block"]>;

export class EthereumJsExecutor implements Executor {
  readonly chainId: bigint;
  readonly #evm: EVM;
  readonly #state: MachStateManager;
  readonly #setEnv: (env: BlockEnv | undefined) => void;
  readonly #setPreimageSink: (sink: MappingSlotSink | undefined) => void;
  readonly #l1FeeFor: L1FeeRule;
  readonly #baseFeeRecipient: Address | undefined;
  readonly #precompiles: string[];
  readonly #blocks = new WeakMap<BlockEnv, EvmBlock>();
  readonly #allowUnlimitedInitCode: boolean;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    options: EthereumJsExecutorOptions,
    evm: EVM,
    state: MachStateManager,
    setEnv: (env: BlockEnv | undefined) => void,
    setPreimageSink: (sink: MappingSlotSink | undefined) => void = () => {},
  ) {
    this.chainId = options.chainId;
    this.#evm = evm;
    this.#state = state;
    this.#setEnv = setEnv;
    this.#setPreimageSink = setPreimageSink;
    this.#l1FeeFor = options.l1FeeFor ?? ecotoneL1FeeFromState;
    this.#baseFeeRecipient = options.baseFeeRecipient;
    this.#precompiles = [...evm.precompiles.keys()].map((key) => key.replace(/^0x/, "").toLowerCase());
    this.#allowUnlimitedInitCode = options.allowUnlimitedContractSize ?? false;
  }

  executeTransaction(state: StateWriter, tx: Transaction, env: BlockEnv): Promise<ExecutionResult> {
    return this.#exclusive(async () => {
      this.#setPreimageSink(isMappingSlotSink(state) ? state : undefined);
      try {
        return await this.#run(state, this.#prepareTransaction(tx, env, state), env, true);
      } finally {
        this.#setPreimageSink(undefined);
      }
    });
  }

  call(state: StateWriter, message: CallMessage, env: BlockEnv): Promise<DetailedExecutionResult> {
    return this.#exclusive(() => this.#run(state, this.#prepareCall(message), env, false));
  }

  async traceTransaction(state: StateWriter, tx: Transaction, env: BlockEnv): Promise<CallFrame> {
    return this.#exclusive(async () => {
      const tracer = createCallTracer(this.#evm);
      let result: DetailedExecutionResult;
      try {
        result = await this.#run(state, this.#prepareTransaction(tx, env, state), env, false);
      } finally {
        tracer.detach();
      }
      return tracer.result(tx.gasLimit, result.gasUsed);
    });
  }

  /** debug_traceCall: like `call` (nothing charged unless a fee is given, no nonce check), returning the call tree. */
  async traceCall(state: StateWriter, message: CallMessage, env: BlockEnv): Promise<CallFrame> {
    return this.#exclusive(async () => {
      const tracer = createCallTracer(this.#evm);
      let result: DetailedExecutionResult;
      try {
        result = await this.#run(state, this.#prepareCall(message), env, false);
      } finally {
        tracer.detach();
      }
      return tracer.result(message.gasLimit, result.gasUsed);
    });
  }

  /** Runs `fn` after every earlier call finished: the EVM instance holds per-transaction state. */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #prepareTransaction(tx: Transaction, env: BlockEnv, state: StateWriter): Prepared {
    if (tx.type === 0x7e) {
      return {
        kind: "deposit",
        type: tx.type,
        from: tx.from,
        to: tx.to,
        value: tx.value,
        data: tx.data,
        gasLimit: tx.gasLimit,
        nonce: undefined,
        gasPrice: 0n,
        maxFeePerGas: 0n,
        maxPriorityFeePerGas: 0n,
        checkBaseFee: false,
        accessList: [],
        authorizationList: [],
        mint: tx.mint,
        isSystemTransaction: tx.isSystemTransaction,
        l1: undefined,
        l1Fee: 0n,
      };
    }
    if (tx.chainId !== undefined && tx.chainId !== this.chainId) {
      reject("wrongChainId", `invalid chain id for signer: have ${tx.chainId} want ${this.chainId}`);
    }
    const legacyPrice = tx.type === 0 || tx.type === 1;
    const maxFeePerGas = legacyPrice ? tx.gasPrice : tx.maxFeePerGas;
    const maxPriorityFeePerGas = legacyPrice ? tx.gasPrice : tx.maxPriorityFeePerGas;
    const tip = minBigint(maxFeePerGas - env.baseFeePerGas, maxPriorityFeePerGas);
    const l1 = this.#l1FeeFor(tx, state);
    return {
      kind: "transaction",
      type: tx.type,
      from: tx.from,
      to: tx.to,
      value: tx.value,
      data: tx.data,
      gasLimit: tx.gasLimit,
      nonce: tx.nonce,
      gasPrice: env.baseFeePerGas + tip,
      maxFeePerGas,
      maxPriorityFeePerGas,
      checkBaseFee: true,
      accessList: tx.type === 0 ? [] : tx.accessList,
      authorizationList: tx.type === 4 ? tx.authorizationList : [],
      mint: 0n,
      isSystemTransaction: false,
      l1,
      l1Fee: l1?.l1Fee ?? 0n,
    };
  }

  #prepareCall(message: CallMessage): Prepared {
    const feeGiven =
      (message.gasPrice ?? 0n) > 0n || (message.maxFeePerGas ?? 0n) > 0n || (message.maxPriorityFeePerGas ?? 0n) > 0n;
    const maxFeePerGas = message.maxFeePerGas ?? message.gasPrice ?? 0n;
    const maxPriorityFeePerGas = message.maxPriorityFeePerGas ?? message.gasPrice ?? 0n;
    return {
      kind: "call",
      type: message.maxFeePerGas !== undefined ? 2 : message.accessList ? 1 : 0,
      from: message.from,
      to: message.to,
      value: message.value,
      data: message.data,
      gasLimit: message.gasLimit,
      nonce: undefined,
      // Resolved against the base fee in #run once the env is known.
      gasPrice: -1n,
      maxFeePerGas,
      maxPriorityFeePerGas,
      checkBaseFee: feeGiven,
      accessList: message.accessList ?? [],
      authorizationList: [],
      mint: 0n,
      isSystemTransaction: false,
      l1: undefined,
      l1Fee: 0n,
    };
  }

  #evmBlock(env: BlockEnv): EvmBlock {
    let block = this.#blocks.get(env);
    if (block === undefined) {
      const coinbase = evmAddress(env.coinbase);
      block = {
        header: {
          number: env.number,
          coinbase,
          timestamp: env.timestamp,
          difficulty: 0n,
          prevRandao: hexToBytes(env.prevRandao),
          gasLimit: env.gasLimit,
          baseFeePerGas: env.baseFeePerGas,
          getBlobGasPrice: () => 1n,
        },
      };
      this.#blocks.set(env, block);
    }
    return block;
  }

  async #run(state: StateWriter, p: Prepared, env: BlockEnv, persist: boolean): Promise<DetailedExecutionResult> {
    if (env.chainId !== this.chainId) {
      throw new MachError(`block env of chain ${env.chainId} given to the executor of chain ${this.chainId}`);
    }
    const sm = this.#state;
    const evm = this.#evm;
    sm.begin(state);
    this.#setEnv(env);
    evm.journal.cleanJournal();
    try {
      const result = await this.#apply(p, env);
      if (persist) sm.flush();
      return result;
    } finally {
      sm.end();
      evm.journal.cleanJournal();
      // The EVM clears transient storage (EIP-1153) when a top-level message ends normally; not if it threw.
      evm.transientStorage.clear();
      this.#setEnv(undefined);
    }
  }

  async #apply(p: Prepared, env: BlockEnv): Promise<DetailedExecutionResult> {
    const sm = this.#state;
    const evm = this.#evm;
    const journal = evm.journal;
    const fromAddress = evmAddress(p.from);
    const isCall = p.kind === "call";
    const isDeposit = p.kind === "deposit";

    // Deposits: the mint lands first and persists whatever happens next (OP spec).
    if (isDeposit && p.mint > 0n) {
      const account = sm.readAccount(p.from) ?? { nonce: 0n, balance: 0n, codeHash: KECCAK_EMPTY };
      await journal.putAccount(fromAddress, toEvm({ ...account, balance: account.balance + p.mint }));
    }
    const senderBefore = sm.readAccount(p.from) ?? { nonce: 0n, balance: 0n, codeHash: KECCAK_EMPTY };
    const nonceBefore = senderBefore.nonce;

    // --- Validation: nothing is written before these pass (deposits excepted, see depositFailure). ---
    let gasPrice = p.gasPrice;
    const intrinsic = intrinsicGas({
      to: p.to,
      data: p.data,
      accessList: p.accessList,
      authorizationList: p.authorizationList,
    });
    // EIP-7623's floor binds deposits too (op-geth applies it to every message since Prague).
    const floor = floorDataGas(p.data);
    let invalid: TransactionRejectedError | undefined;
    try {
      if (isDeposit && p.isSystemTransaction) rejectSystemDeposit(p.from);
      // geth's order (state_transition.go): block gas, nonce, EOA, fee caps, balance, intrinsic gas, init code.
      if (p.kind === "transaction" && p.gasLimit > env.gasLimit) {
        reject("gasLimitExceedsBlock", "exceeds block gas limit");
      }
      if (p.nonce !== undefined && p.nonce !== nonceBefore) {
        if (p.nonce < nonceBefore) {
          reject("nonceTooLow", `nonce too low: address ${p.from}, tx: ${p.nonce} state: ${nonceBefore}`);
        }
        reject("nonceTooHigh", `nonce too high: address ${p.from}, tx: ${p.nonce} state: ${nonceBefore}`);
      }
      if (p.kind === "transaction" && senderBefore.codeHash !== KECCAK_EMPTY && !isDelegation(sm.readCode(p.from))) {
        reject("senderNoEOA", `sender not an eoa: address ${p.from}, codehash: ${senderBefore.codeHash}`);
      }
      if (p.checkBaseFee) {
        if (p.maxPriorityFeePerGas > p.maxFeePerGas) {
          reject(
            "tipAboveFeeCap",
            `max priority fee per gas higher than max fee per gas: address ${p.from}, maxPriorityFeePerGas: ${p.maxPriorityFeePerGas}, maxFeePerGas: ${p.maxFeePerGas}`,
          );
        }
        if (p.maxFeePerGas < env.baseFeePerGas) {
          reject(
            "feeCapTooLow",
            `max fee per gas less than block base fee: address ${p.from}, maxFeePerGas: ${p.maxFeePerGas}, baseFee: ${env.baseFeePerGas}`,
          );
        }
      }
      if (gasPrice < 0n) {
        // eth_call: with no fee given nothing is charged; otherwise the effective price of the given caps.
        const tip = p.maxFeePerGas - env.baseFeePerGas;
        gasPrice = p.checkBaseFee ? env.baseFeePerGas + minBigint(tip, p.maxPriorityFeePerGas) : 0n;
        if (p.checkBaseFee && p.type === 0) gasPrice = p.maxFeePerGas;
      }
      if (!isDeposit) {
        const balanceCheck = p.gasLimit * (p.checkBaseFee || isCall ? p.maxFeePerGas : gasPrice) + p.value + p.l1Fee;
        if (senderBefore.balance < balanceCheck) {
          reject(
            "insufficientFunds",
            `insufficient funds for gas * price + value: address ${p.from} have ${senderBefore.balance} want ${balanceCheck}`,
          );
        }
      }
      const minimum = intrinsic > floor ? intrinsic : floor;
      if (p.gasLimit < intrinsic) {
        reject("intrinsicGasTooLow", `intrinsic gas too low: gas ${p.gasLimit}, minimum needed ${intrinsic}`);
      }
      if (p.gasLimit < minimum) {
        reject(
          "intrinsicGasTooLow",
          `insufficient gas for floor data gas cost: gas ${p.gasLimit}, minimum needed ${minimum}`,
        );
      }
      if (p.to === null && p.data.length > MAX_INIT_CODE_SIZE && !this.#allowUnlimitedInitCode) {
        reject("oversized", `max initcode size exceeded: code size ${p.data.length}, limit ${MAX_INIT_CODE_SIZE}`);
      }
      if (isDeposit && p.value > senderBefore.balance) {
        reject("insufficientFunds", `insufficient funds for transfer: address ${p.from}`);
      }
    } catch (error) {
      if (!isDeposit || !(error instanceof TransactionRejectedError)) throw error;
      invalid = error;
    }
    if (invalid !== undefined) return this.#depositFailure(p, nonceBefore, invalid);

    // --- Buy gas and bump the nonce. ---
    const upfront = p.gasLimit * gasPrice + p.l1Fee;
    await journal.putAccount(
      fromAddress,
      toEvm({ nonce: nonceBefore + 1n, balance: senderBefore.balance - upfront, codeHash: senderBefore.codeHash }),
    );

    // --- Warm sets (EIP-2929/2930/3651). ---
    // Precompiles are set directly (unprefixed, like the journal keys them) instead of through
    // addAlwaysWarmAddress, whose hex validation cost ~2% of an ERC-20 transfer.
    const warm = alwaysWarm(evm);
    if (warm instanceof Map) for (const precompile of this.#precompiles) warm.set(precompile, new Set());
    else for (const precompile of this.#precompiles) journal.addAlwaysWarmAddress(precompile);
    journal.addAlwaysWarmAddress(p.from);
    if (p.to !== null) journal.addAlwaysWarmAddress(p.to);
    journal.addAlwaysWarmAddress(env.coinbase);
    for (const item of p.accessList) {
      journal.addAlwaysWarmAddress(item.address);
      for (const key of item.storageKeys) journal.addAlwaysWarmSlot(item.address, key);
    }

    // --- EIP-7702 authorizations. ---
    let authRefund = 0n;
    if (p.authorizationList.length > 0) {
      authRefund = await processAuthorizations(evm, sm, this.chainId, p.authorizationList);
    }

    // --- Execute. ---
    const result: EVMResult = await evm.runCall({
      block: this.#evmBlock(env),
      gasPrice,
      caller: fromAddress,
      origin: fromAddress,
      gasLimit: p.gasLimit - intrinsic,
      ...(p.to !== null ? { to: evmAddress(p.to) } : {}),
      value: p.value,
      data: p.data,
      skipNonceIncrement: true,
    });
    const exec = result.execResult;

    // --- Gas accounting: EIP-3529 refund cap, EIP-7623 floor. ---
    let gasUsed = exec.executionGasUsed + intrinsic;
    let refund = authRefund + (exec.gasRefund ?? 0n);
    const maxRefund = gasUsed / MAX_REFUND_QUOTIENT;
    if (refund > maxRefund) refund = maxRefund;
    gasUsed -= refund;
    if (gasUsed < floor) gasUsed = floor;

    if (!isDeposit) {
      const sender = sm.readAccount(p.from) ?? { nonce: 0n, balance: 0n, codeHash: KECCAK_EMPTY };
      await journal.putAccount(
        fromAddress,
        toEvm({ ...sender, balance: sender.balance + (p.gasLimit - gasUsed) * gasPrice }),
      );
      const tipPerGas = gasPrice > env.baseFeePerGas ? gasPrice - env.baseFeePerGas : 0n;
      const coinbase = sm.readAccount(env.coinbase) ?? { nonce: 0n, balance: 0n, codeHash: KECCAK_EMPTY };
      await journal.putAccount(
        evmAddress(env.coinbase),
        toEvm({ ...coinbase, balance: coinbase.balance + gasUsed * tipPerGas }),
      );
      const baseFeeRecipient = this.#baseFeeRecipient;
      if (baseFeeRecipient !== undefined && p.kind === "transaction") {
        const vault = sm.readAccount(baseFeeRecipient) ?? { nonce: 0n, balance: 0n, codeHash: KECCAK_EMPTY };
        const baseFee = gasUsed * minBigint(gasPrice, env.baseFeePerGas);
        await journal.putAccount(evmAddress(baseFeeRecipient), toEvm({ ...vault, balance: vault.balance + baseFee }));
      }
      // The L1 fee reaches its vault after execution, as op-geth credits it (the EVM saw it only in the sender's
      // purchase).
      if (p.l1Fee > 0n) {
        const vault = sm.readAccount(L1_FEE_VAULT) ?? { nonce: 0n, balance: 0n, codeHash: KECCAK_EMPTY };
        await journal.putAccount(evmAddress(L1_FEE_VAULT), toEvm({ ...vault, balance: vault.balance + p.l1Fee }));
      }
    }

    // --- EIP-6780: only contracts created in this transaction are destroyed. ---
    if (exec.selfdestruct !== undefined && exec.selfdestruct.size > 0) {
      const destroyed = [...exec.selfdestruct.keys()].sort();
      for (const address of destroyed) {
        if (exec.createdAddresses?.has(address)) await journal.deleteAccount(evmAddress(address as Address));
      }
    }
    // EIP-161: touched accounts left empty are deleted.
    await journal.cleanup();

    const failed = exec.exceptionError !== undefined;
    const logs: Log[] = [];
    if (!failed && exec.logs) {
      for (const [address, topics, data] of exec.logs) {
        logs.push({
          address: bytesToHex(address) as Address,
          topics: topics.map((topic) => bytesToHex(topic) as Hash),
          data,
        });
      }
    }
    const contractAddress =
      p.to === null ? (bytesToHex(generateAddress(fromAddress.bytes, bigIntToBytes(nonceBefore))) as Address) : null;
    return {
      type: p.type,
      status: failed ? 0 : 1,
      gasUsed,
      gasRefunded: refund,
      effectiveGasPrice: gasPrice,
      logs,
      contractAddress,
      returnData: exec.returnValue,
      ...(failed ? { error: gethErrorMessage(exec.exceptionError?.error ?? "") } : {}),
      ...(isDeposit ? { depositNonce: nonceBefore } : {}),
      ...(p.l1 !== undefined ? { l1Fee: p.l1 } : {}),
    };
  }

  /** A deposit that cannot execute is still included (execution/deposit.ts, rule 4): mint kept, nonce bumped. */
  async #depositFailure(
    p: Prepared,
    nonceBefore: bigint,
    error: TransactionRejectedError,
  ): Promise<DetailedExecutionResult> {
    const sm = this.#state;
    const sender = sm.readAccount(p.from) ?? { nonce: 0n, balance: 0n, codeHash: KECCAK_EMPTY };
    sm.writeAccount(p.from, { ...sender, nonce: nonceBefore + 1n });
    return { ...failedDepositResult(p, nonceBefore, error), gasRefunded: 0n };
  }
}

function toEvm(account: { nonce: bigint; balance: bigint; codeHash: Hash }): EvmAccount {
  return new EvmAccount(account.nonce, account.balance, undefined, hashToBytes(account.codeHash));
}

function minBigint(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
