/**
 * Merkle-Patricia trie nodes held in RAM, and their canonical RLP encoding.
 *
 * A branch keeps its own RLP encoding (`enc`), kept current in place: a changed child's new hash is written over
 * the 32 bytes of its slot, and the branch is hashed straight from that buffer, so a branch is never re-encoded
 * unless its layout changes (a child appears or disappears, or an embedded child's length changes). An extension
 * keeps its child's reference (`childRef`). So each node's reference (the keccak256 of its RLP, or the RLP itself
 * when shorter than 32 bytes: an embedded node) is cached in its PARENT; leaves carry no hash at all.
 *
 * A node whose reference must be recomputed is "pending" (`mark`), and so is every ancestor of it; a branch's
 * `dirtyMask` / an extension's `childDirty` say which child references to replace. Nodes know their parent, so a
 * leaf's owner can update it through a handle and mark its ancestors without walking down from the root. `rehash.ts` processes the
 * pending nodes deepest first and hashes each depth's nodes as one batch (in parallel, see keccakBatch.ts).
 *
 * Keys have a fixed length (32 bytes for secure tries), so values live only in leaves, never in branches. A leaf keeps
 * where its full key is in the trie's key arena and the nibble depth at which its remaining path starts: keys are
 * never copied into nibble arrays.
 */

import { rlpHeaderLength, writeRlpHeader } from "../../chain/rlp.ts";

export const LEAF = 0;
export const EXTENSION = 1;
export const BRANCH = 2;

/**
 * `mark` values: a clean node's reference is cached in its parent; a pending one is in the trie's pending list (a new
 * node is listed as soon as it is made).
 */
export const CLEAN = 0;
export const PENDING = 1;
/** Taken out of the trie (a removed leaf, a collapsed branch, a replaced extension): `rehash` skips it. */
export const DROPPED = 2;
/** After `rehash` processed it: `HASHED + j` = its digest is job j of the batch; `-1 - i` = embedded reference i. */
export const HASHED = 3;

/**
 * How a trie writes its leaf values. Values stay JS values (an account record, a bigint) and are encoded straight
 * into the node's encoding when hashed: a retained Uint8Array per value costs an off-heap allocation (~2.5 µs for an
 * account leaf) and old-generation garbage on every update.
 */
export interface LeafCodec<V> {
  /** Byte length of the value's encoding (≥ 1). */
  encodedLength(value: V): number;
  /** Writes exactly `encodedLength(value)` bytes at `offset`. */
  write(value: V, out: Uint8Array, offset: number): void;
  /** Same encoding (an unchanged value leaves the trie clean). */
  equals(a: V, b: V): boolean;
}

export const BYTES_CODEC: LeafCodec<Uint8Array> = {
  encodedLength: (value) => value.length,
  write: (value, out, offset) => out.set(value, offset),
  equals: (a, b) => {
    if (a === b) return true;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  },
};

export class LeafNode {
  readonly kind = LEAF;
  /** Offset of the full key in the trie's key arena (keyArena.ts). */
  readonly keyAt: number;
  /** Nibble index in the key where this leaf's remaining path starts. */
  depth: number;
  value: unknown;
  mark: number = CLEAN;
  parent: ParentNode | null = null;
  /** Index in the parent branch's children. */
  slot = 0;
  constructor(keyAt: number, depth: number, value: unknown) {
    this.keyAt = keyAt;
    this.depth = depth;
    this.value = value;
  }
}

export class ExtensionNode {
  readonly kind = EXTENSION;
  /** Shared path, one nibble per byte, length ≥ 1. */
  path: Uint8Array;
  /** Always a branch. */
  child: TrieNode;
  /** The child's reference: a 32-byte hash, or its RLP when embedded. Valid when `childDirty` is false. */
  childRef: Uint8Array | null = null;
  childDirty = true;
  mark: number = CLEAN;
  parent: ParentNode | null = null;
  /** Index in the parent branch's children. */
  slot = 0;
  constructor(path: Uint8Array, child: TrieNode) {
    this.path = path;
    this.child = child;
    child.parent = this;
  }
}

/** Where a branch's payload starts in `enc`: room for the longest list header (3 bytes: payload < 65536). */
export const BRANCH_PAYLOAD = 3;

export class BranchNode {
  readonly kind = BRANCH;
  /** The nibble index this branch splits on (fixed for the node's life: it is its keys' common prefix length). */
  readonly depth: number;
  readonly children: (TrieNode | null)[] = [
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
  ];
  /** Children whose reference must be recomputed (bit i = child i). */
  dirtyMask = 0;
  mark: number = CLEAN;
  parent: ParentNode | null = null;
  /** Index in the parent branch's children. */
  slot = 0;
  /** A child appeared or disappeared since `enc` was laid out (slot offsets moved). */
  layoutStale = true;
  /**
   * The branch's RLP: the header ends at BRANCH_PAYLOAD, the payload (16 child slots, then 0x80) follows. Valid for
   * the children present at the last rehash (`encMask`) except the slots in `dirtyMask`. Null before the first.
   */
  enc: Uint8Array | null = null;
  /** The shared chunk `enc` is a view of (encArena.ts), or -1 for a plain array. */
  encChunk = -1;
  /** `enc`'s offset in that chunk (kept here: reading it from the view costs a cache miss per child hashed). */
  encAt = 0;
  /** Payload length of `enc` (the RLP is [BRANCH_PAYLOAD - header, BRANCH_PAYLOAD + payloadLength)). */
  payloadLength = 0;
  /** Children present (hashed or embedded) when `enc` was laid out. */
  encMask = 0;
  /** Of those, the embedded ones (their slots are not 33 bytes, so offsets cannot be computed from `encMask`). */
  embeddedMask = 0;
  constructor(depth: number) {
    this.depth = depth;
  }
}

export type TrieNode = LeafNode | ExtensionNode | BranchNode;
export type ParentNode = ExtensionNode | BranchNode;

/** Puts `child` in slot `index` of `branch` (and records the parent). */
export function setChild(branch: BranchNode, index: number, child: TrieNode): void {
  if (branch.children[index] === null) branch.layoutStale = true;
  branch.children[index] = child;
  child.parent = branch;
  child.slot = index;
}

/** Nibble `i` of `key` (high nibble first). */
export function nibbleAt(key: Uint8Array, i: number): number {
  const byte = key[i >> 1]!;
  return (i & 1) === 0 ? byte >> 4 : byte & 15;
}

/** The nibble depth at which `node`'s own path starts (what `rehash` orders nodes by: children are deeper). */
export function depthOf(node: TrieNode): number {
  return node.kind === EXTENSION ? (node.child as BranchNode).depth - node.path.length : node.depth;
}

/**
 * Writes the hex-prefix encoding of nibbles [from, to) as an RLP string; returns the bytes written. `packed`: the
 * nibbles are a key's bytes (two per byte); otherwise one nibble per byte. `flag` is 2 for leaves, 0 for extensions.
 */
function writeCompactPath(
  out: Uint8Array,
  offset: number,
  nibbles: Uint8Array,
  packed: boolean,
  from: number,
  to: number,
  flag: number,
): number {
  const count = to - from;
  const compactLength = 1 + (count >> 1);
  let o = offset;
  if (compactLength > 1) out[o++] = 0x80 + compactLength; // ≤ 33 bytes: a short string
  let i = from;
  if ((count & 1) === 1) {
    out[o++] = ((flag + 1) << 4) | (packed ? nibbleAt(nibbles, i) : nibbles[i]!);
    i++;
  } else {
    out[o++] = flag << 4;
  }
  if (packed && (i & 1) === 0) {
    for (let b = i >> 1, end = to >> 1; b < end; b++) out[o++] = nibbles[b]!;
  } else {
    for (; i < to; i += 2) {
      const hi = packed ? nibbleAt(nibbles, i) : nibbles[i]!;
      const lo = packed ? nibbleAt(nibbles, i + 1) : nibbles[i + 1]!;
      out[o++] = (hi << 4) | lo;
    }
  }
  return o - offset;
}

function compactPathLength(count: number): number {
  const compactLength = 1 + (count >> 1);
  return compactLength > 1 ? compactLength + 1 : 1;
}

const oneByte = new Uint8Array(1);
// Set by leafEncodedLength for the writeLeaf that follows (the codec measures a value once).
let leafValueLength = 0;
let leafValueSingle = false;

/** Byte length of `leaf`'s RLP; must be followed by `writeLeaf` of the same leaf. */
export function leafEncodedLength(leaf: LeafNode, keyNibbles: number, codec: LeafCodec<never>): number {
  const valueLength = codec.encodedLength(leaf.value as never);
  let single = false;
  if (valueLength === 1) {
    codec.write(leaf.value as never, oneByte, 0);
    single = oneByte[0]! < 0x80;
  }
  leafValueLength = valueLength;
  leafValueSingle = single;
  const payload =
    compactPathLength(keyNibbles - leaf.depth) + (single ? 0 : rlpHeaderLength(valueLength)) + valueLength;
  return rlpHeaderLength(payload) + payload;
}

/** Writes the RLP of the leaf just measured by `leafEncodedLength` at `offset`; `keys`: the trie's key arena bytes. */
export function writeLeaf(
  leaf: LeafNode,
  keys: Uint8Array,
  keyNibbles: number,
  codec: LeafCodec<never>,
  out: Uint8Array,
  offset: number,
): void {
  const valueLength = leafValueLength;
  const single = leafValueSingle;
  const payload =
    compactPathLength(keyNibbles - leaf.depth) + (single ? 0 : rlpHeaderLength(valueLength)) + valueLength;
  let o = writeRlpHeader(out, offset, payload, 0xc0);
  // In nibbles of the arena, the key starts at 2 keyAt (even: nibble parity is the key's own).
  const start = 2 * leaf.keyAt;
  o += writeCompactPath(out, o, keys, true, start + leaf.depth, start + keyNibbles, 2);
  if (!single) o = writeRlpHeader(out, o, valueLength, 0x80);
  codec.write(leaf.value as never, out, o);
}

/** Byte length of an extension's RLP given its child's reference. */
export function extensionEncodedLength(node: ExtensionNode, childRef: Uint8Array): number {
  const payload = compactPathLength(node.path.length) + (childRef.length === 32 ? 33 : childRef.length);
  return rlpHeaderLength(payload) + payload;
}

export function writeExtension(node: ExtensionNode, childRef: Uint8Array, out: Uint8Array, offset: number): void {
  const refLength = childRef.length === 32 ? 33 : childRef.length;
  const payload = compactPathLength(node.path.length) + refLength;
  let o = writeRlpHeader(out, offset, payload, 0xc0);
  o += writeCompactPath(out, o, node.path, false, 0, node.path.length, 0);
  if (childRef.length === 32) out[o++] = 0xa0;
  out.set(childRef, o);
}

/** Offset in `node.enc` of child `index`'s slot, when no child is embedded (every present slot is 33 bytes). */
export function branchSlotOffset(encMask: number, index: number): number {
  let below = encMask & ((1 << index) - 1);
  below -= (below >> 1) & 0x5555;
  below = (below & 0x3333) + ((below >> 2) & 0x3333);
  below = (below + (below >> 4)) & 0x0f0f;
  below = (below + (below >> 8)) & 0x1f;
  return BRANCH_PAYLOAD + index + 32 * below;
}

/** Start offsets of the 16 child slots in `enc` (any layout), parsed from the encoding itself. */
export function parseBranchSlots(enc: Uint8Array, starts: Int32Array): void {
  let o = BRANCH_PAYLOAD;
  for (let i = 0; i < 16; i++) {
    starts[i] = o;
    const b = enc[o]!;
    // 0x80: empty; 0xa0: a 32-byte hash; 0xc0 + n: an embedded node (a short list of n bytes).
    o += b === 0x80 ? 1 : b === 0xa0 ? 33 : 1 + b - 0xc0;
  }
}

/** The node's RLP as a new array (its references must be current: the trie has no pending nodes). */
export function encodeNode(node: TrieNode, keys: Uint8Array, keyNibbles: number, codec: LeafCodec<never>): Uint8Array {
  if (node.kind === LEAF) {
    const out = new Uint8Array(leafEncodedLength(node, keyNibbles, codec));
    writeLeaf(node, keys, keyNibbles, codec, out, 0);
    return out;
  }
  if (node.kind === EXTENSION) {
    const out = new Uint8Array(extensionEncodedLength(node, node.childRef!));
    writeExtension(node, node.childRef!, out, 0);
    return out;
  }
  return node.enc!.slice(branchEncodingStart(node), BRANCH_PAYLOAD + node.payloadLength);
}

/** Where `node`'s RLP starts in `node.enc` (its header is right-aligned against the payload). */
export function branchEncodingStart(node: BranchNode): number {
  return BRANCH_PAYLOAD - rlpHeaderLength(node.payloadLength);
}
