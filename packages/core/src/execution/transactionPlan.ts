/**
 * The transaction-level rules both engines share (geth's `core/state_transition.go` before the EVM runs): what a
 * signed transaction, a deposit or an eth_call message asks for (`Prepared`), and its validation in geth's order with
 * geth's messages. Pure: the engines read the sender and pass it in.
 */
import { KECCAK_EMPTY } from "../chain/constants.ts";
import { floorDataGas, intrinsicGas, MAX_INIT_CODE_SIZE } from "../chain/fees.ts";
import type { L1FeeCharge } from "../chain/l1Fee.ts";
import type { Account, Address, Authorization, Hash, Transaction, TxType } from "../chain/types.ts";
import { TransactionRejectedError } from "../errors.ts";
import type { StateReader } from "../state/types.ts";
import { rejectSystemDeposit } from "./deposit.ts";
import type { L1FeeRule } from "./l1Fee.ts";
import type { BlockEnv, CallMessage } from "./types.ts";

/** The forks an executor runs: Prague (Mach's chain) and Cancun (Ethereum's state tests). */
export type ExecutionFork = "cancun" | "prague";

/** Options of every `Executor` implementation (`execution.engine: "mach" | "ethereumjs"` picks one). */
export interface ExecutorOptions {
  readonly chainId: bigint;
  /** Prague unless given; Cancun drops EIP-7702, the EIP-7623 floor and the EIP-2537 precompiles. */
  readonly hardfork?: ExecutionFork;
  /**
   * The OP L1 data fee of a (non-deposit) transaction in the state it executes against, charged to the sender and
   * credited to `L1_FEE_VAULT` after execution. Default: the Ecotone fee over `L1Block`'s parameters
   * (`ecotoneL1FeeFromState`).
   */
  readonly l1FeeFor?: L1FeeRule;
  /**
   * Where the base fee goes: burnt when omitted (Ethereum), or credited to this account (the OP Stack credits its
   * `BaseFeeVault`, 0x4200…0019).
   */
  readonly baseFeeRecipient?: Address;
  /** Lift EIP-170/EIP-3860 size limits (tests and dev chains only). */
  readonly allowUnlimitedContractSize?: boolean;
  /**
   * Checked as the EVM loops (the @ethereumjs engine before every JUMP and JUMPI, Mach's every
   * `INTERRUPT_CHECK_JUMPS` taken jumps and at each call frame); a throw stops the running message at once and
   * rejects its call with that error, nothing written. Read workers stop a call past its deadline this way and keep
   * their state.
   */
  readonly interruptCheck?: () => void;
}

/** What the transaction-level pipeline runs: a signed transaction, a deposit, or an eth_call message. */
export interface Prepared {
  readonly kind: "transaction" | "deposit" | "call";
  readonly type: TxType;
  readonly from: Address;
  readonly to: Address | null;
  readonly value: bigint;
  readonly data: Uint8Array;
  readonly gasLimit: bigint;
  readonly nonce: bigint | undefined;
  /** The effective price; -1n for calls until the base fee resolves it (`validatePrepared`). */
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

/** What validation settled: the price per gas, the intrinsic gas and the EIP-7623 floor. */
export interface Validated {
  readonly gasPrice: bigint;
  readonly intrinsic: bigint;
  readonly floor: bigint;
}

/** EIP-2681: a nonce never reaches 2^64 - 1. */
const MAX_NONCE = 2n ** 64n - 1n;

export const EMPTY_ACCOUNT: Account = { nonce: 0n, balance: 0n, codeHash: KECCAK_EMPTY };

export function minBigint(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export function reject(reason: ConstructorParameters<typeof TransactionRejectedError>[0], message: string): never {
  throw new TransactionRejectedError(reason, message);
}

export function isDelegation(code: Uint8Array): boolean {
  return code.length === 23 && code[0] === 0xef && code[1] === 0x01 && code[2] === 0x00;
}

export function prepareTransaction(
  tx: Transaction,
  env: BlockEnv,
  chainId: bigint,
  l1FeeFor: L1FeeRule,
  fork: ExecutionFork,
  state: StateReader,
): Prepared {
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
  if (tx.type === 4 && fork !== "prague") reject("unsupportedType", "transaction type not supported");
  const l1 = l1FeeFor(tx, state);
  if (tx.chainId !== undefined && tx.chainId !== chainId) {
    reject("wrongChainId", `invalid chain id for signer: have ${tx.chainId} want ${chainId}`);
  }
  const legacyPrice = tx.type === 0 || tx.type === 1;
  const maxFeePerGas = legacyPrice ? tx.gasPrice : tx.maxFeePerGas;
  const maxPriorityFeePerGas = legacyPrice ? tx.gasPrice : tx.maxPriorityFeePerGas;
  const tip = minBigint(maxFeePerGas - env.baseFeePerGas, maxPriorityFeePerGas);
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

export function prepareCall(message: CallMessage): Prepared {
  const feeGiven =
    (message.gasPrice ?? 0n) > 0n || (message.maxFeePerGas ?? 0n) > 0n || (message.maxPriorityFeePerGas ?? 0n) > 0n;
  return {
    kind: "call",
    type: message.maxFeePerGas !== undefined ? 2 : message.accessList ? 1 : 0,
    from: message.from,
    to: message.to,
    value: message.value,
    data: message.data,
    gasLimit: message.gasLimit,
    nonce: message.validate ? message.nonce : undefined,
    gasPrice: -1n,
    maxFeePerGas: message.maxFeePerGas ?? message.gasPrice ?? 0n,
    maxPriorityFeePerGas: message.maxPriorityFeePerGas ?? message.gasPrice ?? 0n,
    checkBaseFee: feeGiven || message.validate === true,
    accessList: message.accessList ?? [],
    authorizationList: [],
    mint: 0n,
    isSystemTransaction: false,
    l1: undefined,
    l1Fee: 0n,
  };
}

/**
 * geth's checks in its order (state_transition.go): block gas, nonce, EOA, fee caps, balance, intrinsic gas, init
 * code. Throws `TransactionRejectedError`; `senderCode` is read only when the sender has code.
 */
export function validatePrepared(
  p: Prepared,
  env: BlockEnv,
  sender: Account,
  senderCode: () => Uint8Array,
  fork: ExecutionFork,
  allowUnlimitedInitCode: boolean,
): Validated {
  const isDeposit = p.kind === "deposit";
  const intrinsic = intrinsicGas({
    to: p.to,
    data: p.data,
    accessList: p.accessList,
    authorizationList: p.authorizationList,
  });
  // EIP-7623's floor binds deposits too (op-geth applies it to every message since Prague).
  const floor = fork !== "prague" ? 0n : floorDataGas(p.data);
  if (isDeposit && p.isSystemTransaction) rejectSystemDeposit(p.from);
  if (p.kind === "transaction" && p.gasLimit > env.gasLimit) reject("gasLimitExceedsBlock", "exceeds block gas limit");
  if (p.nonce !== undefined && p.nonce !== sender.nonce) {
    if (p.nonce < sender.nonce) {
      reject("nonceTooLow", `nonce too low: address ${p.from}, tx: ${p.nonce} state: ${sender.nonce}`);
    }
    reject("nonceTooHigh", `nonce too high: address ${p.from}, tx: ${p.nonce} state: ${sender.nonce}`);
  }
  if (p.nonce !== undefined && p.nonce >= MAX_NONCE) {
    reject("nonceTooHigh", `nonce has max value: address ${p.from}, nonce: ${p.nonce}`);
  }
  if (p.kind === "transaction" && sender.codeHash !== KECCAK_EMPTY && !isDelegation(senderCode())) {
    reject("senderNoEOA", `sender not an eoa: address ${p.from}, codehash: ${sender.codeHash}`);
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
  let gasPrice = p.gasPrice;
  if (gasPrice < 0n) {
    // eth_call: with no fee given nothing is charged; otherwise the effective price of the given caps.
    const tip = p.maxFeePerGas - env.baseFeePerGas;
    gasPrice = p.checkBaseFee ? env.baseFeePerGas + minBigint(tip, p.maxPriorityFeePerGas) : 0n;
    if (p.checkBaseFee && p.type === 0) gasPrice = p.maxFeePerGas;
  }
  if (!isDeposit) {
    const perGas = p.checkBaseFee || p.kind === "call" ? p.maxFeePerGas : gasPrice;
    const balanceCheck = p.gasLimit * perGas + p.value + p.l1Fee;
    if (sender.balance < balanceCheck) {
      reject(
        "insufficientFunds",
        `insufficient funds for gas * price + value: address ${p.from} have ${sender.balance} want ${balanceCheck}`,
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
  if (p.to === null && p.data.length > MAX_INIT_CODE_SIZE && !allowUnlimitedInitCode) {
    reject("oversized", `max initcode size exceeded: code size ${p.data.length}, limit ${MAX_INIT_CODE_SIZE}`);
  }
  if (isDeposit && p.value > sender.balance) {
    reject("insufficientFunds", `insufficient funds for transfer: address ${p.from}`);
  }
  return { gasPrice, intrinsic, floor };
}
