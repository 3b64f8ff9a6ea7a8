/**
 * The leaf payloads of Ethereum's state tries: an account is rlp([nonce, balance, storageRoot, codeHash]); a storage
 * slot is rlp(value) with the value's leading zero bytes trimmed. Hand-written RLP: these run once per touched key.
 */

import { bigintByteLength, hexToBytes, writeBigint } from "../../chain/bytes.ts";
import { KECCAK_EMPTY } from "../../chain/constants.ts";
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

/** Length of rlp(integer) for a byte length (`value` is needed for the single-byte case). */
function integerLength(value: bigint, length: number): number {
  return length === 1 && value < 0x80n ? 1 : 1 + length;
}

function writeInteger(out: Uint8Array, offset: number, value: bigint, length: number): number {
  if (length === 1 && value < 0x80n) {
    out[offset] = Number(value);
    return 1;
  }
  out[offset] = 0x80 + length;
  writeBigint(out, offset + 1, value, length);
  return 1 + length;
}

/** An account trie leaf before encoding: the account and its storage root (32 bytes). */
export interface AccountLeaf {
  readonly account: Account;
  readonly storageRoot: Uint8Array;
}

function accountLeafLength(leaf: AccountLeaf): number {
  const { nonce, balance } = leaf.account;
  const payload =
    integerLength(nonce, bigintByteLength(nonce)) + integerLength(balance, bigintByteLength(balance)) + 66;
  return (payload < 56 ? 1 : 2) + payload; // payload ≤ 9 + 33 + 66 < 256
}

function writeAccountLeaf(leaf: AccountLeaf, out: Uint8Array, offset: number): void {
  const { account, storageRoot } = leaf;
  const nonceLength = bigintByteLength(account.nonce);
  const balanceLength = bigintByteLength(account.balance);
  const payload = integerLength(account.nonce, nonceLength) + integerLength(account.balance, balanceLength) + 66;
  let o = offset;
  if (payload < 56) {
    out[o++] = 0xc0 + payload;
  } else {
    out[o++] = 0xf8;
    out[o++] = payload;
  }
  o += writeInteger(out, o, account.nonce, nonceLength);
  o += writeInteger(out, o, account.balance, balanceLength);
  out[o++] = 0xa0;
  out.set(storageRoot, o);
  o += 32;
  out[o++] = 0xa0;
  out.set(codeHashToBytes(account.codeHash), o);
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

/** Storage trie leaves: rlp(value) of a non-zero slot value. */
export const STORAGE_LEAF_CODEC: LeafCodec<bigint> = {
  encodedLength: (value) => {
    const length = bigintByteLength(value);
    return integerLength(value, length);
  },
  write: (value, out, offset) => {
    writeInteger(out, offset, value, bigintByteLength(value));
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
