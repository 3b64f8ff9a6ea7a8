/**
 * Merkle-Patricia roots computed from a sorted key list in one pass, without a trie in memory (reth's hash builder
 * idea): each node is encoded and hashed once, bottom-up, as the recursion closes its key range.
 * `orderedTrieRoot` gives transactionsRoot / receiptsRoot / withdrawalsRoot (keys rlp(index)); `trieRootFromSorted`
 * is the general form (state and storage tries, keys already hashed and sorted).
 */
import { MachError } from "../errors.ts";
import { bigintToBytes, bytesToHex, EMPTY_BYTES, hexToBytes } from "./bytes.ts";
import { EMPTY_TRIE_ROOT } from "./constants.ts";
import { keccak256 } from "./hash.ts";
import {
  encodeRlpBytes,
  encodeRlpListOfEncoded,
  rlpBytesLength,
  rlpHeaderLength,
  writeRlpBytes,
  writeRlpHeader,
} from "./rlp.ts";
import type { Hash } from "./types.ts";

export type TrieEntry = readonly [key: Uint8Array, value: Uint8Array];

const EMPTY_STRING_RLP = Uint8Array.of(0x80);

function nibble(key: Uint8Array, i: number): number {
  const byte = key[i >> 1] as number;
  return (i & 1) === 0 ? byte >> 4 : byte & 0x0f;
}

/** Hex-prefix encoding (yellow paper appendix C) of key nibbles [from, to). */
function hexPrefix(key: Uint8Array, from: number, to: number, leaf: boolean): Uint8Array {
  const length = to - from;
  const odd = length & 1;
  const out = new Uint8Array((length >> 1) + 1);
  out[0] = ((leaf ? 2 : 0) + odd) << 4;
  let pos = from;
  if (odd) out[0] = (out[0] as number) | nibble(key, pos++);
  if ((pos & 1) === 0) {
    // Byte-aligned: copy whole bytes.
    out.set(key.subarray(pos >> 1, (pos >> 1) + out.length - 1), 1);
    return out;
  }
  for (let i = 1; i < out.length; i++) {
    out[i] = (nibble(key, pos) << 4) | nibble(key, pos + 1);
    pos += 2;
  }
  return out;
}

/** A leaf node [hexPrefix(path), value], encoded in one allocation. */
function encodeLeaf(path: Uint8Array, value: Uint8Array): Uint8Array {
  const payload = rlpBytesLength(path) + rlpBytesLength(value);
  const out = new Uint8Array(rlpHeaderLength(payload) + payload);
  writeRlpBytes(out, writeRlpBytes(out, writeRlpHeader(out, 0, payload, 0xc0), path), value);
  return out;
}

/** How a parent refers to a child node: inline if its encoding is shorter than 32 bytes, else by hash. */
function reference(encoded: Uint8Array): Uint8Array {
  return encoded.length < 32 ? encoded : encodeRlpBytes(keccak256(encoded));
}

/** Hex-prefix encoding of an empty leaf path (flag 2, even length). */
const EMPTY_LEAF_PATH = Uint8Array.of(0x20);

/**
 * How a branch refers to a leaf whose whole key the branches above consumed (its path is empty), keyed by the value
 * bytes. Such a leaf encodes as [0x20, value] wherever it sits, so its hash is the same in every trie that holds the
 * value there: in an ordered trie (keys rlp(i)) that is every leaf of a group of 16 with at least two members, both in
 * a mini-block's transactions and receipts tries and in its block's, which hash the same transaction and receipt
 * bytes. The block's roots then hash mostly branches at its seal. Values are never written to (trie.ts's callers pass
 * raw transactions and memoized receipt encodings); a value that is not the same object is simply hashed again.
 */
const emptyPathLeafReferences = new WeakMap<Uint8Array, Uint8Array>();

/** The reference of a leaf with an empty path holding `value`, computed once per value object. */
export function emptyPathLeafReference(value: Uint8Array): Uint8Array {
  let cached = emptyPathLeafReferences.get(value);
  if (cached === undefined) {
    cached = computeEmptyPathLeafReference(value);
    emptyPathLeafReferences.set(value, cached);
  }
  return cached;
}

/** `emptyPathLeafReference(value)` computed afresh and not kept (for bytes whose references go to another thread). */
export function computeEmptyPathLeafReference(value: Uint8Array): Uint8Array {
  return reference(encodeLeaf(EMPTY_LEAF_PATH, value));
}

/**
 * Keeps `leafReference` as `value`'s empty-path leaf reference: what `emptyPathLeafReference` gave for the same bytes
 * in another thread (a replica's range verifier hashes the leaves of what it decodes, off the node's thread).
 */
export function keepEmptyPathLeafReference(value: Uint8Array, leafReference: Uint8Array): void {
  emptyPathLeafReferences.set(value, leafReference);
}

function commonPrefix(a: Uint8Array, b: Uint8Array, from: number): number {
  const max = Math.min(a.length, b.length) * 2;
  let i = from;
  if (i & 1 && i < max && nibble(a, i) === nibble(b, i)) i++;
  // Whole bytes first, then the first nibble of the differing byte.
  while (i < max && a[i >> 1] === b[i >> 1]) i += 2;
  if (i < max && nibble(a, i) === nibble(b, i)) i++;
  return Math.min(i, max);
}

/**
 * The reference of the node over entries [lo, hi) at nibble depth `depth` when the caller already hashed it (an ordered
 * trie's complete groups, `OrderedTrieRootBuilder`), else undefined.
 */
type KnownReference = (lo: number, hi: number, depth: number) => Uint8Array | undefined;

const NOTHING_KNOWN: KnownReference = () => undefined;

/** Encoded node for entries [lo, hi) which all share the first `depth` nibbles. */
function buildNode(
  entries: readonly TrieEntry[],
  lo: number,
  hi: number,
  depth: number,
  known: KnownReference = NOTHING_KNOWN,
): Uint8Array {
  const [firstKey, firstValue] = entries[lo] as TrieEntry;
  if (hi - lo === 1) {
    return encodeLeaf(hexPrefix(firstKey, depth, firstKey.length * 2, true), firstValue);
  }
  const lastKey = (entries[hi - 1] as TrieEntry)[0];
  const shared = commonPrefix(firstKey, lastKey, depth);
  // An extension, unless the shared path ends at a key (that key's value then sits in the branch below).
  if (shared > depth && shared < firstKey.length * 2) {
    const child = buildNode(entries, lo, hi, shared, known);
    return encodeRlpListOfEncoded([encodeRlpBytes(hexPrefix(firstKey, depth, shared, false)), reference(child)]);
  }
  if (shared > depth) return buildBranch(entries, lo, hi, shared, firstKey, depth, known);
  return buildBranch(entries, lo, hi, depth, firstKey, depth, known);
}

function buildBranch(
  entries: readonly TrieEntry[],
  lo: number,
  hi: number,
  at: number,
  firstKey: Uint8Array,
  depth: number,
  known: KnownReference,
): Uint8Array {
  const items: Uint8Array[] = new Array(17);
  let start = lo;
  let value: Uint8Array = EMPTY_BYTES;
  // Sorted order puts a key that ends exactly here first (it is a prefix of the others).
  if ((entries[start] as TrieEntry)[0].length * 2 === at) {
    value = (entries[start] as TrieEntry)[1];
    start++;
  }
  for (let n = 0; n < 16; n++) items[n] = EMPTY_STRING_RLP;
  while (start < hi) {
    const key = (entries[start] as TrieEntry)[0];
    const branchNibble = nibble(key, at);
    let end = start + 1;
    while (end < hi && nibble((entries[end] as TrieEntry)[0], at) === branchNibble) end++;
    items[branchNibble] =
      end - start === 1 && key.length * 2 === at + 1
        ? emptyPathLeafReference((entries[start] as TrieEntry)[1])
        : (known(start, end, at + 1) ?? reference(buildNode(entries, start, end, at + 1, known)));
    start = end;
  }
  items[16] = encodeRlpBytes(value);
  const branch = encodeRlpListOfEncoded(items);
  if (at === depth) return branch;
  return encodeRlpListOfEncoded([encodeRlpBytes(hexPrefix(firstKey, depth, at, false)), reference(branch)]);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/**
 * Root of the trie holding `entries`, whose keys must be strictly ascending (bytewise) and values non-empty (an empty
 * value means "absent" in a Merkle-Patricia trie).
 */
export function trieRootFromSorted(entries: readonly TrieEntry[]): Uint8Array {
  return rootOfSorted(entries, NOTHING_KNOWN);
}

function rootOfSorted(entries: readonly TrieEntry[], known: KnownReference): Uint8Array {
  if (entries.length === 0) return EMPTY_ROOT_BYTES;
  for (let i = 0; i < entries.length; i++) {
    const [key, value] = entries[i] as TrieEntry;
    if (value.length === 0) throw new MachError("trie entry with an empty value", { details: bytesToHex(key) });
    if (i > 0 && compareBytes((entries[i - 1] as TrieEntry)[0], key) >= 0)
      throw new MachError("trie keys not strictly ascending", { details: `at index ${i}` });
  }
  return keccak256(buildNode(entries, 0, entries.length, 0, known));
}

const EMPTY_ROOT_BYTES = hexToBytes(EMPTY_TRIE_ROOT);

/**
 * Root of the trie mapping rlp(i) → values[i]: transactionsRoot (values = raw txs), receiptsRoot (consensus receipt
 * encodings), withdrawalsRoot.
 */
export function orderedTrieRoot(values: readonly Uint8Array[]): Hash {
  return bytesToHex(orderedTrieRootBytes(values));
}

export function orderedTrieRootBytes(values: readonly Uint8Array[]): Uint8Array {
  return rootOfSorted(orderedEntries(values), NOTHING_KNOWN);
}

function orderedEntries(values: readonly Uint8Array[]): TrieEntry[] {
  const n = values.length;
  const entries: TrieEntry[] = [];
  // Bytewise order of rlp(i): 1..127 (single bytes 0x01..0x7f), then 0 (0x80), then 128.. (0x81.., 0x82.., …).
  // From 128 on, an entry's position is its index.
  for (let i = 1; i < Math.min(n, 128); i++) entries.push([rlpIndex(i), values[i] as Uint8Array]);
  if (n > 0) entries.push([rlpIndex(0), values[0] as Uint8Array]);
  for (let i = 128; i < n; i++) entries.push([rlpIndex(i), values[i] as Uint8Array]);
  return entries;
}

/** rlp(i) for the indexes seen so far (immutable; every block's roots use the same keys). */
const rlpIndexes: Uint8Array[] = [];

function rlpIndex(i: number): Uint8Array {
  let key = rlpIndexes[i];
  if (key === undefined) {
    key = encodeRlpBytes(bigintToBytes(BigInt(i)));
    if (i < MAX_CACHED_RLP_INDEX) rlpIndexes[i] = key;
  }
  return key;
}

const MAX_CACHED_RLP_INDEX = 1 << 17;

/** Indexes 256..65535 have 3-byte keys (0x82, high byte, low byte): six nibbles, the last two levels in groups. */
const FIRST_GROUPED = 256;
const END_GROUPED = 65_536;
const BRANCH_WITHOUT_VALUE = EMPTY_STRING_RLP;

/**
 * transactionsRoot or receiptsRoot of a list that grows at its end (the open block, mini-block by mini-block), the
 * same root `orderedTrieRoot` gives over the same values. Between indexes 256 and 65,535 the keys rlp(i) are
 * 0x82 ‖ i (big-endian), so the 16 values i = 16g … 16g + 15 fill one branch at nibble depth 5, and 256 values one at
 * depth 4, whatever else the list holds: each such group is hashed once it is complete, as values are pushed, and
 * `root()` hashes only the levels above them and the unfinished groups (a block of 4,600 transfers: ~20 branches at
 * the seal instead of ~310).
 */
export class OrderedTrieRootBuilder {
  readonly #values: Uint8Array[] = [];
  /** The values' empty-path leaf references where `push` was given them (by index). */
  readonly #references: Uint8Array[] = [];
  /** References of complete groups of 16, by i / 16 (from index 256 on). */
  readonly #sixteens: Uint8Array[] = [];
  /** References of complete groups of 256, by i / 256 (from index 256 on). */
  readonly #twoFiftySixes: Uint8Array[] = [];
  readonly #known: KnownReference = (lo, hi, depth) => {
    if (lo < FIRST_GROUPED) return undefined;
    if (depth === 5 && hi - lo === 16) return this.#sixteens[lo >> 4];
    if (depth === 4 && hi - lo === 256) return this.#twoFiftySixes[lo >> 8];
    return undefined;
  };

  get length(): number {
    return this.#values.length;
  }

  /**
   * Appends values (never written to afterwards) and hashes the groups they complete. `references`: the values'
   * empty-path leaf references, in the same order, when another thread already computed them.
   */
  push(values: readonly Uint8Array[], references?: readonly Uint8Array[]): void {
    for (let j = 0; j < values.length; j++) {
      this.#values.push(values[j] as Uint8Array);
      const n = this.#values.length;
      const reference = references?.[j];
      if (reference !== undefined) this.#references[n - 1] = reference;
      if (n <= FIRST_GROUPED || n > END_GROUPED || (n & 15) !== 0) continue;
      const group = (n >> 4) - 1;
      this.#sixteens[group] = this.#groupOfLeaves(n - 16);
      if ((n & 255) === 0) this.#twoFiftySixes[(n >> 8) - 1] = this.#groupOfGroups(group - 15);
    }
  }

  /** The root over every value pushed. */
  root(): Uint8Array {
    const n = this.#values.length;
    if (this.#references.length > 0) {
      // The leaves outside complete groups are referred to by value from `rootOfSorted`: keep the references given.
      const keep = (i: number) => {
        const reference = this.#references[i];
        if (reference !== undefined) keepEmptyPathLeafReference(this.#values[i] as Uint8Array, reference);
      };
      for (let i = 0; i < Math.min(n, FIRST_GROUPED); i++) keep(i);
      for (let i = Math.max(FIRST_GROUPED, Math.min(n, END_GROUPED) & ~15); i < n; i++) keep(i);
    }
    return rootOfSorted(orderedEntries(this.#values), this.#known);
  }

  #leafReference(i: number): Uint8Array {
    return this.#references[i] ?? emptyPathLeafReference(this.#values[i] as Uint8Array);
  }

  /** The branch holding the leaves of values [from, from + 16): each leaf's key is consumed by the branches above. */
  #groupOfLeaves(from: number): Uint8Array {
    const items: Uint8Array[] = new Array(17);
    for (let k = 0; k < 16; k++) items[k] = this.#leafReference(from + k);
    items[16] = BRANCH_WITHOUT_VALUE;
    return reference(encodeRlpListOfEncoded(items));
  }

  /** The branch over groups of 16 [first, first + 16). */
  #groupOfGroups(first: number): Uint8Array {
    const items: Uint8Array[] = new Array(17);
    for (let k = 0; k < 16; k++) items[k] = this.#sixteens[first + k] as Uint8Array;
    items[16] = BRANCH_WITHOUT_VALUE;
    return reference(encodeRlpListOfEncoded(items));
  }
}
