/**
 * What `eth_getProof(0x4200…0016, slots, n)` needs at an output block `n` after the head has moved on: the message
 * passer's account proof against block `n`'s state root (taken when `n` sealed) and the content of its storage trie,
 * from which the trie, its root (the output's `messagePasserStorageRoot`) and any slot's proof are rebuilt. A
 * withdrawal is proven against an output's block, so this is what keeps withdrawals provable after the head moves.
 *
 * Storage content is kept as deltas: the oldest kept record holds the whole storage (`full`), each later one only the
 * slots that changed since the record before it (a removed slot as value 0). The message passer only ever adds
 * slots, so the store grows with the withdrawals, not with the number of outputs kept.
 *
 *   record = rlp([1, l2BlockNumber, nonce, balance, codeHash, storageHash, [accountProofNode…], full,
 *                 [[keccak256(slot), value]…]])
 */
import { bigintToBytes, bytesToHex, equalBytes, hexToBytes } from "../chain/bytes.ts";
import { keccak256 } from "../chain/hash.ts";
import {
  decodeFixedBytes,
  decodeHash,
  decodeRlp,
  decodeSmallUint,
  decodeUint,
  encodeRlp,
  expectBytes,
  expectList,
  type RlpItem,
} from "../chain/rlp.ts";
import type { Address, Hash } from "../chain/types.ts";
import { MachError } from "../errors.ts";
import { STORAGE_LEAF_CODEC } from "../state/trie/leaves.ts";
import { MerkleTrie } from "../state/trie/trie.ts";
import type { WorldStateProof } from "../state/worldState.ts";

const RECORD_VERSION = 1;

/** A stored proof record does not decode or does not rebuild to its root: the store is damaged. */
export class MessagePasserProofError extends MachError {
  override name = "MessagePasserProofError";
}

/** A storage slot by its secure-trie key (`keccak256(slot)`). */
export type HashedSlot = readonly [key: Uint8Array, value: bigint];

export interface MessagePasserProofRecord {
  readonly l2BlockNumber: bigint;
  readonly nonce: bigint;
  readonly balance: bigint;
  readonly codeHash: Hash;
  /** The message passer's storage root at the block (the output's `messagePasserStorageRoot`). */
  readonly storageHash: Hash;
  /** RLP of each account-trie node from the block's state root down keccak(0x4200…0016)'s path. */
  readonly accountProof: readonly Uint8Array[];
  /** `slots` is the whole storage (true) or the changes since the previous kept record (false). */
  readonly full: boolean;
  readonly slots: readonly HashedSlot[];
}

export function encodeMessagePasserProof(record: MessagePasserProofRecord): Uint8Array {
  return encodeRlp([
    bigintToBytes(BigInt(RECORD_VERSION)),
    bigintToBytes(record.l2BlockNumber),
    bigintToBytes(record.nonce),
    bigintToBytes(record.balance),
    hexToBytes(record.codeHash),
    hexToBytes(record.storageHash),
    [...record.accountProof],
    bigintToBytes(record.full ? 1n : 0n),
    record.slots.map(([key, value]) => [key, bigintToBytes(value)]),
  ]);
}

export function decodeMessagePasserProof(bytes: Uint8Array): MessagePasserProofRecord {
  try {
    const fields = expectList(decodeRlp(bytes), 9, "MessagePasserProofRecord");
    const version = decodeSmallUint(fields[0], "version");
    if (version !== RECORD_VERSION) throw new MessagePasserProofError(`unknown proof record version ${version}`);
    const list = (item: RlpItem | undefined, field: string): RlpItem[] => {
      if (!Array.isArray(item)) throw new MessagePasserProofError(`${field} is not a list`);
      return item;
    };
    const full = decodeSmallUint(fields[7], "full");
    if (full > 1) throw new MessagePasserProofError(`full flag ${full}`);
    return {
      l2BlockNumber: decodeUint(fields[1], "l2BlockNumber"),
      nonce: decodeUint(fields[2], "nonce"),
      balance: decodeUint(fields[3], "balance"),
      codeHash: decodeHash(fields[4], "codeHash"),
      storageHash: decodeHash(fields[5], "storageHash"),
      accountProof: list(fields[6], "accountProof").map((node) =>
        Uint8Array.from(expectBytes(node, "accountProof node")),
      ),
      full: full === 1,
      slots: list(fields[8], "slots").map((entry) => {
        const [key, value] = expectList(entry, 2, "slot");
        return [Uint8Array.from(decodeFixedBytes(key, 32, "slot key")), decodeUint(value, "slot value")] as const;
      }),
    };
  } catch (error) {
    if (error instanceof MessagePasserProofError) throw error;
    throw new MessagePasserProofError("undecodable message passer proof record", { cause: error });
  }
}

/** The secure-trie content of a storage, keyed by `bytesToHex(keccak256(slot))`. */
export type StorageContent = Map<Hash, bigint>;

/** Applies a record's slots to `content` (replacing it first when the record is full). */
export function applyProofRecord(content: StorageContent, record: MessagePasserProofRecord): void {
  if (record.full) content.clear();
  for (const [key, value] of record.slots) {
    if (value === 0n) content.delete(bytesToHex(key));
    else content.set(bytesToHex(key), value);
  }
}

/** The slots that turn `before` into `after` (removed ones as value 0), in key order. */
export function storageDelta(before: StorageContent, after: StorageContent): HashedSlot[] {
  const delta: HashedSlot[] = [];
  for (const [key, value] of after) if (before.get(key) !== value) delta.push([hexToBytes(key), value]);
  for (const key of before.keys()) if (!after.has(key)) delta.push([hexToBytes(key), 0n]);
  return delta.sort(([a], [b]) => compareBytes(a, b));
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length && i < b.length; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
}

/** The storage trie rebuilt from `content`, checked against the root the record names. */
export function storageTrieOf(content: StorageContent, storageHash: Hash): MerkleTrie<bigint> {
  const trie = new MerkleTrie<bigint>(32, STORAGE_LEAF_CODEC);
  trie.load([...content].map(([key, value]) => [hexToBytes(key), value] as const));
  if (!equalBytes(trie.root(), hexToBytes(storageHash))) {
    throw new MessagePasserProofError(
      `rebuilt message passer storage has root ${bytesToHex(trie.root())}, the record says ${storageHash}`,
    );
  }
  return trie;
}

/** eth_getProof's answer for the message passer at the record's block, from its rebuilt storage trie. */
export function messagePasserProofOf(
  address: Address,
  record: MessagePasserProofRecord,
  trie: MerkleTrie<bigint>,
  slots: readonly Hash[],
): WorldStateProof {
  return {
    address,
    nonce: record.nonce,
    balance: record.balance,
    codeHash: record.codeHash,
    storageHash: record.storageHash,
    accountProof: [...record.accountProof],
    storageProof: slots.map((key) => {
      const hashed = keccak256(hexToBytes(key));
      return { key, value: trie.get(hashed) ?? 0n, proof: trie.proof(hashed) };
    }),
  };
}
