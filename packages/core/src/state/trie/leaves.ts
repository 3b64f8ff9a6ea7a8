/**
 * The leaf payloads of Ethereum's state tries: an account is rlp([nonce, balance, storageRoot, codeHash]); a storage
 * slot is rlp(value) with the value's leading zero bytes trimmed. Written straight into the node's encoding with
 * chain/'s RLP writers (no intermediate arrays): these run once per touched key.
 */
import { hexToBytes } from "../../chain/bytes.ts";
import { KECCAK_EMPTY } from "../../chain/constants.ts";
import { rlpHeaderLength, writeRlpHeader, writeRlpUint } from "../../chain/rlp.ts";
import type { Account, Hash } from "../../chain/types.ts";
import type { LeafCodec } from "./node.ts";

const KECCAK_EMPTY_BYTES = hexToBytes(KECCAK_EMPTY);
// Contract code hashes repeat across accounts; parse each once.
const codeHashBytes = new Map<Hash, Uint8Array>([[KECCAK_EMPTY, KECCAK_EMPTY_BYTES]]);

function codeHashToBytes(codeHash: Hash): Uint8Array {
  let bytes = codeHashBytes.get(codeHash);
  if (bytes === undefined) {
    bytes = hexToBytes(codeHash);
    if (codeHashBytes.size > 100_000) codeHashBytes.clear();
    codeHashBytes.set(codeHash, bytes);
  }
  return bytes;
}

// The trie measures a leaf value, then writes it: the integers are encoded once, at the measure, into these bytes
// and copied at the write (converting a bigint costs ~0.2 µs; measuring and writing separately took three).
const measured = new Uint8Array(2 * 33);
let measuredLeaf: AccountLeaf | null = null;
let measuredSlot = -1n;
let measuredLength = 0;

/** An account trie leaf before encoding: the account and its storage root (32 bytes). */
export interface AccountLeaf {
  readonly account: Account;
  readonly storageRoot: Uint8Array;
}

/** rlp(nonce) ‖ rlp(balance) of `leaf` into `measured`; returns the length. */
function measureAccount(leaf: AccountLeaf): number {
  if (leaf !== measuredLeaf) {
    const length = writeRlpUint(measured, 0, leaf.account.nonce);
    measuredLength = length + writeRlpUint(measured, length, leaf.account.balance);
    measuredLeaf = leaf;
    measuredSlot = -1n;
  }
  return measuredLength;
}

function accountLeafLength(leaf: AccountLeaf): number {
  const payload = measureAccount(leaf) + 66;
  return rlpHeaderLength(payload) + payload; // payload ≤ 9 + 33 + 66 < 256
}

function writeAccountLeaf(leaf: AccountLeaf, out: Uint8Array, offset: number): void {
  const integers = measureAccount(leaf);
  const payload = integers + 66;
  let o = writeRlpHeader(out, offset, payload, 0xc0);
  for (let i = 0; i < integers; i++) out[o++] = measured[i]!;
  out[o++] = 0xa0;
  out.set(leaf.storageRoot, o);
  o += 32;
  out[o++] = 0xa0;
  out.set(codeHashToBytes(leaf.account.codeHash), o);
}

/** Account trie leaves: rlp([nonce, balance, storageRoot, codeHash]) written straight into the node encoding. */
export const ACCOUNT_LEAF_CODEC: LeafCodec<AccountLeaf> = {
  encodedLength: accountLeafLength,
  write: writeAccountLeaf,
  equals: (a, b) =>
    a.account.nonce === b.account.nonce &&
    a.account.balance === b.account.balance &&
    a.account.codeHash === b.account.codeHash &&
    sameRoot(a.storageRoot, b.storageRoot),
};

function sameRoot(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** rlp(value) of a slot value into `measured`; returns the length. */
function measureSlot(value: bigint): number {
  if (measuredLeaf !== null || value !== measuredSlot) {
    measuredLength = writeRlpUint(measured, 0, value);
    measuredSlot = value;
    measuredLeaf = null;
  }
  return measuredLength;
}

/** Storage trie leaves: rlp(value) of a non-zero slot value. */
export const STORAGE_LEAF_CODEC: LeafCodec<bigint> = {
  encodedLength: measureSlot,
  write: (value, out, offset) => {
    const length = measureSlot(value);
    for (let i = 0; i < length; i++) out[offset + i] = measured[i]!;
  },
  equals: (a, b) => a === b,
};

/** rlp([nonce, balance, storageRoot, codeHash]) as a new array. */
export function encodeAccountLeaf(account: Account, storageRoot: Uint8Array): Uint8Array {
  const leaf = { account, storageRoot };
  const out = new Uint8Array(accountLeafLength(leaf));
  writeAccountLeaf(leaf, out, 0);
  return out;
}

/** rlp(value) for a non-zero storage value (zero values are deleted from the trie, never stored). */
export function encodeStorageLeaf(value: bigint): Uint8Array {
  const out = new Uint8Array(STORAGE_LEAF_CODEC.encodedLength(value));
  STORAGE_LEAF_CODEC.write(value, out, 0);
  return out;
}
