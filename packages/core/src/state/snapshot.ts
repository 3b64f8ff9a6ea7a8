/**
 * Full world-state snapshots for the store (LMDB holds the chunks): the flat Maps serialized as self-contained chunks
 * of about `chunkBytes`, so a writer can stream them and a reader can restore them one by one. The tries are not
 * stored: `finish()` rebuilds them with one commit. Version 1 chunk:
 *
 *   chunk   = version:u8(=1) record*
 *   record  = 1 code:(length:varint bytes)
 *           | 2 address:20 nonce:varint balance:int codeHash:(0 | 1 hash:32) slots
 *           | 3 address:20 slots                     (more slots of the account before it, for large storage)
 *   slots   = count:varint (key:32 value:int)*       int = length:u8(1..32) big-endian without leading zeros
 */

import { bigintByteLength, bytesToBigint, bytesToHex, hexToBytes, writeBigint } from "../chain/bytes.ts";
import { KECCAK_EMPTY } from "../chain/constants.ts";
import type { Address, Hash } from "../chain/types.ts";
import { SnapshotDecodeError } from "./errors.ts";
import { WorldState } from "./worldState.ts";

export const SNAPSHOT_VERSION = 1;
const CODE = 1;
const ACCOUNT = 2;
const STORAGE = 3;
const DEFAULT_CHUNK_BYTES = 1 << 20;
/** Slots per record before a continuation record starts, so no record outgrows a chunk by much. */
const SLOTS_PER_RECORD = 16_384;

class ChunkWriter {
  #bytes: Uint8Array;
  offset = 1;
  constructor(capacity: number) {
    this.#bytes = new Uint8Array(capacity + 4096);
    this.#bytes[0] = SNAPSHOT_VERSION;
  }
  ensure(extra: number): void {
    if (this.offset + extra <= this.#bytes.length) return;
    const grown = new Uint8Array(Math.max(this.#bytes.length * 2, this.offset + extra));
    grown.set(this.#bytes.subarray(0, this.offset));
    this.#bytes = grown;
  }
  u8(value: number): void {
    this.ensure(1);
    this.#bytes[this.offset++] = value;
  }
  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.#bytes.set(bytes, this.offset);
    this.offset += bytes.length;
  }
  varint(value: bigint | number): void {
    this.ensure(10);
    let n = BigInt(value);
    while (n >= 128n) {
      this.#bytes[this.offset++] = Number(n & 127n) | 128;
      n >>= 7n;
    }
    this.#bytes[this.offset++] = Number(n);
  }
  int(value: bigint): void {
    const length = bigintByteLength(value);
    this.ensure(1 + length);
    this.#bytes[this.offset++] = length;
    writeBigint(this.#bytes, this.offset, value, length);
    this.offset += length;
  }
  take(): Uint8Array {
    return this.#bytes.slice(0, this.offset);
  }
}

/** Serializes the whole state as chunks of roughly `chunkBytes` (each chunk decodes on its own). */
export function* encodeSnapshot(state: WorldState, chunkBytes = DEFAULT_CHUNK_BYTES): Generator<Uint8Array> {
  let w = new ChunkWriter(chunkBytes);
  const flushIfFull = function* (): Generator<Uint8Array> {
    if (w.offset >= chunkBytes) {
      yield w.take();
      w = new ChunkWriter(chunkBytes);
    }
  };
  const codes = new Set<Hash>();
  for (const [, account] of state.accounts()) {
    if (account.codeHash === KECCAK_EMPTY || codes.has(account.codeHash)) continue;
    const code = state.getCodeByHash(account.codeHash);
    if (code === undefined) continue;
    codes.add(account.codeHash);
    w.u8(CODE);
    w.varint(code.length);
    w.raw(code);
    yield* flushIfFull();
  }
  for (const [address, account] of state.accounts()) {
    w.u8(ACCOUNT);
    w.raw(hexToBytes(address));
    w.varint(account.nonce);
    w.int(account.balance);
    if (account.codeHash === KECCAK_EMPTY) {
      w.u8(0);
    } else {
      w.u8(1);
      w.raw(hexToBytes(account.codeHash));
    }
    const slots = [...state.storageEntries(address)];
    for (let start = 0; start === 0 || start < slots.length; start += SLOTS_PER_RECORD) {
      if (start > 0) {
        yield* flushIfFull();
        w.u8(STORAGE);
        w.raw(hexToBytes(address));
      }
      const end = Math.min(slots.length, start + SLOTS_PER_RECORD);
      w.varint(end - start);
      for (let i = start; i < end; i++) {
        const [slot, value] = slots[i]!;
        w.raw(hexToBytes(slot));
        w.int(value);
      }
    }
    yield* flushIfFull();
  }
  if (w.offset > 1) yield w.take();
}

/** Rebuilds a `WorldState` from snapshot chunks pushed in order; `finish()` builds the tries (one commit). */
export class SnapshotRestorer {
  readonly #state = new WorldState();

  push(chunk: Uint8Array): void {
    const state = this.#state;
    let o = 0;
    const need = (n: number, what: string) => {
      if (o + n > chunk.length) throw new SnapshotDecodeError(`truncated ${what} at byte ${o}`);
    };
    const u8 = (what: string) => {
      need(1, what);
      return chunk[o++]!;
    };
    const varint = (what: string, maxBits: number): bigint => {
      // Numbers while the value fits 49 bits (every realistic nonce and length), bigints beyond.
      let small = 0;
      let scale = 1;
      for (let i = 0; i < 7; i++) {
        const byte = u8(what);
        small += (byte & 127) * scale;
        if ((byte & 128) === 0) return BigInt(small);
        scale *= 128;
      }
      let value = BigInt(small);
      for (let shift = 49n; ; shift += 7n) {
        if (shift > BigInt(maxBits)) throw new SnapshotDecodeError(`${what} varint too long at byte ${o}`);
        const byte = u8(what);
        value |= BigInt(byte & 127) << shift;
        if ((byte & 128) === 0) return value;
      }
    };
    const int = (what: string): bigint => {
      const length = u8(what);
      if (length > 32) throw new SnapshotDecodeError(`${what} longer than 32 bytes at byte ${o}`);
      need(length, what);
      const value = bytesToBigint(chunk, o, o + length);
      o += length;
      return value;
    };
    const hex = (length: number, what: string): string => {
      need(length, what);
      const out = bytesToHex(chunk, o, o + length);
      o += length;
      return out;
    };
    const slots = (address: Address) => {
      const count = Number(varint("slot count", 32));
      for (let i = 0; i < count; i++) {
        const slot = hex(32, "slot") as Hash;
        const value = int("slot value");
        if (value === 0n) throw new SnapshotDecodeError(`zero-valued slot ${slot} of ${address}`);
        state.putStorage(address, slot, value);
      }
    };
    if (u8("version") !== SNAPSHOT_VERSION) throw new SnapshotDecodeError(`unknown snapshot version ${chunk[0]}`);
    let last: Address | undefined;
    while (o < chunk.length) {
      const tag = u8("record tag");
      if (tag === CODE) {
        const length = Number(varint("code length", 32));
        need(length, "code");
        state.importCode(chunk.slice(o, o + length));
        o += length;
      } else if (tag === ACCOUNT) {
        const address = hex(20, "address") as Address;
        const nonce = varint("nonce", 64);
        const balance = int("balance");
        const codeHash = u8("code hash flag") === 0 ? KECCAK_EMPTY : (hex(32, "code hash") as Hash);
        state.putAccount(address, { nonce, balance, codeHash });
        slots(address);
        last = address;
      } else if (tag === STORAGE) {
        const address = hex(20, "address") as Address;
        if (state.getAccount(address) === undefined) {
          throw new SnapshotDecodeError(`storage record for unknown account ${address}`);
        }
        slots(address);
        last = address;
      } else {
        throw new SnapshotDecodeError(`unknown record tag ${tag} at byte ${o - 1}${last ? ` after ${last}` : ""}`);
      }
    }
  }

  /** Builds the tries and returns the restored state (its `stateRoot` is committed). */
  finish(): WorldState {
    this.#state.commit();
    return this.#state;
  }
}

/** Restores a state from all its chunks. */
export function restoreSnapshot(chunks: Iterable<Uint8Array>): WorldState {
  const restorer = new SnapshotRestorer();
  for (const chunk of chunks) restorer.push(chunk);
  return restorer.finish();
}
