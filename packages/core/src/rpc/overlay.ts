/**
 * A throwaway writable overlay over a StateReader with eth_call state overrides applied, for backends implementing
 * `RpcBackend.call`: `executor.call(createOverlayState(stateAt(target), override), message, env)`. Writes stay in
 * the overlay; the base state is never touched.
 */

import { keccak256Hex } from "../chain/hash.ts";
import type { Account, Address, Hash } from "../chain/types.ts";
import type { StateReader, StateWriter } from "../state/types.ts";
import type { StateOverride } from "./backend.ts";

const KECCAK_EMPTY: Hash = "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470";

export function createOverlayState(base: StateReader, override?: StateOverride): StateWriter {
  const accounts = new Map<Address, Account | null>();
  const codes = new Map<Address, Uint8Array>();
  const storage = new Map<Address, Map<Hash, bigint>>();
  /** Accounts whose base storage is hidden (cleared, or replaced by an override's `state`). */
  const cleared = new Set<Address>();

  const overlay: StateWriter = {
    getAccount(address) {
      const local = accounts.get(address);
      return local === null ? undefined : (local ?? base.getAccount(address));
    },
    getCode(address) {
      if (accounts.get(address) === null) return new Uint8Array(0);
      return codes.get(address) ?? base.getCode(address);
    },
    getStorage(address, slot) {
      const local = storage.get(address)?.get(slot);
      if (local !== undefined) return local;
      if (cleared.has(address) || accounts.get(address) === null) return 0n;
      return base.getStorage(address, slot);
    },
    putAccount(address, account) {
      accounts.set(address, account);
    },
    deleteAccount(address) {
      accounts.set(address, null);
      codes.delete(address);
      storage.delete(address);
      cleared.add(address);
    },
    putCode(address, code) {
      codes.set(address, code);
    },
    putStorage(address, slot, value) {
      let slots = storage.get(address);
      if (!slots) {
        slots = new Map();
        storage.set(address, slots);
      }
      slots.set(slot, value);
    },
    clearStorage(address) {
      storage.delete(address);
      cleared.add(address);
    },
  };

  for (const [address, change] of override ?? []) {
    const current = overlay.getAccount(address) ?? { nonce: 0n, balance: 0n, codeHash: KECCAK_EMPTY };
    let codeHash = current.codeHash;
    if (change.code !== undefined) {
      overlay.putCode(address, change.code);
      codeHash = change.code.length === 0 ? KECCAK_EMPTY : keccak256Hex(change.code);
    }
    overlay.putAccount(address, {
      nonce: change.nonce ?? current.nonce,
      balance: change.balance ?? current.balance,
      codeHash,
    });
    if (change.state !== undefined) {
      overlay.clearStorage(address);
      for (const [slot, value] of change.state) overlay.putStorage(address, slot, value);
    }
    if (change.stateDiff !== undefined) {
      for (const [slot, value] of change.stateDiff) overlay.putStorage(address, slot, value);
    }
  }
  return overlay;
}
