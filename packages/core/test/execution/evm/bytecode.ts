/**
 * fast-check arbitraries for random EVM programs, biased to valid code: each program is a list of snippets that push
 * their own operands (so stacks rarely underflow), store what they compute (so results reach the compared state),
 * call and create among a pool of addresses, log, revert, and end with a random terminator.
 */
import fc from "fast-check";
import type { Address } from "../../../src/chain/types.ts";

/** A piece of code; `at` is its offset in the program (for jump targets). */
type Snippet = (at: number) => number[];

function push(value: bigint): number[] {
  if (value === 0n) return [0x5f];
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  const bytes = Buffer.from(hex, "hex");
  return [0x5f + bytes.length, ...bytes];
}

const MAX = (1n << 256n) - 1n;

/** Words biased to edge values: small numbers, powers of two, all ones, sign boundaries. */
export const word: fc.Arbitrary<bigint> = fc.oneof(
  fc.bigInt(0n, 16n),
  fc.bigInt(0n, MAX),
  fc.constantFrom(MAX, MAX - 1n, 1n << 255n, (1n << 255n) - 1n, 1n << 128n, 1n << 64n, 255n, 256n, 31n, 32n),
  fc.integer({ min: 0, max: 256 }).map((n) => (1n << BigInt(n)) & MAX),
);
const slot = fc.bigInt(0n, 7n);
const small = fc.bigInt(0n, 96n);

const BINARY = [
  0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0a, 0x0b, 0x10, 0x11, 0x12, 0x13, 0x14, 0x16, 0x17, 0x18, 0x1a, 0x1b,
  0x1c, 0x1d,
];
const ENVIRONMENT = [
  0x30, 0x32, 0x33, 0x34, 0x36, 0x38, 0x3a, 0x3d, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x4a, 0x58, 0x59,
  0x5a,
];

const store = (key: bigint) => [...push(key), 0x55];

/** The addresses calls, balance reads and self-destructs pick from. */
export function snippet(pool: readonly Address[]): fc.Arbitrary<Snippet> {
  const target = fc.constantFrom(...pool).map((address) => BigInt(address));
  const callGas = fc.oneof(fc.constant(-1n), fc.bigInt(0n, 60_000n));
  const plain =
    (bytes: number[]): Snippet =>
    () =>
      bytes;
  const leaf: fc.Arbitrary<Snippet> = fc.oneof(
    fc
      .tuple(word, word, fc.constantFrom(...BINARY), slot)
      .map(([a, b, op, key]) => plain([...push(b), ...push(a), op, ...store(key)])),
    fc
      .tuple(word, word, word, fc.constantFrom(0x08, 0x09), slot)
      .map(([a, b, n, op, key]) => plain([...push(n), ...push(b), ...push(a), op, ...store(key)])),
    fc.tuple(word, fc.constantFrom(0x15, 0x19), slot).map(([a, op, key]) => plain([...push(a), op, ...store(key)])),
    fc.tuple(word, slot).map(([value, key]) => plain([...push(value), ...store(key)])),
    fc.tuple(slot, slot).map(([from, to]) => plain([...push(from), 0x54, ...store(to)])),
    fc
      .tuple(word, slot, slot)
      .map(([value, key, to]) => plain([...push(value), ...push(key), 0x5d, ...push(key), 0x5c, ...store(to)])),
    fc
      .tuple(word, small, fc.boolean(), slot)
      .map(([value, offset, byte, key]) =>
        plain([...push(value), ...push(offset), byte ? 0x53 : 0x52, ...push(offset), 0x51, ...store(key)]),
      ),
    fc
      .tuple(small, small, slot)
      .map(([offset, size, key]) => plain([...push(size), ...push(offset), 0x20, ...store(key)])),
    fc.tuple(fc.constantFrom(...ENVIRONMENT), slot).map(([op, key]) => plain([op, ...store(key)])),
    fc.tuple(small, slot).map(([offset, key]) => plain([...push(offset), 0x35, ...store(key)])),
    fc
      .tuple(target, fc.constantFrom(0x31, 0x3b, 0x3f), slot)
      .map(([address, op, key]) => plain([...push(address), op, ...store(key)])),
    fc
      .tuple(fc.constantFrom(0x37, 0x39, 0x3e, 0x5e), small, small, small)
      .map(([op, dest, offset, size]) => plain([...push(size), ...push(offset), ...push(dest), op])),
    fc
      .tuple(target, small, small, small)
      .map(([address, dest, offset, size]) =>
        plain([...push(size), ...push(offset), ...push(dest), ...push(address), 0x3c]),
      ),
    fc
      .tuple(fc.integer({ min: 0, max: 4 }), fc.array(word, { minLength: 4, maxLength: 4 }), small, small)
      .map(([count, topics, offset, size]) =>
        plain([...topics.slice(0, count).flatMap(push), ...push(size), ...push(offset), 0xa0 + count]),
      ),
    fc
      .tuple(
        fc.constantFrom(0xf1, 0xf2, 0xf4, 0xfa),
        target,
        callGas,
        fc.bigInt(0n, 3n),
        small,
        small,
        small,
        small,
        slot,
      )
      .map(([op, address, gas, value, inOffset, inSize, outOffset, outSize, key]) => {
        const valueBytes = op === 0xf1 || op === 0xf2 ? push(value) : [];
        const gasBytes = gas < 0n ? [0x5a] : push(gas);
        return plain([
          ...push(outSize),
          ...push(outOffset),
          ...push(inSize),
          ...push(inOffset),
          ...valueBytes,
          ...push(address),
          ...gasBytes,
          op,
          ...store(key),
        ]);
      }),
    fc
      .tuple(fc.constantFrom(...INITCODES), fc.boolean(), word, fc.bigInt(0n, 2n), slot)
      .map(([initcode, create2, salt, value, key]) => {
        const padded = Buffer.alloc(32);
        padded.set(initcode);
        const body = [...push(BigInt(`0x${padded.toString("hex")}`)), ...push(0n), 0x52];
        const sizeAndOffset = [...push(BigInt(initcode.length)), ...push(0n)];
        return plain(
          create2
            ? [...body, ...push(salt), ...sizeAndOffset, ...push(value), 0xf5, ...store(key)]
            : [...body, ...sizeAndOffset, ...push(value), 0xf0, ...store(key)],
        );
      }),
    fc.integer({ min: 0, max: 255 }).map((op) => plain([op])),
  );
  // A conditional forward jump over a leaf: PUSH cond PUSH2 dest JUMPI <leaf> JUMPDEST.
  const jump: fc.Arbitrary<Snippet> = fc.tuple(fc.boolean(), leaf).map(([taken, inner]) => (at: number) => {
    const body = inner(at + 6);
    const dest = at + 6 + body.length;
    return [0x60, taken ? 1 : 0, 0x61, dest >> 8, dest & 0xff, 0x57, ...body, 0x5b];
  });
  return fc.oneof({ arbitrary: leaf, weight: 6 }, { arbitrary: jump, weight: 1 });
}

/** Small init codes: empty, returning a stub, reverting, self-destructing, or too big a code, or a 0xef code. */
const INITCODES: readonly Uint8Array[] = [
  Uint8Array.of(),
  // PUSH1 0x2a PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
  Uint8Array.of(0x60, 0x2a, 0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3),
  // PUSH1 1 PUSH1 0 REVERT
  Uint8Array.of(0x60, 0x01, 0x5f, 0xfd),
  // ORIGIN SELFDESTRUCT
  Uint8Array.of(0x32, 0xff),
  // PUSH1 0xef PUSH1 0 MSTORE8 PUSH1 1 PUSH1 0 RETURN
  Uint8Array.of(0x60, 0xef, 0x5f, 0x53, 0x60, 0x01, 0x5f, 0xf3),
  // PUSH1 1 PUSH1 0 SSTORE STOP
  Uint8Array.of(0x60, 0x01, 0x5f, 0x55, 0x00),
];

const TERMINATORS: readonly number[][] = [
  [0x00],
  [0x60, 0x40, 0x5f, 0xf3],
  [0x60, 0x20, 0x5f, 0xfd],
  [0xfe],
  [0x32, 0xff],
  [],
];

/** A program: snippets then a terminator. */
export function program(pool: readonly Address[]): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.array(snippet(pool), { maxLength: 16 }), fc.constantFrom(...TERMINATORS))
    .map(([snippets, end]) => {
      const bytes: number[] = [];
      for (const s of snippets) bytes.push(...s(bytes.length));
      bytes.push(...end);
      return Uint8Array.from(bytes);
    });
}

/** Init code that deploys `runtime`: CODECOPY it to memory and RETURN it. */
export function deployer(runtime: Uint8Array): Uint8Array {
  const length = runtime.length;
  const prefix = [0x61, length >> 8, length & 0xff, 0x80, 0x60, 14, 0x5f, 0x39, 0x5f, 0xf3];
  // 0x61 len(2) DUP1 PUSH1 14 PUSH0 CODECOPY PUSH0 RETURN: 10 bytes, padded to the 14 the offset says.
  return Uint8Array.from([...prefix, 0x5b, 0x5b, 0x5b, 0x5b, ...runtime]);
}
