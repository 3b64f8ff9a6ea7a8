/**
 * Intrinsic gas and the EIP-7623 calldata floor (Prague), as geth's `core.IntrinsicGas` / `FloorDataGas` compute
 * them. The pool (admission) and the executor (inclusion) both call these. They live here until `chain/fees.ts`
 * offers them; the constants carry the spec's names.
 */
import type { AccessList, Authorization } from "../chain/types.ts";

export const TX_GAS = 21_000n;
export const TX_GAS_CONTRACT_CREATION = 53_000n;
export const TX_DATA_ZERO_GAS = 4n;
export const TX_DATA_NON_ZERO_GAS = 16n;
/** EIP-3860: per 32-byte word of init code. */
export const INIT_CODE_WORD_GAS = 2n;
/** EIP-3860: the init code size limit (2 × 24576). */
export const MAX_INIT_CODE_SIZE = 49_152;
export const TX_ACCESS_LIST_ADDRESS_GAS = 2_400n;
export const TX_ACCESS_LIST_STORAGE_KEY_GAS = 1_900n;
/** EIP-7702: charged per authorization in intrinsic gas, refunded down to PER_AUTH_BASE_COST for existing accounts. */
export const PER_EMPTY_ACCOUNT_COST = 25_000n;
export const PER_AUTH_BASE_COST = 12_500n;
/** EIP-7623. */
export const TOTAL_COST_FLOOR_PER_TOKEN = 10n;
export const STANDARD_TOKEN_COST = 4n;
/** EIP-3529: refunds are capped at gasUsed / MAX_REFUND_QUOTIENT. */
export const MAX_REFUND_QUOTIENT = 5n;

/** The fields intrinsic gas depends on. */
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

/** Gas charged before the first opcode runs (EIP-2028 calldata, EIP-2930 access list, EIP-3860, EIP-7702). */
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
    for (const item of tx.accessList) {
      gas += TX_ACCESS_LIST_ADDRESS_GAS + BigInt(item.storageKeys.length) * TX_ACCESS_LIST_STORAGE_KEY_GAS;
    }
  }
  if (tx.authorizationList) gas += BigInt(tx.authorizationList.length) * PER_EMPTY_ACCOUNT_COST;
  return gas;
}

/** EIP-7623: the least gas a transaction pays, 21000 + 10 × tokens (a zero byte is 1 token, any other byte 4). */
export function floorDataGas(data: Uint8Array): bigint {
  const zeros = countZeroBytes(data);
  const tokens = BigInt(zeros) + BigInt(data.length - zeros) * STANDARD_TOKEN_COST;
  return TX_GAS + tokens * TOTAL_COST_FLOOR_PER_TOKEN;
}
