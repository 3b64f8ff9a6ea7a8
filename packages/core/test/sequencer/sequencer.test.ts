import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { hexToBytes, parseGwei } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { EMPTY_TRIE_ROOT } from "../../src/chain/constants.ts";
import { hashHeader } from "../../src/chain/header.ts";
import type { MiniBlock } from "../../src/chain/miniBlock.ts";
import { encodeReceipt } from "../../src/chain/receipt.ts";
import { orderedTrieRoot } from "../../src/chain/trieRoot.ts";
import type { Address, Block, Header } from "../../src/chain/types.ts";
import { createEthereumJsExecutor } from "../../src/execution/ethereumjsExecutor.ts";
import { NodeState } from "../../src/node/nodeState.ts";
import { chainConfigSchema, sequencerConfigSchema } from "../../src/sequencer/config.ts";
import type { TxSource } from "../../src/sequencer/ports.ts";
import { Sequencer } from "../../src/sequencer/sequencer.ts";
import { buildGenesisState } from "../../src/state/genesis.ts";
import { NodeStore } from "../../src/state/store/nodeStore.ts";
import { createTxPool, type TxPool } from "../../src/txpool/pool.ts";

const CHAIN_ID = 901901n;
const alice = privateKeyToAccount("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
const bob = privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
const SINK: Address = "0x000000000000000000000000000000000000beef";
const ZERO = `0x${"00".repeat(32)}` as const;

function genesisBlock(stateRoot: `0x${string}`): Block {
  const header: Header = {
    parentHash: ZERO,
    ommersHash: ZERO,
    beneficiary: SINK,
    stateRoot,
    transactionsRoot: EMPTY_TRIE_ROOT,
    receiptsRoot: EMPTY_TRIE_ROOT,
    logsBloom: new Uint8Array(256),
    difficulty: 0n,
    number: 0n,
    gasLimit: 30_000_000n,
    gasUsed: 0n,
    timestamp: 1_800_000_000n,
    extraData: new Uint8Array(),
    mixHash: ZERO,
    nonce: new Uint8Array(8),
    baseFeePerGas: 10_000_000n,
    withdrawalsRoot: EMPTY_TRIE_ROOT,
    blobGasUsed: 0n,
    excessBlobGas: 0n,
    parentBeaconBlockRoot: ZERO,
    requestsHash: ZERO,
  };
  return { header, hash: hashHeader(header), transactions: [], miniBlockCount: 0, miniBlockOffset: 0n };
}

const transfer = (account = alice, nonce = 0, gas = 21_000n) =>
  account
    .signTransaction({
      chainId: Number(CHAIN_ID),
      type: "eip1559",
      maxFeePerGas: parseGwei("1"),
      maxPriorityFeePerGas: 1n,
      gas,
      to: SINK,
      value: 1n,
      nonce,
    })
    .then(hexToBytes);

describe("Sequencer", () => {
  let dir: string;
  let store: NodeStore;
  let pool: TxPool;
  let sequencer: Sequencer;
  let state: NodeState;
  let clock = 1_800_000_000_000;

  async function setUp(overrides: { blockGasLimit?: bigint; txs?: (pool: TxPool) => TxSource } = {}) {
    dir = mkdtempSync(join(tmpdir(), "mach-sequencer-"));
    store = new NodeStore({ path: dir });
    const world = buildGenesisState({
      alloc: {
        [alice.address.toLowerCase()]: { balance: 10n ** 21n },
        [bob.address.toLowerCase()]: { balance: 10n ** 21n },
      },
    });
    state = new NodeState(world, 16);
    const genesis = genesisBlock(world.stateRoot);
    await store.putGenesis(genesis);
    const chain = chainConfigSchema.parse({
      chainId: CHAIN_ID,
      ...(overrides.blockGasLimit ? { blockGasLimit: overrides.blockGasLimit } : {}),
    });
    pool = createTxPool({
      chainId: CHAIN_ID,
      state: world,
      baseFeePerGas: 10_000_000n,
      blockGasLimit: chain.blockGasLimit,
    });
    const txs: TxSource = overrides.txs?.(pool) ?? {
      takeExecutable: (max) => pool.takeExecutable(max),
      release: (taken) => pool.release(taken),
      markIncluded: (included) => {
        for (const tx of included) pool.onIncluded(tx);
      },
      markRejected: (tx, error) => pool.onRejected(tx, error),
      onExecutable: (listener) => pool.onPending(() => listener()),
    };
    sequencer = new Sequencer({
      chain,
      config: sequencerConfigSchema.parse({ miniBlockMs: 50 }),
      executor: await createEthereumJsExecutor({ chainId: CHAIN_ID }),
      state,
      txs,
      store,
      head: genesis,
      now: () => clock,
    });
  }

  beforeEach(() => {
    clock += 10_000;
  });
  afterEach(async () => {
    await sequencer?.stop();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("seals executed transactions into a logged mini-block with block-cumulative receipts", async () => {
    await setUp();
    const seen: MiniBlock[] = [];
    sequencer.on("miniBlock", (miniBlock) => seen.push(miniBlock));
    pool.add(await transfer(alice, 0));
    pool.add(await transfer(bob, 0));
    await sequencer.produceNow();
    assert.equal(seen.length, 1);
    const [miniBlock] = seen as [MiniBlock];
    assert.equal(miniBlock.number, 0n);
    assert.equal(miniBlock.blockNumber, 1n);
    assert.equal(miniBlock.transactions.length, 2);
    assert.deepEqual(
      miniBlock.receipts.map((r) => r.cumulativeGasUsed),
      [21_000n, 42_000n],
    );
    assert.equal(miniBlock.transactionsRoot, orderedTrieRoot(miniBlock.transactions.map((tx) => tx.raw)));
    assert.ok(miniBlock.stateDiff.accounts.some((a) => a.address === SINK));
    // Logged before anyone heard of it.
    assert.deepEqual(
      store.getMiniBlock(0n)?.transactions.map((tx) => tx.hash),
      miniBlock.transactions.map((tx) => tx.hash),
    );

    pool.add(await transfer(alice, 1));
    await sequencer.produceNow();
    assert.equal(seen[1]?.firstTransactionIndex, 2);
    assert.equal(seen[1]?.receipts[0]?.cumulativeGasUsed, 63_000n);
  });

  it("seals a block whose header commits to the mini-blocks' transactions, receipts and the state root", async () => {
    await setUp();
    pool.add(await transfer(alice, 0));
    await sequencer.produceNow();
    pool.add(await transfer(alice, 1));
    await sequencer.produceNow();
    const sealed: Block[] = [];
    sequencer.on("block", (block) => sealed.push(block));
    await sequencer.sealBlockNow();
    const block = sealed[0] as Block;
    assert.equal(block.header.number, 1n);
    assert.equal(block.miniBlockCount, 2);
    assert.equal(block.transactions.length, 2);
    assert.equal(block.header.gasUsed, 42_000n);
    assert.equal(block.header.stateRoot, state.world.stateRoot);
    const receipts = store.getReceipts(1n) ?? [];
    assert.equal(block.header.receiptsRoot, orderedTrieRoot(receipts.map(encodeReceipt)));
    assert.equal(store.headBlockNumber(), 1n);
    assert.equal(store.getTxLocation(block.transactions[1]!.hash)?.index, 1);
    // The next block continues the mini-block numbering and chains to this one.
    pool.add(await transfer(alice, 2));
    await sequencer.produceNow();
    assert.equal(sequencer.latestMiniBlock?.number, 2n);
    assert.equal(sequencer.openBlock.env.parentHash, block.hash);
    assert.ok(sequencer.openBlock.env.timestamp > block.header.timestamp);
  });

  it("seals empty blocks on time and keeps the base fee above its floor", async () => {
    await setUp();
    await sequencer.sealBlockNow();
    await sequencer.sealBlockNow();
    assert.equal(sequencer.head.header.number, 2n);
    assert.equal(sequencer.head.transactions.length, 0);
    assert.equal(sequencer.head.header.transactionsRoot, EMPTY_TRIE_ROOT);
    assert.ok(sequencer.openBlock.env.baseFeePerGas >= 1_000_000n);
  });

  it("leaves transactions that do not fit the block's gas for the next block", async () => {
    // geth's rule: a transaction fits while gas used so far + its gas limit stays within the block's limit.
    await setUp({ blockGasLimit: 1_000_000n });
    for (let nonce = 0; nonce < 3; nonce++) pool.add(await transfer(alice, nonce, 990_000n));
    await sequencer.produceNow();
    assert.equal(sequencer.openBlock.transactions.length, 1);
    await sequencer.sealBlockNow();
    assert.equal(sequencer.head.transactions.length, 1);
    await sequencer.produceNow();
    assert.equal(sequencer.openBlock.transactions.length, 1);
    assert.equal(sequencer.openBlock.transactions[0]?.raw.length, (await transfer(alice, 1, 990_000n)).length);
    assert.equal(pool.pendingNonce(alice.address.toLowerCase() as Address), 3n);
  });

  it("drops a transaction the executor rejects and goes on with the others", async () => {
    await setUp({
      txs: (p) => ({
        takeExecutable: (max) => p.takeExecutable(max),
        release: (taken) => p.release(taken),
        markIncluded: (included) => {
          for (const tx of included) p.onIncluded(tx);
        },
        markRejected: (tx, error) => {
          rejected.push(error.message);
          p.onRejected(tx, error);
        },
        onExecutable: (listener) => p.onPending(() => listener()),
      }),
    });
    const rejected: string[] = [];
    pool.add(await transfer(alice, 0));
    pool.add(await transfer(bob, 0));
    // Bob's balance vanishes between admission and execution.
    state.world.putAccount(bob.address.toLowerCase() as Address, {
      ...state.world.getAccount(bob.address.toLowerCase() as Address)!,
      balance: 0n,
    });
    await sequencer.produceNow();
    assert.equal(sequencer.openBlock.transactions.length, 1);
    assert.equal(rejected.length, 1);
    assert.match(rejected[0] ?? "", /insufficient funds/);
  });

  it("stops for good and says so when the store fails", async () => {
    await setUp();
    const fatal = new Promise<Error>((resolve) => sequencer.once("fatal", resolve));
    store.appendMiniBlock = async () => {
      throw new Error("MDB_MAP_FULL: Environment mapsize limit reached");
    };
    const heard: MiniBlock[] = [];
    sequencer.on("miniBlock", (miniBlock) => heard.push(miniBlock));
    pool.add(await transfer(alice, 0));
    await sequencer.produceNow();
    assert.match((await fatal).message, /MDB_MAP_FULL/);
    assert.ok(sequencer.fatalError);
    // Nothing was announced (no receipt left the node) and nothing more is produced.
    assert.equal(heard.length, 0);
    pool.add(await transfer(alice, 1));
    await sequencer.produceNow();
    assert.equal(heard.length, 0);
  });
});
