/**
 * Builds a block's witness on the node that executed it, at seal time: after the block's writes are in the world
 * state's maps and before `commit()` folds them into the tries, which then still hold the parent's state. So the
 * proofs come from the parent's tries as they are, with no history kept.
 *
 *   keys the block touched (WitnessRecorder) ──► one multiproof of the account trie, one per touched storage trie
 *   keys it deleted ──► the same deletions run on a SparseTrie over those nodes; every node a branch collapse needs
 *                       beyond them is fetched from the parent's trie and added
 *   code it read ──► the parent's code by code hash;  BLOCKHASH numbers ──► the caller's headers
 *
 * A stateless executor applies a block's puts before its deletes (`witnessState.ts`); deleting without the puts
 * collapses at least as many branches, so the nodes found here cover its run.
 */
import { bytesToHex, hexToBytes } from "../../chain/bytes.ts";
import { EMPTY_TRIE_ROOT, KECCAK_EMPTY, Predeploys } from "../../chain/constants.ts";
import { keccak256 } from "../../chain/hash.ts";
import type { Address, Hash } from "../../chain/types.ts";
import type { WorldState } from "../worldState.ts";
import { SparseTrie } from "./sparseTrie.ts";
import { compareKeys, decodeTrieNode, nibblesToKey, type TrieNode } from "./trieNode.ts";
import type { BlockAccess, BlockWitness } from "./types.ts";

const NO_SLOTS: ReadonlySet<Hash> = new Set();

export interface BuildBlockWitnessParameters {
  readonly blockNumber: bigint;
  /** The block's writes applied, its tries not yet committed (they hold the parent's state). */
  readonly world: WorldState;
  readonly access: BlockAccess;
  /** RLP headers, ascending, ending with the parent (covering every block number `BLOCKHASH` read). */
  readonly headers: readonly Uint8Array[];
}

/** Witness nodes by the hex of their hash, decoded on first use. */
class NodeSet {
  readonly #bytes = new Map<string, Uint8Array>();
  readonly #decoded = new Map<string, TrieNode>();

  add(nodes: Iterable<Uint8Array>): void {
    for (const node of nodes) {
      const key = bytesToHex(keccak256(node));
      if (!this.#bytes.has(key)) this.#bytes.set(key, node);
    }
  }

  has(hash: Uint8Array): boolean {
    return this.#bytes.has(bytesToHex(hash));
  }

  node(hash: Uint8Array): TrieNode | undefined {
    const key = bytesToHex(hash);
    const cached = this.#decoded.get(key);
    if (cached !== undefined) return cached;
    const bytes = this.#bytes.get(key);
    if (bytes === undefined) return undefined;
    const node = decodeTrieNode(bytes);
    this.#decoded.set(key, node);
    return node;
  }

  values(): Uint8Array[] {
    return [...this.#bytes.values()];
  }
}

/** The hashed key whose path starts with `path` (zeros after it): its proof walks through the node at `path`. */
function probeKey(path: readonly number[]): Uint8Array {
  const nibbles = [...path];
  while (nibbles.length < 64) nibbles.push(0);
  return nibblesToKey(nibbles);
}

/** Runs `deleted` (hashed keys) on a sparse trie over `nodes`, adding what the parent's trie must supply. */
function coverDeletions(
  nodes: NodeSet,
  rootHash: Hash,
  deleted: Uint8Array[],
  fetch: (probe: Uint8Array) => Uint8Array[],
): void {
  if (deleted.length === 0) return;
  const trie = new SparseTrie(hexToBytes(rootHash), (hash, path) => {
    if (!nodes.has(hash)) nodes.add(fetch(probeKey(path)));
    const node = nodes.node(hash);
    if (node === undefined) throw new Error(`witness builder: the parent's trie has no node ${bytesToHex(hash)}`);
    return node;
  });
  for (const key of deleted.sort(compareKeys)) trie.delete(key);
}

export function buildBlockWitness(parameters: BuildBlockWitnessParameters): BlockWitness {
  const { world, access } = parameters;
  const nodes = new NodeSet();
  // The message passer's account always: its storage root is part of every output root a prover attests to.
  const addresses = [...new Set([...access.accounts.keys(), Predeploys.L2ToL1MessagePasser])].sort();
  const accountKeys = addresses.map((address) => keccak256(hexToBytes(address)));
  const storageKeys = new Map<Address, Uint8Array[]>();
  const parents = new Map<Address, ReturnType<WorldState["committedAccount"]>>();
  for (const address of addresses) {
    const parent = world.committedAccount(address);
    parents.set(address, parent);
    const slots = access.accounts.get(address) ?? NO_SLOTS;
    if (parent !== undefined && parent.storageRoot !== EMPTY_TRIE_ROOT && slots.size > 0) {
      storageKeys.set(
        address,
        [...slots].map((slot) => keccak256(hexToBytes(slot))),
      );
    }
  }
  nodes.add(world.committedMultiproof(accountKeys, storageKeys));

  // Deleted accounts, and slots emptied in accounts that live on with their storage (a cleared or deleted account's
  // storage trie is rebuilt from nothing by the stateless executor: no nodes needed).
  const deletedAccounts: Uint8Array[] = [];
  for (const [index, address] of addresses.entries()) {
    const parent = parents.get(address);
    if (parent === undefined) continue;
    if (world.getAccount(address) === undefined) {
      deletedAccounts.push(accountKeys[index] as Uint8Array);
      continue;
    }
    const keys = storageKeys.get(address);
    if (keys === undefined) continue;
    const slots = [...(access.accounts.get(address) ?? NO_SLOTS)];
    const storage = new SparseTrie(hexToBytes(parent.storageRoot), (hash) => {
      const node = nodes.node(hash);
      if (node === undefined) throw new Error(`witness builder: storage proof of ${address} lacks a node`);
      return node;
    });
    const emptied = keys.filter(
      (key, i) => world.getStorage(address, slots[i] as Hash) === 0n && storage.get(key) !== undefined,
    );
    coverDeletions(nodes, parent.storageRoot, emptied, (probe) =>
      world.committedMultiproof([], new Map([[address, [probe]]])),
    );
  }
  coverDeletions(nodes, world.stateRoot, deletedAccounts, (probe) => world.committedMultiproof([probe], new Map()));

  const codes: Uint8Array[] = [];
  const codeHashes = new Set<Hash>();
  for (const address of [...access.codeReads].sort()) {
    const codeHash = parents.get(address)?.account.codeHash;
    if (codeHash === undefined || codeHash === KECCAK_EMPTY || codeHashes.has(codeHash)) continue;
    const code = world.getCodeByHash(codeHash);
    if (code === undefined) throw new Error(`witness builder: no code for hash ${codeHash}`);
    codeHashes.add(codeHash);
    codes.push(code);
  }

  return {
    blockNumber: parameters.blockNumber,
    headers: parameters.headers,
    nodes: nodes.values(),
    codes,
    accounts: addresses.map((address) => ({
      address,
      slots: [...(access.accounts.get(address) ?? NO_SLOTS)].sort(),
    })),
  };
}
