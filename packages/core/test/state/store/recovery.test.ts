import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { verifyMerkleProof } from "@ethereumjs/mpt";
import { RLP } from "@ethereumjs/rlp";
import { hexToBytes } from "viem";
import { EMPTY_TRIE_ROOT, KECCAK_EMPTY } from "../../../src/chain/constants.ts";
import { hashHeader } from "../../../src/chain/header.ts";
import type { MiniBlock } from "../../../src/chain/miniBlock.ts";
import type { StateDiff } from "../../../src/chain/stateDiff.ts";
import type { Address, Block, Hash, Header } from "../../../src/chain/types.ts";
import { ChainState } from "../../../src/state/chainState.ts";
import { buildGenesisState } from "../../../src/state/genesis.ts";
import { Bucket } from "../../../src/state/store/buckets.ts";
import type { ChainStore } from "../../../src/state/store/chainStore.ts";
import { LmdbChainStore } from "../../../src/state/store/lmdbStore.ts";
import { restoreChainState, SnapshotSchedule, StoreRecoveryError } from "../../../src/state/store/recovery.ts";
import type { StateReader, StateWriter } from "../../../src/state/types.ts";

const ZERO: Hash = `0x${"00".repeat(32)}`;
const ALICE = "0x00000000000000000000000000000000000a11ce" as Address;
const BOB = "0x0000000000000000000000000000000000000b0b" as Address;
const CONTRACT = "0x00000000000000000000000000000000000c0de0" as Address;
const HISTORY_BLOCKS = 16;

function slot(i: number): Hash {
  return `0x${i.toString(16).padStart(64, "0")}` as Hash;
}

function header(number: bigint, stateRoot: Hash): Header {
  return {
    parentHash: ZERO,
    ommersHash: ZERO,
    beneficiary: "0x4200000000000000000000000000000000000011",
    stateRoot,
    transactionsRoot: ZERO,
    receiptsRoot: ZERO,
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
    withdrawalsRoot: ZERO,
    blobGasUsed: 0n,
    excessBlobGas: 0n,
    parentBeaconBlockRoot: ZERO,
    requestsHash: ZERO,
  };
}

function blockOf(number: bigint, stateRoot: Hash, miniBlockOffset: bigint, miniBlockCount: number): Block {
  const h = header(number, stateRoot);
  return { header: h, hash: hashHeader(h), transactions: [], miniBlockCount, miniBlockOffset };
}

function miniBlockOf(number: bigint, blockNumber: bigint, index: number, stateDiff: StateDiff): MiniBlock {
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
    stateDiff,
  };
}

/** Deterministic writes of mini-block `index` of block `n`: transfers, storage writes and deletes, a new account. */
function writeMiniBlock(writer: StateWriter, n: bigint, index: number): void {
  const alice = writer.getAccount(ALICE);
  assert.ok(alice);
  writer.putAccount(ALICE, { ...alice, nonce: alice.nonce + 1n, balance: alice.balance - 100n });
  const bob = writer.getAccount(BOB);
  writer.putAccount(BOB, { nonce: 0n, balance: (bob?.balance ?? 0n) + 100n, codeHash: KECCAK_EMPTY });
  writer.putStorage(CONTRACT, slot(Number(n)), n * 10n + BigInt(index));
  if (n === 3n && index === 1) writer.putStorage(CONTRACT, slot(0), 0n);
  if (n === 4n)
    writer.putAccount(`0x${"ee".repeat(19)}${n.toString(16).padStart(2, "0")}` as Address, {
      nonce: 0n,
      balance: 1n,
      codeHash: KECCAK_EMPTY,
    });
}

function genesisWorld() {
  return buildGenesisState({
    alloc: {
      [ALICE]: { balance: 10n ** 18n },
      [CONTRACT]: { balance: 0n, nonce: 1n, code: "0x6000", storage: { "0x00": 7n, "0x01": 8n } },
    },
  });
}

interface Chain {
  readonly store: LmdbChainStore;
  readonly state: ChainState;
  readonly blocks: Block[];
  /** Mini-blocks of the block still open at the end. */
  readonly open: MiniBlock[];
  /** Balance of ALICE and storage of CONTRACT at the end of each sealed block. */
  readonly sealedViews: Map<bigint, { alice: bigint; slot3: bigint; slot0: bigint }>;
}

/**
 * Runs the sequencer's store protocol: genesis + snapshot at 0, blocks 1..sealedBlocks with `miniBlocksPerBlock`
 * mini-blocks each (every mini-block logged with its diff before the block seals), a snapshot after `snapshotAt`,
 * then `openMiniBlocks` mini-blocks of the next block, logged but not sealed.
 */
async function runChain(
  path: string,
  options: { sealedBlocks: bigint; snapshotAt: bigint; miniBlocksPerBlock: number; openMiniBlocks: number },
): Promise<Chain> {
  const store = new LmdbChainStore({ path });
  const world = genesisWorld();
  const state = new ChainState(world, { historyBlocks: HISTORY_BLOCKS });
  const genesis = blockOf(0n, world.stateRoot, 0n, 0);
  await store.putGenesis(genesis);
  await store.putSnapshot(0n, state.snapshotChunks());
  const blocks = [genesis];
  const sealedViews = new Map<bigint, { alice: bigint; slot3: bigint; slot0: bigint }>();
  let next = 0n;
  const runMiniBlocks = async (n: bigint, count: number): Promise<MiniBlock[]> => {
    const logged: MiniBlock[] = [];
    for (let index = 0; index < count; index++) {
      writeMiniBlock(state.beginMiniBlock(), n, index);
      const miniBlock = miniBlockOf(next++, n, index, state.endMiniBlock());
      await store.appendMiniBlock(miniBlock);
      logged.push(miniBlock);
    }
    return logged;
  };
  for (let n = 1n; n <= options.sealedBlocks; n++) {
    const offset = next;
    await runMiniBlocks(n, options.miniBlocksPerBlock);
    const root = state.commitBlock(n);
    const block = blockOf(n, root, offset, options.miniBlocksPerBlock);
    await store.putBlock(block, []);
    blocks.push(block);
    sealedViews.set(n, view(state.latest));
    if (n === options.snapshotAt) await store.putSnapshot(n, state.snapshotChunks());
  }
  const open = await runMiniBlocks(options.sealedBlocks + 1n, options.openMiniBlocks);
  return { store, state, blocks, open, sealedViews };
}

function view(reader: StateReader) {
  return {
    alice: reader.getAccount(ALICE)?.balance ?? 0n,
    slot3: reader.getStorage(CONTRACT, slot(3)),
    slot0: reader.getStorage(CONTRACT, slot(0)),
  };
}

function assertSameState(actual: StateReader, expected: StateReader): void {
  for (const address of [ALICE, BOB, CONTRACT, `0x${"ee".repeat(19)}04` as Address]) {
    assert.deepEqual(actual.getAccount(address), expected.getAccount(address), address);
    // Code restored from a snapshot is a Buffer (LMDB); compare the bytes.
    assert.deepEqual(Uint8Array.from(actual.getCode(address)), Uint8Array.from(expected.getCode(address)));
    for (let i = 0; i < 8; i++)
      assert.equal(actual.getStorage(address, slot(i)), expected.getStorage(address, slot(i)));
  }
}

describe("restoreChainState and the snapshot schedule", () => {
  const dirs: string[] = [];
  const stores: LmdbChainStore[] = [];
  function freshPath(): string {
    const dir = mkdtempSync(join(tmpdir(), "mach-nodestate-"));
    dirs.push(dir);
    return join(dir, "db");
  }
  async function chain(options: Parameters<typeof runChain>[1]): Promise<Chain> {
    const result = await runChain(freshPath(), options);
    stores.push(result.store);
    return result;
  }
  after(async () => {
    for (const store of stores) await store.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("restores from a mid-way snapshot and the log: same root, state, head and open mini-blocks", async () => {
    const { store, state, blocks, open } = await chain({
      sealedBlocks: 4n,
      snapshotAt: 2n,
      miniBlocksPerBlock: 3,
      openMiniBlocks: 2,
    });
    assert.equal(store.latestSnapshot()?.blockNumber, 2n);
    const restored = restoreChainState(store, { historyBlocks: HISTORY_BLOCKS });
    assert.equal(restored.state.world.stateRoot, state.world.stateRoot);
    assert.equal(restored.state.world.stateRoot, blocks[4]?.header.stateRoot);
    assert.equal(restored.head.hash, blocks[4]?.hash);
    assert.equal(restored.head.header.number, 4n);
    assert.deepEqual(
      restored.openMiniBlocks.map((m) => [m.number, m.blockNumber, m.index]),
      open.map((m) => [m.number, m.blockNumber, m.index]),
    );
    assert.deepEqual(
      restored.openMiniBlocks.map((m) => m.number),
      [12n, 13n],
    );
    // The open block's writes are in the restored state (not yet in a root).
    assertSameState(restored.state.latest, state.latest);
    assert.equal(restored.state.latest.getAccount(ALICE)?.balance, 10n ** 18n - 14n * 100n);
    // Sealing the open block gives the same root on both.
    assert.equal(restored.state.commitBlock(5n), state.commitBlock(5n));
  });

  it("restores from the genesis snapshot when no later one exists", async () => {
    const { store, state, blocks } = await chain({
      sealedBlocks: 3n,
      snapshotAt: 99n,
      miniBlocksPerBlock: 2,
      openMiniBlocks: 0,
    });
    const restored = restoreChainState(store, { historyBlocks: HISTORY_BLOCKS });
    assert.equal(restored.state.world.stateRoot, blocks[3]?.header.stateRoot);
    assert.equal(restored.head.header.number, 3n);
    assert.deepEqual(restored.openMiniBlocks, []);
    assertSameState(restored.state.latest, state.latest);
  });

  it("answers stateAt at recent blocks and undefined beyond history", async () => {
    const { store, state, sealedViews } = await chain({
      sealedBlocks: 4n,
      snapshotAt: 2n,
      miniBlocksPerBlock: 2,
      openMiniBlocks: 1,
    });
    for (const n of [1n, 2n, 3n, 4n]) {
      const at = state.stateAt(n);
      assert.ok(at, `block ${n}`);
      assert.deepEqual(view(at), sealedViews.get(n));
    }
    assert.equal(state.stateAt(5n), undefined, "the open block is not sealed");
    // The restored state only has history from its snapshot (block 2) on.
    const restored = restoreChainState(store, { historyBlocks: HISTORY_BLOCKS }).state;
    for (const n of [2n, 3n, 4n]) assert.deepEqual(view(restored.stateAt(n) as StateReader), sealedViews.get(n));
    assert.equal(restored.stateAt(1n), undefined);
    assert.equal(restored.stateAt(5n), undefined);

    // A short history forgets older blocks.
    const short = restoreChainState(store, { historyBlocks: 1 }).state;
    assert.deepEqual(view(short.stateAt(4n) as StateReader), sealedViews.get(4n));
    assert.deepEqual(view(short.stateAt(3n) as StateReader), sealedViews.get(3n));
    assert.equal(short.stateAt(2n), undefined);
  });

  it("restores a state without tries (a read worker's): the same state, history and open writes, no root", async () => {
    const { store, state, sealedViews, open } = await chain({
      sealedBlocks: 4n,
      snapshotAt: 2n,
      miniBlocksPerBlock: 3,
      openMiniBlocks: 2,
    });
    const flat = restoreChainState(store, { historyBlocks: HISTORY_BLOCKS, tries: false });
    assert.equal(flat.state.world.keepsTries, false);
    assert.equal(flat.head.header.number, 4n);
    assert.deepEqual(
      flat.openMiniBlocks.map((m) => m.number),
      open.map((m) => m.number),
    );
    assertSameState(flat.state.latest, state.latest);
    for (const n of [2n, 3n, 4n]) assert.deepEqual(view(flat.state.stateAt(n) as StateReader), sealedViews.get(n));
    // It seals blocks into its history without a root, and refuses to give one.
    flat.state.sealBlock(5n);
    state.commitBlock(5n);
    assert.deepEqual(view(flat.state.stateAt(5n) as StateReader), view(state.stateAt(5n) as StateReader));
    assert.throws(() => flat.state.commitBlock(6n), { name: "StateWithoutTriesError" });
    assert.throws(() => flat.state.world.stateRoot, { name: "StateWithoutTriesError" });
    assert.throws(() => flat.state.getProof(ALICE, []), { name: "StateWithoutTriesError" });
  });

  it("proves against the last committed root while mini-block writes are open", async () => {
    const { state, blocks } = await chain({
      sealedBlocks: 2n,
      snapshotAt: 99n,
      miniBlocksPerBlock: 1,
      openMiniBlocks: 0,
    });
    const root = blocks[2]?.header.stateRoot as Hash;
    const committed = view(state.latest);
    writeMiniBlock(state.beginMiniBlock(), 3n, 0);
    assert.notEqual(state.latest.getAccount(ALICE)?.balance, committed.alice);

    const proof = state.getProof(ALICE, []);
    assert.equal(state.world.stateRoot, root, "getProof does not commit");
    assert.equal(proof.balance, committed.alice);
    const leaf = await verifyMerkleProof(hexToBytes(ALICE), proof.accountProof, {
      root: hexToBytes(root),
      useKeyHashing: true,
    });
    assert.ok(leaf);
    const [, balance] = RLP.decode(leaf) as Uint8Array[];
    assert.equal(BigInt(`0x${Buffer.from(balance as Uint8Array).toString("hex")}`), committed.alice);

    const storageProof = state.getProof(CONTRACT, [slot(2), slot(3)]);
    assert.deepEqual(
      storageProof.storageProof.map((p) => p.value),
      [20n, 0n],
      "slot 3 is written by the open mini-block only",
    );
    const value = await verifyMerkleProof(hexToBytes(slot(2)), storageProof.storageProof[0]?.proof ?? [], {
      root: hexToBytes(storageProof.storageHash),
      useKeyHashing: true,
    });
    assert.deepEqual(RLP.decode(value as Uint8Array), Uint8Array.of(20));
  });

  it("snapshots every interval and prunes the log below the previous snapshot's start", async () => {
    const state = new ChainState(genesisWorld(), { historyBlocks: HISTORY_BLOCKS });
    const calls: string[] = [];
    const store = {
      putSnapshot: async (n: bigint) => void calls.push(`snapshot ${n}`),
      pruneMiniBlocks: async (below: bigint) => void calls.push(`prune below ${below}`),
    } as unknown as ChainStore;
    const schedule = new SnapshotSchedule(store, state, 10, 0n);
    await schedule.afterBlockSealed(blockOf(9n, ZERO, 27n, 3));
    await schedule.afterBlockSealed(blockOf(10n, ZERO, 30n, 3));
    await schedule.afterBlockSealed(blockOf(20n, ZERO, 60n, 4));
    assert.deepEqual(calls, ["snapshot 10", "prune below 0", "snapshot 20", "prune below 33"]);
  });

  it("refuses a store without a snapshot", async () => {
    const store = new LmdbChainStore({ path: freshPath() });
    stores.push(store);
    await store.putGenesis(blockOf(0n, genesisWorld().stateRoot, 0n, 0));
    assert.throws(() => restoreChainState(store, { historyBlocks: HISTORY_BLOCKS }), StoreRecoveryError);
  });

  it("refuses a log with a gap", async () => {
    const { store } = await chain({ sealedBlocks: 3n, snapshotAt: 1n, miniBlocksPerBlock: 2, openMiniBlocks: 1 });
    // Drop mini-block 4 (block 3's first) from the middle of what a restart replays.
    store.root.openDB<Uint8Array, number>({ name: Bucket.miniBlocks, encoding: "binary" }).removeSync(4);
    assert.equal(store.getMiniBlock(4n), undefined);
    assert.throws(() => restoreChainState(store, { historyBlocks: HISTORY_BLOCKS }), {
      name: "StoreRecoveryError",
      message: /jumps from mini-block 4 to 5/,
    });
  });

  it("refuses a log that skips a mini-block after the head", async () => {
    const { store } = await chain({ sealedBlocks: 2n, snapshotAt: 1n, miniBlocksPerBlock: 2, openMiniBlocks: 1 });
    // Mini-blocks 0..4 are logged; 5 is lost, 6 follows.
    await store.appendMiniBlock(miniBlockOf(6n, 3n, 2, { accounts: [] }));
    assert.throws(() => restoreChainState(store, { historyBlocks: HISTORY_BLOCKS }), {
      name: "StoreRecoveryError",
      message: /jumps from mini-block 5 to 6/,
    });
  });

  it("refuses a block whose state root disagrees with the replayed state", async () => {
    const { store, blocks } = await chain({
      sealedBlocks: 3n,
      snapshotAt: 1n,
      miniBlocksPerBlock: 2,
      openMiniBlocks: 0,
    });
    const original = blocks[3] as Block;
    await store.putBlock(blockOf(3n, `0x${"66".repeat(32)}`, original.miniBlockOffset, original.miniBlockCount), []);
    assert.throws(() => restoreChainState(store, { historyBlocks: HISTORY_BLOCKS }), {
      name: "StoreRecoveryError",
      message: /differs from block 3/,
    });
  });

  it("refuses a snapshot whose root disagrees with its block", async () => {
    const { store, blocks } = await chain({
      sealedBlocks: 2n,
      snapshotAt: 2n,
      miniBlocksPerBlock: 1,
      openMiniBlocks: 0,
    });
    const original = blocks[2] as Block;
    await store.putBlock(blockOf(2n, `0x${"77".repeat(32)}`, original.miniBlockOffset, original.miniBlockCount), []);
    assert.throws(() => restoreChainState(store, { historyBlocks: HISTORY_BLOCKS }), StoreRecoveryError);
  });
});
