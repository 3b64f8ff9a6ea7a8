/**
 * geth's `prestateTracer`, engine-neutral: the transaction runs against an `AccessRecordingState` that notes the value
 * of every account, code and slot the first time it is read or written. Default mode answers those pre-values; diff
 * mode (`{diffMode: true}`) answers `{pre, post}` for the accounts the transaction changed, as geth does (unchanged
 * and zero slots left out of `pre`, only changed fields in `post`).
 */
import { bytesToHex } from "../../chain/bytes.ts";
import type { Account, Address, Hash } from "../../chain/types.ts";
import type { StateReader, StateWriter } from "../../state/types.ts";

interface PreAccount {
  readonly account: Account | undefined;
  readonly code: Uint8Array;
}

/** A `StateWriter` over another that remembers the first value it saw of each account, code and slot. */
export class AccessRecordingState implements StateWriter {
  readonly #inner: StateWriter;
  readonly accounts = new Map<Address, PreAccount>();
  readonly slots = new Map<Address, Map<Hash, bigint>>();

  constructor(inner: StateWriter) {
    this.#inner = inner;
  }

  /** The state written through (its values after the run are the post-state). */
  get inner(): StateReader {
    return this.#inner;
  }

  #noteAccount(address: Address): void {
    if (!this.accounts.has(address)) {
      this.accounts.set(address, { account: this.#inner.getAccount(address), code: this.#inner.getCode(address) });
    }
  }

  #noteSlot(address: Address, slot: Hash): void {
    this.#noteAccount(address);
    let slots = this.slots.get(address);
    if (slots === undefined) {
      slots = new Map();
      this.slots.set(address, slots);
    }
    if (!slots.has(slot)) slots.set(slot, this.#inner.getStorage(address, slot));
  }

  getAccount(address: Address): Account | undefined {
    this.#noteAccount(address);
    return this.#inner.getAccount(address);
  }
  getCode(address: Address): Uint8Array {
    this.#noteAccount(address);
    return this.#inner.getCode(address);
  }
  getStorage(address: Address, slot: Hash): bigint {
    this.#noteSlot(address, slot);
    return this.#inner.getStorage(address, slot);
  }
  putAccount(address: Address, account: Account): void {
    this.#noteAccount(address);
    this.#inner.putAccount(address, account);
  }
  deleteAccount(address: Address): void {
    this.#noteAccount(address);
    this.#inner.deleteAccount(address);
  }
  putCode(address: Address, code: Uint8Array): void {
    this.#noteAccount(address);
    this.#inner.putCode(address, code);
  }
  putStorage(address: Address, slot: Hash, value: bigint): void {
    this.#noteSlot(address, slot);
    this.#inner.putStorage(address, slot, value);
  }
  clearStorage(address: Address): void {
    this.#noteAccount(address);
    this.#inner.clearStorage(address);
  }
}

/** One account in geth's prestate JSON. */
export interface PrestateAccount {
  balance?: string;
  nonce?: number;
  code?: string;
  storage?: Record<string, string>;
}
export type Prestate = Record<string, PrestateAccount>;

const quantity = (value: bigint) => `0x${value.toString(16)}`;
const slotWord = (value: bigint) => `0x${value.toString(16).padStart(64, "0")}`;

function accountJson(account: Account | undefined, code: Uint8Array): PrestateAccount {
  const json: PrestateAccount = { balance: quantity(account?.balance ?? 0n) };
  const nonce = account?.nonce ?? 0n;
  if (nonce > 0n) json.nonce = Number(nonce);
  if (code.length > 0) json.code = bytesToHex(code);
  return json;
}

/** Default mode: every touched account's pre-state with the slots it read or wrote. */
export function prestateOf(recorded: AccessRecordingState): Prestate {
  const out: Prestate = {};
  for (const [address, pre] of recorded.accounts) {
    const json = accountJson(pre.account, pre.code);
    const slots = recorded.slots.get(address);
    if (slots !== undefined && slots.size > 0) {
      json.storage = Object.fromEntries([...slots].map(([slot, value]) => [slot, slotWord(value)]));
    }
    out[address] = json;
  }
  return out;
}

/** Diff mode: the changed accounts before (`pre`) and their changed fields after (`post`). */
export function prestateDiffOf(recorded: AccessRecordingState): { pre: Prestate; post: Prestate } {
  const pre: Prestate = {};
  const post: Prestate = {};
  const after = recorded.inner;
  for (const [address, before] of recorded.accounts) {
    const now = after.getAccount(address);
    const code = after.getCode(address);
    const preJson = accountJson(before.account, before.code);
    const postJson: PrestateAccount = {};
    let modified = false;
    if ((before.account === undefined) !== (now === undefined)) modified = true;
    if ((now?.balance ?? 0n) !== (before.account?.balance ?? 0n)) {
      postJson.balance = quantity(now?.balance ?? 0n);
      modified = true;
    }
    if ((now?.nonce ?? 0n) !== (before.account?.nonce ?? 0n)) {
      postJson.nonce = Number(now?.nonce ?? 0n);
      modified = true;
    }
    if (bytesToHex(code) !== bytesToHex(before.code)) {
      if (code.length > 0) postJson.code = bytesToHex(code);
      modified = true;
    }
    const preStorage: Record<string, string> = {};
    const postStorage: Record<string, string> = {};
    for (const [slot, value] of recorded.slots.get(address) ?? []) {
      const newValue = after.getStorage(address, slot);
      if (newValue === value) continue;
      modified = true;
      if (value !== 0n) preStorage[slot] = slotWord(value);
      if (newValue !== 0n) postStorage[slot] = slotWord(newValue);
    }
    if (!modified) continue;
    if (Object.keys(preStorage).length > 0) preJson.storage = preStorage;
    if (Object.keys(postStorage).length > 0) postJson.storage = postStorage;
    if (before.account !== undefined || Object.keys(preStorage).length > 0) pre[address] = preJson;
    // An account the transaction deleted appears in `pre` only.
    if (now !== undefined) post[address] = postJson;
  }
  return { pre, post };
}
