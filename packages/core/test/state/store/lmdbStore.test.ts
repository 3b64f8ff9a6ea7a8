import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { open } from "lmdb";
import { hexToBytes } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { EMPTY_TRIE_ROOT, KECCAK_EMPTY } from "../../../src/chain/constants.ts";
import { hashHeader } from "../../../src/chain/header.ts";
import type { MiniBlock } from "../../../src/chain/miniBlock.ts";
import { decodeTransaction } from "../../../src/chain/transaction.ts";
import type { Address, Block, Hash, Header, Receipt, Transaction } from "../../../src/chain/types.ts";
import { encodeMiniBlockRecord } from "../../../src/state/records.ts";
import { Bucket } from "../../../src/state/store/buckets.ts";
import {
  LmdbChainStore,
  openLmdbChainStore,
  STORE_PAGE_BYTES,
  type StoreDurability,
} from "../../../src/state/store/lmdbStore.ts";

const ZERO: Hash = `0x${"00".repeat(32)}`;
const alice = privateKeyToAccount("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
const bob = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8" as Address;

function header(number: bigint): Header {
  return {
    parentHash: ZERO,
    ommersHash: ZERO,
    beneficiary: "0x4200000000000000000000000000000000000011",
    stateRoot: `0x${number.toString(16).padStart(64, "0")}`,
    transactionsRoot: EMPTY_TRIE_ROOT,
    receiptsRoot: EMPTY_TRIE_ROOT,
    logsBloom: new Uint8Array(256),
    difficulty: 0n,
    number,
    gasLimit: 30_000_000n,
    gasUsed: 0n,
    timestamp: 1_700_000_000n + number,
    extraData: new Uint8Array(0),
    mixHash: ZERO,
    nonce: new Uint8Array(8),
    baseFeePerGas: 10_000_000n,
    withdrawalsRoot: EMPTY_TRIE_ROOT,
    blobGasUsed: 0n,
    excessBlobGas: 0n,
    parentBeaconBlockRoot: ZERO,
    requestsHash: ZERO,
  };
}

function block(number: bigint, transactions: readonly Transaction[] = [], miniBlockOffset = 0n): Block {
  const h = header(number);
  return { header: h, hash: hashHeader(h), transactions, miniBlockCount: 2, miniBlockOffset };
}

async function transfer(nonce: number): Promise<Transaction> {
  const raw = await alice.signTransaction({
    chainId: 901_901,
    type: "eip1559",
    to: bob,
    value: 1n,
    nonce,
    gas: 21_000n,
    maxFeePerGas: 3_000_000n,
    maxPriorityFeePerGas: 1n,
  });
  return decodeTransaction(hexToBytes(raw));
}

function receipt(cumulativeGasUsed: bigint): Receipt {
  return {
    type: 2,
    status: 1,
    cumulativeGasUsed,
    logsBloom: new Uint8Array(256),
    logs: [],
    gasUsed: 21_000n,
    effectiveGasPrice: 10_000_001n,
    contractAddress: null,
    l1Fee: 5n,
    l1GasUsed: 6n,
    l1GasPrice: 7n,
    l1BlobBaseFee: 1n,
    l1BaseFeeScalar: 1368n,
    l1BlobBaseFeeScalar: 810_949n,
  };
}

function miniBlock(number: bigint, blockNumber: bigint, index: number, balance = number): MiniBlock {
  return {
    number,
    blockNumber,
    blockTimestamp: 1_700_000_000n + blockNumber,
    index,
    timestampUs: 1_700_000_000_000_000n + number,
    gasUsed: 0n,
    transactions: [],
    receipts: [],
    firstTransactionIndex: 0,
    firstLogIndex: 0,
    transactionsRoot: EMPTY_TRIE_ROOT,
    receiptsRoot: EMPTY_TRIE_ROOT,
    stateDiff: {
      accounts: [
        {
          address: bob,
          account: { nonce: 0n, balance, codeHash: KECCAK_EMPTY },
          storageCleared: false,
          storage: new Map(),
        },
      ],
    },
  };
}

/** LMDB hands back Buffers; compare them as plain Uint8Arrays (deepEqual compares prototypes). */
function plain<T>(value: T): T {
  if (value instanceof Uint8Array) return Uint8Array.from(value) as T;
  if (Array.isArray(value)) return value.map(plain) as T;
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [plain(k), plain(v)])) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)])) as T;
  }
  return value;
}

function chunk(blockNumber: number, index: number): Uint8Array {
  return Uint8Array.of(blockNumber, index, 0xaa);
}

describe("LmdbChainStore", () => {
  const dirs: string[] = [];
  const stores: LmdbChainStore[] = [];
  function freshPath(): string {
    const dir = mkdtempSync(join(tmpdir(), "mach-nodestore-"));
    dirs.push(dir);
    return join(dir, "db");
  }
  function openAt(path: string, durability?: StoreDurability): LmdbChainStore {
    const store = openLmdbChainStore(durability ? { path, durability } : { path });
    stores.push(store);
    return store;
  }
  after(async () => {
    for (const store of stores) await store.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("is empty before anything is written", () => {
    const store = openAt(freshPath());
    assert.equal(store.genesisHash(), undefined);
    assert.equal(store.headBlockNumber(), undefined);
    assert.equal(store.getBlock(0n), undefined);
    assert.equal(store.getReceipts(0n), undefined);
    assert.equal(store.getMiniBlock(0n), undefined);
    assert.equal(store.lastMiniBlockNumber(), undefined);
    assert.equal(store.latestSnapshot(), undefined);
    assert.equal(store.getTxLocation(ZERO), undefined);
    assert.equal(store.getBlockNumberByHash(ZERO), undefined);
  });

  it("stores genesis as block 0 with its hash as the chain fingerprint", async () => {
    const store = openAt(freshPath());
    const genesis = block(0n);
    await store.putGenesis(genesis);
    assert.equal(store.genesisHash(), genesis.hash);
    assert.equal(store.headBlockNumber(), 0n);
    assert.deepEqual(plain(store.getBlock(0n)), genesis);
    assert.deepEqual(plain(store.getReceipts(0n)), []);
    assert.equal(store.getBlockNumberByHash(genesis.hash), 0n);
  });

  it("seals blocks: block, hash index, receipts, tx locations and head", async () => {
    const store = openAt(freshPath());
    await store.putGenesis(block(0n));
    const txs = [await transfer(0), await transfer(1)];
    const one = block(1n, txs, 0n);
    const receipts = [receipt(21_000n), receipt(42_000n)];
    await store.putBlock(one, receipts);
    const two = block(2n, [await transfer(2)], 2n);
    await store.putBlock(two, [receipt(21_000n)]);

    assert.equal(store.headBlockNumber(), 2n);
    assert.equal(store.getBlockNumberByHash(one.hash), 1n);
    assert.equal(store.getBlockNumberByHash(two.hash), 2n);
    assert.deepEqual(plain(store.getReceipts(1n)), receipts);
    assert.deepEqual(store.getTxLocation(txs[1]!.hash), { blockNumber: 1n, index: 1 });
    assert.deepEqual(store.getTxLocation(two.transactions[0]!.hash), { blockNumber: 2n, index: 0 });
    const stored = store.getBlock(1n);
    assert.equal(stored?.hash, one.hash);
    assert.deepEqual(
      stored?.transactions.map((tx) => [tx.hash, tx.from]),
      txs.map((tx) => [tx.hash, tx.from]),
    );
    assert.equal(store.getBlock(3n), undefined);
    // The header alone, here from the decoded-block cache (from the record: the reopen test below).
    const header = { header: one.header, hash: one.hash, miniBlockCount: one.miniBlockCount, miniBlockOffset: 0n };
    assert.deepEqual(plain(store.getBlockHeader(1n)), plain(header));
    assert.equal(store.getBlockHeader(3n), undefined);
  });

  it("appends mini-blocks to the log and reads them back in order", async () => {
    const store = openAt(freshPath());
    for (let n = 0n; n < 5n; n++) await store.appendMiniBlock(miniBlock(n, 1n + n / 2n, Number(n % 2n)));
    assert.equal(store.lastMiniBlockNumber(), 4n);
    assert.deepEqual(plain(store.getMiniBlock(3n)), miniBlock(3n, 2n, 1));
    assert.deepEqual(
      [...store.miniBlocksFrom(2n)].map((m) => m.number),
      [2n, 3n, 4n],
    );
    assert.deepEqual([...store.miniBlocksFrom(5n)], []);
    assert.equal(store.getMiniBlock(5n), undefined);
  });

  it("orders the log numerically past single digits", async () => {
    const store = openAt(freshPath());
    for (const n of [1n, 2n, 9n, 10n, 11n, 100n, 256n, 1000n]) await store.appendMiniBlock(miniBlock(n, 1n, 0));
    assert.deepEqual(
      [...store.miniBlocksFrom(9n)].map((m) => m.number),
      [9n, 10n, 11n, 100n, 256n, 1000n],
    );
    assert.equal(store.lastMiniBlockNumber(), 1000n);
  });

  it("prunes log entries below a number and keeps the rest", async () => {
    const store = openAt(freshPath());
    for (let n = 0n; n < 6n; n++) await store.appendMiniBlock(miniBlock(n, 1n, Number(n)));
    await store.pruneMiniBlocks(4n);
    assert.equal(store.getMiniBlock(3n), undefined);
    assert.deepEqual(
      [...store.miniBlocksFrom(0n)].map((m) => m.number),
      [4n, 5n],
    );
    assert.equal(store.lastMiniBlockNumber(), 5n);
  });

  const sealOf = (n: bigint) => ({
    signature: { r: 1n + n, s: 2n + n, yParity: 0 as const },
    sealedAtMs: 1_700_000_000_000n + n,
    seal: { r: 3n + n, s: 4n + n, yParity: 1 as const },
  });

  it("logs a mini-block with its seal and its exact record bytes, and a block with its seal", async () => {
    const store = openAt(freshPath());
    const record = encodeMiniBlockRecord(miniBlock(0n, 1n, 0));
    await store.appendMiniBlock(miniBlock(0n, 1n, 0), { record, seal: sealOf(0n) });
    await store.appendMiniBlock(miniBlock(1n, 1n, 1));
    assert.deepEqual(plain(store.getMiniBlockRecord(0n)), record);
    assert.deepEqual(store.getMiniBlockSeal(0n), sealOf(0n));
    assert.equal(store.getMiniBlockSeal(1n), undefined);
    await store.putGenesis(block(0n));
    await store.putBlock(block(1n), [], { sealedAtMs: 9n, seal: sealOf(1n).seal });
    assert.deepEqual(store.getBlockSeal(1n), { sealedAtMs: 9n, seal: sealOf(1n).seal });
    assert.equal(store.getBlockSeal(0n), undefined);
  });

  it("drops log entries and their seals from a number on, and prunes seals with the log", async () => {
    const store = openAt(freshPath());
    for (let n = 0n; n < 6n; n++) await store.appendMiniBlock(miniBlock(n, 1n, Number(n)), { seal: sealOf(n) });
    await store.dropMiniBlocksFrom(4n);
    assert.equal(store.lastMiniBlockNumber(), 3n);
    assert.equal(store.getMiniBlockSeal(4n), undefined);
    assert.deepEqual(store.getMiniBlockSeal(3n), sealOf(3n));
    await store.pruneMiniBlocks(2n);
    assert.equal(store.getMiniBlockSeal(1n), undefined);
    assert.deepEqual(
      [...store.miniBlocksFrom(0n)].map((m) => m.number),
      [2n, 3n],
    );
  });

  it("returns the newest snapshot and removes the older one's chunks", async () => {
    const store = openAt(freshPath());
    await store.putSnapshot(3n, [chunk(3, 0), chunk(3, 1), chunk(3, 2)]);
    const first = store.latestSnapshot();
    assert.equal(first?.blockNumber, 3n);
    assert.deepEqual(plain([...(first?.chunks ?? [])]), [chunk(3, 0), chunk(3, 1), chunk(3, 2)]);

    await store.putSnapshot(8n, [chunk(8, 0), chunk(8, 1)]);
    const second = store.latestSnapshot();
    assert.equal(second?.blockNumber, 8n);
    assert.deepEqual(plain([...(second?.chunks ?? [])]), [chunk(8, 0), chunk(8, 1)]);

    // Only the newest snapshot's chunks remain in the environment.
    const snapshots = store.root.openDB<Uint8Array, [number, number]>({ name: Bucket.snapshots, encoding: "binary" });
    assert.deepEqual(
      [...snapshots.getKeys()],
      [
        [8, 0],
        [8, 1],
      ],
    );
  });

  it("keeps everything across close and reopen of the same path", async () => {
    const path = freshPath();
    const first = new LmdbChainStore({ path });
    const genesis = block(0n);
    const tx = await transfer(0);
    const one = block(1n, [tx], 0n);
    await first.putGenesis(genesis);
    await first.putBlock(one, [receipt(21_000n)]);
    await first.appendMiniBlock(miniBlock(0n, 1n, 0));
    await first.appendMiniBlock(miniBlock(1n, 1n, 1));
    await first.appendMiniBlock(miniBlock(2n, 2n, 0));
    await first.putSnapshot(1n, [chunk(1, 0)]);
    await first.close();

    const reopened = openAt(path);
    assert.equal(reopened.genesisHash(), genesis.hash);
    assert.equal(reopened.headBlockNumber(), 1n);
    assert.deepEqual(plain(reopened.getBlock(0n)), genesis);
    // Read from the record (the reopened store's cache is empty), as from the cache.
    assert.deepEqual(plain(reopened.getBlockHeader(1n)), {
      header: plain(one.header),
      hash: one.hash,
      miniBlockCount: one.miniBlockCount,
      miniBlockOffset: one.miniBlockOffset,
    });
    assert.equal(reopened.getBlock(1n)?.hash, one.hash);
    assert.equal(reopened.getBlock(1n)?.transactions[0]?.hash, tx.hash);
    assert.deepEqual(plain(reopened.getReceipts(1n)), [receipt(21_000n)]);
    assert.deepEqual(reopened.getTxLocation(tx.hash), { blockNumber: 1n, index: 0 });
    assert.equal(reopened.lastMiniBlockNumber(), 2n);
    assert.deepEqual(plain(reopened.getMiniBlock(2n)), miniBlock(2n, 2n, 0));
    const snapshot = reopened.latestSnapshot();
    assert.equal(snapshot?.blockNumber, 1n);
    assert.deepEqual(plain([...(snapshot?.chunks ?? [])]), [chunk(1, 0)]);
  });

  it("creates a store with 64 KiB pages, and opens one LMDB created with 4 KiB pages as it is", async () => {
    const pageSize = (store: LmdbChainStore) => (store.root.getStats() as { pageSize: number }).pageSize;
    assert.equal(pageSize(openAt(freshPath())), STORE_PAGE_BYTES);
    assert.equal(STORE_PAGE_BYTES, 65_536);
    const path = freshPath();
    const older = open({ path, pageSize: 4096, maxDbs: 32 });
    await older.close();
    const store = openAt(path);
    assert.equal(pageSize(store), 4096);
    await store.appendMiniBlock(miniBlock(0n, 1n, 0));
    assert.deepEqual(plain(store.getMiniBlock(0n)), miniBlock(0n, 1n, 0));
  });

  it("works with durability flush, across a reopen", async () => {
    const path = freshPath();
    const first = new LmdbChainStore({ path, durability: "flush" });
    await first.putGenesis(block(0n));
    await first.appendMiniBlock(miniBlock(0n, 1n, 0));
    await first.putBlock(block(1n, [await transfer(0)], 0n), [receipt(21_000n)]);
    await first.putSnapshot(1n, [chunk(1, 0), chunk(1, 1)]);
    assert.equal(first.headBlockNumber(), 1n);
    await first.close();

    const reopened = openAt(path, "flush");
    assert.equal(reopened.headBlockNumber(), 1n);
    assert.deepEqual(plain(reopened.getMiniBlock(0n)), miniBlock(0n, 1n, 0));
    assert.equal(reopened.latestSnapshot()?.blockNumber, 1n);
    assert.deepEqual(plain([...(reopened.latestSnapshot()?.chunks ?? [])]), [chunk(1, 0), chunk(1, 1)]);
  });
});
