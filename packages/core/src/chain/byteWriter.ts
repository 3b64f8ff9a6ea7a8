/**
 * The one byte writer of Mach's own binary codecs (DA batches and frames, state diffs, snapshots): u8, raw bytes,
 * big-endian u16/u32/u64, LEB128 varints, uint256s as a length byte and their minimal big-endian bytes, u32-length-
 * prefixed byte strings. One growable buffer: a codec that knows its exact size passes it and never copies (`finish`
 * hands the buffer over when it is full); one that does not starts small and the buffer doubles.
 */
import { bigintByteLength, hexToBytes, writeBigint } from "./bytes.ts";

/** Builds the error a writer throws for a value its field cannot hold (the codec's own encode error). */
export type ByteEncodeErrorFactory = (message: string) => Error;

const U64_MAX = (1n << 64n) - 1n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function rangeError(message: string): Error {
  return new RangeError(message);
}

/** Bytes of the LEB128 encoding of a non-negative integer. */
export function varintByteLength(value: number | bigint): number {
  let length = 1;
  if (typeof value === "number") {
    while (value >= 128) {
      value = Math.floor(value / 128);
      length++;
    }
    return length;
  }
  while (value >= 128n) {
    value >>= 7n;
    length++;
  }
  return length;
}

export class ByteWriter {
  #buffer: Uint8Array;
  #view: DataView;
  #length = 0;
  readonly #encodeError: ByteEncodeErrorFactory;

  /** `initialBytes`: the exact size when known (no copy at the end), else a first guess. */
  constructor(initialBytes = 1024, encodeError: ByteEncodeErrorFactory = rangeError) {
    this.#buffer = new Uint8Array(initialBytes);
    this.#view = new DataView(this.#buffer.buffer);
    this.#encodeError = encodeError;
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#length;
  }

  #reserve(extra: number): void {
    const needed = this.#length + extra;
    if (needed <= this.#buffer.length) return;
    let capacity = Math.max(this.#buffer.length * 2, 64);
    while (capacity < needed) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.#buffer.subarray(0, this.#length));
    this.#buffer = next;
    this.#view = new DataView(next.buffer);
  }

  u8(value: number): void {
    this.#reserve(1);
    this.#buffer[this.#length++] = value;
  }

  u16(value: number): void {
    if (!Number.isInteger(value) || value < 0 || value > 0xffff) throw this.#encodeError(`u16 out of range: ${value}`);
    this.#reserve(2);
    this.#view.setUint16(this.#length, value);
    this.#length += 2;
  }

  u32(value: number): void {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
      throw this.#encodeError(`u32 out of range: ${value}`);
    }
    this.#reserve(4);
    this.#view.setUint32(this.#length, value);
    this.#length += 4;
  }

  u64(value: bigint): void {
    if (value < 0n || value > U64_MAX) throw this.#encodeError(`u64 out of range: ${value}`);
    this.#reserve(8);
    this.#view.setBigUint64(this.#length, value);
    this.#length += 8;
  }

  /** LEB128 of a non-negative safe integer (7 bits a byte, low group first). */
  varint(value: number): void {
    this.#reserve(varintByteLength(value));
    const buffer = this.#buffer;
    let n = value;
    while (n >= 128) {
      buffer[this.#length++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    buffer[this.#length++] = n;
  }

  /** LEB128 of a non-negative bigint (the same bytes as `varint` for the values both take). */
  varintBig(value: bigint): void {
    if (value <= MAX_SAFE) {
      this.varint(Number(value));
      return;
    }
    this.#reserve(varintByteLength(value));
    const buffer = this.#buffer;
    let v = value;
    while (v >= 128n) {
      buffer[this.#length++] = Number(v & 127n) | 128;
      v >>= 7n;
    }
    buffer[this.#length++] = Number(v);
  }

  /**
   * A uint256 as a 1-byte length and its minimal big-endian bytes (0 is a zero length). `length` is
   * `bigintByteLength(value)` when the caller has it already.
   */
  u256(value: bigint, length: number = value < 0n ? -1 : bigintByteLength(value)): void {
    if (length < 0 || length > 32) throw this.#encodeError(`u256 out of range: ${value}`);
    this.#reserve(1 + length);
    this.#buffer[this.#length++] = length;
    writeBigint(this.#buffer, this.#length, value, length);
    this.#length += length;
  }

  /** The `length` big-endian bytes of `value` alone, no prefix (the length travels elsewhere). */
  uintBytes(value: bigint, length: number): void {
    this.#reserve(length);
    writeBigint(this.#buffer, this.#length, value, length);
    this.#length += length;
  }

  raw(bytes: Uint8Array): void {
    this.#reserve(bytes.length);
    this.#buffer.set(bytes, this.#length);
    this.#length += bytes.length;
  }

  /** Exactly `size` bytes, no prefix (hashes, addresses). */
  fixed(bytes: Uint8Array, size: number): void {
    if (bytes.length !== size) throw this.#encodeError(`expected ${size} bytes, got ${bytes.length}`);
    this.raw(bytes);
  }

  /** The bytes of 0x-hex, no prefix. */
  hex(hex: string): void {
    this.raw(hexToBytes(hex));
  }

  /** u32 length prefix, then the bytes. */
  bytes(bytes: Uint8Array): void {
    this.u32(bytes.length);
    this.raw(bytes);
  }

  /**
   * The bytes written so far: the buffer itself when full (writing on moves to a new buffer, so the bytes handed out
   * never change), else a copy sized to fit (the caller never holds the spare capacity).
   */
  finish(): Uint8Array {
    const buffer = this.#buffer;
    return this.#length === buffer.length ? buffer : buffer.slice(0, this.#length);
  }
}
