/**
 * Why a frame stopped other than by STOP/RETURN, as numbers on the hot path and geth's words
 * (`core/vm/errors.go`, as evmErrors.ts maps @ethereumjs's) at the edge.
 */
export const OK = 0;
export const REVERTED = 1;
export const OUT_OF_GAS = 2;
export const STACK_UNDERFLOW = 3;
export const STACK_OVERFLOW = 4;
export const INVALID_JUMP = 5;
export const INVALID_OPCODE = 6;
export const WRITE_PROTECTION = 7;
export const RETURN_DATA_OUT_OF_BOUNDS = 8;
export const MAX_CODE_SIZE = 9;
export const CODE_STORE_OUT_OF_GAS = 10;
export const INVALID_CODE_PREFIX = 11;
export const ADDRESS_COLLISION = 12;
export const MAX_INITCODE_SIZE = 13;
export const CALL_DEPTH = 14;
export const INSUFFICIENT_BALANCE = 15;
export const NONCE_OVERFLOW = 16;
export const PRECOMPILE_FAILED = 17;

const MESSAGES: readonly string[] = [
  "",
  "execution reverted",
  "out of gas",
  "stack underflow",
  "stack limit reached 1024",
  "invalid jump destination",
  "invalid opcode",
  "write protection",
  "return data out of bounds",
  "max code size exceeded",
  "contract creation code storage out of gas",
  "invalid code: must not begin with 0xef",
  "contract address collision",
  "max initcode size exceeded",
  "max call depth exceeded",
  "insufficient balance for transfer",
  "nonce uint64 overflow",
  "precompile failed",
];

export function haltMessage(halt: number): string {
  return MESSAGES[halt] ?? "unknown halt";
}
