/**
 * Per-opcode tables for the interpreter loop (Cancun and Prague share one opcode set): static gas, stack items
 * read, and net stack growth. An opcode not defined in these forks has `STATIC_GAS[op] === -1`.
 */

/** Constant gas of each opcode; -1 for undefined opcodes (INVALID). Dynamic parts are charged by the opcode. */
export const STATIC_GAS = new Int32Array(256).fill(-1);
/** Stack items each opcode needs. */
export const STACK_IN = new Uint8Array(256);
/** Stack items pushed minus popped (the overflow check). */
export const STACK_GROWTH = new Int8Array(256);

export const OPCODE_NAMES: string[] = new Array<string>(256).fill("INVALID");

function define(op: number, name: string, gas: number, pops: number, pushes: number): void {
  STATIC_GAS[op] = gas;
  STACK_IN[op] = pops;
  STACK_GROWTH[op] = pushes - pops;
  OPCODE_NAMES[op] = name;
}

const table: [number, string, number, number, number][] = [
  [0x00, "STOP", 0, 0, 0],
  [0x01, "ADD", 3, 2, 1],
  [0x02, "MUL", 5, 2, 1],
  [0x03, "SUB", 3, 2, 1],
  [0x04, "DIV", 5, 2, 1],
  [0x05, "SDIV", 5, 2, 1],
  [0x06, "MOD", 5, 2, 1],
  [0x07, "SMOD", 5, 2, 1],
  [0x08, "ADDMOD", 8, 3, 1],
  [0x09, "MULMOD", 8, 3, 1],
  [0x0a, "EXP", 10, 2, 1],
  [0x0b, "SIGNEXTEND", 5, 2, 1],
  [0x10, "LT", 3, 2, 1],
  [0x11, "GT", 3, 2, 1],
  [0x12, "SLT", 3, 2, 1],
  [0x13, "SGT", 3, 2, 1],
  [0x14, "EQ", 3, 2, 1],
  [0x15, "ISZERO", 3, 1, 1],
  [0x16, "AND", 3, 2, 1],
  [0x17, "OR", 3, 2, 1],
  [0x18, "XOR", 3, 2, 1],
  [0x19, "NOT", 3, 1, 1],
  [0x1a, "BYTE", 3, 2, 1],
  [0x1b, "SHL", 3, 2, 1],
  [0x1c, "SHR", 3, 2, 1],
  [0x1d, "SAR", 3, 2, 1],
  [0x20, "KECCAK256", 30, 2, 1],
  [0x30, "ADDRESS", 2, 0, 1],
  [0x31, "BALANCE", 100, 1, 1],
  [0x32, "ORIGIN", 2, 0, 1],
  [0x33, "CALLER", 2, 0, 1],
  [0x34, "CALLVALUE", 2, 0, 1],
  [0x35, "CALLDATALOAD", 3, 1, 1],
  [0x36, "CALLDATASIZE", 2, 0, 1],
  [0x37, "CALLDATACOPY", 3, 3, 0],
  [0x38, "CODESIZE", 2, 0, 1],
  [0x39, "CODECOPY", 3, 3, 0],
  [0x3a, "GASPRICE", 2, 0, 1],
  [0x3b, "EXTCODESIZE", 100, 1, 1],
  [0x3c, "EXTCODECOPY", 100, 4, 0],
  [0x3d, "RETURNDATASIZE", 2, 0, 1],
  [0x3e, "RETURNDATACOPY", 3, 3, 0],
  [0x3f, "EXTCODEHASH", 100, 1, 1],
  [0x40, "BLOCKHASH", 20, 1, 1],
  [0x41, "COINBASE", 2, 0, 1],
  [0x42, "TIMESTAMP", 2, 0, 1],
  [0x43, "NUMBER", 2, 0, 1],
  [0x44, "PREVRANDAO", 2, 0, 1],
  [0x45, "GASLIMIT", 2, 0, 1],
  [0x46, "CHAINID", 2, 0, 1],
  [0x47, "SELFBALANCE", 5, 0, 1],
  [0x48, "BASEFEE", 2, 0, 1],
  [0x49, "BLOBHASH", 3, 1, 1],
  [0x4a, "BLOBBASEFEE", 2, 0, 1],
  [0x50, "POP", 2, 1, 0],
  [0x51, "MLOAD", 3, 1, 1],
  [0x52, "MSTORE", 3, 2, 0],
  [0x53, "MSTORE8", 3, 2, 0],
  [0x54, "SLOAD", 0, 1, 1],
  [0x55, "SSTORE", 0, 2, 0],
  [0x56, "JUMP", 8, 1, 0],
  [0x57, "JUMPI", 10, 2, 0],
  [0x58, "PC", 2, 0, 1],
  [0x59, "MSIZE", 2, 0, 1],
  [0x5a, "GAS", 2, 0, 1],
  [0x5b, "JUMPDEST", 1, 0, 0],
  [0x5c, "TLOAD", 100, 1, 1],
  [0x5d, "TSTORE", 100, 2, 0],
  [0x5e, "MCOPY", 3, 3, 0],
  [0x5f, "PUSH0", 2, 0, 1],
  [0xa0, "LOG0", 375, 2, 0],
  [0xa1, "LOG1", 375, 3, 0],
  [0xa2, "LOG2", 375, 4, 0],
  [0xa3, "LOG3", 375, 5, 0],
  [0xa4, "LOG4", 375, 6, 0],
  [0xf0, "CREATE", 32000, 3, 1],
  [0xf1, "CALL", 100, 7, 1],
  [0xf2, "CALLCODE", 100, 7, 1],
  [0xf3, "RETURN", 0, 2, 0],
  [0xf4, "DELEGATECALL", 100, 6, 1],
  [0xf5, "CREATE2", 32000, 4, 1],
  [0xfa, "STATICCALL", 100, 6, 1],
  [0xfd, "REVERT", 0, 2, 0],
  [0xff, "SELFDESTRUCT", 5000, 1, 0],
];
for (const [op, name, gas, pops, pushes] of table) define(op, name, gas, pops, pushes);
for (let n = 1; n <= 32; n++) define(0x5f + n, `PUSH${n}`, 3, 0, 1);
for (let n = 1; n <= 16; n++) define(0x7f + n, `DUP${n}`, 3, n, n + 1);
for (let n = 1; n <= 16; n++) define(0x8f + n, `SWAP${n}`, 3, n + 1, n + 1);
