/** EIP-7702 delegation designators: `0xef0100 ‖ address` as an account's code. */
import type { Address } from "../../chain/types.ts";

/** The delegate an account's code points to, or undefined when the code is no delegation designator. */
export function delegationTarget(code: Uint8Array): Address | undefined {
  if (code.length !== 23 || code[0] !== 0xef || code[1] !== 0x01 || code[2] !== 0x00) return undefined;
  return `0x${Buffer.from(code.buffer, code.byteOffset + 3, 20).toString("hex")}` as Address;
}
