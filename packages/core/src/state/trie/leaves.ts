/**
 * The leaf payloads of Ethereum's state tries: an account is rlp([nonce, balance, storageRoot, codeHash]); a storage
 * slot is rlp(value) with the value's leading zero bytes trimmed. Hand-written RLP: these run once per touched key.
 */
import type { Account, Hash } from "../../chain/types.ts";
import { bigintByteLength, hexToBytes, writeBigint } from "../bytes.ts";
import { KECCAK_EMPTY } from "../constants.ts";

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

/** rlp([nonce, balance, storageRoot, codeHash]). */
export function encodeAccountLeaf(account: Account, storageRoot: Uint8Array): Uint8Array {
  const nonceLength = bigintByteLength(account.nonce);
  const balanceLength = bigintByteLength(account.balance);
  const payload = integerLength(account.nonce, nonceLength) + integerLength(account.balance, balanceLength) + 66;
  const header = payload < 56 ? 1 : 2; // payload ≤ 9 + 33 + 66 < 256
  const out = new Uint8Array(header + payload);
  let o: number;
  if (header === 1) {
    out[0] = 0xc0 + payload;
    o = 1;
  } else {
    out[0] = 0xf8;
    out[1] = payload;
    o = 2;
  }
  o += writeInteger(out, o, account.nonce, nonceLength);
  o += writeInteger(out, o, account.balance, balanceLength);
  out[o++] = 0xa0;
  out.set(storageRoot, o);
  o += 32;
  out[o++] = 0xa0;
  out.set(codeHashToBytes(account.codeHash), o);
  return out;
}

/** rlp(value) for a non-zero storage value (zero values are deleted from the trie, never stored). */
export function encodeStorageLeaf(value: bigint): Uint8Array {
  const length = bigintByteLength(value);
  const out = new Uint8Array(integerLength(value, length));
  writeInteger(out, 0, value, length);
  return out;
}
