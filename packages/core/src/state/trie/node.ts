/**
 * Merkle-Patricia trie nodes held in RAM, and their canonical RLP encoding.
 *
 * A node's reference (the keccak256 of its RLP, or the RLP itself when shorter than 32 bytes: an embedded node) is
 * cached in its PARENT, where the parent's own encoding needs it: a branch keeps its children's hashes in one
 * 512-byte buffer at fixed offsets, an extension keeps its child's. A bit in the parent (`dirtyMask`, `childDirty`)
 * marks a child whose reference must be recomputed; every ancestor of a dirty child is dirty too, so `hashNode`
 * walks only the dirty paths and never touches a clean child. Keeping hashes in the parent (instead of one small
 * array per node) means leaves carry no hash at all and a rehash overwrites bytes in place instead of allocating:
 * with a million accounts the old-generation garbage of per-node hash arrays dominated the update time.
 *
 * Keys have a fixed length (32 bytes for secure tries), so values live only in leaves, never in branches. A leaf keeps
 * its full key and the nibble depth at which its remaining path starts: keys are never copied into nibble arrays.
 */
import { keccak256 } from "../../chain/hash.ts";

export const LEAF = 0;
export const EXTENSION = 1;
export const BRANCH = 2;

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
  /** The full key (shared, never mutated). */
  readonly key: Uint8Array;
  /** Nibble index in `key` where this leaf's remaining path starts. */
  depth: number;
  value: unknown;
  constructor(key: Uint8Array, depth: number, value: unknown) {
    this.key = key;
    this.depth = depth;
    this.value = value;
  }
}

export class ExtensionNode {
  readonly kind = EXTENSION;
  /** Shared path, one nibble per byte, length ≥ 1. */
  path: Uint8Array;
  child: TrieNode;
  /** The child's reference: a 32-byte hash, or its RLP when embedded. Valid when `childDirty` is false. */
  childRef: Uint8Array | null = null;
  childDirty = true;
  constructor(path: Uint8Array, child: TrieNode) {
    this.path = path;
    this.child = child;
  }
}

export class BranchNode {
  readonly kind = BRANCH;
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
  /** Children whose reference is an embedded RLP (in `embedded`) rather than a hash (in `hashes`). */
  embeddedMask = 0;
  /** Child i's hash at [32 i, 32 i + 32); allocated on the first hashed child. */
  hashes: Uint8Array | null = null;
  embedded: (Uint8Array | null)[] | null = null;
}

export type TrieNode = LeafNode | ExtensionNode | BranchNode;

/** Nibble `i` of `key` (high nibble first). */
export function nibbleAt(key: Uint8Array, i: number): number {
  const byte = key[i >> 1]!;
  return (i & 1) === 0 ? byte >> 4 : byte & 15;
}

// One scratch buffer for encodings: a node is written here, then hashed or copied. Grows on demand (large leaf values).
let scratch = new Uint8Array(1024);

function ensureScratch(length: number): void {
  if (scratch.length < length) scratch = new Uint8Array(Math.max(length, scratch.length * 2));
}

/** Writes an RLP list header for a payload of `payloadLength` bytes at `offset`; returns the header length. */
function writeListHeader(out: Uint8Array, offset: number, payloadLength: number): number {
  if (payloadLength < 56) {
    out[offset] = 0xc0 + payloadLength;
    return 1;
  }
  if (payloadLength < 256) {
    out[offset] = 0xf8;
    out[offset + 1] = payloadLength;
    return 2;
  }
  if (payloadLength < 65536) {
    out[offset] = 0xf9;
    out[offset + 1] = payloadLength >> 8;
    out[offset + 2] = payloadLength & 0xff;
    return 3;
  }
  out[offset] = 0xfa;
  out[offset + 1] = payloadLength >> 16;
  out[offset + 2] = (payloadLength >> 8) & 0xff;
  out[offset + 3] = payloadLength & 0xff;
  return 4;
}

function listHeaderLength(payloadLength: number): number {
  return payloadLength < 56 ? 1 : payloadLength < 256 ? 2 : payloadLength < 65536 ? 3 : 4;
}

const oneByte = new Uint8Array(1);

function stringHeaderLength(length: number): number {
  return length < 56 ? 1 : length < 256 ? 2 : length < 65536 ? 3 : 4;
}

/** Writes the RLP header of a string of `length` bytes (not a single byte < 0x80); returns its length. */
function writeStringHeader(out: Uint8Array, offset: number, length: number): number {
  if (length < 56) {
    out[offset] = 0x80 + length;
    return 1;
  }
  if (length < 256) {
    out[offset] = 0xb8;
    out[offset + 1] = length;
    return 2;
  }
  if (length < 65536) {
    out[offset] = 0xb9;
    out[offset + 1] = length >> 8;
    out[offset + 2] = length & 0xff;
    return 3;
  }
  out[offset] = 0xba;
  out[offset + 1] = length >> 16;
  out[offset + 2] = (length >> 8) & 0xff;
  out[offset + 3] = length & 0xff;
  return 4;
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

/**
 * Brings every reference below `node` up to date (rehashing the dirty paths only), then writes `node`'s RLP into
 * the scratch buffer and returns its length. `keyNibbles` is the trie's key length in nibbles.
 */
export function encodeNodeToScratch(node: TrieNode, keyNibbles: number, codec: LeafCodec<never>): number {
  if (node.kind === LEAF) {
    const pathLength = compactPathLength(keyNibbles - node.depth);
    const valueLength = codec.encodedLength(node.value as never);
    let single = false;
    if (valueLength === 1) {
      codec.write(node.value as never, oneByte, 0);
      single = oneByte[0]! < 0x80;
    }
    const valueHeader = single ? 0 : stringHeaderLength(valueLength);
    const payload = pathLength + valueHeader + valueLength;
    const total = listHeaderLength(payload) + payload;
    ensureScratch(total);
    let o = writeListHeader(scratch, 0, payload);
    o += writeCompactPath(scratch, o, node.key, true, node.depth, keyNibbles, 2);
    if (!single) o += writeStringHeader(scratch, o, valueLength);
    codec.write(node.value as never, scratch, o);
    return o + valueLength;
  }
  if (node.kind === EXTENSION) {
    if (node.childDirty) {
      const length = encodeNodeToScratch(node.child, keyNibbles, codec);
      node.childRef = length < 32 ? scratch.slice(0, length) : hashScratchInto(length, node.childRef);
      node.childDirty = false;
    }
    const childRef = node.childRef!;
    const refLength = childRef.length === 32 ? 33 : childRef.length;
    const payload = compactPathLength(node.path.length) + refLength;
    let o = writeListHeader(scratch, 0, payload);
    o += writeCompactPath(scratch, o, node.path, false, 0, node.path.length, 0);
    if (childRef.length === 32) {
      scratch[o++] = 0xa0;
      scratch.set(childRef, o);
      o += 32;
    } else {
      scratch.set(childRef, o);
      o += childRef.length;
    }
    return o;
  }
  const children = node.children;
  if (node.dirtyMask !== 0) rehashChildren(node, keyNibbles, codec);
  const hashes = node.hashes;
  const embeddedMask = node.embeddedMask;
  let payload = 1; // the empty value slot
  for (let i = 0; i < 16; i++) {
    if (children[i] === null) payload += 1;
    else if ((embeddedMask >> i) & 1) payload += node.embedded![i]!.length;
    else payload += 33;
  }
  let o = writeListHeader(scratch, 0, payload);
  for (let i = 0; i < 16; i++) {
    if (children[i] === null) {
      scratch[o++] = 0x80;
    } else if ((embeddedMask >> i) & 1) {
      const ref = node.embedded![i]!;
      scratch.set(ref, o);
      o += ref.length;
    } else {
      scratch[o++] = 0xa0;
      // A byte loop: `set(subarray)` would allocate a view per child.
      for (let b = i << 5, end = b + 32; b < end; b++) scratch[o++] = hashes![b]!;
    }
  }
  scratch[o++] = 0x80;
  return o;
}

function rehashChildren(node: BranchNode, keyNibbles: number, codec: LeafCodec<never>): void {
  const children = node.children;
  let mask = node.dirtyMask;
  node.dirtyMask = 0;
  while (mask !== 0) {
    const i = 31 - Math.clz32(mask & -mask);
    mask &= mask - 1;
    const child = children[i];
    if (!child) continue;
    const length = encodeNodeToScratch(child, keyNibbles, codec);
    const bit = 1 << i;
    if (length < 32) {
      node.embedded ??= new Array<Uint8Array | null>(16).fill(null);
      node.embedded[i] = scratch.slice(0, length);
      node.embeddedMask |= bit;
    } else {
      node.hashes ??= new Uint8Array(512);
      node.hashes.set(keccak256(scratch.subarray(0, length)), i << 5);
      node.embeddedMask &= ~bit;
    }
  }
}

/** keccak256 of scratch[0, length), written into `into` when it is a 32-byte buffer (no allocation kept). */
function hashScratchInto(length: number, into: Uint8Array | null): Uint8Array {
  const digest = keccak256(scratch.subarray(0, length));
  if (into !== null && into.length === 32) {
    into.set(digest);
    return into;
  }
  return digest;
}

/** keccak256 of the root node's encoding (a root is hashed even when shorter than 32 bytes); a fresh array. */
export function rootHashOf(node: TrieNode, keyNibbles: number, codec: LeafCodec<never>): Uint8Array {
  const length = encodeNodeToScratch(node, keyNibbles, codec);
  return keccak256(scratch.subarray(0, length));
}

/** A copy of `node`'s RLP encoding (rehashing dirty descendants first). */
export function encodeNode(node: TrieNode, keyNibbles: number, codec: LeafCodec<never>): Uint8Array {
  return scratch.slice(0, encodeNodeToScratch(node, keyNibbles, codec));
}
