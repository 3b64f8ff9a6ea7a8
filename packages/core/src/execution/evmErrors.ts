/**
 * @ethereumjs/evm's halt reasons in geth's words, so receipts, traces and eth_call errors read like geth's
 * (`core/vm/errors.go`).
 */
const GETH_MESSAGES: Readonly<Record<string, string>> = {
  revert: "execution reverted",
  "out of gas": "out of gas",
  "code store out of gas": "contract creation code storage out of gas",
  "code size to deposit exceeds maximum code size": "max code size exceeded",
  "stack underflow": "stack underflow",
  "stack overflow": "stack limit reached 1024",
  "invalid JUMP": "invalid jump destination",
  "invalid opcode": "invalid opcode",
  "static state change": "write protection",
  "create collision": "contract address collision",
  "insufficient balance": "insufficient balance for transfer",
  "invalid bytecode deployed": "invalid code: must not begin with 0xef",
  "initcode exceeds max initcode size": "max initcode size exceeded",
  "value overflow": "gas uint64 overflow",
};

export function gethErrorMessage(evmError: string): string {
  return GETH_MESSAGES[evmError] ?? evmError;
}

const ERROR_SELECTOR = "08c379a0";
const PANIC_SELECTOR = "4e487b71";

/** The reason of a `revert("…")` (Error(string)) or a `Panic(uint256)`, as geth's `abi.UnpackRevert` reads it. */
export function decodeRevertReason(data: Uint8Array): string | undefined {
  if (data.length < 4) return undefined;
  const selector = Buffer.from(data.subarray(0, 4)).toString("hex");
  if (selector === ERROR_SELECTOR && data.length >= 68) {
    const body = data.subarray(4);
    const offset = readWord(body, 0);
    if (offset === undefined || offset + 32 > body.length) return undefined;
    const length = readWord(body, offset);
    if (length === undefined || offset + 32 + length > body.length) return undefined;
    return new TextDecoder().decode(body.subarray(offset + 32, offset + 32 + length));
  }
  if (selector === PANIC_SELECTOR && data.length === 36) {
    const code = BigInt(`0x${Buffer.from(data.subarray(4)).toString("hex")}`);
    return `panic: 0x${code.toString(16)}`;
  }
  return undefined;
}

function readWord(data: Uint8Array, at: number): number | undefined {
  if (at + 32 > data.length) return undefined;
  for (let i = at; i < at + 24; i++) if (data[i] !== 0) return undefined;
  let value = 0;
  for (let i = at + 24; i < at + 32; i++) value = value * 256 + (data[i] as number);
  return Number.isSafeInteger(value) ? value : undefined;
}
