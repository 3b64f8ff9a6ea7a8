/**
 * @ethereumjs/evm's `StateManagerInterface` over a Mach `StateWriter`. Writes of the running transaction go to a flat
 * per-account overlay with an undo journal (checkpoint/commit/revert for call frames); the underlying state is
 * untouched until `flush()`, so it also serves as the transaction's *original* state for EIP-2200 gas. No trie, no
 * state root: the EVM never needs one on this path.
 */
import type { AccountFields, StateManagerInterface } from "@ethereumjs/common";
import { bigIntToBytes, bytesToHex, Account as EvmAccount, type Address as EvmAddress } from "@ethereumjs/util";
import { KECCAK_EMPTY } from "../chain/constants.ts";
import { keccak256 } from "../chain/hash.ts";
import type { Account, Address, Hash } from "../chain/types.ts";
import { MachError } from "../errors.ts";
import type { StateWriter } from "../state/types.ts";

const EMPTY = new Uint8Array(0);
const STORAGE_ROOT_EMPTY = Uint8Array.from(
  Buffer.from("56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421", "hex"),
);

/** One account's writes in the running transaction. `undefined` fields read through to the underlying state. */
interface Pending {
  /** `null`: deleted in this transaction. */
  account: Account | null | undefined;
  code: Uint8Array | undefined;
  storage: Map<Hash, bigint>;
  /** The underlying storage is gone (deleted account or re-created contract). */
  storageCleared: boolean;
  /** The EVM cleared the storage of an address it creates a contract at (storage may exist without an account). */
  clearedAtCreate: boolean;
}

/** Code hashes as bytes for the EVM, shared (EVM code never mutates an account's codeHash array in place). */
const codeHashBytes = new Map<Hash, Uint8Array>();
const codeHashHex = new WeakMap<Uint8Array, Hash>();

export function hashToBytes(hash: Hash): Uint8Array {
  let bytes = codeHashBytes.get(hash);
  if (bytes === undefined) {
    bytes = Uint8Array.from(Buffer.from(hash.slice(2), "hex"));
    if (codeHashBytes.size > 100_000) codeHashBytes.clear();
    codeHashBytes.set(hash, bytes);
    codeHashHex.set(bytes, hash);
  }
  return bytes;
}

function bytesToHash(bytes: Uint8Array): Hash {
  return codeHashHex.get(bytes) ?? (bytesToHex(bytes) as Hash);
}

function toEvmAccount(account: Account): EvmAccount {
  return new EvmAccount(account.nonce, account.balance, STORAGE_ROOT_EMPTY, hashToBytes(account.codeHash));
}

export class MachStateManager implements StateManagerInterface {
  #base: StateWriter | undefined;
  #pending = new Map<Address, Pending>();
  /** Undo operations, newest last; `#checkpoints` holds the journal length at each open checkpoint. */
  #journal: (() => void)[] = [];
  #checkpoints: number[] = [];

  readonly originalStorageCache = {
    get: async (address: EvmAddress, key: Uint8Array): Promise<Uint8Array> => {
      const addr = address.toString() as Address;
      const pending = this.#pending.get(addr);
      if (pending?.storageCleared) return EMPTY;
      return valueToBytes(this.base.getStorage(addr, bytesToHex(key) as Hash));
    },
    clear: (): void => {},
  };

  get base(): StateWriter {
    if (this.#base === undefined) throw new MachError("MachStateManager used outside a transaction");
    return this.#base;
  }

  /** Starts a transaction over `state` with an empty overlay. */
  begin(state: StateWriter): void {
    this.#base = state;
    this.#pending.clear();
    this.#journal.length = 0;
    this.#checkpoints.length = 0;
  }

  /** Ends the transaction, dropping the overlay (after `flush()`, or to discard it). */
  end(): void {
    this.#base = undefined;
    this.#pending.clear();
    this.#journal.length = 0;
    this.#checkpoints.length = 0;
  }

  /**
   * Writes the overlay into the underlying state. Values equal to what the state already holds (a slot set and
   * reset, an account touched by a value-0 call) are not written, so state diffs carry real changes only.
   */
  flush(): void {
    const base = this.base;
    for (const [address, pending] of this.#pending) {
      const before = base.getAccount(address);
      if (pending.account === null) {
        if (before !== undefined || pending.clearedAtCreate) base.deleteAccount(address);
        continue;
      }
      if (pending.storageCleared) base.clearStorage(address);
      const account = pending.account;
      const accountChanged =
        account !== undefined &&
        (before === undefined ||
          before.nonce !== account.nonce ||
          before.balance !== account.balance ||
          before.codeHash !== account.codeHash);
      if (accountChanged) base.putAccount(address, account);
      if (pending.code !== undefined && accountChanged) base.putCode(address, pending.code);
      for (const [slot, value] of pending.storage) {
        if (pending.storageCleared || base.getStorage(address, slot) !== value) base.putStorage(address, slot, value);
      }
    }
  }

  /** Addresses written in the running transaction. */
  touchedAddresses(): IterableIterator<Address> {
    return this.#pending.keys();
  }

  #entry(address: Address): Pending {
    let pending = this.#pending.get(address);
    if (pending === undefined) {
      pending = {
        account: undefined,
        code: undefined,
        storage: new Map(),
        storageCleared: false,
        clearedAtCreate: false,
      };
      this.#pending.set(address, pending);
    }
    return pending;
  }

  // --- Synchronous core, used by the executor directly (no promise per access). ---

  readAccount(address: Address): Account | undefined {
    const pending = this.#pending.get(address);
    if (pending !== undefined && pending.account !== undefined) return pending.account ?? undefined;
    return this.base.getAccount(address);
  }

  writeAccount(address: Address, account: Account | null): void {
    const pending = this.#entry(address);
    const previous = pending.account;
    pending.account = account;
    this.#journal.push(() => {
      pending.account = previous;
    });
  }

  readCode(address: Address): Uint8Array {
    const pending = this.#pending.get(address);
    if (pending !== undefined) {
      if (pending.code !== undefined) return pending.code;
      if (pending.account === null) return EMPTY;
    }
    return this.base.getCode(address);
  }

  writeCode(address: Address, code: Uint8Array): void {
    const pending = this.#entry(address);
    const previous = pending.code;
    pending.code = code;
    this.#journal.push(() => {
      pending.code = previous;
    });
    const account = this.readAccount(address) ?? { nonce: 0n, balance: 0n, codeHash: KECCAK_EMPTY };
    const codeHash = code.length === 0 ? KECCAK_EMPTY : (bytesToHex(keccak256(code)) as Hash);
    this.writeAccount(address, { nonce: account.nonce, balance: account.balance, codeHash });
  }

  readStorage(address: Address, slot: Hash): bigint {
    const pending = this.#pending.get(address);
    if (pending !== undefined) {
      const value = pending.storage.get(slot);
      if (value !== undefined) return value;
      if (pending.storageCleared) return 0n;
    }
    return this.base.getStorage(address, slot);
  }

  writeStorage(address: Address, slot: Hash, value: bigint): void {
    const pending = this.#entry(address);
    const storage = pending.storage;
    const previous = storage.get(slot);
    storage.set(slot, value);
    this.#journal.push(() => {
      if (previous === undefined) storage.delete(slot);
      else storage.set(slot, previous);
    });
  }

  wipeStorage(address: Address): void {
    const pending = this.#entry(address);
    const previousStorage = pending.storage;
    const previousCleared = pending.storageCleared;
    pending.storage = new Map();
    pending.storageCleared = true;
    this.#journal.push(() => {
      pending.storage = previousStorage;
      pending.storageCleared = previousCleared;
    });
  }

  removeAccount(address: Address): void {
    const pending = this.#entry(address);
    const previousCode = pending.code;
    this.wipeStorage(address);
    this.writeAccount(address, null);
    pending.code = EMPTY;
    this.#journal.push(() => {
      pending.code = previousCode;
    });
  }

  checkpointSync(): void {
    this.#checkpoints.push(this.#journal.length);
  }

  commitSync(): void {
    if (this.#checkpoints.pop() === undefined) throw new MachError("commit without checkpoint");
  }

  revertSync(): void {
    const mark = this.#checkpoints.pop();
    if (mark === undefined) throw new MachError("revert without checkpoint");
    const journal = this.#journal;
    for (let i = journal.length - 1; i >= mark; i--) (journal[i] as () => void)();
    journal.length = mark;
  }

  // --- StateManagerInterface ---

  async getAccount(address: EvmAddress): Promise<EvmAccount | undefined> {
    const account = this.readAccount(address.toString() as Address);
    return account === undefined ? undefined : toEvmAccount(account);
  }

  async putAccount(address: EvmAddress, account?: EvmAccount): Promise<void> {
    const addr = address.toString() as Address;
    if (account === undefined) {
      this.removeAccount(addr);
      return;
    }
    this.writeAccount(addr, {
      nonce: account.nonce,
      balance: account.balance,
      codeHash: bytesToHash(account.codeHash),
    });
  }

  async deleteAccount(address: EvmAddress): Promise<void> {
    this.removeAccount(address.toString() as Address);
  }

  async modifyAccountFields(address: EvmAddress, fields: AccountFields): Promise<void> {
    const addr = address.toString() as Address;
    const account = this.readAccount(addr) ?? { nonce: 0n, balance: 0n, codeHash: KECCAK_EMPTY };
    this.writeAccount(addr, {
      nonce: fields.nonce ?? account.nonce,
      balance: fields.balance ?? account.balance,
      codeHash: fields.codeHash !== undefined ? bytesToHash(fields.codeHash) : account.codeHash,
    });
  }

  async putCode(address: EvmAddress, value: Uint8Array): Promise<void> {
    this.writeCode(address.toString() as Address, value);
  }

  async getCode(address: EvmAddress): Promise<Uint8Array> {
    return this.readCode(address.toString() as Address);
  }

  async getCodeSize(address: EvmAddress): Promise<number> {
    return this.readCode(address.toString() as Address).length;
  }

  async getStorage(address: EvmAddress, key: Uint8Array): Promise<Uint8Array> {
    return valueToBytes(this.readStorage(address.toString() as Address, bytesToHex(key) as Hash));
  }

  async putStorage(address: EvmAddress, key: Uint8Array, value: Uint8Array): Promise<void> {
    let v = 0n;
    for (let i = 0; i < value.length; i++) v = (v << 8n) | BigInt(value[i] as number);
    this.writeStorage(address.toString() as Address, bytesToHex(key) as Hash, v);
  }

  async clearStorage(address: EvmAddress): Promise<void> {
    const addr = address.toString() as Address;
    this.wipeStorage(addr);
    const pending = this.#entry(addr);
    if (!pending.clearedAtCreate) {
      pending.clearedAtCreate = true;
      this.#journal.push(() => {
        pending.clearedAtCreate = false;
      });
    }
  }

  async checkpoint(): Promise<void> {
    this.checkpointSync();
  }

  async commit(): Promise<void> {
    this.commitSync();
  }

  async revert(): Promise<void> {
    this.revertSync();
  }

  getStateRoot(): Promise<Uint8Array> {
    throw new MachError("state roots are not computed on the execution path");
  }

  setStateRoot(): Promise<void> {
    throw new MachError("state roots are not computed on the execution path");
  }

  hasStateRoot(): Promise<boolean> {
    throw new MachError("state roots are not computed on the execution path");
  }

  clearCaches(): void {}

  shallowCopy(): StateManagerInterface {
    throw new MachError("MachStateManager cannot be copied");
  }
}

function valueToBytes(value: bigint): Uint8Array {
  return value === 0n ? EMPTY : bigIntToBytes(value);
}
