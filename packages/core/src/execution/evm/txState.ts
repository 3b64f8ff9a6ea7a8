/**
 * One transaction's view of the world: a flat overlay of account entries over a `StateWriter`, with an undo
 * journal (parallel arrays, no closures) for call-frame reverts, the EIP-2929 warm sets, EIP-1153 transient storage,
 * the refund counter, logs, and the EIP-161 touched set. The underlying state is untouched until `flush()`, so it
 * also answers the *original* value of a slot (EIP-2200).
 */
import { KECCAK_EMPTY } from "../../chain/constants.ts";
import { keccak256Hex } from "../../chain/hash.ts";
import type { Account, Address, Hash } from "../../chain/types.ts";
import type { StateWriter, StorageEnumerable } from "../../state/types.ts";

export interface AccountEntry {
  readonly address: Address;
  /** In the base state at the start of the transaction. */
  readonly base: Account | undefined;
  exists: boolean;
  nonce: bigint;
  balance: bigint;
  codeHash: Hash;
  /** Loaded on first use. */
  code: Uint8Array | undefined;
  /** Slots written in this transaction (allocated on the first write). */
  storage: Map<Hash, bigint> | undefined;
  /** The base storage no longer applies (account created over, or destroyed). */
  storageCleared: boolean;
  warm: boolean;
  warmSlots: Set<Hash> | undefined;
  transient: Map<Hash, bigint> | undefined;
  touched: boolean;
  createdInTx: boolean;
  selfDestructed: boolean;
  /** Account fields or code written (flush compares with `base` anyway). */
  written: boolean;
}

export interface LogEntry {
  readonly address: Address;
  readonly topics: readonly bigint[];
  readonly data: Uint8Array;
}

const J_BALANCE = 0;
const J_NONCE = 1;
const J_CODE = 2;
const J_EXISTS = 3;
const J_STORAGE = 4;
const J_TRANSIENT = 5;
const J_WARM = 6;
const J_WARM_SLOT = 7;
const J_REFUND = 8;
const J_TOUCH = 9;
const J_CREATED = 10;
const J_DESTRUCT = 11;
const J_CLEAR_STORAGE = 12;
const J_WRITTEN = 13;

const EMPTY_CODE = new Uint8Array(0);

/** Placeholder while no transaction runs. */
const EMPTY_STATE: StateWriter = {
  getAccount: () => undefined,
  getCode: () => EMPTY_CODE,
  getStorage: () => 0n,
  putAccount: () => undefined,
  deleteAccount: () => undefined,
  putCode: () => undefined,
  putStorage: () => undefined,
  clearStorage: () => undefined,
};

function isStorageEnumerable(state: StateWriter): state is StateWriter & StorageEnumerable {
  return typeof (state as Partial<StorageEnumerable>).storageEntries === "function";
}

export class TxState {
  #base: StateWriter | undefined;
  readonly #entries = new Map<Address, AccountEntry>();
  readonly #alwaysWarm: ReadonlySet<Address>;
  // The journal: kind, entry, and two operands per change.
  readonly #kinds: number[] = [];
  readonly #targets: (AccountEntry | undefined)[] = [];
  readonly #a: unknown[] = [];
  readonly #b: unknown[] = [];
  refund = 0;
  readonly logs: LogEntry[] = [];

  /** One per executor, reused: `begin` starts each transaction over its state with everything else emptied. */
  constructor(alwaysWarm: ReadonlySet<Address>) {
    this.#alwaysWarm = alwaysWarm;
  }

  get base(): StateWriter {
    const base = this.#base;
    if (base === undefined) throw new Error("transaction state used outside a transaction");
    return base;
  }

  begin(base: StateWriter): void {
    this.#base = base;
    this.#entries.clear();
    this.#kinds.length = 0;
    this.#targets.length = 0;
    this.#a.length = 0;
    this.#b.length = 0;
    this.refund = 0;
    this.logs.length = 0;
  }

  /** Ends the transaction (after `finalize`), dropping its entries. */
  end(): void {
    this.begin(EMPTY_STATE);
    this.#base = undefined;
  }

  entry(address: Address): AccountEntry {
    let entry = this.#entries.get(address);
    if (entry === undefined) {
      const account = this.base.getAccount(address);
      entry = {
        address,
        base: account,
        exists: account !== undefined,
        nonce: account?.nonce ?? 0n,
        balance: account?.balance ?? 0n,
        codeHash: account?.codeHash ?? KECCAK_EMPTY,
        code: account === undefined || account.codeHash === KECCAK_EMPTY ? EMPTY_CODE : undefined,
        storage: undefined,
        storageCleared: false,
        warm: this.#alwaysWarm.has(address),
        warmSlots: undefined,
        transient: undefined,
        touched: false,
        createdInTx: false,
        selfDestructed: false,
        written: false,
      };
      this.#entries.set(address, entry);
    }
    return entry;
  }

  entries(): IterableIterator<AccountEntry> {
    return this.#entries.values();
  }

  #log(kind: number, target: AccountEntry | undefined, a: unknown, b: unknown): void {
    this.#kinds.push(kind);
    this.#targets.push(target);
    this.#a.push(a);
    this.#b.push(b);
  }

  // --- Snapshots ---

  snapshot(): number {
    return this.#kinds.length;
  }

  /** Logs are dropped with a reverted frame; their count is part of the snapshot taken by the caller. */
  revertTo(mark: number, logCount: number): void {
    const kinds = this.#kinds;
    const targets = this.#targets;
    const as = this.#a;
    const bs = this.#b;
    for (let i = kinds.length - 1; i >= mark; i--) {
      const e = targets[i] as AccountEntry;
      const a = as[i];
      switch (kinds[i]) {
        case J_BALANCE:
          e.balance = a as bigint;
          break;
        case J_NONCE:
          e.nonce = a as bigint;
          break;
        case J_CODE:
          e.code = a as Uint8Array | undefined;
          e.codeHash = bs[i] as Hash;
          break;
        case J_EXISTS:
          e.exists = a as boolean;
          break;
        case J_STORAGE:
          if (a === undefined) e.storage?.delete(bs[i] as Hash);
          else e.storage?.set(bs[i] as Hash, a as bigint);
          break;
        case J_TRANSIENT:
          if (a === undefined) e.transient?.delete(bs[i] as Hash);
          else e.transient?.set(bs[i] as Hash, a as bigint);
          break;
        case J_WARM:
          e.warm = false;
          break;
        case J_WARM_SLOT:
          e.warmSlots?.delete(a as Hash);
          break;
        case J_REFUND:
          this.refund = a as number;
          break;
        case J_TOUCH:
          e.touched = false;
          break;
        case J_CREATED:
          e.createdInTx = false;
          break;
        case J_DESTRUCT:
          e.selfDestructed = false;
          break;
        case J_CLEAR_STORAGE:
          e.storage = a as Map<Hash, bigint> | undefined;
          e.storageCleared = bs[i] as boolean;
          break;
        case J_WRITTEN:
          e.written = false;
          break;
      }
    }
    kinds.length = mark;
    targets.length = mark;
    as.length = mark;
    bs.length = mark;
    this.logs.length = logCount;
  }

  // --- Accounts ---

  touch(e: AccountEntry): void {
    if (!e.touched) {
      e.touched = true;
      this.#log(J_TOUCH, e, undefined, undefined);
    }
  }

  #written(e: AccountEntry): void {
    this.touch(e);
    if (!e.written) {
      e.written = true;
      this.#log(J_WRITTEN, e, undefined, undefined);
    }
    if (!e.exists) {
      e.exists = true;
      this.#log(J_EXISTS, e, false, undefined);
    }
  }

  setBalance(e: AccountEntry, balance: bigint): void {
    this.#written(e);
    this.#log(J_BALANCE, e, e.balance, undefined);
    e.balance = balance;
  }

  addBalance(e: AccountEntry, amount: bigint): void {
    this.setBalance(e, e.balance + amount);
  }

  setNonce(e: AccountEntry, nonce: bigint): void {
    this.#written(e);
    this.#log(J_NONCE, e, e.nonce, undefined);
    e.nonce = nonce;
  }

  code(e: AccountEntry): Uint8Array {
    let code = e.code;
    if (code === undefined) {
      code = this.base.getCode(e.address);
      e.code = code;
    }
    return code;
  }

  setCode(e: AccountEntry, code: Uint8Array, codeHash?: Hash): void {
    this.#written(e);
    this.#log(J_CODE, e, e.code, e.codeHash);
    e.code = code;
    e.codeHash = codeHash ?? (code.length === 0 ? KECCAK_EMPTY : keccak256Hex(code));
  }

  /** EIP-161: no code, nonce 0, balance 0. */
  isEmpty(e: AccountEntry): boolean {
    return e.nonce === 0n && e.balance === 0n && e.codeHash === KECCAK_EMPTY;
  }

  /** geth's `Exist`: an account, empty or not, is present (in the base or created in this transaction). */
  exists(e: AccountEntry): boolean {
    return e.exists;
  }

  /** A contract cannot be created at an address with a nonce, code or storage (EIP-684, EIP-7610). */
  hasCollision(e: AccountEntry): boolean {
    if (e.nonce !== 0n || e.codeHash !== KECCAK_EMPTY) return true;
    if (e.storage !== undefined) for (const value of e.storage.values()) if (value !== 0n) return true;
    if (e.storageCleared) return false;
    const base = this.base;
    if (isStorageEnumerable(base)) {
      for (const [, value] of base.storageEntries(e.address)) if (value !== 0n) return true;
    }
    return false;
  }

  /** Starts a contract at `e` (CREATE/CREATE2): storage dropped, created-in-tx for EIP-6780. */
  markCreated(e: AccountEntry): void {
    this.#written(e);
    this.#log(J_CLEAR_STORAGE, e, e.storage, e.storageCleared);
    e.storage = undefined;
    e.storageCleared = true;
    if (!e.createdInTx) {
      e.createdInTx = true;
      this.#log(J_CREATED, e, undefined, undefined);
    }
  }

  markSelfDestructed(e: AccountEntry): void {
    if (!e.selfDestructed) {
      e.selfDestructed = true;
      this.#log(J_DESTRUCT, e, undefined, undefined);
    }
  }

  // --- Storage ---

  getStorage(e: AccountEntry, slot: Hash): bigint {
    const value = e.storage?.get(slot);
    if (value !== undefined) return value;
    if (e.storageCleared) return 0n;
    return this.base.getStorage(e.address, slot);
  }

  /** The value at the start of the transaction (EIP-2200's original value). */
  originalStorage(e: AccountEntry, slot: Hash): bigint {
    if (e.createdInTx || (e.storageCleared && e.base === undefined)) return 0n;
    return this.base.getStorage(e.address, slot);
  }

  setStorage(e: AccountEntry, slot: Hash, value: bigint): void {
    this.touch(e);
    let storage = e.storage;
    if (storage === undefined) {
      storage = new Map();
      e.storage = storage;
    }
    this.#log(J_STORAGE, e, storage.get(slot), slot);
    storage.set(slot, value);
  }

  getTransient(e: AccountEntry, slot: Hash): bigint {
    return e.transient?.get(slot) ?? 0n;
  }

  setTransient(e: AccountEntry, slot: Hash, value: bigint): void {
    if (e.transient === undefined) e.transient = new Map();
    this.#log(J_TRANSIENT, e, e.transient.get(slot), slot);
    e.transient.set(slot, value);
  }

  // --- Warm sets (EIP-2929) ---

  /** Marks `e` warm; returns whether it was cold. */
  warmAccount(e: AccountEntry): boolean {
    if (e.warm) return false;
    e.warm = true;
    this.#log(J_WARM, e, undefined, undefined);
    return true;
  }

  /** Marks the slot warm; returns whether it was cold. */
  warmSlot(e: AccountEntry, slot: Hash): boolean {
    let slots = e.warmSlots;
    if (slots === undefined) {
      slots = new Set();
      e.warmSlots = slots;
    } else if (slots.has(slot)) {
      return false;
    }
    slots.add(slot);
    this.#log(J_WARM_SLOT, e, slot, undefined);
    return true;
  }

  // --- Refunds ---

  addRefund(amount: number): void {
    this.#log(J_REFUND, undefined, this.refund, undefined);
    this.refund += amount;
  }

  /**
   * End of transaction: EIP-6780 destroys contracts created and self-destructed in it, EIP-161 deletes touched
   * empty accounts. Then, unless `persist` is false, writes what changed into the base state (values equal to what it
   * holds are not written, so state diffs carry real changes only).
   */
  finalize(persist: boolean): void {
    if (!persist) return;
    const base = this.base;
    for (const e of this.#entries.values()) {
      const address = e.address;
      if (e.selfDestructed || (e.touched && e.exists && this.isEmpty(e))) {
        if (e.base !== undefined || (e.storageCleared && e.createdInTx)) base.deleteAccount(address);
        continue;
      }
      if (!e.exists) continue;
      if (e.storageCleared && e.createdInTx) base.clearStorage(address);
      const before = e.base;
      const changed =
        e.written &&
        (before === undefined ||
          before.nonce !== e.nonce ||
          before.balance !== e.balance ||
          before.codeHash !== e.codeHash);
      if (changed) base.putAccount(address, { nonce: e.nonce, balance: e.balance, codeHash: e.codeHash });
      if (changed && (before === undefined || before.codeHash !== e.codeHash)) {
        base.putCode(address, e.code ?? EMPTY_CODE);
      }
      const cleared = e.storageCleared;
      if (e.storage === undefined) continue;
      for (const [slot, value] of e.storage) {
        if (cleared ? value !== 0n : base.getStorage(address, slot) !== value) base.putStorage(address, slot, value);
      }
    }
  }
}
