/**
 * Mach's in-memory Merkle-Patricia trie with an incremental root.
 *
 * `put`/`delete` mutate the node tree in place and list the nodes on the path they walk as pending (`setLeafValue`
 * does the same from a leaf handle, upwards); `root()` rehashes only those, one depth at a time in batches shared
 * with a hashing worker (rehash.ts, keccakBatch.ts; node.ts says what is cached where). Keys have a fixed length
 * (32 bytes by default: the secure-trie keys keccak(address) and keccak(slot) that the caller computes) and are
 * copied into the trie's key arena. Values are the leaf payloads (bytes by default, or what the codec encodes: an
 * account record, a storage value) and are kept by reference: callers must not mutate them afterwards.
 */
import { EncArena } from "./encArena.ts";
import { trieKeccakBatch } from "./keccakBatch.ts";
import { KeyArena } from "./keyArena.ts";
import {
  BRANCH,
  BranchNode,
  BYTES_CODEC,
  CLEAN,
  DROPPED,
  depthOf,
  EXTENSION,
  ExtensionNode,
  encodeNode,
  LEAF,
  type LeafCodec,
  LeafNode,
  nibbleAt,
  PENDING,
  setChild,
  type TrieNode,
} from "./node.ts";
import { PendingNodes } from "./pending.ts";
import { cachedChildRef, rehash } from "./rehash.ts";

const EMPTY_ROOT = Uint8Array.from([
  0x56, 0xe8, 0x1f, 0x17, 0x1b, 0xcc, 0x55, 0xa6, 0xff, 0x83, 0x45, 0xe6, 0x92, 0xc0, 0xf8, 0x6e, 0x5b, 0x48, 0xe0,
  0x1b, 0x99, 0x6c, 0xad, 0xc0, 0x01, 0x62, 0x2f, 0xb5, 0xe3, 0x63, 0xb4, 0x21,
]);

const BYTES_CODEC_ANY: unknown = BYTES_CODEC;

/** From this many keys a trie keeps its branch encodings in shared memory (encArena.ts). */
export const DEFAULT_SHARED_ENCODING_MIN_KEYS = 4096;

export interface MerkleTrieOptions {
  /** Keys from which branch encodings move to shared memory, where hashing workers read them in place. */
  readonly sharedEncodingMinKeys?: number;
}

/**
 * A handle on the leaf holding one key: its owner can change the key's value through it (`setLeafValue`) without
 * hashing the key or walking down from the root. Valid until the key is deleted or the trie is reloaded. Opaque.
 */
export interface TrieLeaf {
  readonly keyAt: number;
}

export class MerkleTrie<V = Uint8Array> {
  #root: TrieNode | null = null;
  /** The cached root hash; null after any change. */
  #rootHash: Uint8Array | null = null;
  /** Nodes whose reference must be recomputed (see node.ts `mark`). */
  readonly #pending = new PendingNodes();
  /** The leaves' keys. */
  readonly #keys: KeyArena;
  #size = 0;
  /** Set by #insert/#remove when the operation changed the trie (parents then mark the child's slot dirty). */
  #changed = false;
  /** The leaf #insert last created or updated (for `putLeaf`). */
  #leaf: LeafNode | null = null;
  readonly #keyLength: number;
  readonly #keyNibbles: number;
  readonly #codec: LeafCodec<V>;
  readonly #sharedEncodingMinKeys: number;
  /** Branch encodings in shared memory, once the trie is large. */
  #encArena: EncArena | null = null;

  /** `codec` encodes leaf values (default: values are the bytes themselves). */
  constructor(
    keyLength = 32,
    codec: LeafCodec<V> = BYTES_CODEC as unknown as LeafCodec<V>,
    options: MerkleTrieOptions = {},
  ) {
    this.#keyLength = keyLength;
    this.#keyNibbles = keyLength * 2;
    this.#codec = codec;
    this.#keys = new KeyArena(keyLength);
    this.#sharedEncodingMinKeys = options.sharedEncodingMinKeys ?? DEFAULT_SHARED_ENCODING_MIN_KEYS;
  }

  /**
   * Replaces the whole content with `entries` in one pass (snapshot restore, genesis, first commit): the keys are
   * sorted and the tree is built bottom-up in key order, so nodes are allocated (and later hashed) in the order they
   * are visited instead of through a million random-path inserts. Keys must be distinct. Returns the leaf handles,
   * in the order of `entries`.
   */
  load(entries: readonly (readonly [Uint8Array, V])[]): TrieLeaf[] {
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
    this.#discardPending();
    this.#keys.reset(count);
    // The old branches go: so do their shared encodings.
    this.#encArena?.releaseAll();
    const sortedLeaves: LeafNode[] = new Array(count);
    this.#root = count === 0 ? null : this.#build(keys, values, sortedLeaves, 0, count, 0);
    if (this.#root !== null) this.#root.parent = null;
    this.#size = count;
    this.#rootHash = null;
    const leaves: TrieLeaf[] = new Array(count);
    for (let i = 0; i < count; i++) leaves[order[i]!] = sortedLeaves[i]!;
    return leaves;
  }

  /** The subtree of sorted keys [lo, hi), which share their first `depth` nibbles. */
  #build(keys: Uint8Array[], values: V[], leaves: LeafNode[], lo: number, hi: number, depth: number): TrieNode {
    if (hi - lo === 1) {
      const leaf = this.#newLeaf(keys[lo]!, depth, values[lo]);
      leaves[lo] = leaf;
      return leaf;
    }
    // The range's common prefix is the first and last keys' (they are sorted).
    const first = keys[lo]!;
    const last = keys[hi - 1]!;
    let common = depth;
    while (nibbleAt(first, common) === nibbleAt(last, common)) common++;
    if (common > depth) {
      const path = new Uint8Array(common - depth);
      for (let j = 0; j < path.length; j++) path[j] = nibbleAt(first, depth + j);
      return this.#newExtension(path, this.#build(keys, values, leaves, lo, hi, common));
    }
    const branch = this.#newBranch(depth);
    let mask = 0;
    let start = lo;
    while (start < hi) {
      const nibble = nibbleAt(keys[start]!, depth);
      let end = start + 1;
      while (end < hi && nibbleAt(keys[end]!, depth) === nibble) end++;
      setChild(branch, nibble, this.#build(keys, values, leaves, start, end, depth + 1));
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
    const root = this.#insert(this.#root, key, 0, value);
    root.parent = null;
    this.#root = root;
    if (this.#changed) this.#rootHash = null;
  }

  /** `put`, returning the handle of the leaf that now holds `key`. */
  putLeaf(key: Uint8Array, value: V): TrieLeaf {
    this.put(key, value);
    const leaf = this.#leaf!;
    this.#leaf = null;
    return leaf;
  }

  /**
   * Sets the value of the key `leaf` holds, like `put(key, value)` but without walking down from the root: the
   * leaf and its ancestors are marked through the parent links (even for a value equal to the old one, unless it is
   * the same object). The leaf must be this trie's and still hold its key.
   */
  setLeafValue(leaf: TrieLeaf, value: V): void {
    const node = leaf as LeafNode;
    if (node.mark === DROPPED) throw new RangeError("the leaf's key was deleted from the trie");
    // No comparison with the old value (reading it costs cache misses on every update; an equal one only costs a
    // rehash of the leaf's path).
    if (node.value === value) return;
    node.value = value;
    this.#rootHash = null;
    if (node.mark !== CLEAN) return; // pending: its ancestors already are
    const pending = this.#pending;
    pending.add(node, node.depth);
    let child: TrieNode = node;
    for (let parent = node.parent; parent !== null; parent = parent.parent) {
      if (parent.kind === BRANCH) parent.dirtyMask |= 1 << child.slot;
      else parent.childDirty = true;
      if (parent.mark !== CLEAN) return;
      pending.add(parent, depthOf(parent));
      child = parent;
    }
  }

  /** Removes `key`; a no-op when absent. */
  delete(key: Uint8Array): void {
    this.#checkKey(key);
    if (this.#root === null) return;
    this.#changed = false;
    const root = this.#remove(this.#root, key, 0);
    if (root !== null) root.parent = null;
    this.#root = root;
    if (this.#changed) this.#rootHash = null;
  }

  get(key: Uint8Array): V | undefined {
    this.#checkKey(key);
    let node = this.#root;
    let depth = 0;
    while (node !== null) {
      if (node.kind === LEAF) return this.#keys.equals(node.keyAt, key) ? (node.value as V) : undefined;
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
    if (this.#root === null) {
      this.#discardPending();
      return EMPTY_ROOT;
    }
    if (this.#rootHash === null || this.#pending.count > 0) {
      if (this.#encArena === null && this.#size >= this.#sharedEncodingMinKeys) this.#encArena = new EncArena(this);
      this.#rootHash = rehash(
        this.#pending,
        this.#root,
        this.#keys.bytes,
        this.#keyNibbles,
        this.#codec as LeafCodec<never>,
        trieKeccakBatch,
        this.#encArena,
      );
    }
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
    this.root();
    const proof: Uint8Array[] = [];
    let node: TrieNode | null = this.#root;
    let depth = 0;
    while (node !== null) {
      const encoded = encodeNode(node, this.#keys.bytes, this.#keyNibbles, this.#codec as LeafCodec<never>);
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

  /**
   * One multiproof for many keys at the current root: every node on any of the keys' paths (present or absent keys
   * alike), each once, in depth-first order (embedded nodes travel inside their parent). What `proof` gives per key,
   * without encoding the shared upper nodes again for every key.
   */
  multiproof(keys: readonly Uint8Array[]): Uint8Array[] {
    for (const key of keys) this.#checkKey(key);
    if (this.#root === null || keys.length === 0) return [];
    this.root();
    const sorted = [...keys].sort(compareKeys);
    const out: Uint8Array[] = [];
    this.#collect(this.#root, 0, sorted, 0, sorted.length, out);
    return out;
  }

  /** Adds `node` and what the sorted keys [lo, hi) (which all reach it, at `depth`) pass through below it. */
  #collect(
    node: TrieNode,
    depth: number,
    keys: readonly Uint8Array[],
    lo: number,
    hi: number,
    out: Uint8Array[],
  ): void {
    const encoded = encodeNode(node, this.#keys.bytes, this.#keyNibbles, this.#codec as LeafCodec<never>);
    if (node === this.#root || encoded.length >= 32) out.push(encoded);
    if (node.kind === LEAF) return;
    if (node.kind === EXTENSION) {
      const path = node.path;
      // Keys sharing a prefix are contiguous in sorted order.
      let start = lo;
      while (start < hi && !followsPath(keys[start]!, path, depth)) start++;
      let end = start;
      while (end < hi && followsPath(keys[end]!, path, depth)) end++;
      if (start < end) this.#collect(node.child, depth + path.length, keys, start, end, out);
      return;
    }
    let start = lo;
    while (start < hi) {
      const nibble = nibbleAt(keys[start]!, depth);
      let end = start + 1;
      while (end < hi && nibbleAt(keys[end]!, depth) === nibble) end++;
      const child = node.children[nibble];
      if (child != null) this.#collect(child, depth + 1, keys, start, end, out);
      start = end;
    }
  }

  /** Visits every (key, value) pair in key order. */
  *entries(): Generator<[Uint8Array, V]> {
    const stack: TrieNode[] = this.#root === null ? [] : [this.#root];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node.kind === LEAF) yield [this.#keys.copy(node.keyAt), node.value as V];
      else if (node.kind === EXTENSION) stack.push(node.child);
      else {
        for (let i = 15; i >= 0; i--) {
          const child = node.children[i];
          if (child) stack.push(child);
        }
      }
    }
  }

  #checkKey(key: Uint8Array): void {
    if (key.length !== this.#keyLength) {
      throw new RangeError(`trie key must be ${this.#keyLength} bytes, got ${key.length}`);
    }
  }

  // New nodes are listed pending at once; `#touch` lists a clean node.
  #newLeaf(key: Uint8Array, depth: number, value: unknown): LeafNode {
    const leaf = new LeafNode(this.#keys.add(key), depth, value);
    this.#pending.add(leaf, depth);
    return leaf;
  }

  #newBranch(depth: number): BranchNode {
    const branch = new BranchNode(depth);
    this.#pending.add(branch, depth);
    return branch;
  }

  #newExtension(path: Uint8Array, child: TrieNode): ExtensionNode {
    const extension = new ExtensionNode(path, child);
    this.#pending.add(extension, depthOf(extension));
    return extension;
  }

  #touch(node: TrieNode): void {
    this.#pending.add(node, depthOf(node));
  }

  /** Moves `leaf` to nibble depth `depth` (its path changes) and makes it pending there. */
  #setLeafDepth(leaf: LeafNode, depth: number): void {
    leaf.depth = depth;
    if (leaf.mark === PENDING) this.#pending.moved(leaf, depth);
    else this.#pending.add(leaf, depth);
  }

  /** A dropped branch's shared encoding goes back to the arena. */
  #dropEncoding(branch: BranchNode): void {
    if (branch.encChunk >= 0 && branch.enc !== null) this.#encArena!.free(branch.enc, branch.encChunk);
    branch.enc = null;
    branch.encChunk = -1;
  }

  /** Forgets pending work (the nodes it names were replaced or dropped). */
  #discardPending(): void {
    this.#pending.clear();
  }

  #insert(node: TrieNode | null, key: Uint8Array, depth: number, value: V): TrieNode {
    if (node === null) {
      this.#size++;
      this.#changed = true;
      const leaf = this.#newLeaf(key, depth, value);
      this.#leaf = leaf;
      return leaf;
    }
    if (node.kind === BRANCH) {
      const index = nibbleAt(key, depth);
      const child = node.children[index] ?? null;
      const updated = this.#insert(child, key, depth + 1, value);
      if (updated !== child) setChild(node, index, updated);
      if (this.#changed) {
        node.dirtyMask |= 1 << index;
        this.#touch(node);
      }
      return node;
    }
    if (node.kind === LEAF) {
      if (this.#keys.equals(node.keyAt, key)) {
        this.#leaf = node;
        if (!this.#codec.equals(node.value as V, value)) {
          node.value = value;
          this.#changed = true;
          this.#touch(node);
        }
        return node;
      }
      // First differing nibble at or after `depth`: compare whole bytes, then the nibbles of the differing byte.
      // `existing` is the arena; the leaf's key starts at byte `at` (nibble 2 at).
      const existing = this.#keys.bytes;
      const at = node.keyAt;
      let b = depth >> 1;
      while (existing[at + b] === key[b]) b++;
      let i = b << 1;
      if (i < depth || nibbleAt(existing, 2 * at + i) === nibbleAt(key, i)) i++;
      // Split: a branch at nibble i holding the old leaf and the new one, behind an extension if i > depth.
      this.#size++;
      this.#changed = true;
      const branch = this.#newBranch(i);
      const oldIndex = nibbleAt(existing, 2 * at + i);
      const newIndex = nibbleAt(key, i);
      this.#setLeafDepth(node, i + 1);
      setChild(branch, oldIndex, node);
      const leaf = this.#newLeaf(key, i + 1, value);
      this.#leaf = leaf;
      setChild(branch, newIndex, leaf);
      branch.dirtyMask = (1 << oldIndex) | (1 << newIndex);
      if (i === depth) return branch;
      const path = new Uint8Array(i - depth);
      for (let j = 0; j < path.length; j++) path[j] = nibbleAt(key, depth + j);
      return this.#newExtension(path, branch);
    }
    // Extension.
    const path = node.path;
    let j = 0;
    while (j < path.length && path[j] === nibbleAt(key, depth + j)) j++;
    if (j === path.length) {
      const child = node.child;
      const updated = this.#insert(child, key, depth + j, value);
      if (updated !== child) {
        node.child = updated;
        updated.parent = node;
      }
      if (this.#changed) {
        node.childDirty = true;
        this.#touch(node);
      }
      return node;
    }
    // Diverges inside the extension at j: a branch there; the extension's remainder hangs below it.
    this.#size++;
    this.#changed = true;
    const branch = this.#newBranch(depth + j);
    const oldIndex = path[j]!;
    const newIndex = nibbleAt(key, depth + j);
    if (path.length - j - 1 === 0) {
      // The child branch moves under the new branch, whose encoding does not hold its reference yet: rehash it.
      setChild(branch, oldIndex, node.child);
      this.#touch(node.child);
    } else {
      const rest = this.#newExtension(path.slice(j + 1), node.child);
      rest.childRef = node.childRef;
      rest.childDirty = node.childDirty;
      setChild(branch, oldIndex, rest);
    }
    const leaf = this.#newLeaf(key, depth + j + 1, value);
    this.#leaf = leaf;
    setChild(branch, newIndex, leaf);
    branch.dirtyMask = (1 << oldIndex) | (1 << newIndex);
    node.mark = DROPPED;
    if (j === 0) return branch;
    return this.#newExtension(path.slice(0, j), branch);
  }

  #remove(node: TrieNode, key: Uint8Array, depth: number): TrieNode | null {
    if (node.kind === LEAF) {
      if (!this.#keys.equals(node.keyAt, key)) return node;
      this.#size--;
      this.#changed = true;
      node.mark = DROPPED;
      this.#keys.release(node.keyAt);
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
        updated.parent = node;
        node.childDirty = true;
        this.#touch(node);
        return node;
      }
      node.mark = DROPPED;
      return this.#joinPath(path, updated, depth);
    }
    const index = nibbleAt(key, depth);
    const child = node.children[index];
    if (!child) return node;
    const updated = this.#remove(child, key, depth + 1);
    if (!this.#changed) return node;
    const bit = 1 << index;
    if (updated !== null) {
      setChild(node, index, updated);
      node.dirtyMask |= bit;
      this.#touch(node);
      return node;
    }
    node.children[index] = null;
    node.layoutStale = true;
    node.dirtyMask &= ~bit;
    // A child disappeared: a branch left with one child collapses into its parent's path.
    let only = -1;
    for (let i = 0; i < 16; i++) {
      if (node.children[i]) {
        if (only >= 0) {
          this.#touch(node);
          return node;
        }
        only = i;
      }
    }
    const remaining = node.children[only]!;
    node.mark = DROPPED;
    if (remaining.kind === BRANCH) {
      const extension = this.#newExtension(Uint8Array.of(only), remaining);
      if (((node.dirtyMask >> only) & 1) === 0) {
        // Reuse the remaining branch's reference, cached in the collapsing branch's encoding.
        extension.childRef = cachedChildRef(node, only);
        extension.childDirty = false;
      }
      this.#dropEncoding(node);
      return extension;
    }
    this.#dropEncoding(node);
    return this.#joinPath(Uint8Array.of(only), remaining, depth);
  }

  /**
   * A leaf or extension reached through `prefix` (nibbles starting at `depth`) becomes one node: a leaf absorbs the
   * prefix, an extension concatenates it. The caller marks the result dirty in its parent.
   */
  #joinPath(prefix: Uint8Array, node: LeafNode | ExtensionNode, depth: number): TrieNode {
    if (node.kind === LEAF) {
      this.#setLeafDepth(node, depth);
      return node;
    }
    const path = new Uint8Array(prefix.length + node.path.length);
    path.set(prefix);
    path.set(node.path, prefix.length);
    node.mark = DROPPED;
    const joined = this.#newExtension(path, node.child);
    joined.childRef = node.childRef;
    joined.childDirty = node.childDirty;
    return joined;
  }
}

function compareKeys(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return 0;
}

function followsPath(key: Uint8Array, path: Uint8Array, depth: number): boolean {
  for (let i = 0; i < path.length; i++) if (path[i] !== nibbleAt(key, depth + i)) return false;
  return true;
}
