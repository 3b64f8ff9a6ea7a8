/**
 * The state of a stateless executor: a `StateWriter` backed by nothing but a block's witness. Every value read comes
 * out of the witness's tries under the parent's state root (so it is proven as it is read), every code out of its
 * codes by hash, every block hash out of its chain of headers; whatever the witness lacks raises
 * `IncompleteWitnessError` (and is remembered, in case the executor swallows the throw). Writes stay in maps;
 * `commit()` folds them into the tries (each account's storage puts, then deletes, in hashed-key order; then the
 * account trie alike) and answers the post-state root.
 */
import { bytesToBigint, bytesToHex, hexToBytes } from "../../chain/bytes.ts";
import { EMPTY_TRIE_ROOT, KECCAK_EMPTY } from "../../chain/constants.ts";
import { keccak256, keccak256Hex } from "../../chain/hash.ts";
import { decodeHeader } from "../../chain/header.ts";
import { decodeRlp, expectBytes, type RlpItem } from "../../chain/rlp.ts";
import type { Account, Address, Hash, Header } from "../../chain/types.ts";
import { encodeAccountLeaf, encodeStorageLeaf } from "../trie/leaves.ts";
import type { StateWriter } from "../types.ts";
import { IncompleteWitnessError, InvalidWitnessError } from "./errors.ts";
import { SparseTrie } from "./sparseTrie.ts";
import { compareKeys, decodeTrieNode, type TrieNode } from "./trieNode.ts";
import type { BlockWitness } from "./types.ts";

/** `BLOCKHASH` reaches this many blocks back. */
const BLOCK_HASH_WINDOW = 256n;

interface ParentAccount {
  readonly account: Account;
  readonly storageRoot: Uint8Array;
}

function decodeAccountLeaf(bytes: Uint8Array, address: Address): ParentAccount {
  try {
    const item = decodeRlp(bytes);
    if (!Array.isArray(item) || item.length !== 4) throw new Error("not a list of 4");
    const field = (i: number) => expectBytes(item[i] as RlpItem, "account");
    const storageRoot = field(2);
    const codeHash = field(3);
    if (storageRoot.length !== 32 || codeHash.length !== 32) throw new Error("roots are not 32 bytes");
    return {
      account: { nonce: bytesToBigint(field(0)), balance: bytesToBigint(field(1)), codeHash: bytesToHex(codeHash) },
      storageRoot,
    };
  } catch (error) {
    throw new InvalidWitnessError(`the account leaf of ${address} does not decode`, { cause: error });
  }
}

/** Applies puts, then deletes, each in key order (the order the witness builder covers). */
function applySorted(trie: SparseTrie, writes: [Uint8Array, Uint8Array | undefined][]): void {
  writes.sort(([a], [b]) => compareKeys(a, b));
  for (const [key, value] of writes) if (value !== undefined) trie.put(key, value);
  for (const [key, value] of writes) if (value === undefined) trie.delete(key);
}

export class WitnessState implements StateWriter {
  readonly #nodes = new Map<string, Uint8Array>();
  readonly #decoded = new Map<string, TrieNode>();
  readonly #codes = new Map<Hash, Uint8Array>();
  readonly #blockHashes = new Map<bigint, Hash>();
  readonly #parentHeader: Header;
  readonly #parentHash: Hash;
  readonly #accountTrie: SparseTrie;
  readonly #parentAccounts = new Map<Address, ParentAccount | null>();
  readonly #storageTries = new Map<Address, SparseTrie>();
  /** Written accounts (`null`: deleted). */
  readonly #accounts = new Map<Address, Account | null>();
  /** Written slots (0n: deleted). */
  readonly #storage = new Map<Address, Map<Hash, bigint>>();
  /** Accounts whose storage was dropped in this block (what is left of it is in `#storage`). */
  readonly #cleared = new Set<Address>();
  readonly #storageRoots = new Map<Address, Hash>();
  #missing: IncompleteWitnessError | undefined;

  /**
   * Opens `witness` for the block whose parent hash is `parentHash`: the headers must chain up to it (the last is the
   * parent). Throws `InvalidWitnessError` otherwise.
   */
  constructor(witness: BlockWitness, parentHash: Hash) {
    const headers = witness.headers.map((raw, i) => {
      try {
        return { header: decodeHeader(raw), hash: keccak256Hex(raw) };
      } catch (error) {
        throw new InvalidWitnessError(`header ${i} does not decode`, { cause: error });
      }
    });
    const parent = headers.at(-1);
    if (parent === undefined || parent.hash !== parentHash) {
      throw new InvalidWitnessError(
        `the witness's last header is ${parent?.hash ?? "missing"}, the parent is ${parentHash}`,
      );
    }
    for (let i = 1; i < headers.length; i++) {
      const { header } = headers[i] as (typeof headers)[number];
      const previous = headers[i - 1] as (typeof headers)[number];
      if (header.parentHash !== previous.hash || header.number !== previous.header.number + 1n) {
        throw new InvalidWitnessError(`header ${header.number} does not follow header ${previous.header.number}`);
      }
    }
    for (const { header, hash } of headers) this.#blockHashes.set(header.number, hash);
    this.#parentHeader = parent.header;
    this.#parentHash = parent.hash;
    for (const node of witness.nodes) this.#nodes.set(bytesToHex(keccak256(node)), node);
    for (const code of witness.codes) this.#codes.set(keccak256Hex(code), code);
    this.#accountTrie = this.#trie(hexToBytes(parent.header.stateRoot), "the account trie");
  }

  get parentHeader(): Header {
    return this.#parentHeader;
  }

  /** The first thing found missing, even if the executor caught the throw. */
  get missing(): IncompleteWitnessError | undefined {
    return this.#missing;
  }

  /** BLOCKHASH for the block after the parent: from the witness's headers; missing ones in range are an error. */
  blockHash(number: bigint): Hash | undefined {
    const parentNumber = this.#parentHeader.number;
    if (number > parentNumber || number + BLOCK_HASH_WINDOW <= parentNumber) return undefined;
    const hash = this.#blockHashes.get(number);
    if (hash === undefined) this.#fail(`the hash of block ${number}`);
    return hash;
  }

  #fail(missing: string, cause?: unknown): never {
    const error = new IncompleteWitnessError(missing, cause === undefined ? {} : { cause });
    this.#missing ??= error;
    throw error;
  }

  #trie(rootHash: Uint8Array, what: string): SparseTrie {
    return new SparseTrie(rootHash, (hash) => {
      const key = bytesToHex(hash);
      let node = this.#decoded.get(key);
      if (node === undefined) {
        const bytes = this.#nodes.get(key);
        if (bytes === undefined) this.#fail(`trie node ${key} of ${what}`);
        node = decodeTrieNode(bytes);
        this.#decoded.set(key, node);
      }
      return node;
    });
  }

  #parent(address: Address): ParentAccount | null {
    let parent = this.#parentAccounts.get(address);
    if (parent === undefined) {
      const leaf = this.#accountTrie.get(keccak256(hexToBytes(address)));
      parent = leaf === undefined ? null : decodeAccountLeaf(leaf, address);
      this.#parentAccounts.set(address, parent);
    }
    return parent;
  }

  #storageTrie(address: Address, parent: ParentAccount): SparseTrie {
    let trie = this.#storageTries.get(address);
    if (trie === undefined) {
      trie = this.#trie(parent.storageRoot, `the storage of ${address}`);
      this.#storageTries.set(address, trie);
    }
    return trie;
  }

  // --- StateReader ---

  getAccount(address: Address): Account | undefined {
    if (this.#accounts.has(address)) return this.#accounts.get(address) ?? undefined;
    return this.#parent(address)?.account;
  }

  getCode(address: Address): Uint8Array {
    const codeHash = this.getAccount(address)?.codeHash;
    if (codeHash === undefined || codeHash === KECCAK_EMPTY) return new Uint8Array(0);
    const code = this.#codes.get(codeHash);
    if (code === undefined) this.#fail(`the code of ${address} (${codeHash})`);
    return code;
  }

  getStorage(address: Address, slot: Hash): bigint {
    const written = this.#storage.get(address)?.get(slot);
    if (written !== undefined) return written;
    if (this.#cleared.has(address)) return 0n;
    const parent = this.#parent(address);
    if (parent === null) return 0n;
    const leaf = this.#storageTrie(address, parent).get(keccak256(hexToBytes(slot)));
    if (leaf === undefined) return 0n;
    try {
      const value = decodeRlp(leaf);
      if (Array.isArray(value)) throw new Error("a list");
      return bytesToBigint(value);
    } catch (error) {
      throw new InvalidWitnessError(`storage slot ${slot} of ${address} does not decode`, { cause: error });
    }
  }

  // --- StateWriter (the semantics of WorldState's) ---

  putAccount(address: Address, account: Account): void {
    this.#accounts.set(address, account);
  }

  deleteAccount(address: Address): void {
    this.#accounts.set(address, null);
    this.#storage.delete(address);
    this.#cleared.add(address);
  }

  putCode(address: Address, code: Uint8Array): void {
    const codeHash = code.length === 0 ? KECCAK_EMPTY : keccak256Hex(code);
    if (code.length > 0) this.#codes.set(codeHash, code);
    const account = this.getAccount(address);
    if (account?.codeHash === codeHash) return;
    this.putAccount(address, { nonce: account?.nonce ?? 0n, balance: account?.balance ?? 0n, codeHash });
  }

  putStorage(address: Address, slot: Hash, value: bigint): void {
    let slots = this.#storage.get(address);
    if (slots === undefined) {
      slots = new Map();
      this.#storage.set(address, slots);
    }
    slots.set(slot, value);
  }

  clearStorage(address: Address): void {
    this.#storage.delete(address);
    this.#cleared.add(address);
  }

  /** Folds every write into the tries; returns the post-state root. */
  commit(): Hash {
    if (this.#missing !== undefined) throw this.#missing;
    const touched = new Set<Address>([...this.#accounts.keys(), ...this.#storage.keys(), ...this.#cleared]);
    const accountWrites: [Uint8Array, Uint8Array | undefined][] = [];
    try {
      for (const address of touched) {
        const account = this.getAccount(address);
        const key = keccak256(hexToBytes(address));
        if (account === undefined) {
          accountWrites.push([key, undefined]);
          continue;
        }
        const storageRoot = this.#commitStorage(address);
        this.#storageRoots.set(address, bytesToHex(storageRoot));
        accountWrites.push([key, encodeAccountLeaf(account, storageRoot)]);
      }
      applySorted(this.#accountTrie, accountWrites);
      return bytesToHex(this.#accountTrie.rootHash());
    } catch (error) {
      if (error instanceof IncompleteWitnessError) throw this.#missing ?? error;
      throw error;
    }
  }

  #commitStorage(address: Address): Uint8Array {
    const parent = this.#parent(address);
    const writes = this.#storage.get(address);
    const cleared = this.#cleared.has(address);
    if (writes === undefined || writes.size === 0) {
      return cleared || parent === null ? hexToBytes(EMPTY_TRIE_ROOT) : parent.storageRoot;
    }
    const trie =
      cleared || parent === null
        ? this.#trie(hexToBytes(EMPTY_TRIE_ROOT), `the storage of ${address}`)
        : this.#storageTrie(address, parent);
    applySorted(
      trie,
      [...writes].map(([slot, value]) => [
        keccak256(hexToBytes(slot)),
        value === 0n ? undefined : encodeStorageLeaf(value),
      ]),
    );
    return trie.rootHash();
  }

  /** An account's storage root after `commit()` (the parent's when the block left its storage alone). */
  storageRoot(address: Address): Hash {
    const committed = this.#storageRoots.get(address);
    if (committed !== undefined) return committed;
    const parent = this.#parent(address);
    return parent === null ? EMPTY_TRIE_ROOT : bytesToHex(parent.storageRoot);
  }

  /** The parent block's hash (what the witness is anchored to). */
  get parentHash(): Hash {
    return this.#parentHash;
  }
}
