/**
 * The nodes of one trie whose reference must be recomputed, each with the nibble depth it had when listed, so
 * `rehash` can order them deepest first without touching the nodes (a million of them after a bulk load). A leaf
 * whose depth changes while pending (a split moves it down, a collapse up) is listed again at its new depth;
 * `rehash` skips an entry whose node has moved since.
 */
import { CLEAN, PENDING, type TrieNode } from "./node.ts";

export class PendingNodes {
  nodes: TrieNode[] = [];
  depths: Uint8Array = new Uint8Array(16);
  count = 0;

  /** Makes a clean (or new) node pending and lists it; a pending node is not listed again. */
  add(node: TrieNode, depth: number): void {
    if (node.mark !== CLEAN) return;
    node.mark = PENDING;
    this.#push(node, depth);
  }

  /** A pending node's depth changed: list it at the new one too. */
  moved(node: TrieNode, depth: number): void {
    this.#push(node, depth);
  }

  /** Marks every listed node clean and empties the list. */
  clear(): void {
    const nodes = this.nodes;
    for (let i = 0; i < this.count; i++) nodes[i]!.mark = CLEAN;
    nodes.length = 0;
    this.count = 0;
    if (this.depths.length > 1024) this.depths = new Uint8Array(16);
  }

  #push(node: TrieNode, depth: number): void {
    if (this.count === this.depths.length) {
      const grown = new Uint8Array(this.depths.length * 2);
      grown.set(this.depths);
      this.depths = grown;
    }
    this.depths[this.count] = depth;
    this.nodes[this.count++] = node;
  }
}
