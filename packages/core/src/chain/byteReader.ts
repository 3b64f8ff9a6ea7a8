/**
 * The one byte reader of Mach's own binary codecs, the inverse of `ByteWriter`. Every read checks its length against
 * what is left before it allocates (a hostile length prefix costs nothing), varints must be minimal and within their
 * bits, uint256s have no leading zero byte. The codec says what it throws: each problem goes through its
 * `ByteDecodeErrorFactory`, so DA raises `BatchDecodeError`, state diffs `StateDiffDecodeError`, snapshots theirs.
 */
import { bytesToBigint, bytesToHex } from "./bytes.ts";
import type { Hex } from "./types.ts";

/** What is wrong with the input, for the codec to word as its own error. `offset`: where in the input. */
export type ByteDecodeProblem =
  | {
      readonly kind: "truncated";
      readonly field: string;
      readonly offset: number;
      readonly needed: number;
      readonly remaining: number;
    }
  /** More varint bytes than `maxBits` can need (offset: the byte that would be read next). */
  | { readonly kind: "varintTooLong"; readonly field: string; readonly offset: number; readonly maxBits: number }
  /** A varint ending in a zero group (offset: that last byte). */
  | { readonly kind: "varintNotMinimal"; readonly field: string; readonly offset: number }
  | { readonly kind: "varintTooLarge"; readonly field: string; readonly offset: number; readonly maxBits: number }
  /** A uint256 length byte above 32 (offset: just after it). */
  | { readonly kind: "uintTooLong"; readonly field: string; readonly offset: number; readonly length: number }
  /** A uint256 whose first byte is 0 (offset: that byte). */
  | { readonly kind: "leadingZero"; readonly field: string; readonly offset: number }
  /** A count of items that cannot fit in the bytes left, at `minBytesEach` an item. */
  | {
      readonly kind: "countTooLarge";
      readonly field: string;
      readonly offset: number;
      readonly count: number;
      readonly remaining: number;
    }
  | { readonly kind: "trailingBytes"; readonly offset: number; readonly remaining: number };

/** Builds the error a reader throws for a problem (the codec's own decode error, with its own message). */
export type ByteDecodeErrorFactory = (problem: ByteDecodeProblem) => Error;

/** Reads fields in order. `field` arguments name what is read, for the error. */
export class ByteReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #decodeError: ByteDecodeErrorFactory;
  #offset = 0;

  constructor(bytes: Uint8Array, decodeError: ByteDecodeErrorFactory) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#decodeError = decodeError;
  }

  /** Bytes read so far. */
  get offset(): number {
    return this.#offset;
  }

  get remaining(): number {
    return this.#bytes.length - this.#offset;
  }

  /** Advances past `size` bytes and returns where they start; throws the codec's error when fewer are left. */
  #take(size: number, field: string): number {
    const at = this.#offset;
    const remaining = this.#bytes.length - at;
    if (size > remaining) {
      throw this.#decodeError({ kind: "truncated", field, offset: at, needed: size, remaining });
    }
    this.#offset = at + size;
    return at;
  }

  u8(field: string): number {
    return this.#bytes[this.#take(1, field)]!;
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

  /** `size` bytes as a view into the input (no copy). */
  fixed(size: number, field: string): Uint8Array {
    const at = this.#take(size, field);
    return this.#bytes.subarray(at, at + size);
  }

  /** `size` bytes as a copy (the input's buffer is not kept alive). */
  copy(size: number, field: string): Uint8Array {
    const at = this.#take(size, field);
    return this.#bytes.slice(at, at + size);
  }

  /** `size` bytes as lowercase 0x-hex. */
  hex(size: number, field: string): Hex {
    const at = this.#take(size, field);
    return bytesToHex(this.#bytes, at, at + size);
  }

  /** A u32-length-prefixed byte string, as a view into the input. */
  bytes(field: string): Uint8Array {
    return this.fixed(this.u32(field), field);
  }

  /** A minimal LEB128 varint of at most `maxBits` bits (≤ 53), as a number. */
  varint(field: string, maxBits: number): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; ; i++) {
      if (i * 7 >= maxBits + 7) this.#varintTooLong(field, maxBits);
      const byte = this.u8(field);
      value += (byte & 127) * scale;
      if ((byte & 128) === 0) {
        if (byte === 0 && i > 0) this.#varintNotMinimal(field);
        break;
      }
      scale *= 128;
    }
    if (value >= 2 ** maxBits) {
      throw this.#decodeError({ kind: "varintTooLarge", field, offset: this.#offset, maxBits });
    }
    return value;
  }

  /** A minimal LEB128 varint of at most `maxBits` bits, as a bigint (numbers while it fits 49 bits). */
  varintBig(field: string, maxBits: number): bigint {
    let small = 0;
    let scale = 1;
    let i = 0;
    for (; i < 7; i++) {
      if (i * 7 >= maxBits + 7) this.#varintTooLong(field, maxBits);
      const byte = this.u8(field);
      small += (byte & 127) * scale;
      if ((byte & 128) === 0) {
        if (byte === 0 && i > 0) this.#varintNotMinimal(field);
        if (small >= 2 ** maxBits) {
          throw this.#decodeError({ kind: "varintTooLarge", field, offset: this.#offset, maxBits });
        }
        return BigInt(small);
      }
      scale *= 128;
    }
    let value = BigInt(small);
    for (let shift = 49n; ; i++, shift += 7n) {
      if (i * 7 >= maxBits + 7) this.#varintTooLong(field, maxBits);
      const byte = this.u8(field);
      value |= BigInt(byte & 127) << shift;
      if ((byte & 128) === 0) {
        if (byte === 0) this.#varintNotMinimal(field);
        break;
      }
    }
    if (value >> BigInt(maxBits) !== 0n) {
      throw this.#decodeError({ kind: "varintTooLarge", field, offset: this.#offset, maxBits });
    }
    return value;
  }

  #varintTooLong(field: string, maxBits: number): never {
    throw this.#decodeError({ kind: "varintTooLong", field, offset: this.#offset, maxBits });
  }

  #varintNotMinimal(field: string): never {
    throw this.#decodeError({ kind: "varintNotMinimal", field, offset: this.#offset - 1 });
  }

  /** A count (varint, 32 bits) of items of at least `minBytesEach` bytes, checked against the bytes left. */
  count(field: string, minBytesEach: number): number {
    const count = this.varint(field, 32);
    const remaining = this.#bytes.length - this.#offset;
    if (count * minBytesEach > remaining) {
      throw this.#decodeError({ kind: "countTooLarge", field, offset: this.#offset, count, remaining });
    }
    return count;
  }

  /** A uint256 as `ByteWriter.u256` writes it: a length byte (≤ 32) and minimal big-endian bytes. */
  u256(field: string): bigint {
    return this.uintBytes(this.u8(field), field);
  }

  /** A uint256 of `length` (≤ 32) minimal big-endian bytes whose length travelled elsewhere. */
  uintBytes(length: number, field: string): bigint {
    if (length > 32) throw this.#decodeError({ kind: "uintTooLong", field, offset: this.#offset, length });
    const at = this.#take(length, field);
    if (length > 0 && this.#bytes[at] === 0) throw this.#decodeError({ kind: "leadingZero", field, offset: at });
    return bytesToBigint(this.#bytes, at, at + length);
  }

  /** Throws unless every byte was read. */
  end(): void {
    const remaining = this.#bytes.length - this.#offset;
    if (remaining !== 0) throw this.#decodeError({ kind: "trailingBytes", offset: this.#offset, remaining });
  }
}
