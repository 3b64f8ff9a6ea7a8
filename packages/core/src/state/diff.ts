/**
 * State diffs: what a mini-block changed, recorded as it executes, and applied by replicas without re-executing.
 *
 * `StateDiffRecorder` wraps the sequencer's `StateWriter`. Every write goes through to the inner state and its key is
 * noted twice: in the current mini-block's touched set (→ `takeDiff()`, the new values), and, on first touch within
 * the block, with its pre-value (→ `takeBlockPreValues()`, the reverse diff `StateHistory` keeps for reads at recent
 * blocks). `applyStateDiff` is the replica side.
 */

import type { AccountDiff, StateDiff } from "../chain/stateDiff.ts";
import type { Account, Address, Hash } from "../chain/types.ts";
import type { StateReader, StateWriter, StorageEnumerable } from "./types.ts";

/** One account's values before a block changed them (the reverse diff of one account). */
export interface AccountPreValues {
  /** True when the account record (nonce, balance, codeHash) or its code was written in the block. */
  accountTouched: boolean;
  /** The account before the block (`null`: it did not exist); meaningful when `accountTouched`. */
  account: Account | null;
  /** The code before the block; meaningful when `accountTouched`. */
  code: Uint8Array;
  /** Slots written (or dropped by a clear) in the block, with their values before it (0n = unset). */
  readonly storage: Map<Hash, bigint>;
}

/** The reverse diff of a block: per touched address, its pre-values. */
export type BlockPreValues = Map<Address, AccountPreValues>;

interface TouchedAccount {
  account: boolean;
  code: boolean;
  storageCleared: boolean;
  readonly slots: Set<Hash>;
}

function isStorageEnumerable(state: StateReader): state is StateReader & StorageEnumerable {
  return typeof (state as Partial<StorageEnumerable>).storageEntries === "function";
}

export class StateDiffRecorder implements StateWriter {
  readonly #inner: StateWriter;
  #touched = new Map<Address, TouchedAccount>();
  #preValues: BlockPreValues = new Map();
  #mappingSlots = new Map<Hash, { readonly holder: Address; readonly base: bigint }>();

  constructor(inner: StateWriter) {
    this.#inner = inner;
  }

  /** The state written through. */
  get inner(): StateWriter {
    return this.#inner;
  }

  getAccount(address: Address): Account | undefined {
    return this.#inner.getAccount(address);
  }

  getCode(address: Address): Uint8Array {
    return this.#inner.getCode(address);
  }

  getStorage(address: Address, slot: Hash): bigint {
    return this.#inner.getStorage(address, slot);
  }

  putAccount(address: Address, account: Account): void {
    this.#notePreAccount(address);
    this.#touch(address).account = true;
    this.#inner.putAccount(address, account);
  }

  deleteAccount(address: Address): void {
    this.#notePreAccount(address);
    this.#notePreStorageAll(address);
    const touched = this.#touch(address);
    touched.account = true;
    touched.code = false;
    touched.storageCleared = true;
    touched.slots.clear();
    this.#inner.deleteAccount(address);
  }

  putCode(address: Address, code: Uint8Array): void {
    this.#notePreAccount(address);
    const touched = this.#touch(address);
    touched.account = true;
    touched.code = true;
    this.#inner.putCode(address, code);
  }

  putStorage(address: Address, slot: Hash, value: bigint): void {
    const pre = this.#preEntry(address);
    if (!pre.storage.has(slot)) pre.storage.set(slot, this.#inner.getStorage(address, slot));
    this.#touch(address).slots.add(slot);
    this.#inner.putStorage(address, slot, value);
  }

  clearStorage(address: Address): void {
    this.#notePreStorageAll(address);
    const touched = this.#touch(address);
    touched.storageCleared = true;
    touched.slots.clear();
    this.#inner.clearStorage(address);
  }

  /**
   * Notes that `slot` is keccak256(pad32(holder) ‖ pad32(base)) — a Solidity `mapping(address => …)` entry, as the
   * executor sees in KECCAK256 inputs — so the mini-block's diff can carry the short preimage instead of the key.
   */
  noteMappingSlot(slot: Hash, holder: Address, base: bigint): void {
    this.#mappingSlots.set(slot, { holder, base });
  }

  /** The diff of everything written since the last call (one mini-block), with current values; resets it. */
  takeDiff(): StateDiff {
    const accounts: AccountDiff[] = [];
    const mappingSlots = this.#mappingSlots;
    const slotPreimages = new Map<Hash, { readonly holder: Address; readonly base: bigint }>();
    for (const [address, touched] of this.#touched) {
      const account = this.#inner.getAccount(address) ?? null;
      if (account === null) {
        accounts.push({ address, account: null, storageCleared: false, storage: new Map() });
        continue;
      }
      const storage = new Map<Hash, bigint>();
      for (const slot of touched.slots) {
        storage.set(slot, this.#inner.getStorage(address, slot));
        const preimage = mappingSlots.size === 0 ? undefined : mappingSlots.get(slot);
        if (preimage !== undefined) slotPreimages.set(slot, preimage);
      }
      const diff: AccountDiff = touched.code
        ? { address, account, code: this.#inner.getCode(address), storageCleared: touched.storageCleared, storage }
        : { address, account, storageCleared: touched.storageCleared, storage };
      accounts.push(diff);
    }
    this.#touched = new Map();
    this.#mappingSlots = new Map();
    return slotPreimages.size === 0 ? { accounts } : { accounts, slotPreimages };
  }

  /** The pre-values of everything written since the last call (one block), for `StateHistory`; resets them. */
  takeBlockPreValues(): BlockPreValues {
    const preValues = this.#preValues;
    this.#preValues = new Map();
    return preValues;
  }

  /**
   * Forgets everything written since the last `takeBlockPreValues()` without undoing it (the caller undoes the
   * writes with the returned pre-values, see `revertBlockPreValues`): the open block's diff and pre-values go.
   */
  discardPending(): BlockPreValues {
    const preValues = this.#preValues;
    this.#preValues = new Map();
    this.#touched = new Map();
    this.#mappingSlots = new Map();
    return preValues;
  }

  /** The pre-values collected so far in the open block (read-only: history reads through it). */
  get pendingPreValues(): ReadonlyMap<Address, Readonly<AccountPreValues>> {
    return this.#preValues;
  }

  #touch(address: Address): TouchedAccount {
    let touched = this.#touched.get(address);
    if (touched === undefined) {
      touched = { account: false, code: false, storageCleared: false, slots: new Set() };
      this.#touched.set(address, touched);
    }
    return touched;
  }

  #preEntry(address: Address): AccountPreValues {
    let pre = this.#preValues.get(address);
    if (pre === undefined) {
      pre = { accountTouched: false, account: null, code: EMPTY_CODE, storage: new Map() };
      this.#preValues.set(address, pre);
    }
    return pre;
  }

  #notePreAccount(address: Address): void {
    const pre = this.#preEntry(address);
    if (pre.accountTouched) return;
    pre.accountTouched = true;
    pre.account = this.#inner.getAccount(address) ?? null;
    pre.code = this.#inner.getCode(address);
  }

  /** Before a clear: every slot the account holds gets its pre-value (history must still see them). */
  #notePreStorageAll(address: Address): void {
    const inner = this.#inner;
    if (!isStorageEnumerable(inner)) return;
    const pre = this.#preEntry(address);
    for (const [slot, value] of inner.storageEntries(address)) if (!pre.storage.has(slot)) pre.storage.set(slot, value);
  }
}

const EMPTY_CODE = new Uint8Array(0);

/**
 * Undoes one block's writes with its reverse diff (`takeBlockPreValues()`): each touched account gets its record and
 * code back (or is deleted when it did not exist), then each written slot its old value. Blocks are undone newest
 * first. The writer is the world state itself: undoing is not a new diff.
 */
export function revertBlockPreValues(state: StateWriter, preValues: BlockPreValues): void {
  for (const [address, pre] of preValues) {
    if (pre.accountTouched) {
      if (pre.account === null) state.deleteAccount(address);
      else {
        state.putCode(address, pre.code);
        state.putAccount(address, pre.account);
      }
    }
    for (const [slot, value] of pre.storage) state.putStorage(address, slot, value);
  }
}

/** Applies a diff to a state (what replicas do): deletions, clears, code, accounts, then slots. */
export function applyStateDiff(state: StateWriter, diff: StateDiff): void {
  for (const entry of diff.accounts) {
    const address = entry.address;
    if (entry.account === null) {
      state.deleteAccount(address);
      continue;
    }
    if (entry.storageCleared) state.clearStorage(address);
    if (entry.code !== undefined) state.putCode(address, entry.code);
    state.putAccount(address, entry.account);
    for (const [slot, value] of entry.storage) state.putStorage(address, slot, value);
  }
}
