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

import { type ByteDecodeProblem, ByteReader } from "../chain/byteReader.ts";
import { ByteWriter } from "../chain/byteWriter.ts";
import { KECCAK_EMPTY } from "../chain/constants.ts";
import type { Address, Hash } from "../chain/types.ts";
import { SnapshotDecodeError } from "./errors.ts";
import { WorldState, type WorldStateOptions } from "./worldState.ts";

export const SNAPSHOT_VERSION = 1;
const CODE = 1;
const ACCOUNT = 2;
const STORAGE = 3;
const DEFAULT_CHUNK_BYTES = 1 << 20;
/** Slots per record before a continuation record starts, so no record outgrows a chunk by much. */
const SLOTS_PER_RECORD = 16_384;

/** A chunk's writer, its version byte written; room for `chunkBytes` and the record that crosses it. */
function chunkWriter(chunkBytes: number): ByteWriter {
  const w = new ByteWriter(chunkBytes + 4096);
  w.u8(SNAPSHOT_VERSION);
  return w;
}

/** Serializes the whole state as chunks of roughly `chunkBytes` (each chunk decodes on its own). */
export function* encodeSnapshot(state: WorldState, chunkBytes = DEFAULT_CHUNK_BYTES): Generator<Uint8Array> {
  let w = chunkWriter(chunkBytes);
  const flushIfFull = function* (): Generator<Uint8Array> {
    if (w.length >= chunkBytes) {
      yield w.finish();
      w = chunkWriter(chunkBytes);
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
    w.hex(address);
    w.varintBig(account.nonce);
    w.u256(account.balance);
    if (account.codeHash === KECCAK_EMPTY) {
      w.u8(0);
    } else {
      w.u8(1);
      w.hex(account.codeHash);
    }
    const slots = [...state.storageEntries(address)];
    for (let start = 0; start === 0 || start < slots.length; start += SLOTS_PER_RECORD) {
      if (start > 0) {
        yield* flushIfFull();
        w.u8(STORAGE);
        w.hex(address);
      }
      const end = Math.min(slots.length, start + SLOTS_PER_RECORD);
      w.varint(end - start);
      for (let i = start; i < end; i++) {
        const [slot, value] = slots[i]!;
        w.hex(slot);
        w.u256(value);
      }
    }
    yield* flushIfFull();
  }
  if (w.length > 1) yield w.finish();
}

/** A byte-level problem of a chunk, as a `SnapshotDecodeError`. */
function snapshotDecodeError(problem: ByteDecodeProblem): SnapshotDecodeError {
  switch (problem.kind) {
    case "truncated":
      return new SnapshotDecodeError(`truncated ${problem.field} at byte ${problem.offset}`);
    case "varintTooLong":
      return new SnapshotDecodeError(`${problem.field} varint too long at byte ${problem.offset}`);
    case "varintNotMinimal":
      return new SnapshotDecodeError(`${problem.field} varint not minimal at byte ${problem.offset}`);
    case "varintTooLarge":
      return new SnapshotDecodeError(`${problem.field} exceeds ${problem.maxBits} bits at byte ${problem.offset}`);
    case "uintTooLong":
      return new SnapshotDecodeError(`${problem.field} longer than 32 bytes at byte ${problem.offset}`);
    case "leadingZero":
      return new SnapshotDecodeError(`${problem.field} has a leading zero byte at ${problem.offset}`);
    case "countTooLarge":
      return new SnapshotDecodeError(
        `${problem.field} ${problem.count} exceeds the remaining ${problem.remaining} bytes`,
      );
    case "trailingBytes":
      return new SnapshotDecodeError(`${problem.remaining} trailing bytes at byte ${problem.offset}`);
  }
}

/**
 * Rebuilds a `WorldState` from snapshot chunks pushed in order; `finish()` builds the tries (one commit), unless the
 * state is made without them (`tries: false`, a read worker's).
 */
export class SnapshotRestorer {
  readonly #state: WorldState;

  constructor(options: WorldStateOptions = {}) {
    this.#state = new WorldState(options);
  }

  push(chunk: Uint8Array): void {
    const state = this.#state;
    const r = new ByteReader(chunk, snapshotDecodeError);
    const slots = (address: Address) => {
      const count = r.varint("slot count", 32);
      for (let i = 0; i < count; i++) {
        const slot = r.hex(32, "slot") as Hash;
        const value = r.u256("slot value");
        if (value === 0n) throw new SnapshotDecodeError(`zero-valued slot ${slot} of ${address}`);
        state.putStorage(address, slot, value);
      }
    };
    if (r.u8("version") !== SNAPSHOT_VERSION) throw new SnapshotDecodeError(`unknown snapshot version ${chunk[0]}`);
    let last: Address | undefined;
    while (r.remaining > 0) {
      const tag = r.u8("record tag");
      if (tag === CODE) {
        state.importCode(r.copy(r.varint("code length", 32), "code"));
      } else if (tag === ACCOUNT) {
        const address = r.hex(20, "address") as Address;
        const nonce = r.varintBig("nonce", 64);
        const balance = r.u256("balance");
        const codeHash = r.u8("code hash flag") === 0 ? KECCAK_EMPTY : (r.hex(32, "code hash") as Hash);
        state.putAccount(address, { nonce, balance, codeHash });
        slots(address);
        last = address;
      } else if (tag === STORAGE) {
        const address = r.hex(20, "address") as Address;
        if (state.getAccount(address) === undefined) {
          throw new SnapshotDecodeError(`storage record for unknown account ${address}`);
        }
        slots(address);
        last = address;
      } else {
        throw new SnapshotDecodeError(
          `unknown record tag ${tag} at byte ${r.offset - 1}${last ? ` after ${last}` : ""}`,
        );
      }
    }
  }

  /** Builds the tries and returns the restored state (its `stateRoot` is committed; a state without tries as it is). */
  finish(): WorldState {
    if (this.#state.keepsTries) this.#state.commit();
    return this.#state;
  }
}

/** Restores a state from all its chunks. */
export function restoreSnapshot(chunks: Iterable<Uint8Array>, options: WorldStateOptions = {}): WorldState {
  const restorer = new SnapshotRestorer(options);
  for (const chunk of chunks) restorer.push(chunk);
  return restorer.finish();
}
