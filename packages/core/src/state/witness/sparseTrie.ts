/**
 * A Merkle-Patricia trie over part of its nodes: built from a root hash, it resolves nodes by hash only as a walk
 * reaches them (`NodeResolver`), and fails with whatever the resolver throws when one is not there. Reads, writes
 * and the new root hash are exactly those of the full trie as long as every node on the paths walked resolves:
 * untouched subtrees stay hash references and are never encoded again. Updates are functional: each put or delete
 * rebuilds the path it walks.
 *
 * Deleting a key can collapse a branch left with one child into that child's extension or leaf, which needs the
 * child's node although no walked key passes through it: a stateless executor's witness must carry it
 * (`builder.ts` finds those by running the same deletions).
 */

import { hexToBytes } from "../../chain/bytes.ts";
import { EMPTY_TRIE_ROOT } from "../../chain/constants.ts";
import { keccak256 } from "../../chain/hash.ts";
import { encodeRlpBytes } from "../../chain/rlp.ts";
import {
  type BranchNode,
  type ExtensionNode,
  encodeTrieNode,
  keyNibbles,
  type NodeRef,
  type TrieNode,
} from "./trieNode.ts";

/** The node whose RLP hashes to `hash`, reached through `path` (nibbles from the root); throws when unknown. */
export type NodeResolver = (hash: Uint8Array, path: readonly number[]) => TrieNode;

const EMPTY_ROOT = hexToBytes(EMPTY_TRIE_ROOT);

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function commonPrefix(a: readonly number[], b: readonly number[], from: number): number {
  let n = 0;
  while (n < a.length && from + n < b.length && a[n] === b[from + n]) n++;
  return n;
}

function pathEquals(path: readonly number[], key: readonly number[], from: number): boolean {
  if (path.length !== key.length - from) return false;
  for (let i = 0; i < path.length; i++) if (path[i] !== key[from + i]) return false;
  return true;
}

/** A leaf or extension reached through one more nibble becomes one node: paths join. */
function prefixed(nibble: number, node: TrieNode, ref: NodeRef): TrieNode {
  if (node.kind === "leaf") return { kind: "leaf", path: [nibble, ...node.path], value: node.value };
  if (node.kind === "extension") return { kind: "extension", path: [nibble, ...node.path], child: node.child };
  return { kind: "extension", path: [nibble], child: ref };
}

export class SparseTrie {
  #root: NodeRef | null;
  readonly #resolve: NodeResolver;
  readonly #refs = new WeakMap<TrieNode, Uint8Array>();

  constructor(rootHash: Uint8Array, resolve: NodeResolver) {
    this.#root = sameBytes(rootHash, EMPTY_ROOT) ? null : { kind: "hash", hash: rootHash };
    this.#resolve = resolve;
  }

  #node(ref: NodeRef, path: readonly number[]): TrieNode {
    return ref.kind === "hash" ? this.#resolve(ref.hash, path) : ref;
  }

  /** The value at `key`; `undefined` when the trie proves it absent. */
  get(key: Uint8Array): Uint8Array | undefined {
    const nibbles = keyNibbles(key);
    let ref = this.#root;
    let depth = 0;
    while (ref !== null) {
      const node = this.#node(ref, nibbles.slice(0, depth));
      if (node.kind === "leaf") return pathEquals(node.path, nibbles, depth) ? node.value : undefined;
      if (node.kind === "extension") {
        if (commonPrefix(node.path, nibbles, depth) !== node.path.length) return undefined;
        depth += node.path.length;
        ref = node.child;
      } else {
        ref = node.children[nibbles[depth] as number] ?? null;
        depth++;
      }
    }
    return undefined;
  }

  put(key: Uint8Array, value: Uint8Array): void {
    this.#root = this.#insert(this.#root, keyNibbles(key), 0, value);
  }

  delete(key: Uint8Array): void {
    if (this.#root === null) return;
    const next = this.#remove(this.#root, keyNibbles(key), 0);
    if (next !== UNCHANGED) this.#root = next;
  }

  /** The root hash over everything written; untouched subtrees are taken by their hash. */
  rootHash(): Uint8Array {
    const root = this.#root;
    if (root === null) return EMPTY_ROOT;
    if (root.kind === "hash") return root.hash;
    return keccak256(this.#encode(root));
  }

  #encode(node: TrieNode): Uint8Array {
    return encodeTrieNode(node, (child) => this.#ref(child));
  }

  /** A child's reference in its parent: its RLP when shorter than 32 bytes, else its hash's. */
  #ref(child: NodeRef): Uint8Array {
    if (child.kind === "hash") return encodeRlpBytes(child.hash);
    const cached = this.#refs.get(child);
    if (cached !== undefined) return cached;
    const encoded = this.#encode(child);
    const ref = encoded.length < 32 ? encoded : encodeRlpBytes(keccak256(encoded));
    this.#refs.set(child, ref);
    return ref;
  }

  #insert(ref: NodeRef | null, key: readonly number[], depth: number, value: Uint8Array): TrieNode {
    if (ref === null) return { kind: "leaf", path: key.slice(depth), value };
    const node = this.#node(ref, key.slice(0, depth));
    switch (node.kind) {
      case "leaf": {
        if (pathEquals(node.path, key, depth)) return { kind: "leaf", path: node.path, value };
        const common = commonPrefix(node.path, key, depth);
        const branch = emptyBranch();
        branch[node.path[common] as number] = { kind: "leaf", path: node.path.slice(common + 1), value: node.value };
        branch[key[depth + common] as number] = { kind: "leaf", path: key.slice(depth + common + 1), value };
        return wrap(node.path.slice(0, common), { kind: "branch", children: branch });
      }
      case "extension": {
        const common = commonPrefix(node.path, key, depth);
        if (common === node.path.length) {
          return {
            kind: "extension",
            path: node.path,
            child: this.#insert(node.child, key, depth + common, value),
          };
        }
        const branch = emptyBranch();
        const rest = node.path.slice(common + 1);
        branch[node.path[common] as number] =
          rest.length === 0 ? node.child : { kind: "extension", path: rest, child: node.child };
        branch[key[depth + common] as number] = { kind: "leaf", path: key.slice(depth + common + 1), value };
        return wrap(node.path.slice(0, common), { kind: "branch", children: branch });
      }
      case "branch": {
        const children = [...node.children];
        const nibble = key[depth] as number;
        children[nibble] = this.#insert(children[nibble] ?? null, key, depth + 1, value);
        return { kind: "branch", children };
      }
    }
  }

  /** The subtree without `key`: `null` when it is emptied, `UNCHANGED` when the key was not there. */
  #remove(ref: NodeRef, key: readonly number[], depth: number): TrieNode | null | typeof UNCHANGED {
    const path = key.slice(0, depth);
    const node = this.#node(ref, path);
    switch (node.kind) {
      case "leaf":
        return pathEquals(node.path, key, depth) ? null : UNCHANGED;
      case "extension": {
        if (commonPrefix(node.path, key, depth) !== node.path.length) return UNCHANGED;
        const child = this.#remove(node.child, key, depth + node.path.length);
        if (child === UNCHANGED || child === null) return child;
        // A branch below may have collapsed into a leaf or an extension: join the paths.
        if (child.kind === "branch") return { kind: "extension", path: node.path, child };
        return child.kind === "leaf"
          ? { kind: "leaf", path: [...node.path, ...child.path], value: child.value }
          : { kind: "extension", path: [...node.path, ...child.path], child: child.child };
      }
      case "branch": {
        const nibble = key[depth] as number;
        const current = node.children[nibble];
        if (current == null) return UNCHANGED;
        const child = this.#remove(current, key, depth + 1);
        if (child === UNCHANGED) return UNCHANGED;
        const children = [...node.children];
        children[nibble] = child;
        let only = -1;
        for (let i = 0; i < 16; i++) {
          if (children[i] == null) continue;
          if (only !== -1) return { kind: "branch", children };
          only = i;
        }
        if (only === -1) return null;
        // One child left: the branch becomes that child, one nibble longer (its node is needed to know its kind).
        const remaining = children[only] as NodeRef;
        return prefixed(only, this.#node(remaining, [...path, only]), remaining);
      }
    }
  }
}

const UNCHANGED = Symbol("unchanged");

function emptyBranch(): (NodeRef | null)[] {
  return new Array<NodeRef | null>(16).fill(null);
}

function wrap(path: readonly number[], branch: BranchNode): TrieNode {
  return path.length === 0 ? branch : ({ kind: "extension", path, child: branch } satisfies ExtensionNode);
}
