/**
 * Brings every pending node's reference up to date and returns the root hash. Pending nodes are ordered by nibble
 * depth, deepest first (a node's children are always one depth below it), and each depth is one keccak batch
 * (keccakBatch.ts), hashed by the caller's thread and the hashing workers. Per node: a leaf or an extension writes its
 * RLP into the batch's staging area; a branch's RLP is already current in its `enc` (a large trie's lives in a shared
 * chunk, so its job points at it; a small trie's is copied into the staging area).
 *
 * A hashed node claims its slot in its parent's encoding when the parent keeps its layout: the digest is written
 * there by whichever thread hashes the job (shared chunk) or by `applyFixups` after the depth (plain array), and
 * the parent's dirty bit is cleared. Otherwise (a new or re-laid-out parent, an embedded child, an extension parent)
 * the parent reads the child's reference from the batch results when its own depth comes (`mark` says where).
 *
 * Encodings shorter than 32 bytes are embedded in their parent instead of hashed (the root is always hashed).
 */
import { rlpHeaderLength, writeRlpHeader } from "../../chain/rlp.ts";
import { TrieInvariantError } from "../errors.ts";
import type { EncArena } from "./encArena.ts";
import type { KeccakBatch } from "./keccakBatch.ts";
import {
  BRANCH,
  BRANCH_PAYLOAD,
  type BranchNode,
  branchEncodingStart,
  branchSlotOffset,
  DROPPED,
  depthOf,
  EXTENSION,
  type ExtensionNode,
  extensionEncodedLength,
  HASHED,
  LEAF,
  type LeafCodec,
  leafEncodedLength,
  parseBranchSlots,
  type TrieNode,
  writeExtension,
  writeLeaf,
} from "./node.ts";
import type { PendingNodes } from "./pending.ts";

/**
 * How far ahead `rehash` touches the nodes it will process: each node's first load is a cache miss (a million nodes
 * are scattered over the heap), and an early independent load lets the CPU overlap it with the work on the nodes
 * before (3-5% of the trie thread's time at 10k keys over 1M accounts).
 */
const PREFETCH_DISTANCE = 8;
/** Where the early touches go (used, so the loads are not optimized away). */
let prefetched = 0;

// Scratch shared by all tries (one round at a time per thread); a bulk load's is let go.
const RETAINED_ORDER = 1 << 17;
let ordered: TrieNode[] = [];
let depthStarts = new Int32Array(66);
const slotStarts = new Int32Array(16);
const newBranch = new Uint8Array(BRANCH_PAYLOAD + 16 * 33 + 1);
let embedded: Uint8Array[] = [];
const fixupParents: BranchNode[] = [];
const fixupOffsets: number[] = [];
const fixupJobs: number[] = [];
/** Where a branch's new encoding is allocated in this round (null: plain arrays). */
let arena: EncArena | null = null;
// Set by claimParentSlot for the job being pushed.
let targetChunk = -1;
let targetOffset = 0;
let fixupParent: BranchNode | null = null;
let fixupOffset = 0;

/**
 * Rehashes the `pending` nodes (DROPPED ones are skipped) under `root` and returns the root hash as a new array.
 * Every listed node is clean afterwards and `pending` is emptied.
 */
export function rehash(
  pending: PendingNodes,
  root: TrieNode,
  keys: Uint8Array,
  keyNibbles: number,
  codec: LeafCodec<never>,
  batch: KeccakBatch,
  encArena: EncArena | null,
): Uint8Array {
  arena = encArena;
  const { nodes, depths, count } = pending;
  if (depthStarts.length < keyNibbles + 2) depthStarts = new Int32Array(keyNibbles + 2);
  // Counting sort by the listed depth, deepest first; only the depth bytes are read.
  const starts = depthStarts;
  starts.fill(0);
  for (let i = 0; i < count; i++) starts[keyNibbles - depths[i]!]!++;
  let sum = 0;
  for (let d = 0; d <= keyNibbles; d++) {
    const c = starts[d]!;
    starts[d] = sum;
    sum += c;
  }
  if (ordered.length < count) ordered = new Array<TrieNode>(count);
  for (let i = 0; i < count; i++) ordered[starts[keyNibbles - depths[i]!]!++] = nodes[i]!;
  // starts[d] now ends bucket d: bucket d is [starts[d - 1], starts[d]).
  batch.reset();
  embedded = [];
  try {
    let from = 0;
    for (let bucket = 0; bucket <= keyNibbles; bucket++) {
      const to = starts[bucket]!;
      if (to === from) continue;
      const depth = keyNibbles - bucket;
      for (let i = from; i < to; i++) {
        const node = ordered[i]!;
        if (i + PREFETCH_DISTANCE < to) prefetched ^= ordered[i + PREFETCH_DISTANCE]!.mark;
        // Skip dropped nodes, and entries of a leaf listed again at another depth.
        if (node.mark !== DROPPED && depthOf(node) === depth)
          processNode(node, node === root, keys, keyNibbles, codec, batch);
      }
      batch.flush();
      applyFixups(batch.results);
      from = to;
    }
    const job = root.mark - HASHED + (prefetched & 0);
    if (job < 0) throw new TrieInvariantError("the root was not hashed");
    return batch.results.slice(job << 5, (job << 5) + 32);
  } finally {
    if (count > RETAINED_ORDER) ordered = [];
    else for (let j = 0; j < count; j++) ordered[j] = root; // drop references to detached nodes
    pending.clear();
    embedded = [];
    fixupParents.length = 0;
    fixupOffsets.length = 0;
    fixupJobs.length = 0;
    fixupParent = null;
    arena = null;
    batch.release();
  }
}

/** Writes `child`'s new reference at `out[offset]` (0xa0 + hash, or the embedded RLP); returns the bytes written. */
function writeRef(child: TrieNode, results: Uint8Array, out: Uint8Array, offset: number): number {
  const mark = child.mark;
  if (mark >= HASHED) {
    out[offset] = 0xa0;
    const from = (mark - HASHED) << 5;
    for (let k = 0; k < 32; k++) out[offset + 1 + k] = results[from + k]!;
    return 33;
  }
  if (mark >= 0) throw new TrieInvariantError("a changed child was not processed before its parent");
  const ref = embedded[-1 - mark]!;
  out.set(ref, offset);
  return ref.length;
}

function processNode(
  node: TrieNode,
  isRoot: boolean,
  keys: Uint8Array,
  keyNibbles: number,
  codec: LeafCodec<never>,
  batch: KeccakBatch,
): void {
  if (node.kind === LEAF) {
    const length = leafEncodedLength(node, keyNibbles, codec);
    if (length < 32 && !isRoot) {
      const ref = new Uint8Array(length);
      writeLeaf(node, keys, keyNibbles, codec, ref, 0);
      node.mark = -embedded.push(ref);
    } else if (length > batch.maxMessageBytes) {
      // Hashed apart: the parent re-lays its encoding out to take the digest.
      const message = new Uint8Array(length);
      writeLeaf(node, keys, keyNibbles, codec, message, 0);
      node.mark = HASHED + batch.pushDigestOf(message);
    } else {
      claimParentSlot(node);
      const offset = batch.reserve(length);
      writeLeaf(node, keys, keyNibbles, codec, batch.staging, offset);
      hashed(node, batch.push(offset, length, targetChunk, targetOffset));
    }
    return;
  }
  if (node.kind === EXTENSION) {
    if (node.childDirty) updateExtensionRef(node, batch.results);
    const childRef = node.childRef!;
    const length = extensionEncodedLength(node, childRef);
    if (length < 32 && !isRoot) {
      const ref = new Uint8Array(length);
      writeExtension(node, childRef, ref, 0);
      node.mark = -embedded.push(ref);
    } else {
      claimParentSlot(node);
      const offset = batch.reserve(length);
      writeExtension(node, childRef, batch.staging, offset);
      hashed(node, batch.push(offset, length, targetChunk, targetOffset));
    }
    return;
  }
  updateBranchEncoding(node, batch.results);
  const start = branchEncodingStart(node);
  const end = BRANCH_PAYLOAD + node.payloadLength;
  const enc = node.enc!;
  if (end - start < 32 && !isRoot) {
    node.mark = -embedded.push(enc.slice(start, end));
    return;
  }
  claimParentSlot(node);
  if (node.encChunk >= 0) {
    // In shared memory: the job points at the encoding itself.
    hashed(node, batch.pushInChunk(node.encChunk, node.encAt + start, end - start, targetChunk, targetOffset));
    return;
  }
  const offset = batch.reserve(end - start);
  batch.staging.set(enc.subarray(start, end), offset);
  hashed(node, batch.push(offset, end - start, targetChunk, targetOffset));
}

/**
 * When `node`'s parent branch keeps its layout (so the offset of `node`'s slot is known now), the slot gets the
 * digest directly: written by the hashing job itself when the parent's encoding is in a shared chunk (`targetChunk`),
 * else by `applyFixups` once the depth is hashed. The parent's dirty bit is cleared: it then has nothing left to do
 * but be hashed.
 */
function claimParentSlot(node: TrieNode): void {
  targetChunk = -1;
  fixupParent = null;
  const parent = node.parent;
  // Only the parent's own fields are read (a payload length of 0: no encoding yet).
  if (parent === null || parent.kind !== BRANCH || parent.payloadLength === 0 || parent.layoutStale) return;
  if (parent.embeddedMask !== 0) return;
  const offset = branchSlotOffset(parent.encMask, node.slot) + 1;
  parent.dirtyMask &= ~(1 << node.slot);
  if (parent.encChunk >= 0) {
    targetChunk = parent.encChunk;
    targetOffset = parent.encAt + offset;
  } else {
    fixupParent = parent;
    fixupOffset = offset;
  }
}

/** `node`'s digest is job `job` (after `claimParentSlot` and the push). */
function hashed(node: TrieNode, job: number): void {
  node.mark = HASHED + job;
  if (fixupParent === null) return;
  fixupParents.push(fixupParent);
  fixupOffsets.push(fixupOffset);
  fixupJobs.push(job);
}

/** Writes the digests `hashed` set aside into their parents' encodings (the depth's batch has been flushed). */
function applyFixups(results: Uint8Array): void {
  for (let k = 0; k < fixupParents.length; k++) {
    const enc = fixupParents[k]!.enc!;
    const to = fixupOffsets[k]!;
    const from = fixupJobs[k]! << 5;
    for (let b = 0; b < 32; b++) enc[to + b] = results[from + b]!;
  }
  fixupParents.length = 0;
  fixupOffsets.length = 0;
  fixupJobs.length = 0;
}

function updateExtensionRef(node: ExtensionNode, results: Uint8Array): void {
  const child = node.child;
  const mark = child.mark;
  if (mark >= HASHED) {
    // A fresh array: after a split two extensions may share the old one.
    const from = (mark - HASHED) << 5;
    node.childRef = results.slice(from, from + 32);
  } else if (mark < 0) {
    node.childRef = embedded[-1 - mark]!;
  } else {
    throw new TrieInvariantError(
      `ext child not processed: ext depth ${depthOf(node)} path ${node.path.length} child mark ${mark} child kind ${child.kind} depth ${(child as BranchNode).depth}`,
    );
  }
  node.childDirty = false;
}

/**
 * Brings the branch's encoding up to date. Changed children whose digests were written in place (`hashed`) left no
 * dirty bit; any other change (a child embedded, or one that appeared or disappeared) re-lays the encoding out.
 */
function updateBranchEncoding(node: BranchNode, results: Uint8Array): void {
  const enc = node.enc;
  if (node.dirtyMask === 0 && enc !== null && !node.layoutStale) return;
  const children = node.children;
  let present = 0;
  for (let i = 0; i < 16; i++) if (children[i] !== null) present |= 1 << i;
  // New layout: unchanged children's slots are copied from the old encoding, changed ones written fresh.
  if (enc !== null) parseBranchSlots(enc, slotStarts);
  const dirty = node.dirtyMask;
  let o = BRANCH_PAYLOAD;
  let embeddedMask = 0;
  for (let i = 0; i < 16; i++) {
    const child = children[i] ?? null;
    if (child === null) {
      newBranch[o++] = 0x80;
      continue;
    }
    let length: number;
    if ((dirty >> i) & 1) {
      length = writeRef(child, results, newBranch, o);
    } else {
      if (enc === null || ((node.encMask >> i) & 1) === 0) {
        throw new TrieInvariantError("a branch child has no reference");
      }
      const from = slotStarts[i]!;
      const b = enc[from]!;
      length = b === 0xa0 ? 33 : 1 + b - 0xc0;
      newBranch.set(enc.subarray(from, from + length), o);
    }
    if (length !== 33) embeddedMask |= 1 << i;
    o += length;
  }
  newBranch[o++] = 0x80;
  const payload = o - BRANCH_PAYLOAD;
  // Reuse the old array when it is large enough (and in shared memory whenever the trie has an arena).
  let out: Uint8Array;
  if (enc !== null && enc.length >= o && (node.encChunk >= 0 || arena === null)) {
    out = enc;
  } else if (arena !== null) {
    out = arena.alloc(o);
    if (enc !== null && node.encChunk >= 0) arena.free(enc, node.encChunk);
    node.encChunk = arena.lastChunk;
    node.encAt = out.byteOffset;
  } else {
    out = new Uint8Array(o);
  }
  const header = rlpHeaderLength(payload);
  writeRlpHeader(newBranch, BRANCH_PAYLOAD - header, payload, 0xc0);
  out.set(newBranch.subarray(BRANCH_PAYLOAD - header, o), BRANCH_PAYLOAD - header);
  node.enc = out;
  node.payloadLength = payload;
  node.encMask = present;
  node.embeddedMask = embeddedMask;
  node.dirtyMask = 0;
  node.layoutStale = false;
}

/** The reference of clean child `index` as cached in `node`'s encoding (a new array). */
export function cachedChildRef(node: BranchNode, index: number): Uint8Array {
  parseBranchSlots(node.enc!, slotStarts);
  const from = slotStarts[index]!;
  const b = node.enc![from]!;
  return b === 0xa0 ? node.enc!.slice(from + 1, from + 33) : node.enc!.slice(from, from + 1 + b - 0xc0);
}
