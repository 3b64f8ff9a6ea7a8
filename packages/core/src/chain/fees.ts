/**
 * Gas and fee rules of admission and inclusion: EIP-1559 base fee with OP-configurable parameters, effective gas
 * price and tip, intrinsic gas (EIP-2028, EIP-2930, EIP-3860, EIP-7702), the EIP-7623 calldata floor (Prague), and the
 * worst-case cost the pool checks against a sender's balance. Constants carry the specs' names (geth `params`).
 */
import type { AccessList, Authorization, TransactionBody } from "./types.ts";

export const TX_GAS = 21_000n;
export const TX_GAS_CONTRACT_CREATION = 53_000n;
export const TX_DATA_ZERO_GAS = 4n;
export const TX_DATA_NON_ZERO_GAS = 16n;
/** EIP-3860: gas per 32-byte word of init code, and the init code size limit (2 × 24576). */
export const INIT_CODE_WORD_GAS = 2n;
export const MAX_INIT_CODE_SIZE = 49_152;
/** EIP-170. */
export const MAX_CODE_SIZE = 24_576;
export const TX_ACCESS_LIST_ADDRESS_GAS = 2_400n;
export const TX_ACCESS_LIST_STORAGE_KEY_GAS = 1_900n;
/** EIP-7702: intrinsic gas per authorization; refunded down to PER_AUTH_BASE_COST when the authority exists. */
export const PER_EMPTY_ACCOUNT_COST = 25_000n;
export const PER_AUTH_BASE_COST = 12_500n;
/** EIP-7623. */
export const TOTAL_COST_FLOOR_PER_TOKEN = 10n;
export const STANDARD_TOKEN_COST = 4n;
/** EIP-3529. */
export const MAX_REFUND_QUOTIENT = 5n;

/** EIP-1559 parameters; OP chains configure both (Canyon: 6 and 250). */
export interface BaseFeeParams {
  readonly elasticityMultiplier: bigint;
  readonly baseFeeChangeDenominator: bigint;
}
/** Ethereum mainnet (London). */
export const ETHEREUM_BASE_FEE_PARAMS: BaseFeeParams = { elasticityMultiplier: 2n, baseFeeChangeDenominator: 8n };
/** OP mainnet since Canyon. */
export const OP_BASE_FEE_PARAMS: BaseFeeParams = { elasticityMultiplier: 6n, baseFeeChangeDenominator: 250n };

/** Base fee of the child of a block with these figures (geth `eip1559.CalcBaseFee`). */
export function nextBaseFee(
  parentGasUsed: bigint,
  parentGasLimit: bigint,
  parentBaseFee: bigint,
  params: BaseFeeParams,
): bigint {
  const target = parentGasLimit / params.elasticityMultiplier;
  if (target === 0n || parentGasUsed === target) return parentBaseFee;
  if (parentGasUsed > target) {
    const delta = (parentBaseFee * (parentGasUsed - target)) / target / params.baseFeeChangeDenominator;
    return parentBaseFee + (delta > 1n ? delta : 1n);
  }
  const delta = (parentBaseFee * (target - parentGasUsed)) / target / params.baseFeeChangeDenominator;
  return parentBaseFee > delta ? parentBaseFee - delta : 0n;
}

// Math.min/max do not take bigint.
function minBigint(a: bigint, b: bigint): bigint {
  if (a < b) return a;
  return b;
}

/** The most a transaction pays per gas (legacy/2930: gasPrice; deposits: 0, their gas is bought on L1). */
export function maxFeePerGas(tx: TransactionBody): bigint {
  switch (tx.type) {
    case 0:
    case 1:
      return tx.gasPrice;
    case 2:
    case 4:
      return tx.maxFeePerGas;
    case 0x7e:
      return 0n;
  }
}

/** The tip cap per gas (legacy/2930: gasPrice). */
export function maxPriorityFeePerGas(tx: TransactionBody): bigint {
  switch (tx.type) {
    case 0:
    case 1:
      return tx.gasPrice;
    case 2:
    case 4:
      return tx.maxPriorityFeePerGas;
    case 0x7e:
      return 0n;
  }
}

/**
 * Price per gas actually paid in a block with `baseFee`: min(maxFee, baseFee + tip cap); legacy/2930: gasPrice;
 * deposits: 0. Only meaningful when maxFee ≥ baseFee (the pool and executor reject otherwise).
 */
export function effectiveGasPrice(tx: TransactionBody, baseFee: bigint): bigint {
  if (tx.type === 0x7e) return 0n;
  const cap = maxFeePerGas(tx);
  const withTip = baseFee + maxPriorityFeePerGas(tx);
  return minBigint(withTip, cap);
}

/** Tip per gas to the block producer: effectiveGasPrice − baseFee (negative when the fee cap is below the base fee). */
export function effectiveTip(tx: TransactionBody, baseFee: bigint): bigint {
  if (tx.type === 0x7e) return 0n;
  const tipCap = maxPriorityFeePerGas(tx);
  const room = maxFeePerGas(tx) - baseFee;
  return minBigint(room, tipCap);
}

/** The fields intrinsic gas depends on (every `TransactionBody` has them). */
export interface IntrinsicGasInput {
  readonly to: string | null;
  readonly data: Uint8Array;
  readonly accessList?: AccessList | undefined;
  readonly authorizationList?: readonly Authorization[] | undefined;
}

function countZeroBytes(data: Uint8Array): number {
  let zeros = 0;
  for (let i = 0; i < data.length; i++) if (data[i] === 0) zeros++;
  return zeros;
}

/** Gas charged before the first opcode (geth `core.IntrinsicGas`, Prague rules). */
export function intrinsicGas(tx: IntrinsicGasInput): bigint {
  const isCreate = tx.to === null;
  let gas = isCreate ? TX_GAS_CONTRACT_CREATION : TX_GAS;
  const length = tx.data.length;
  if (length > 0) {
    const zeros = countZeroBytes(tx.data);
    gas += BigInt(zeros) * TX_DATA_ZERO_GAS + BigInt(length - zeros) * TX_DATA_NON_ZERO_GAS;
    if (isCreate) gas += BigInt(Math.ceil(length / 32)) * INIT_CODE_WORD_GAS;
  }
  if (tx.accessList) {
    for (const item of tx.accessList)
      gas += TX_ACCESS_LIST_ADDRESS_GAS + BigInt(item.storageKeys.length) * TX_ACCESS_LIST_STORAGE_KEY_GAS;
  }
  if (tx.authorizationList) gas += BigInt(tx.authorizationList.length) * PER_EMPTY_ACCOUNT_COST;
  return gas;
}

/** EIP-7623 tokens of calldata: a zero byte is 1 token, any other byte 4. */
export function calldataTokens(data: Uint8Array): bigint {
  const zeros = countZeroBytes(data);
  return BigInt(zeros) + BigInt(data.length - zeros) * STANDARD_TOKEN_COST;
}

/** EIP-7623: the least gas a transaction is charged, 21000 + 10 × tokens; its gasLimit must cover it. */
export function floorDataGas(data: Uint8Array): bigint {
  return TX_GAS + calldataTokens(data) * TOTAL_COST_FLOOR_PER_TOKEN;
}

/** The least gasLimit a (non-deposit) transaction may have under Prague: max(intrinsic gas, calldata floor). */
export function minimumGasLimit(tx: IntrinsicGasInput): bigint {
  const intrinsic = intrinsicGas(tx);
  const floor = floorDataGas(tx.data);
  return minBigint(intrinsic, floor) === floor ? intrinsic : floor;
}

/**
 * What the sender's balance must cover before execution: gasLimit × maxFeePerGas + value (geth's
 * "insufficient funds for gas * price + value" check). Deposits: value only; their gas is bought on L1 and `mint` is
 * credited before the transfer, so the executor checks balance + mint ≥ value.
 */
export function maxTxCost(tx: TransactionBody): bigint {
  if (tx.type === 0x7e) return tx.value;
  return tx.gasLimit * maxFeePerGas(tx) + tx.value;
}
