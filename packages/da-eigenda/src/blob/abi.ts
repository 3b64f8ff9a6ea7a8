/**
 * The few Solidity ABI encodings EigenDA hashes (da.md §1.5), written out word by word. Only static words, `bytes`,
 * `string` and `uint32[]` appear, so a general ABI encoder is not needed.
 */
export const WORD = 32;

export function uintWord(value: bigint | number): Uint8Array {
  const v = BigInt(value);
  if (v < 0n || v >= 1n << 256n) throw new RangeError(`value ${v} does not fit uint256`);
  return Buffer.from(v.toString(16).padStart(64, "0"), "hex");
}

/** Two's complement 256-bit word for a signed integer (int64 timestamps). */
export function intWord(value: bigint): Uint8Array {
  return uintWord(value < 0n ? (1n << 256n) + value : value);
}

/** Length word followed by the data right-padded to a multiple of 32 bytes (the tail of `bytes`/`string`). */
export function dynamicBytesTail(data: Uint8Array): Uint8Array {
  const padded = Math.ceil(data.length / WORD) * WORD;
  const out = new Uint8Array(WORD + padded);
  out.set(uintWord(data.length), 0);
  out.set(data, WORD);
  return out;
}

export function uint32ArrayTail(values: readonly number[]): Uint8Array {
  return concat([uintWord(values.length), ...values.map((v) => uintWord(v))]);
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** `abi.encode` of a head/tail argument list: static parts inline, dynamic parts as offsets into the tail. */
export function encodeArguments(args: readonly ({ static: Uint8Array } | { dynamic: Uint8Array })[]): Uint8Array {
  const headSize = args.reduce((n, a) => n + ("static" in a ? a.static.length : WORD), 0);
  const head: Uint8Array[] = [];
  const tail: Uint8Array[] = [];
  let tailOffset = headSize;
  for (const a of args) {
    if ("static" in a) {
      head.push(a.static);
    } else {
      head.push(uintWord(tailOffset));
      tail.push(a.dynamic);
      tailOffset += a.dynamic.length;
    }
  }
  return concat([...head, ...tail]);
}
