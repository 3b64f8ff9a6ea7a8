import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { type ByteDecodeProblem, ByteReader } from "../../src/chain/byteReader.ts";
import { bytesToHex } from "../../src/chain/bytes.ts";
import { ByteWriter, varintByteLength } from "../../src/chain/byteWriter.ts";

/** The caller's own decode error: what the reader must throw, carrying the problem it was given. */
class TestDecodeError extends Error {
  readonly problem: ByteDecodeProblem;
  constructor(problem: ByteDecodeProblem) {
    super(problem.kind);
    this.problem = problem;
  }
}
const testDecodeError = (problem: ByteDecodeProblem) => new TestDecodeError(problem);

class TestEncodeError extends Error {}

/** Throws unless `read` throws the caller's error for a problem of one of `kinds`. */
function assertProblem(read: () => unknown, ...kinds: ByteDecodeProblem["kind"][]): ByteDecodeProblem {
  let problem: ByteDecodeProblem | undefined;
  assert.throws(read, (error) => {
    assert.ok(error instanceof TestDecodeError, `${(error as Error)?.name}: ${(error as Error)?.message}`);
    problem = error.problem;
    return kinds.includes(error.problem.kind);
  });
  return problem!;
}

/** LEB128 as the spec defines it, one bigint step at a time: the reference the writer is compared with. */
function referenceLeb128(value: bigint): number[] {
  const out: number[] = [];
  let rest = value;
  do {
    const group = Number(rest & 127n);
    rest >>= 7n;
    out.push(rest === 0n ? group : group | 128);
  } while (rest !== 0n);
  return out;
}

const uint = (bits: number) => fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n });

/** One field, written and read back by the same kind of call. */
type Field =
  | { readonly kind: "u8" | "u16" | "u32" | "varint32" | "varint53"; readonly value: number }
  | { readonly kind: "u64" | "varint64" | "varint256" | "u256"; readonly value: bigint }
  | { readonly kind: "uintBytes"; readonly value: bigint; readonly length: number }
  | { readonly kind: "raw" | "bytes" | "hex"; readonly value: Uint8Array };

const field: fc.Arbitrary<Field> = fc.oneof(
  fc.record({ kind: fc.constant("u8" as const), value: fc.integer({ min: 0, max: 0xff }) }),
  fc.record({ kind: fc.constant("u16" as const), value: fc.integer({ min: 0, max: 0xffff }) }),
  fc.record({ kind: fc.constant("u32" as const), value: fc.integer({ min: 0, max: 0xffffffff }) }),
  fc.record({ kind: fc.constant("varint32" as const), value: fc.integer({ min: 0, max: 0xffffffff }) }),
  fc.record({ kind: fc.constant("varint53" as const), value: fc.maxSafeNat() }),
  fc.record({ kind: fc.constant("u64" as const), value: uint(64) }),
  fc.record({ kind: fc.constant("varint64" as const), value: uint(64) }),
  fc.record({ kind: fc.constant("varint256" as const), value: uint(256) }),
  fc.record({ kind: fc.constant("u256" as const), value: uint(256) }),
  uint(256).map((value): Field => ({ kind: "uintBytes", value, length: (value.toString(16).length + 1) >> 1 })),
  fc.record({ kind: fc.constantFrom("raw" as const, "bytes" as const, "hex" as const), value: fc.uint8Array() }),
);

function write(w: ByteWriter, f: Field): void {
  switch (f.kind) {
    case "u8":
      w.u8(f.value);
      break;
    case "u16":
      w.u16(f.value);
      break;
    case "u32":
      w.u32(f.value);
      break;
    case "varint32":
    case "varint53":
      w.varint(f.value);
      break;
    case "u64":
      w.u64(f.value);
      break;
    case "varint64":
    case "varint256":
      w.varintBig(f.value);
      break;
    case "u256":
      w.u256(f.value);
      break;
    case "uintBytes":
      w.uintBytes(f.value, f.value === 0n ? 0 : f.length);
      break;
    case "raw":
      w.raw(f.value);
      break;
    case "bytes":
      w.bytes(f.value);
      break;
    case "hex":
      w.hex(bytesToHex(f.value));
      break;
  }
}

function readLike(r: ByteReader, f: Field): unknown {
  switch (f.kind) {
    case "u8":
      return r.u8("u8");
    case "u16":
      return r.u16("u16");
    case "u32":
      return r.u32("u32");
    case "varint32":
      return r.varint("varint32", 32);
    case "varint53":
      return r.varint("varint53", 53);
    case "u64":
      return r.u64("u64");
    case "varint64":
      return r.varintBig("varint64", 64);
    case "varint256":
      return r.varintBig("varint256", 256);
    case "u256":
      return r.u256("u256");
    case "uintBytes":
      return r.uintBytes(f.value === 0n ? 0 : f.length, "uintBytes");
    case "raw":
      return r.copy(f.value.length, "raw");
    case "bytes":
      return r.bytes("bytes").slice();
    case "hex":
      return r.hex(f.value.length, "hex");
  }
}

function expected(f: Field): unknown {
  return f.kind === "hex" ? bytesToHex(f.value) : f.value;
}

function encode(fields: readonly Field[], initialBytes: number): Uint8Array {
  const w = new ByteWriter(initialBytes);
  for (const f of fields) write(w, f);
  return w.finish();
}

describe("ByteWriter and ByteReader", () => {
  it("read back every field written, growing from any starting size or pre-sized exactly", () => {
    fc.assert(
      fc.property(fc.array(field, { maxLength: 30 }), fc.nat(64), (fields, initialBytes) => {
        const grown = encode(fields, initialBytes);
        const presized = encode(fields, grown.length);
        assert.deepEqual(presized, grown);
        const r = new ByteReader(grown, testDecodeError);
        for (const f of fields) assert.deepEqual(readLike(r, f), expected(f));
        assert.equal(r.remaining, 0);
        r.end();
      }),
      { seed: 11, numRuns: 500 },
    );
  });

  it("write varints as reference LEB128 and measure them exactly", () => {
    fc.assert(
      fc.property(uint(256), fc.maxSafeNat(), (big, small) => {
        const w = new ByteWriter(0);
        w.varintBig(big);
        assert.deepEqual([...w.finish()], referenceLeb128(big));
        assert.equal(varintByteLength(big), referenceLeb128(big).length);
        const n = new ByteWriter(0);
        n.varint(small);
        assert.deepEqual([...n.finish()], referenceLeb128(BigInt(small)));
        assert.equal(varintByteLength(small), referenceLeb128(BigInt(small)).length);
      }),
      { seed: 12, numRuns: 1000 },
    );
  });

  it("throw the caller's error, never another, at every truncation", () => {
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 12 }), (fields) => {
        const bytes = encode(fields, 16);
        for (let cut = 0; cut < bytes.length; cut++) {
          const r = new ByteReader(bytes.subarray(0, cut), testDecodeError);
          // Each read depends only on the bytes before it, so the same reads run until one needs bytes past the cut.
          assertProblem(() => {
            for (const f of fields) readLike(r, f);
          }, "truncated");
        }
      }),
      { seed: 13, numRuns: 300 },
    );
  });

  it("say where a truncated read starts, what it needs and what is left", () => {
    const r = new ByteReader(new Uint8Array([1, 2, 3]), testDecodeError);
    r.u8("first");
    const problem = assertProblem(() => r.u32("second"), "truncated");
    assert.deepEqual(problem, { kind: "truncated", field: "second", offset: 1, needed: 4, remaining: 2 });
    assert.equal(r.offset, 1, "a failed read consumes nothing");
  });

  it("reject varints with trailing zero groups (not minimal)", () => {
    fc.assert(
      fc.property(uint(60), fc.integer({ min: 1, max: 3 }), (value, extraGroups) => {
        const bytes = referenceLeb128(value);
        bytes[bytes.length - 1]! |= 128;
        for (let i = 1; i < extraGroups; i++) bytes.push(128);
        bytes.push(0);
        const big = new ByteReader(new Uint8Array(bytes), testDecodeError);
        const problem = assertProblem(() => big.varintBig("v", 256), "varintNotMinimal");
        assert.equal(problem.offset, bytes.length - 1);
        if (value < 2n ** 32n) {
          const small = new ByteReader(new Uint8Array(bytes), testDecodeError);
          assertProblem(() => small.varint("v", 32), "varintNotMinimal", "varintTooLong");
        }
      }),
      { seed: 14, numRuns: 500 },
    );
  });

  it("reject varints above their bits, and longer than their bits can need", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.bigInt({ min: 0n, max: 2n ** 80n }), (bits, excess) => {
        const value = (1n << BigInt(bits)) + excess;
        const bytes = new Uint8Array(referenceLeb128(value));
        if (bits <= 53) {
          assertProblem(
            () => new ByteReader(bytes, testDecodeError).varint("v", bits),
            "varintTooLarge",
            "varintTooLong",
          );
        }
        assertProblem(
          () => new ByteReader(bytes, testDecodeError).varintBig("v", bits),
          "varintTooLarge",
          "varintTooLong",
        );
        const endless = new Uint8Array(64).fill(0xff);
        assertProblem(() => new ByteReader(endless, testDecodeError).varintBig("v", bits), "varintTooLong");
      }),
      { seed: 15, numRuns: 300 },
    );
  });

  it("reject uint256s with a leading zero byte or a length above 32", () => {
    fc.assert(
      fc.property(uint(248), (value) => {
        const w = new ByteWriter(0);
        w.u256(value);
        const minimal = w.finish();
        const padded = new Uint8Array([minimal[0]! + 1, 0, ...minimal.subarray(1)]);
        assertProblem(() => new ByteReader(padded, testDecodeError).u256("v"), "leadingZero");
      }),
      { seed: 16, numRuns: 300 },
    );
    const long = new Uint8Array(40).fill(1);
    long[0] = 33;
    const problem = assertProblem(() => new ByteReader(long, testDecodeError).u256("v"), "uintTooLong");
    assert.deepEqual(problem, { kind: "uintTooLong", field: "v", offset: 1, length: 33 });
  });

  it("reject a count that the bytes left cannot hold, and trailing bytes", () => {
    const w = new ByteWriter(0);
    w.varint(5);
    w.raw(new Uint8Array(9));
    const bytes = w.finish();
    assert.equal(new ByteReader(bytes, testDecodeError).count("items", 1), 5);
    const problem = assertProblem(() => new ByteReader(bytes, testDecodeError).count("items", 2), "countTooLarge");
    assert.deepEqual(problem, { kind: "countTooLarge", field: "items", offset: 1, count: 5, remaining: 9 });
    const r = new ByteReader(bytes, testDecodeError);
    r.u8("count");
    assert.deepEqual(
      assertProblem(() => r.end(), "trailingBytes"),
      { kind: "trailingBytes", offset: 1, remaining: 9 },
    );
  });

  it("throw the caller's encode error (RangeError by default) for values a field cannot hold", () => {
    const custom = new ByteWriter(0, (message) => new TestEncodeError(message));
    const cases: [string, (w: ByteWriter) => void][] = [
      ["u16 out of range: 65536", (w) => w.u16(0x10000)],
      ["u32 out of range: -1", (w) => w.u32(-1)],
      ["u32 out of range: 1.5", (w) => w.u32(1.5)],
      ["u64 out of range: 18446744073709551616", (w) => w.u64(1n << 64n)],
      [`u256 out of range: ${1n << 256n}`, (w) => w.u256(1n << 256n)],
      ["u256 out of range: -1", (w) => w.u256(-1n)],
      ["expected 32 bytes, got 31", (w) => w.fixed(new Uint8Array(31), 32)],
    ];
    for (const [message, call] of cases) {
      assert.throws(
        () => call(custom),
        (e) => e instanceof TestEncodeError && e.message === message,
      );
      assert.throws(
        () => call(new ByteWriter()),
        (e) => e instanceof RangeError && e.message === message,
      );
    }
    assert.equal(custom.length, 0, "a rejected value writes nothing");
  });

  it("hand out bytes that later writes never change", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1 }), fc.uint8Array({ minLength: 1 }), (first, second) => {
        const w = new ByteWriter(first.length);
        w.raw(first);
        const handed = w.finish();
        assert.equal(handed.length, first.length);
        w.raw(second);
        assert.deepEqual(handed, first);
        assert.deepEqual(w.finish(), new Uint8Array([...first, ...second]));
      }),
      { seed: 17, numRuns: 200 },
    );
  });
});
