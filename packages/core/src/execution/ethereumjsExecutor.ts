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
import { MAX_REFUND_QUOTIENT } from "../chain/fees.ts";
import type { Address, Hash, Log, Transaction } from "../chain/types.ts";
import { MachError, TransactionRejectedError } from "../errors.ts";
import type { StateWriter } from "../state/types.ts";
import { processAuthorizations } from "./authorizations.ts";
import { createCallTracer } from "./callTracer.ts";
import { failedDepositResult } from "./deposit.ts";
import { attachEthereumJsTracer } from "./ethereumjsTracing.ts";
import { lazyKzg } from "./evm/precompiles/kzg.ts";
import { gethErrorMessage } from "./evmErrors.ts";
import { installJumpAnalysisCache } from "./jumpAnalysisCache.ts";
import { ecotoneL1FeeFromState, L1_FEE_VAULT, type L1FeeRule } from "./l1Fee.ts";
import { createPreimageNotingKeccak, isMappingSlotSink, type MappingSlotSink } from "./mappingSlotPreimages.ts";
import { hashToBytes, MachStateManager } from "./stateAdapter.ts";
import type { ExecutionTracer, TraceSubject } from "./tracing/tracer.ts";
import {
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

/** The options of every engine (`transactionPlan.ts`); kept under this name for existing callers. */
export type EthereumJsExecutorOptions = ExecutorOptions;

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

/** Creates an `Executor` running Prague (or Cancun) on @ethereumjs/evm over Mach state. */
export async function createEthereumJsExecutor(options: EthereumJsExecutorOptions): Promise<EthereumJsExecutor> {
  await installJumpAnalysisCache();
  // hash-wasm's keccak for KECCAK256 and CREATE2 (about 6x @noble's, see perf-facts.md), noting mapping-slot
  // preimages for the state-diff codec while a transaction runs against a recorder.
  const keccak = createPreimageNotingKeccak();
  const common = createCustomCommon({ chainId: Number(options.chainId) }, Mainnet, {
    hardfork: options.hardfork === "cancun" ? Hardfork.Cancun : Hardfork.Prague,
    // The KZG verifier for the point evaluation precompile (without it, any call to 0x0a threw out of the executor).
    customCrypto: { keccak256: keccak.hash, kzg: lazyKzg },
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
  if (options.interruptCheck) installInterruptCheck(evm, options.interruptCheck);
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

/** The interpreter's handler table (@ethereumjs/evm 10 reads `_opcodeMap[op].opHandler` for every step). */
type OpcodeMap = Record<number, { opHandler: (...args: unknown[]) => unknown } | undefined>;

/** Wraps JUMP (0x56) and JUMPI (0x57) so that `check` runs first: a non-EVM error thrown there ends the message. */
function installInterruptCheck(evm: EVM, check: () => void): void {
  const map = (evm as unknown as { _opcodeMap: OpcodeMap })._opcodeMap;
  for (const opcode of [0x56, 0x57]) {
    const entry = map[opcode];
    if (entry === undefined) throw new MachError(`@ethereumjs/evm has no handler for opcode 0x${opcode.toString(16)}`);
    const handler = entry.opHandler;
    entry.opHandler = (...args: unknown[]) => {
      check();
      return handler(...args);
    };
  }
}

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
  readonly #fork: ExecutionFork;
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
    this.#fork = options.hardfork ?? "prague";
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

  /**
   * Runs a transaction (checked and charged as in a block) or an `eth_call` message, feeding `tracer`; the writes go
   * into `state`, a throwaway overlay.
   */
  trace(state: StateWriter, subject: TraceSubject, env: BlockEnv, tracer: ExecutionTracer): Promise<ExecutionResult> {
    return this.#exclusive(async () => {
      const detach = attachEthereumJsTracer(this.#evm, tracer);
      try {
        const prepared =
          "transaction" in subject
            ? this.#prepareTransaction(subject.transaction, env, state)
            : this.#prepareCall(subject.call);
        return await this.#run(state, prepared, env, true);
      } finally {
        detach();
      }
    });
  }

  /** Runs `fn` after every earlier call finished: the EVM instance holds per-transaction state. */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #prepareTransaction(tx: Transaction, env: BlockEnv, state: StateWriter): Prepared {
    return prepareTransaction(tx, env, this.chainId, this.#l1FeeFor, this.#fork, state);
  }

  #prepareCall(message: CallMessage): Prepared {
    return prepareCall(message);
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
    const isDeposit = p.kind === "deposit";

    // Deposits: the mint lands first and persists whatever happens next (OP spec).
    if (isDeposit && p.mint > 0n) {
      const account = sm.readAccount(p.from) ?? { nonce: 0n, balance: 0n, codeHash: KECCAK_EMPTY };
      await journal.putAccount(fromAddress, toEvm({ ...account, balance: account.balance + p.mint }));
    }
    const senderBefore = sm.readAccount(p.from) ?? { nonce: 0n, balance: 0n, codeHash: KECCAK_EMPTY };
    const nonceBefore = senderBefore.nonce;

    // --- Validation: nothing is written before these pass (deposits excepted, see depositFailure). ---
    let validated: Validated;
    try {
      validated = validatePrepared(
        p,
        env,
        senderBefore,
        () => sm.readCode(p.from),
        this.#fork,
        this.#allowUnlimitedInitCode,
      );
    } catch (error) {
      if (!isDeposit || !(error instanceof TransactionRejectedError)) throw error;
      return this.#depositFailure(p, nonceBefore, error);
    }
    const { gasPrice, intrinsic, floor } = validated;

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
