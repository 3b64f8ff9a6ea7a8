/**
 * A copy-on-write view over a `StateReader`: writes stay in the overlay's own Maps, reads fall through to the base.
 * Used for eth_call and eth_estimateGas (with eth_call's state overrides) and to stage a transaction before its
 * writes reach the world state (`toStateDiff()` → `applyStateDiff`, or `flushInto`).
 */

import { EMPTY_BYTES, hexToBytes } from "../chain/bytes.ts";
import { KECCAK_EMPTY } from "../chain/constants.ts";
import { keccak256Hex } from "../chain/hash.ts";
import type { AccountDiff, StateDiff } from "../chain/stateDiff.ts";
import type { Account, Address, Hash, Hex } from "../chain/types.ts";
import { applyStateDiff } from "./diff.ts";
import { StateError } from "./errors.ts";
import type { StateReader, StateWriter, StorageEnumerable } from "./types.ts";

interface OverlayAccount {
  /** `null`: deleted in the overlay; `undefined`: not written (read the base). */
  account: Account | null | undefined;
  code: Uint8Array | undefined;
  /** Base storage is hidden (cleared or deleted in the overlay). */
  storageCleared: boolean;
  readonly storage: Map<Hash, bigint>;
}

export class OverlayState implements StateWriter, StorageEnumerable {
  readonly #base: StateReader;
  readonly #entries = new Map<Address, OverlayAccount>();

  constructor(base: StateReader) {
    this.#base = base;
  }

  get base(): StateReader {
    return this.#base;
  }

  getAccount(address: Address): Account | undefined {
    const entry = this.#entries.get(address);
    if (entry?.account !== undefined) return entry.account ?? undefined;
    return this.#base.getAccount(address);
  }

  getCode(address: Address): Uint8Array {
    const entry = this.#entries.get(address);
    if (entry !== undefined) {
      if (entry.code !== undefined) return entry.code;
      if (entry.account === null) return EMPTY_BYTES;
      if (entry.account !== undefined) {
        // Re-created (after a delete) or re-pointed: the base's code only if the hash still matches.
        if (entry.account.codeHash === KECCAK_EMPTY) return EMPTY_BYTES;
        const baseAccount = this.#base.getAccount(address);
        if (baseAccount?.codeHash !== entry.account.codeHash) return EMPTY_BYTES;
      }
    }
    return this.#base.getCode(address);
  }

  getStorage(address: Address, slot: Hash): bigint {
    const entry = this.#entries.get(address);
    if (entry !== undefined) {
      const value = entry.storage.get(slot);
      if (value !== undefined) return value;
      if (entry.storageCleared) return 0n;
    }
    return this.#base.getStorage(address, slot);
  }

  putAccount(address: Address, account: Account): void {
    this.#entry(address).account = account;
  }

  deleteAccount(address: Address): void {
    const entry = this.#entry(address);
    entry.account = null;
    entry.code = undefined;
    entry.storageCleared = true;
    entry.storage.clear();
  }

  /** Stores `code` and points the account's codeHash at it (creating an empty account if needed), as WorldState. */
  putCode(address: Address, code: Uint8Array): void {
    const current = this.getAccount(address);
    const entry = this.#entry(address);
    entry.code = code;
    entry.account = {
      nonce: current?.nonce ?? 0n,
      balance: current?.balance ?? 0n,
      codeHash: code.length === 0 ? KECCAK_EMPTY : keccak256Hex(code),
    };
  }

  putStorage(address: Address, slot: Hash, value: bigint): void {
    this.#entry(address).storage.set(slot, value);
  }

  clearStorage(address: Address): void {
    const entry = this.#entry(address);
    entry.storageCleared = true;
    entry.storage.clear();
  }

  /** The overlay's own non-zero slots, then the base's (when it can list them) that the overlay did not hide. */
  *storageEntries(address: Address): Iterable<readonly [Hash, bigint]> {
    const entry = this.#entries.get(address);
    for (const [slot, value] of entry?.storage ?? []) if (value !== 0n) yield [slot, value];
    if (entry?.storageCleared) return;
    const base = this.#base as Partial<StorageEnumerable>;
    if (typeof base.storageEntries !== "function") return;
    for (const [slot, value] of base.storageEntries(address)) if (!entry?.storage.has(slot)) yield [slot, value];
  }

  /** Everything written, as a diff against the base (new values; `storageCleared` where base storage is hidden). */
  toStateDiff(): StateDiff {
    const accounts: AccountDiff[] = [];
    for (const [address, entry] of this.#entries) {
      const account = entry.account === undefined ? (this.#base.getAccount(address) ?? null) : entry.account;
      if (account === null) {
        accounts.push({ address, account: null, storageCleared: false, storage: new Map() });
        continue;
      }
      const storage = new Map(entry.storage);
      accounts.push(
        entry.code === undefined
          ? { address, account, storageCleared: entry.storageCleared, storage }
          : { address, account, code: entry.code, storageCleared: entry.storageCleared, storage },
      );
    }
    return { accounts };
  }

  /** Writes the overlay's changes into `target` (usually the state the overlay reads from). */
  flushInto(target: StateWriter): void {
    applyStateDiff(target, this.toStateDiff());
  }

  #entry(address: Address): OverlayAccount {
    let entry = this.#entries.get(address);
    if (entry === undefined) {
      entry = { account: undefined, code: undefined, storageCleared: false, storage: new Map() };
      this.#entries.set(address, entry);
    }
    return entry;
  }
}

type SlotValues = Readonly<Record<Hash, Hash | bigint>> | ReadonlyMap<Hash, bigint>;

/**
 * eth_call's per-account state override (geth's `OverrideAccount`): quantities as bigint, `state` replaces the
 * storage, `stateDiff` patches it. Slots as a JSON-like record or a Map (rpc's `AccountOverride` fits).
 */
export interface AccountStateOverride {
  readonly balance?: bigint;
  readonly nonce?: bigint;
  readonly code?: Hex | Uint8Array;
  readonly state?: SlotValues;
  readonly stateDiff?: SlotValues;
}

/** Overrides by address, as a record or a Map (rpc's `StateOverride` fits). */
export type StateOverrides =
  | Readonly<Record<Address, AccountStateOverride>>
  | ReadonlyMap<Address, AccountStateOverride>;

/** `state` and `stateDiff` together for one account (geth rejects it the same way). */
export class InvalidStateOverrideError extends StateError {
  override name = "InvalidStateOverrideError";
  readonly address: Address;
  constructor(address: Address, details: string) {
    super(`invalid state override for ${address}`, { details, docsPath: "/state/overrides" });
    this.address = address;
  }
}

function toSlotValue(value: Hash | bigint): bigint {
  return typeof value === "bigint" ? value : BigInt(value);
}

/** Applies eth_call state overrides to an overlay. Addresses and slots are normalized to lowercase. */
export function applyStateOverrides(overlay: OverlayState, overrides: StateOverrides): void {
  const entries =
    overrides instanceof Map ? [...overrides] : (Object.entries(overrides) as [Address, AccountStateOverride][]);
  for (const [rawAddress, override] of entries) {
    const address = rawAddress.toLowerCase() as Address;
    if (override.state !== undefined && override.stateDiff !== undefined) {
      throw new InvalidStateOverrideError(address, "has both state and stateDiff");
    }
    if (override.code !== undefined) {
      overlay.putCode(address, typeof override.code === "string" ? hexToBytes(override.code) : override.code);
    }
    if (override.balance !== undefined || override.nonce !== undefined) {
      const current = overlay.getAccount(address);
      overlay.putAccount(address, {
        nonce: override.nonce ?? current?.nonce ?? 0n,
        balance: override.balance ?? current?.balance ?? 0n,
        codeHash: current?.codeHash ?? KECCAK_EMPTY,
      });
    }
    const slots = override.state ?? override.stateDiff;
    if (override.state !== undefined) overlay.clearStorage(address);
    if (slots !== undefined) {
      const slotEntries = slots instanceof Map ? [...slots] : (Object.entries(slots) as [Hash, Hash | bigint][]);
      for (const [slot, value] of slotEntries) {
        overlay.putStorage(address, slot.toLowerCase() as Hash, toSlotValue(value));
      }
    }
  }
}
