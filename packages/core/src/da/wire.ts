/**
 * The byte layout the DA codecs share: big-endian fixed-width integers, length-prefixed byte strings. The reader
 * checks every length against what is left before it allocates, so a hostile length prefix costs nothing.
 */
import { BatchDecodeError, BatchEncodeError } from "./errors.ts";

const U64_MAX = (1n << 64n) - 1n;

/** Appends fields into one growing buffer (doubling), then hands out the written bytes. */
export class ByteWriter {
  #buffer: Uint8Array;
  #view: DataView;
  #length = 0;

  constructor(initialCapacity = 1024) {
    this.#buffer = new Uint8Array(initialCapacity);
    this.#view = new DataView(this.#buffer.buffer);
  }

  get length(): number {
    return this.#length;
  }

  #reserve(extra: number): void {
    const needed = this.#length + extra;
    if (needed <= this.#buffer.length) return;
    let capacity = this.#buffer.length * 2;
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
    if (!Number.isInteger(value) || value < 0 || value > 0xffff)
      throw new BatchEncodeError(`u16 out of range: ${value}`);
    this.#reserve(2);
    this.#view.setUint16(this.#length, value);
    this.#length += 2;
  }

  u32(value: number): void {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
      throw new BatchEncodeError(`u32 out of range: ${value}`);
    }
    this.#reserve(4);
    this.#view.setUint32(this.#length, value);
    this.#length += 4;
  }

  u64(value: bigint): void {
    if (value < 0n || value > U64_MAX) throw new BatchEncodeError(`u64 out of range: ${value}`);
    this.#reserve(8);
    this.#view.setBigUint64(this.#length, value);
    this.#length += 8;
  }

  /** A uint256 as a 1-byte length and its minimal big-endian bytes (0 is a zero length). */
  u256(value: bigint): void {
    if (value < 0n || value >= 1n << 256n) throw new BatchEncodeError(`u256 out of range: ${value}`);
    const bytes: number[] = [];
    for (let rest = value; rest > 0n; rest >>= 8n) bytes.push(Number(rest & 0xffn));
    this.u8(bytes.length);
    this.#reserve(bytes.length);
    for (let i = bytes.length - 1; i >= 0; i--) this.#buffer[this.#length++] = bytes[i]!;
  }

  /** Exactly `size` bytes, no prefix (hashes, addresses). */
  fixed(bytes: Uint8Array, size: number): void {
    if (bytes.length !== size) throw new BatchEncodeError(`expected ${size} bytes, got ${bytes.length}`);
    this.raw(bytes);
  }

  raw(bytes: Uint8Array): void {
    this.#reserve(bytes.length);
    this.#buffer.set(bytes, this.#length);
    this.#length += bytes.length;
  }

  /** u32 length prefix, then the bytes. */
  bytes(bytes: Uint8Array): void {
    this.u32(bytes.length);
    this.raw(bytes);
  }

  /** The written bytes (a copy sized to fit, so the caller never holds the spare capacity). */
  finish(): Uint8Array {
    return this.#buffer.slice(0, this.#length);
  }
}

/** Reads fields in order; every read past the end throws `BatchDecodeError("truncated")`. */
export class ByteReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #what: string;
  #offset = 0;

  constructor(bytes: Uint8Array, what: string) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#what = what;
  }

  get offset(): number {
    return this.#offset;
  }

  get remaining(): number {
    return this.#bytes.length - this.#offset;
  }

  #take(size: number, field: string): number {
    if (size > this.remaining) {
      throw new BatchDecodeError("truncated", `${this.#what} truncated`, {
        details: `${field} needs ${size} bytes at offset ${this.#offset}, ${this.remaining} left`,
      });
    }
    const at = this.#offset;
    this.#offset += size;
    return at;
  }

  u8(field: string): number {
    return this.#view.getUint8(this.#take(1, field));
  }

  u16(field: string): number {
    return this.#view.getUint16(this.#take(2, field));
  }

  u32(field: string): number {
    return this.#view.getUint32(this.#take(4, field));
  }

  u64(field: string): bigint {
    return this.#view.getBigUint64(this.#take(8, field));
  }

  u256(field: string): bigint {
    const size = this.u8(field);
    if (size > 32) throw new BatchDecodeError("inconsistent", `${this.#what}: ${field} is ${size} bytes, max 32`);
    const at = this.#take(size, field);
    if (size > 0 && this.#bytes[at] === 0) {
      throw new BatchDecodeError("inconsistent", `${this.#what}: ${field} has a leading zero byte`);
    }
    let value = 0n;
    for (let i = 0; i < size; i++) value = (value << 8n) | BigInt(this.#bytes[at + i]!);
    return value;
  }

  /** `size` bytes as a view into the input (no copy). */
  fixed(size: number, field: string): Uint8Array {
    const at = this.#take(size, field);
    return this.#bytes.subarray(at, at + size);
  }

  /** A u32-length-prefixed byte string, as a view into the input. */
  bytes(field: string): Uint8Array {
    return this.fixed(this.u32(field), field);
  }

  /** Throws unless every byte was consumed. */
  end(): void {
    if (this.remaining !== 0) {
      throw new BatchDecodeError("trailingBytes", `${this.#what} has ${this.remaining} trailing bytes`);
    }
  }
}
