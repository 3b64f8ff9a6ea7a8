/**
 * The sequencer over an L1 (the in-memory settlement): every block starts with its L1 origin, each L1 block's
 * deposits arrive once, a confirmation depth behind the L1 head, across restarts and shallow reorgs; a deeper reorg
 * stops it.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, it } from "node:test";
import { hexToBytes, parseGwei } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { chainConfigSchema } from "../../src/chain/config.ts";
import { userDepositSourceHash } from "../../src/chain/deposit.ts";
import { genesisBlock } from "../../src/chain/genesis.ts";
import { l1BlockInfoOf, l1BlockInfoOfBlock } from "../../src/chain/l1BlockInfo.ts";
import { ecotoneL1FeeCharge } from "../../src/chain/l1Fee.ts";
import type { MiniBlock } from "../../src/chain/miniBlock.ts";
import { buildTransaction } from "../../src/chain/transaction.ts";
import type { Address, Block, DepositTransaction, Hash } from "../../src/chain/types.ts";
import { createEthereumJsExecutor } from "../../src/execution/ethereumjsExecutor.ts";
import { genesisConfigSchema } from "../../src/node/config.ts";
import { genesisAlloc } from "../../src/node/genesis.ts";
import { sequencerConfigSchema } from "../../src/sequencer/config.ts";
import { L1EpochFollower, L1ReorgTooDeepError } from "../../src/sequencer/l1Origins.ts";
import type { L1EpochSource } from "../../src/sequencer/ports.ts";
import { Sequencer } from "../../src/sequencer/sequencer.ts";
import {
  createMemorySettlement,
  DEFAULT_MEMORY_SYSTEM_CONFIG,
  type MemorySettlement,
} from "../../src/settlement/memory.ts";
import { ChainState } from "../../src/state/chainState.ts";
import { buildGenesisState } from "../../src/state/genesis.ts";
import { LmdbChainStore } from "../../src/state/store/lmdbStore.ts";
import { restoreChainState } from "../../src/state/store/recovery.ts";
import { createTxPool, type TxPool } from "../../src/txpool/pool.ts";

const CHAIN_ID = 901901n;
const alice = privateKeyToAccount("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
const ALICE = alice.address.toLowerCase() as Address;
const BOB: Address = "0x0000000000000000000000000000000000000b0b";
const chain = chainConfigSchema.parse({ chainId: CHAIN_ID });
const config = sequencerConfigSchema.parse({ miniBlockMs: 50, blockMs: 60_000 });

const aliceTransfer = async (nonce: number) =>
  hexToBytes(
    await alice.signTransaction({
      chainId: Number(CHAIN_ID),
      type: "eip1559",
      maxFeePerGas: parseGwei("1"),
      maxPriorityFeePerGas: 1n,
      gas: 21_000n,
      to: BOB,
      value: 1n,
      nonce,
    }),
  );

let depositCount = 0;
/** A deposit as the portal's log would give it (unique source hash), minting `mint` to a fresh account. */
function deposit(mint: bigint, to: Address = BOB): DepositTransaction {
  depositCount++;
  return {
    type: 0x7e,
    sourceHash: userDepositSourceHash(`0x${depositCount.toString(16).padStart(64, "0")}`, 0n),
    from: `0x${(0xd0000 + depositCount).toString(16).padStart(40, "0")}`,
    to,
    mint,
    value: mint / 2n,
    gasLimit: 100_000n,
    isSystemTransaction: false,
    data: new Uint8Array(0),
  };
}

interface Node {
  readonly sequencer: Sequencer;
  readonly follower: L1EpochFollower;
  readonly store: LmdbChainStore;
  readonly state: ChainState;
  readonly pool: TxPool;
}

describe("the sequencer over L1", () => {
  const dirs: string[] = [];
  const running: Node[] = [];
  let clock = 1_800_000_000_000;
  const now = () => clock;

  afterEach(async () => {
    for (const node of running.splice(0)) {
      await node.sequencer.stop();
      await node.store.close();
    }
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function follower(source: L1EpochSource, options: { depth?: number; l1StartBlock?: bigint } = {}) {
    return new L1EpochFollower({
      source,
      confirmationDepth: options.depth ?? 0,
      l1StartBlock: options.l1StartBlock ?? 0n,
      pollIntervalMs: 3_600_000,
      sequencingWindow: chain.sequencingWindow,
    });
  }

  /** A fresh chain (or the one in `dir`, restarted from its store) whose sequencer follows `l1`. */
  async function startNode(l1: L1EpochFollower, dir?: string): Promise<Node & { dir: string }> {
    const path = dir ?? mkdtempSync(join(tmpdir(), "mach-deposits-"));
    if (dir === undefined) dirs.push(path);
    const store = new LmdbChainStore({ path });
    let state: ChainState;
    let head: Block;
    let recovered: readonly MiniBlock[] = [];
    if (store.genesisHash() === undefined) {
      const genesisConfig = genesisConfigSchema.parse({ accountCount: 0, alloc: {} });
      const world = buildGenesisState({
        alloc: { ...genesisAlloc(genesisConfig, []), [ALICE]: { balance: 10n ** 21n } },
      });
      state = new ChainState(world, { historyBlocks: 64 });
      head = genesisBlock({
        stateRoot: world.stateRoot,
        gasLimit: chain.blockGasLimit,
        timestamp: 1_800_000_000n,
        baseFeePerGas: chain.initialBaseFeePerGas,
        beneficiary: config.feeRecipient,
      });
      await store.putGenesis(head);
      await store.putSnapshot(0n, state.snapshotChunks());
    } else {
      const restored = restoreChainState(store, { historyBlocks: 64 });
      state = restored.state;
      head = restored.head;
      recovered = restored.openMiniBlocks;
    }
    const pool = createTxPool({
      chainId: CHAIN_ID,
      state: state.latest,
      baseFeePerGas: head.header.baseFeePerGas,
      blockGasLimit: chain.blockGasLimit,
    });
    const sequencer = new Sequencer({
      chain,
      config,
      executor: await createEthereumJsExecutor({ chainId: CHAIN_ID }),
      state,
      txs: pool,
      store,
      head,
      recoveredMiniBlocks: recovered,
      l1,
      now,
    });
    const node = { sequencer, follower: l1, store, state, pool, dir: path };
    running.push(node);
    return node;
  }

  /** One L2 block: poll L1, then seal (the next block starts right away, from what the poll found). */
  async function nextBlock(node: Node): Promise<void> {
    clock += 1_000;
    await node.follower.poll();
    await node.sequencer.sealBlockNow();
  }

  /** Every block's L1 origin and the deposits (source hashes) it includes: the stored ones, then the open one. */
  function chainContents(node: Node) {
    const blocks: { origin: bigint; sequenceNumber: bigint; deposits: Hash[] }[] = [];
    const sealed: { transactions: Block["transactions"] }[] = [];
    for (let n = 1n; n <= (node.store.headBlockNumber() ?? 0n); n++) sealed.push(node.store.getBlock(n) as Block);
    if (node.sequencer.openBlock.transactions.length > 0) sealed.push(node.sequencer.openBlock);
    for (const block of sealed) {
      const info = l1BlockInfoOfBlock(block);
      blocks.push({
        origin: info.number,
        sequenceNumber: info.sequenceNumber,
        deposits: block.transactions.slice(1).flatMap((tx) => (tx.type === 0x7e ? [tx.sourceHash] : [])),
      });
    }
    return blocks;
  }

  it("starts block 1 only once L1 gave its start block, with that block's deposits", async () => {
    const l1 = createMemorySettlement();
    const first = deposit(5n * 10n ** 18n);
    l1.deposit(first);
    l1.mine();
    const node = await startNode(follower(l1.deposits, { l1StartBlock: 1n }));
    await node.sequencer.sealBlockNow();
    assert.equal(node.sequencer.head.header.number, 0n, "nothing before L1 answered");
    await node.follower.poll();
    await node.sequencer.sealBlockNow();
    assert.equal(node.sequencer.head.header.number, 1n);
    const start = node.store.getMiniBlock(0n);
    assert.ok(start);
    assert.equal(start.transactions.length, 2);
    assert.equal(start.transactions[1]?.hash, buildTransaction(first).hash);
    assert.equal(node.sequencer.l1Origin?.number, 1n);
    assert.equal(node.state.latest.getAccount(BOB)?.balance, first.value);
    assert.equal(node.state.latest.getAccount(first.from)?.balance, first.mint - first.value);
    assert.equal(start.receipts[1]?.status, 1);
    assert.equal(start.receipts[1]?.depositNonce, 0n);
  });

  it("takes each L1 block once, a confirmation depth behind the head, its deposits in its epoch's first block", async () => {
    const l1 = createMemorySettlement();
    const node = await startNode(follower(l1.deposits, { depth: 2 }));
    // Block 1 waits until its start block (L1 genesis) is 2 blocks deep.
    await nextBlock(node);
    assert.equal(node.sequencer.openBlock.miniBlocks.length, 0);
    l1.mine();
    l1.mine();
    const expected: Hash[] = [];
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < i % 3; j++) {
        const d = deposit(BigInt(i * 10 + j + 1));
        l1.deposit(d);
        expected.push(d.sourceHash);
      }
      l1.mine();
      await nextBlock(node);
      const origin = node.sequencer.l1Origin;
      assert.ok(origin);
      assert.ok(origin.number + 2n <= (await l1.deposits.headNumber()), "an origin stays 2 blocks behind the head");
    }
    // Two more L1 blocks bury the last deposits at the depth.
    l1.mine();
    l1.mine();
    for (let i = 0; i < 4; i++) await nextBlock(node);
    const blocks = chainContents(node);
    // Origins advance by at most one L1 block per L2 block, from the start block on, never skipping one.
    let previous = -1n;
    for (const block of blocks) {
      assert.ok(block.origin === previous || block.origin === previous + 1n);
      if (block.origin !== previous) assert.equal(block.sequenceNumber, 0n);
      else assert.equal(block.deposits.length, 0);
      previous = block.origin;
    }
    assert.equal(previous, (await l1.deposits.headNumber()) - 2n, "caught up to the confirmed head");
    assert.deepEqual(
      blocks.flatMap((b) => b.deposits),
      expected,
    );
  });

  it("stays on its origin while the next L1 block is newer than the L2 block", async () => {
    const l1 = createMemorySettlement();
    const node = await startNode(follower(l1.deposits));
    await nextBlock(node);
    const future = l1.mine({ timestamp: BigInt(clock / 1000) + 5n });
    await nextBlock(node);
    assert.equal(node.sequencer.l1Origin?.number, 0n);
    await nextBlock(node);
    assert.equal(node.sequencer.l1Origin?.number, 0n);
    clock += 5_000;
    // The block opened after the clock passed the L1 block's time takes it (when it starts, at the latest at its seal).
    await nextBlock(node);
    await nextBlock(node);
    assert.equal(node.sequencer.l1Origin?.number, future.number);
    assert.ok(node.sequencer.head.header.timestamp >= future.timestamp);
  });

  it("charges user transactions the L1 fee of the origin's base fee and SystemConfig scalars", async () => {
    const l1 = createMemorySettlement();
    const node = await startNode(follower(l1.deposits));
    await nextBlock(node);
    const raw = await aliceTransfer(0);
    node.pool.add(raw);
    await node.sequencer.produceNow();
    const receipt = node.sequencer.openBlock.receipts.at(-1);
    const origin = await l1.deposits.blockAt(0n);
    assert.ok(receipt && origin);
    const expected = ecotoneL1FeeCharge(raw, {
      l1BaseFee: origin.baseFeePerGas,
      l1BlobBaseFee: origin.blobBaseFee,
      l1BaseFeeScalar: DEFAULT_MEMORY_SYSTEM_CONFIG.baseFeeScalar,
      l1BlobBaseFeeScalar: DEFAULT_MEMORY_SYSTEM_CONFIG.blobBaseFeeScalar,
    });
    assert.ok(expected.l1Fee > 0n);
    assert.equal(receipt.l1Fee, expected.l1Fee);
    assert.equal(receipt.l1GasUsed, expected.l1GasUsed);
    assert.equal(receipt.l1GasPrice, origin.baseFeePerGas);
    assert.equal(receipt.l1BaseFeeScalar, DEFAULT_MEMORY_SYSTEM_CONFIG.baseFeeScalar);
    assert.equal(receipt.l1BlobBaseFeeScalar, DEFAULT_MEMORY_SYSTEM_CONFIG.blobBaseFeeScalar);
    assert.equal(receipt.l1BlobBaseFee, origin.blobBaseFee);
  });

  it("resumes after restarts from the L1 origin in its newest block: no deposit lost or doubled", async () => {
    const l1 = createMemorySettlement();
    const expected: Hash[] = [];
    const queue = (count: number) => {
      for (let i = 0; i < count; i++) {
        const d = deposit(1_000n + BigInt(expected.length));
        l1.deposit(d);
        expected.push(d.sourceHash);
      }
      l1.mine();
    };
    let node = await startNode(follower(l1.deposits, { depth: 1 }));
    const dir = node.dir;
    queue(2);
    queue(1);
    await nextBlock(node);
    await nextBlock(node);
    // A transaction starts the open block: it is in the log only when the node stops (as after kill -9).
    node.pool.add(await aliceTransfer(0));
    await node.sequencer.produceNow();
    const stopped = async () => {
      await node.sequencer.stop();
      await node.store.close();
      running.splice(running.indexOf(node), 1);
    };
    await stopped();
    queue(3);
    queue(0);
    node = await startNode(follower(l1.deposits, { depth: 1 }), dir);
    assert.ok(node.sequencer.openBlock.miniBlocks.length > 0, "the open block was recovered from the log");
    for (let i = 0; i < 3; i++) await nextBlock(node);
    await stopped();
    queue(2);
    l1.mine();
    node = await startNode(follower(l1.deposits, { depth: 1 }), dir);
    for (let i = 0; i < 6; i++) await nextBlock(node);
    const blocks = chainContents(node);
    assert.deepEqual(
      blocks.flatMap((b) => b.deposits),
      expected,
    );
    assert.equal(blocks.at(-1)?.origin, (await l1.deposits.headNumber()) - 1n);
  });

  it("never includes deposits of L1 blocks that a reorg within the confirmation depth replaced", async () => {
    const l1 = createMemorySettlement();
    const node = await startNode(follower(l1.deposits, { depth: 2 }));
    l1.mine();
    l1.mine();
    const orphan = deposit(77n);
    l1.deposit(orphan);
    l1.mine();
    for (let i = 0; i < 3; i++) await nextBlock(node);
    assert.equal(node.sequencer.l1Origin?.number, 1n);
    l1.reorg(2);
    const kept = deposit(88n);
    l1.deposit(kept);
    for (let i = 0; i < 3; i++) l1.mine();
    for (let i = 0; i < 8; i++) await nextBlock(node);
    const deposits = chainContents(node).flatMap((b) => b.deposits);
    assert.deepEqual(deposits, [kept.sourceHash]);
    assert.equal(node.sequencer.fatalError, undefined);
  });

  it("reads a prefetched L1 block again when L1 replaced it before any block used it", async () => {
    const l1 = createMemorySettlement();
    const node = await startNode(follower(l1.deposits));
    await nextBlock(node);
    l1.deposit(deposit(1n));
    l1.mine();
    await node.follower.poll();
    assert.equal(node.follower.prefetched?.deposits.length, 1);
    l1.reorg(1);
    const replacement = deposit(2n);
    l1.deposit(replacement);
    l1.mine();
    await nextBlock(node);
    await nextBlock(node);
    const deposits = chainContents(node).flatMap((b) => b.deposits);
    assert.deepEqual(deposits, [replacement.sourceHash]);
  });

  it("stops with a fatal L1ReorgTooDeepError when L1 replaces a block the chain took as its origin", async () => {
    const l1 = createMemorySettlement();
    const node = await startNode(follower(l1.deposits, { depth: 1 }));
    for (let i = 0; i < 3; i++) l1.mine();
    for (let i = 0; i < 4; i++) await nextBlock(node);
    assert.equal(node.sequencer.l1Origin?.number, 2n);
    const fatal = new Promise<Error>((resolve) => node.sequencer.once("fatal", resolve));
    node.sequencer.start();
    l1.reorg(2);
    await node.follower.poll();
    const error = await fatal;
    assert.ok(error instanceof L1ReorgTooDeepError);
    assert.match(error.message, /L1 reorganized below the confirmation depth: L1 block 2 is gone/);
    assert.equal(node.sequencer.fatalError, error);
  });

  it("follows the chain back when it returns to an earlier block (a dev chain's revert)", async () => {
    const l1 = createMemorySettlement();
    for (let i = 0; i < 4; i++) l1.mine();
    const l1Origins = follower(l1.deposits);
    await l1Origins.poll();
    assert.equal(l1Origins.nextEpoch(undefined)?.origin.number, 0n);
    const infoAt = async (n: bigint) => {
      const block = await l1.deposits.blockAt(n);
      assert.ok(block);
      return l1BlockInfoOf(block, DEFAULT_MEMORY_SYSTEM_CONFIG, 0n);
    };
    l1Origins.followed(await infoAt(3n));
    await l1Origins.poll();
    assert.equal(l1Origins.nextEpoch(await infoAt(3n))?.origin.number, 4n);
    l1Origins.followed(await infoAt(1n));
    assert.equal(l1Origins.nextEpoch(await infoAt(1n)), undefined, "the epoch after 3 is no use after 1");
    await l1Origins.poll();
    assert.equal(l1Origins.nextEpoch(await infoAt(1n))?.origin.number, 2n);
    l1Origins.followed(undefined);
    await l1Origins.poll();
    assert.equal(l1Origins.nextEpoch(undefined)?.origin.number, 0n, "back at genesis: the start block again");
  });

  it("keeps producing blocks in its epoch while L1 fails, and catches up after", async () => {
    const l1: MemorySettlement = createMemorySettlement();
    let failing = false;
    const flaky: L1EpochSource = {
      headNumber: () => (failing ? Promise.reject(new Error("socket hang up")) : l1.deposits.headNumber()),
      blockAt: (n) => l1.deposits.blockAt(n),
      depositsIn: (b) => l1.deposits.depositsIn(b),
      systemConfigAt: (b) => l1.deposits.systemConfigAt(b),
    };
    const node = await startNode(follower(flaky));
    await nextBlock(node);
    failing = true;
    const late = deposit(9n);
    l1.deposit(late);
    l1.mine();
    await nextBlock(node);
    await nextBlock(node);
    assert.equal(node.sequencer.l1Origin?.number, 0n);
    assert.equal(node.sequencer.head.header.number, 3n);
    failing = false;
    await nextBlock(node);
    await nextBlock(node);
    assert.equal(node.sequencer.l1Origin?.number, 1n);
    assert.deepEqual(
      chainContents(node).flatMap((b) => b.deposits),
      [late.sourceHash],
    );
  });
});
