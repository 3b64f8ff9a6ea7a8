/**
 * Merkle-Patricia trie nodes as a witness carries them (Yellow Paper appendix D): decoded from their RLP, and
 * encoded back. A child is referenced by the keccak of its RLP, or embedded in its parent when that RLP is shorter
 * than 32 bytes.
 *
 *   leaf      = rlp([hexPrefix(path, leaf), value])
 *   extension = rlp([hexPrefix(path, extension), childRef])
 *   branch    = rlp([childRef × 16, value])          (state tries: the value is always empty)
 *
 * Paths are nibble arrays; `hexPrefix` packs them with the leaf/odd flags in the first nibble.
 */
import { decodeRlp, encodeRlpBytes, encodeRlpListOfEncoded, type RlpItem } from "../../chain/rlp.ts";
import { InvalidWitnessError } from "./errors.ts";

/** A child not resolved yet: the hash of its RLP. */
export interface HashRef {
  readonly kind: "hash";
  readonly hash: Uint8Array;
}

export interface LeafNode {
  readonly kind: "leaf";
  readonly path: readonly number[];
  readonly value: Uint8Array;
}

export interface ExtensionNode {
  readonly kind: "extension";
  readonly path: readonly number[];
  readonly child: NodeRef;
}

export interface BranchNode {
  readonly kind: "branch";
  /** `null` where there is no child. */
  readonly children: readonly (NodeRef | null)[];
}

export type TrieNode = LeafNode | ExtensionNode | BranchNode;
export type NodeRef = TrieNode | HashRef;

/** The nibbles of a key (two per byte, high first). */
export function keyNibbles(key: Uint8Array): number[] {
  const out = new Array<number>(key.length * 2);
  for (let i = 0; i < key.length; i++) {
    const byte = key[i] as number;
    out[2 * i] = byte >> 4;
    out[2 * i + 1] = byte & 0x0f;
  }
  return out;
}

/** Byte order of two hashed keys of one length (the order a trie's keys are walked in). */
export function compareKeys(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return 0;
}

/** Packs nibbles back into bytes (an even count). */
export function nibblesToKey(nibbles: readonly number[]): Uint8Array {
  const out = new Uint8Array(nibbles.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = ((nibbles[2 * i] as number) << 4) | (nibbles[2 * i + 1] as number);
  return out;
}

export function hexPrefix(path: readonly number[], leaf: boolean): Uint8Array {
  const odd = path.length % 2 === 1;
  const out = new Uint8Array(1 + (path.length >> 1));
  const flag = (leaf ? 2 : 0) + (odd ? 1 : 0);
  out[0] = odd ? (flag << 4) | (path[0] as number) : flag << 4;
  for (let i = odd ? 1 : 0, j = 1; i < path.length; i += 2, j++) {
    out[j] = ((path[i] as number) << 4) | (path[i + 1] as number);
  }
  return out;
}

function decodeHexPrefix(bytes: Uint8Array): { path: number[]; leaf: boolean } {
  const first = bytes[0];
  if (first === undefined) throw new InvalidWitnessError("trie node with an empty path prefix");
  const flag = first >> 4;
  if (flag > 3) throw new InvalidWitnessError(`trie node path flag ${flag}`);
  const odd = (flag & 1) === 1;
  if (!odd && (first & 0x0f) !== 0) throw new InvalidWitnessError("even trie path with a nonzero pad nibble");
  const path: number[] = odd ? [first & 0x0f] : [];
  for (let i = 1; i < bytes.length; i++) path.push((bytes[i] as number) >> 4, (bytes[i] as number) & 0x0f);
  return { path, leaf: flag >= 2 };
}

function decodeRef(item: RlpItem): NodeRef | null {
  if (Array.isArray(item)) return decodeNodeItem(item);
  if (item.length === 0) return null;
  if (item.length !== 32) throw new InvalidWitnessError(`trie child reference of ${item.length} bytes`);
  return { kind: "hash", hash: item };
}

function decodeNodeItem(item: RlpItem): TrieNode {
  if (!Array.isArray(item)) throw new InvalidWitnessError("trie node is not a list");
  if (item.length === 17) {
    const value = item[16];
    if (!(value instanceof Uint8Array) || value.length !== 0) {
      throw new InvalidWitnessError("branch node with a value (state tries have fixed-length keys)");
    }
    const children = item.slice(0, 16).map(decodeRef);
    return { kind: "branch", children };
  }
  if (item.length !== 2) throw new InvalidWitnessError(`trie node of ${item.length} items`);
  const [prefix, second] = item as [RlpItem, RlpItem];
  if (Array.isArray(prefix)) throw new InvalidWitnessError("trie node path is a list");
  const { path, leaf } = decodeHexPrefix(prefix);
  if (leaf) {
    if (Array.isArray(second)) throw new InvalidWitnessError("leaf value is a list");
    return { kind: "leaf", path, value: second };
  }
  const child = decodeRef(second);
  if (child === null || path.length === 0) throw new InvalidWitnessError("extension without a path or a child");
  return { kind: "extension", path, child };
}

/** Decodes one node's RLP; throws `InvalidWitnessError` for anything that is not a trie node. */
export function decodeTrieNode(bytes: Uint8Array): TrieNode {
  let item: RlpItem;
  try {
    item = decodeRlp(bytes);
  } catch (error) {
    throw new InvalidWitnessError("trie node is not RLP", { cause: error });
  }
  return decodeNodeItem(item);
}

/**
 * The RLP of a node; `childRef` gives each child's reference as it appears in the parent (its RLP when shorter than
 * 32 bytes, else the RLP of its 32-byte hash).
 */
export function encodeTrieNode(node: TrieNode, childRef: (child: NodeRef) => Uint8Array): Uint8Array {
  switch (node.kind) {
    case "leaf":
      return encodeRlpListOfEncoded([encodeRlpBytes(hexPrefix(node.path, true)), encodeRlpBytes(node.value)]);
    case "extension":
      return encodeRlpListOfEncoded([encodeRlpBytes(hexPrefix(node.path, false)), childRef(node.child)]);
    case "branch": {
      const items = node.children.map((child) => (child === null ? EMPTY_STRING : childRef(child)));
      items.push(EMPTY_STRING);
      return encodeRlpListOfEncoded(items);
    }
  }
}

/** RLP of the empty string. */
export const EMPTY_STRING = Uint8Array.of(0x80);
