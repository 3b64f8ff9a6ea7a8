/**
 * Mach's in-memory Merkle-Patricia trie with an incremental root.
 *
 * `put`/`delete` mutate the node tree in place and clear the cached refs on the path they walk; `root()` rehashes
 * only those dirty paths (see node.ts). Keys have a fixed length (32 bytes by default: the secure-trie keys
 * keccak(address) and keccak(slot) that the caller computes). Values are the leaf payloads as bytes (an account's
 * RLP, a storage value's RLP) and are kept by reference: callers must not mutate them afterwards.
 */
import {
  BRANCH,
  BranchNode,
  BYTES_CODEC,
  EXTENSION,
  ExtensionNode,
  encodeNode,
  LEAF,
  type LeafCodec,
  LeafNode,
  nibbleAt,
  rootHashOf,
  type TrieNode,
} from "./node.ts";

const EMPTY_ROOT = Uint8Array.from([
  0x56, 0xe8, 0x1f, 0x17, 0x1b, 0xcc, 0x55, 0xa6, 0xff, 0x83, 0x45, 0xe6, 0x92, 0xc0, 0xf8, 0x6e, 0x5b, 0x48, 0xe0,
  0x1b, 0x99, 0x6c, 0xad, 0xc0, 0x01, 0x62, 0x2f, 0xb5, 0xe3, 0x63, 0xb4, 0x21,
]);

const BYTES_CODEC_ANY: unknown = BYTES_CODEC;

export class MerkleTrie<V = Uint8Array> {
  #root: TrieNode | null = null;
  /** The cached root hash; null after any change. */
  #rootHash: Uint8Array | null = null;
  #size = 0;
  /** Set by #insert/#remove when the operation changed the trie (parents then mark the child's slot dirty). */
  #changed = false;
  readonly #keyLength: number;
  readonly #keyNibbles: number;
  readonly #codec: LeafCodec<V>;

  /** `codec` encodes leaf values (default: values are the bytes themselves). */
  constructor(keyLength = 32, codec: LeafCodec<V> = BYTES_CODEC as unknown as LeafCodec<V>) {
    this.#keyLength = keyLength;
    this.#keyNibbles = keyLength * 2;
    this.#codec = codec;
  }

  /**
   * Replaces the whole content with `entries` in one pass (snapshot restore, genesis, first commit): the keys are
   * sorted and the tree is built bottom-up in key order, so nodes are allocated (and later hashed) in the order they
   * are visited instead of through a million random-path inserts. Keys must be distinct.
   */
  load(entries: readonly (readonly [Uint8Array, V])[]): void {
    for (const [key] of entries) this.#checkKey(key);
    const count = entries.length;
    // Sort indices by the first 6 key bytes as a number, ties by the full key.
    const prefix = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const k = entries[i]![0];
      prefix[i] = ((k[0]! * 256 + k[1]!) * 256 + k[2]!) * 2 ** 24 + ((k[3]! << 16) | (k[4]! << 8) | k[5]!);
    }
    const order = new Uint32Array(count);
    for (let i = 0; i < count; i++) order[i] = i;
    order.sort((a, b) => prefix[a]! - prefix[b]! || compareKeys(entries[a]![0], entries[b]![0]));
    const keys: Uint8Array[] = new Array(count);
    const values: V[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const entry = entries[order[i]!]!;
      keys[i] = entry[0];
      values[i] = entry[1];
      if (i > 0 && compareKeys(keys[i - 1]!, entry[0]) === 0) throw new RangeError("duplicate key in MerkleTrie.load");
    }
    this.#root = count === 0 ? null : this.#build(keys, values, 0, count, 0);
    this.#size = count;
    this.#rootHash = null;
  }

  /** The subtree of sorted keys [lo, hi), which share their first `depth` nibbles. */
  #build(keys: Uint8Array[], values: V[], lo: number, hi: number, depth: number): TrieNode {
    if (hi - lo === 1) return new LeafNode(keys[lo]!, depth, values[lo]);
    // The range's common prefix is the first and last keys' (they are sorted).
    const first = keys[lo]!;
    const last = keys[hi - 1]!;
    let common = depth;
    while (nibbleAt(first, common) === nibbleAt(last, common)) common++;
    if (common > depth) {
      const path = new Uint8Array(common - depth);
      for (let j = 0; j < path.length; j++) path[j] = nibbleAt(first, depth + j);
      return new ExtensionNode(path, this.#build(keys, values, lo, hi, common));
    }
    const branch = new BranchNode();
    let mask = 0;
    let start = lo;
    while (start < hi) {
      const nibble = nibbleAt(keys[start]!, depth);
      let end = start + 1;
      while (end < hi && nibbleAt(keys[end]!, depth) === nibble) end++;
      branch.children[nibble] = this.#build(keys, values, start, end, depth + 1);
      mask |= 1 << nibble;
      start = end;
    }
    branch.dirtyMask = mask;
    return branch;
  }

  /** Number of keys held. */
  get size(): number {
    return this.#size;
  }

  /** Sets `key` to `value` (whose encoding must be non-empty). */
  put(key: Uint8Array, value: V): void {
    this.#checkKey(key);
    // Only raw bytes can be empty; the state codecs always encode to ≥ 1 byte (and measuring them costs a bigint
    // conversion per put).
    if (this.#codec === BYTES_CODEC_ANY && (value as Uint8Array).length === 0) {
      throw new RangeError("trie values must be non-empty; use delete()");
    }
    this.#changed = false;
    this.#root = this.#insert(this.#root, key, 0, value);
    if (this.#changed) this.#rootHash = null;
  }

  /** Removes `key`; a no-op when absent. */
  delete(key: Uint8Array): void {
    this.#checkKey(key);
    if (this.#root === null) return;
    this.#changed = false;
    this.#root = this.#remove(this.#root, key, 0);
    if (this.#changed) this.#rootHash = null;
  }

  get(key: Uint8Array): V | undefined {
    this.#checkKey(key);
    let node = this.#root;
    let depth = 0;
    while (node !== null) {
      if (node.kind === LEAF) return sameKey(node.key, key) ? (node.value as V) : undefined;
      if (node.kind === EXTENSION) {
        const path = node.path;
        for (let i = 0; i < path.length; i++) if (path[i] !== nibbleAt(key, depth + i)) return undefined;
        depth += path.length;
        node = node.child;
      } else {
        node = node.children[nibbleAt(key, depth)] ?? null;
        depth++;
      }
    }
    return undefined;
  }

  /** The root hash (32 bytes; do not mutate), rehashing only what changed since the last call. */
  root(): Uint8Array {
    if (this.#root === null) return EMPTY_ROOT;
    this.#rootHash ??= rootHashOf(this.#root, this.#keyNibbles, this.#codec as LeafCodec<never>);
    return this.#rootHash;
  }

  /**
   * The Merkle proof for `key` at the current root: the RLP of each node from the root down the key's path, as
   * eth_getProof returns it (embedded nodes travel inside their parent; empty for an empty trie, as geth). Proves
   * absence when the key is missing.
   */
  proof(key: Uint8Array): Uint8Array[] {
    this.#checkKey(key);
    if (this.#root === null) return [];
    const proof: Uint8Array[] = [];
    let node: TrieNode | null = this.#root;
    let depth = 0;
    while (node !== null) {
      const encoded = encodeNode(node, this.#keyNibbles, this.#codec as LeafCodec<never>);
      if (node === this.#root || encoded.length >= 32) proof.push(encoded);
      if (node.kind === LEAF) break;
      if (node.kind === EXTENSION) {
        const path = node.path;
        let matches = true;
        for (let i = 0; i < path.length; i++) {
          if (path[i] !== nibbleAt(key, depth + i)) {
            matches = false;
            break;
          }
        }
        if (!matches) break;
        depth += path.length;
        node = node.child;
      } else {
        node = node.children[nibbleAt(key, depth)] ?? null;
        depth++;
      }
    }
    return proof;
  }

  /** Visits every (key, value) pair in key order. */
  *entries(): Generator<[Uint8Array, V]> {
    const stack: TrieNode[] = this.#root === null ? [] : [this.#root];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node.kind === LEAF) yield [node.key, node.value as V];
      else if (node.kind === EXTENSION) stack.push(node.child);
      else {
        for (let i = 15; i >= 0; i--) {
          const child = node.children[i];
          if (child) stack.push(child);
        }
      }
    }
  }

  /**
   * One multiproof for many keys at the current root: every node on any of the keys' paths (present or absent keys
   * alike), each once, in depth-first order (embedded nodes travel inside their parent). What `proof` gives per key,
   * without encoding the shared upper nodes again for every key.
   */
  multiproof(keys: readonly Uint8Array[]): Uint8Array[] {
    for (const key of keys) this.#checkKey(key);
    if (this.#root === null || keys.length === 0) return [];
    const sorted = [...keys].sort(compareKeys);
    const out: Uint8Array[] = [];
    this.#collect(this.#root, true, 0, sorted, 0, sorted.length, out);
    return out;
  }

  /** Adds `node` and what the sorted keys [lo, hi) (which all reach it, at `depth`) pass through below it. */
  #collect(
    node: TrieNode,
    isRoot: boolean,
    depth: number,
    keys: readonly Uint8Array[],
    lo: number,
    hi: number,
    out: Uint8Array[],
  ): void {
    const encoded = encodeNode(node, this.#keyNibbles, this.#codec as LeafCodec<never>);
    if (isRoot || encoded.length >= 32) out.push(encoded);
    if (node.kind === LEAF) return;
    if (node.kind === EXTENSION) {
      const path = node.path;
      // Keys sharing a prefix are contiguous in sorted order.
      let start = lo;
      while (start < hi && !followsPath(keys[start]!, path, depth)) start++;
      let end = start;
      while (end < hi && followsPath(keys[end]!, path, depth)) end++;
      if (start < end) this.#collect(node.child, false, depth + path.length, keys, start, end, out);
      return;
    }
    let start = lo;
    while (start < hi) {
      const nibble = nibbleAt(keys[start]!, depth);
      let end = start + 1;
      while (end < hi && nibbleAt(keys[end]!, depth) === nibble) end++;
      const child = node.children[nibble];
      if (child != null) this.#collect(child, false, depth + 1, keys, start, end, out);
      start = end;
    }
  }

  #checkKey(key: Uint8Array): void {
    if (key.length !== this.#keyLength) {
      throw new RangeError(`trie key must be ${this.#keyLength} bytes, got ${key.length}`);
    }
  }

  #insert(node: TrieNode | null, key: Uint8Array, depth: number, value: V): TrieNode {
    if (node === null) {
      this.#size++;
      this.#changed = true;
      return new LeafNode(key, depth, value);
    }
    if (node.kind === BRANCH) {
      const index = nibbleAt(key, depth);
      const child = node.children[index] ?? null;
      const updated = this.#insert(child, key, depth + 1, value);
      if (updated !== child) node.children[index] = updated;
      if (this.#changed) node.dirtyMask |= 1 << index;
      return node;
    }
    if (node.kind === LEAF) {
      const existing = node.key;
      if (sameKey(existing, key)) {
        if (!this.#codec.equals(node.value as V, value)) {
          node.value = value;
          this.#changed = true;
        }
        return node;
      }
      // First differing nibble at or after `depth`: compare whole bytes, then the nibbles of the differing byte.
      let b = depth >> 1;
      while (existing[b] === key[b]) b++;
      let i = b << 1;
      if (i < depth || nibbleAt(existing, i) === nibbleAt(key, i)) i++;
      // Split: a branch at nibble i holding the old leaf and the new one, behind an extension if i > depth.
      this.#size++;
      this.#changed = true;
      const branch = new BranchNode();
      const oldIndex = nibbleAt(existing, i);
      const newIndex = nibbleAt(key, i);
      node.depth = i + 1;
      branch.children[oldIndex] = node;
      branch.children[newIndex] = new LeafNode(key, i + 1, value);
      branch.dirtyMask = (1 << oldIndex) | (1 << newIndex);
      if (i === depth) return branch;
      const path = new Uint8Array(i - depth);
      for (let j = 0; j < path.length; j++) path[j] = nibbleAt(key, depth + j);
      return new ExtensionNode(path, branch);
    }
    // Extension.
    const path = node.path;
    let j = 0;
    while (j < path.length && path[j] === nibbleAt(key, depth + j)) j++;
    if (j === path.length) {
      const child = node.child;
      const updated = this.#insert(child, key, depth + j, value);
      if (updated !== child) node.child = updated;
      if (this.#changed) node.childDirty = true;
      return node;
    }
    // Diverges inside the extension at j: a branch there; the extension's remainder hangs below it.
    this.#size++;
    this.#changed = true;
    const branch = new BranchNode();
    const oldIndex = path[j]!;
    const newIndex = nibbleAt(key, depth + j);
    if (path.length - j - 1 === 0) {
      branch.children[oldIndex] = node.child;
    } else {
      const rest = new ExtensionNode(path.slice(j + 1), node.child);
      rest.childRef = node.childRef;
      rest.childDirty = node.childDirty;
      branch.children[oldIndex] = rest;
    }
    branch.children[newIndex] = new LeafNode(key, depth + j + 1, value);
    branch.dirtyMask = (1 << oldIndex) | (1 << newIndex);
    if (j === 0) return branch;
    return new ExtensionNode(path.slice(0, j), branch);
  }

  #remove(node: TrieNode, key: Uint8Array, depth: number): TrieNode | null {
    if (node.kind === LEAF) {
      if (!sameKey(node.key, key)) return node;
      this.#size--;
      this.#changed = true;
      return null;
    }
    if (node.kind === EXTENSION) {
      const path = node.path;
      for (let i = 0; i < path.length; i++) if (path[i] !== nibbleAt(key, depth + i)) return node;
      const child = node.child;
      const updated = this.#remove(child, key, depth + path.length);
      if (!this.#changed) return node;
      // The child was a branch; after a removal it is a branch, or collapsed into a leaf or an extension.
      if (updated === null) return null; // unreachable in a well-formed trie (a branch has ≥ 2 children)
      if (updated.kind === BRANCH) {
        node.child = updated;
        node.childDirty = true;
        return node;
      }
      return joinPath(path, updated, depth);
    }
    const index = nibbleAt(key, depth);
    const child = node.children[index];
    if (!child) return node;
    const updated = this.#remove(child, key, depth + 1);
    if (!this.#changed) return node;
    const bit = 1 << index;
    node.children[index] = updated;
    if (updated !== null) {
      node.dirtyMask |= bit;
      return node;
    }
    node.dirtyMask &= ~bit;
    node.embeddedMask &= ~bit;
    if (node.embedded) node.embedded[index] = null;
    // A child disappeared: a branch left with one child collapses into its parent's path.
    let only = -1;
    for (let i = 0; i < 16; i++) {
      if (node.children[i]) {
        if (only >= 0) return node;
        only = i;
      }
    }
    const remaining = node.children[only]!;
    if (remaining.kind === BRANCH) {
      const extension = new ExtensionNode(Uint8Array.of(only), remaining);
      if (((node.dirtyMask >> only) & 1) === 0) {
        // Reuse the remaining branch's cached reference.
        extension.childRef =
          (node.embeddedMask >> only) & 1 ? node.embedded![only]! : node.hashes!.slice(only << 5, (only << 5) + 32);
        extension.childDirty = false;
      }
      return extension;
    }
    return joinPath(Uint8Array.of(only), remaining, depth);
  }
}

/**
 * A leaf or extension reached through `prefix` (nibbles starting at `depth`) becomes one node: a leaf absorbs the
 * prefix, an extension concatenates it. The caller marks the result dirty in its parent.
 */
function joinPath(prefix: Uint8Array, node: LeafNode | ExtensionNode, depth: number): TrieNode {
  if (node.kind === LEAF) {
    node.depth = depth;
    return node;
  }
  const path = new Uint8Array(prefix.length + node.path.length);
  path.set(prefix);
  path.set(node.path, prefix.length);
  const joined = new ExtensionNode(path, node.child);
  joined.childRef = node.childRef;
  joined.childDirty = node.childDirty;
  return joined;
}

function followsPath(key: Uint8Array, path: Uint8Array, depth: number): boolean {
  for (let i = 0; i < path.length; i++) if (path[i] !== nibbleAt(key, depth + i)) return false;
  return true;
}

function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  for (let i = a.length - 1; i >= 0; i--) if (a[i] !== b[i]) return false;
  return true;
}

function compareKeys(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return 0;
}
