import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { open } from "lmdb";
import { hexToBytes } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { keccak256Hex } from "../../../src/chain/hash.ts";
import { hashHeader } from "../../../src/chain/header.ts";
import { decodeTransaction } from "../../../src/chain/transaction.ts";
import type { Block, Hash, Transaction } from "../../../src/chain/types.ts";
import { encodeTxLocation } from "../../../src/state/records.ts";
import { Bucket } from "../../../src/state/store/buckets.ts";
import { LmdbChainStore } from "../../../src/state/store/lmdbStore.ts";
import { TX_INDEX_CHUNK, TxIndex } from "../../../src/state/store/txIndex.ts";
import { header } from "../../p2p/fixtures.ts";

const ZERO: Hash = `0x${"00".repeat(32)}`;
const hashOf = (label: string) => keccak256Hex(new TextEncoder().encode(label));
const hashes = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => hashOf(`${prefix}-${i}`));

const alice = privateKeyToAccount("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");

/** A block of `n` signed transfers (the store hashes a transaction's raw bytes when it decodes the block record). */
async function block(number: bigint, n: number): Promise<Block> {
  const transactions: Transaction[] = [];
  for (let i = 0; i < n; i++) {
    const raw = await alice.signTransaction({
      chainId: 901_901,
      type: "eip1559",
      to: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
      value: 1n,
      nonce: Number(number) * 100 + i,
      gas: 21_000n,
      maxFeePerGas: 3_000_000n,
      maxPriorityFeePerGas: 1n,
    });
    transactions.push(decodeTransaction(hexToBytes(raw)));
  }
  const h = header(number, ZERO);
  return { header: h, hash: hashHeader(h), transactions, miniBlockCount: 1, miniBlockOffset: number };
}

describe("TxIndex", () => {
  const dirs: string[] = [];
  const indexes: TxIndex[] = [];
  const freshPath = () => {
    const dir = mkdtempSync(join(tmpdir(), "mach-txindex-"));
    dirs.push(dir);
    return join(dir, "tx-index");
  };
  const openAt = (path: string) => {
    const index = new TxIndex(path);
    indexes.push(index);
    return index;
  };
  after(async () => {
    for (const index of indexes) await index.close().catch(() => undefined);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("answers a block's entries from the moment it is added, before its own commit, and once written", async () => {
    const path = freshPath();
    const index = openAt(path);
    let commit!: () => void;
    const blockCommitted = new Promise<void>((resolve) => {
      commit = resolve;
    });
    const txs = hashes("a", 3);
    const written = index.add(7n, txs, blockCommitted);
    assert.deepEqual(index.get(txs[2] as Hash), { blockNumber: 7n, index: 2 });
    // Nothing is written before the block's own commit.
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(index.indexedThrough(), undefined);
    commit();
    await written;
    assert.equal(index.indexedThrough(), 7n);
    await index.close();

    const reopened = openAt(path);
    assert.equal(reopened.indexedThrough(), 7n);
    assert.deepEqual(reopened.get(txs[0] as Hash), { blockNumber: 7n, index: 0 });
    assert.deepEqual(reopened.get(txs[2] as Hash), { blockNumber: 7n, index: 2 });
    assert.equal(reopened.get(hashOf("absent")), undefined);
  });

  it("writes a block larger than one chunk completely, each entry at its position", async () => {
    const path = freshPath();
    const index = openAt(path);
    const txs = hashes("big", 2 * TX_INDEX_CHUNK + 3);
    await index.add(1n, txs);
    await index.close();
    const reopened = openAt(path);
    for (const position of [0, TX_INDEX_CHUNK - 1, TX_INDEX_CHUNK, 2 * TX_INDEX_CHUNK, txs.length - 1]) {
      assert.deepEqual(reopened.get(txs[position] as Hash), { blockNumber: 1n, index: position });
    }
  });

  it("removes the blocks after a kept one, committed or still pending, and moves indexedThrough back", async () => {
    const index = openAt(freshPath());
    const [one, two, three] = [hashes("one", 2), hashes("two", 2), hashes("three", 2)];
    await index.add(1n, one);
    await index.add(2n, two);
    let commit!: () => void;
    const pending = index.add(
      3n,
      three,
      new Promise<void>((resolve) => {
        commit = resolve;
      }),
    );
    const removed = index.removeAfter(1n);
    assert.equal(index.get(three[0] as Hash), undefined, "a pending block after the kept one is not answered");
    commit();
    await pending;
    await removed;
    assert.equal(index.get(two[1] as Hash), undefined);
    assert.equal(index.get(three[1] as Hash), undefined);
    assert.deepEqual(index.get(one[1] as Hash), { blockNumber: 1n, index: 1 });
    assert.equal(index.indexedThrough(), 1n);
  });

  it("fails every later write once one failed (a store that cannot write stops)", async () => {
    const index = openAt(freshPath());
    const failure = new Error("disk full");
    await assert.rejects(index.add(1n, hashes("x", 1), Promise.reject(failure)), /disk full/);
    assert.throws(() => index.add(2n, hashes("y", 1)), /disk full/);
    await assert.rejects(index.flushed(), /disk full/);
  });
});

describe("LmdbChainStore's tx index", () => {
  const dirs: string[] = [];
  const stores: LmdbChainStore[] = [];
  const freshPath = () => {
    const dir = mkdtempSync(join(tmpdir(), "mach-txindex-store-"));
    dirs.push(dir);
    return join(dir, "db");
  };
  const openAt = (path: string) => {
    const store = new LmdbChainStore({ path });
    stores.push(store);
    return store;
  };
  after(async () => {
    for (const store of stores) await store.close().catch(() => undefined);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  async function chainOf(path: string, blocks: number, perBlock: number): Promise<Block[]> {
    const store = openAt(path);
    await store.putGenesis(await block(0n, 0));
    const sealed: Block[] = [];
    for (let n = 1n; n <= BigInt(blocks); n++) {
      const b = await block(n, perBlock);
      await store.putBlock(b, []);
      sealed.push(b);
    }
    await store.close();
    return sealed;
  }

  it("answers a sealed block's transactions as soon as putBlock resolves", async () => {
    const store = openAt(freshPath());
    await store.putGenesis(await block(0n, 0));
    const one = await block(1n, 3);
    await store.putBlock(one, []);
    assert.deepEqual(store.getTxLocation(one.transactions[2]?.hash as Hash), { blockNumber: 1n, index: 2 });
    await store.txIndexFlushed();
    assert.deepEqual(store.getTxLocation(one.transactions[1]?.hash as Hash), { blockNumber: 1n, index: 1 });
  });

  it("indexes again, from the block records, the blocks its index missed (a crash, a deleted index)", async () => {
    const path = freshPath();
    const sealed = await chainOf(path, 3, 2);
    rmSync(join(path, "tx-index"), { recursive: true, force: true });
    const reopened = openAt(path);
    await reopened.txIndexFlushed();
    for (const b of sealed) {
      b.transactions.forEach((tx, index) => {
        assert.deepEqual(reopened.getTxLocation(tx.hash), { blockNumber: b.header.number, index });
      });
    }
    await reopened.close();
    assert.equal(probeThrough(path), 3n);
  });

  it("drops, when it opens, index entries of blocks past its head (a crash between a rewind's two commits)", async () => {
    const path = freshPath();
    await chainOf(path, 2, 1);
    const ahead = new TxIndex(join(path, "tx-index"));
    const stray = hashOf("block 3, rewound");
    await ahead.add(3n, [stray]);
    await ahead.close();
    const reopened = openAt(path);
    await reopened.txIndexFlushed();
    assert.equal(reopened.getTxLocation(stray), undefined);
    await reopened.close();
    assert.equal(probeThrough(path), 2n);
  });

  it("rewinds its entries with truncateAfter", async () => {
    const path = freshPath();
    const sealed = await chainOf(path, 3, 2);
    const store = openAt(path);
    await store.truncateAfter(1n);
    assert.deepEqual(store.getTxLocation(sealed[0]?.transactions[1]?.hash as Hash), { blockNumber: 1n, index: 1 });
    assert.equal(store.getTxLocation(sealed[1]?.transactions[0]?.hash as Hash), undefined);
    assert.equal(store.getTxLocation(sealed[2]?.transactions[1]?.hash as Hash), undefined);
  });

  it("still reads a store written before the index had its own environment (its old bucket), and rewinds it", async () => {
    const path = freshPath();
    const sealed = await chainOf(path, 2, 1);
    rmSync(join(path, "tx-index"), { recursive: true, force: true });
    // The old layout: the entries in the chain environment's own bucket.
    const root = open({ path, compression: false, maxDbs: 32 });
    const legacy = root.openDB<Uint8Array, string>({ name: Bucket.txLocation, encoding: "binary" });
    const [one, two] = sealed as [Block, Block];
    await legacy.put(one.transactions[0]?.hash as Hash, encodeTxLocation(1n, 0));
    await legacy.put(two.transactions[0]?.hash as Hash, encodeTxLocation(2n, 0));
    await root.close();

    const marked = openAt(path);
    await marked.close();
    // Not indexed again: the old bucket covers the chain up to its head.
    assert.equal(probeThrough(path), 2n);
    assert.equal(new TxIndex(join(path, "tx-index")).get(two.transactions[0]?.hash as Hash), undefined);
    const store = openAt(path);
    assert.deepEqual(store.getTxLocation(two.transactions[0]?.hash as Hash), { blockNumber: 2n, index: 0 });
    await store.truncateAfter(1n);
    assert.equal(store.getTxLocation(two.transactions[0]?.hash as Hash), undefined);
    assert.deepEqual(store.getTxLocation(one.transactions[0]?.hash as Hash), { blockNumber: 1n, index: 0 });
  });
});

/** The index's `indexedThrough` as it is on disk (the store closed). */
function probeThrough(storePath: string): bigint | undefined {
  const index = new TxIndex(join(storePath, "tx-index"));
  const through = index.indexedThrough();
  void index.close();
  return through;
}
