import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { hexToBytes, parseGwei } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { blockStartIn, NO_L1_EPOCH } from "../../src/chain/blockStart.ts";
import { chainConfigSchema } from "../../src/chain/config.ts";
import { L1_ATTRIBUTES_DEPOSITOR, Predeploys, ZERO_HASH } from "../../src/chain/constants.ts";
import { genesisBlock } from "../../src/chain/genesis.ts";
import { l1BlockInfoOfBlock } from "../../src/chain/l1BlockInfo.ts";
import type { MiniBlock } from "../../src/chain/miniBlock.ts";
import { nextBlockEnv } from "../../src/chain/nextBlock.ts";
import { OpenBlock } from "../../src/chain/openBlock.ts";
import { buildReceipt, encodeReceipt } from "../../src/chain/receipt.ts";
import { decodeTransaction } from "../../src/chain/transaction.ts";
import { orderedTrieRoot } from "../../src/chain/trieRoot.ts";
import type { Address, Block, Receipt, Transaction } from "../../src/chain/types.ts";
import { createEthereumJsExecutor } from "../../src/execution/ethereumjsExecutor.ts";
import type { BlockEnv } from "../../src/execution/types.ts";
import { sequencerConfigSchema } from "../../src/sequencer/config.ts";
import type { TxSource } from "../../src/sequencer/ports.ts";
import { Sequencer } from "../../src/sequencer/sequencer.ts";
import { ChainState } from "../../src/state/chainState.ts";
import { buildGenesisState } from "../../src/state/genesis.ts";
import { LmdbChainStore } from "../../src/state/store/lmdbStore.ts";
import { createTxPool, type TxPool } from "../../src/txpool/pool.ts";

const CHAIN_ID = 901901n;
const alice = privateKeyToAccount("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
const bob = privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
const SINK: Address = "0x000000000000000000000000000000000000beef";

const genesisOf = (stateRoot: `0x${string}`): Block =>
  genesisBlock({
    stateRoot,
    gasLimit: 30_000_000n,
    timestamp: 1_800_000_000n,
    baseFeePerGas: 10_000_000n,
    beneficiary: SINK,
  });

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
  let store: LmdbChainStore;
  let pool: TxPool;
  let sequencer: Sequencer;
  let state: ChainState;
  let genesis: Block;
  let chainConfig: ReturnType<typeof chainConfigSchema.parse>;
  let clock = 1_800_000_000_000;

  async function setUp(
    overrides: {
      blockGasLimit?: bigint;
      txs?: (pool: TxPool) => TxSource;
      config?: Partial<ReturnType<typeof sequencerConfigSchema.parse>>;
    } = {},
  ) {
    dir = mkdtempSync(join(tmpdir(), "mach-sequencer-"));
    store = new LmdbChainStore({ path: dir });
    const world = buildGenesisState({
      alloc: {
        [alice.address.toLowerCase()]: { balance: 10n ** 21n },
        [bob.address.toLowerCase()]: { balance: 10n ** 21n },
      },
    });
    state = new ChainState(world, { historyBlocks: 16 });
    genesis = genesisOf(world.stateRoot);
    await store.putGenesis(genesis);
    chainConfig = chainConfigSchema.parse({
      chainId: CHAIN_ID,
      ...(overrides.blockGasLimit ? { blockGasLimit: overrides.blockGasLimit } : {}),
    });
    const chain = chainConfig;
    pool = createTxPool({
      chainId: CHAIN_ID,
      state: world,
      baseFeePerGas: 10_000_000n,
      blockGasLimit: chain.blockGasLimit,
    });
    const txs: TxSource = overrides.txs?.(pool) ?? pool;
    sequencer = new Sequencer({
      chain,
      config: sequencerConfigSchema.parse({ miniBlockMs: 50, ...overrides.config }),
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
    // Mini-block 0 starts the block (its L1-attributes deposit); the transfers follow in mini-block 1.
    assert.equal(seen.length, 2);
    const [start, miniBlock] = seen as [MiniBlock, MiniBlock];
    assert.equal(start.transactions.length, 1);
    const startGas = start.gasUsed;
    assert.equal(miniBlock.number, 1n);
    assert.equal(miniBlock.blockNumber, 1n);
    assert.equal(miniBlock.index, 1);
    assert.equal(miniBlock.transactions.length, 2);
    assert.deepEqual(
      miniBlock.receipts.map((r) => r.cumulativeGasUsed),
      [startGas + 21_000n, startGas + 42_000n],
    );
    assert.equal(miniBlock.transactionsRoot, orderedTrieRoot(miniBlock.transactions.map((tx) => tx.raw)));
    assert.ok(miniBlock.stateDiff.accounts.some((a) => a.address === SINK));
    // Logged before anyone heard of it.
    assert.deepEqual(
      store.getMiniBlock(1n)?.transactions.map((tx) => tx.hash),
      miniBlock.transactions.map((tx) => tx.hash),
    );

    pool.add(await transfer(alice, 1));
    await sequencer.produceNow();
    assert.equal(seen[2]?.firstTransactionIndex, 3);
    assert.equal(seen[2]?.receipts[0]?.cumulativeGasUsed, startGas + 63_000n);
  });

  it("starts every block with the L1-attributes deposit; without L1, all in one fixed epoch", async () => {
    await setUp();
    await sequencer.sealBlockNow();
    await sequencer.sealBlockNow();
    for (const number of [1n, 2n]) {
      const block = store.getBlock(number);
      assert.ok(block);
      const [first] = block.transactions;
      assert.equal(first?.type, 0x7e);
      assert.equal(first?.from, L1_ATTRIBUTES_DEPOSITOR);
      assert.equal(first?.to, Predeploys.L1Block);
      const info = l1BlockInfoOfBlock(block);
      assert.equal(info.number, 0n);
      assert.equal(info.hash, ZERO_HASH);
      assert.equal(info.sequenceNumber, number - 1n);
      assert.equal(store.getReceipts(number)?.[0]?.status, 1);
    }
    // A block starts with its first transaction or its seal: while nothing happens, latest stays the sealed head.
    assert.equal(sequencer.openBlock.miniBlocks.length, 0);
    assert.equal(sequencer.l1Origin?.sequenceNumber, 1n);
    await sequencer.produceNow();
    assert.equal(sequencer.openBlock.miniBlocks.length, 0, "no work, no start");
    pool.add(await transfer(alice, 0));
    await sequencer.produceNow();
    assert.equal(sequencer.openBlock.miniBlocks.length, 2, "the start, then the transfer");
    assert.equal(sequencer.l1Origin?.sequenceNumber, 2n);
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
    assert.equal(block.miniBlockCount, 3);
    assert.equal(block.transactions.length, 3);
    const receipts = store.getReceipts(1n) ?? [];
    assert.equal(block.header.gasUsed, (receipts[0]?.gasUsed ?? 0n) + 42_000n);
    // The root committed at the seal (the next block's start since is not committed yet).
    assert.equal(block.header.stateRoot, state.world.stateRoot);
    assert.equal(block.header.receiptsRoot, orderedTrieRoot(receipts.map(encodeReceipt)));
    assert.equal(store.headBlockNumber(), 1n);
    assert.equal(store.getTxLocation(block.transactions[2]!.hash)?.index, 2);
    // The next block continues the mini-block numbering and chains to this one.
    pool.add(await transfer(alice, 2));
    await sequencer.produceNow();
    assert.equal(sequencer.latestMiniBlock?.number, 4n);
    assert.equal(sequencer.openBlock.env.parentHash, block.hash);
    assert.ok(sequencer.openBlock.env.timestamp > block.header.timestamp);
  });

  it("builds blocks that chain/'s rules alone rebuild from their transactions, hash for hash", async () => {
    await setUp();
    const genesisState = buildGenesisState({
      alloc: {
        [alice.address.toLowerCase()]: { balance: 10n ** 21n },
        [bob.address.toLowerCase()]: { balance: 10n ** 21n },
      },
    });
    const sealed: Block[] = [];
    sequencer.on("block", (block) => sealed.push(block));
    for (let nonce = 0; nonce < 3; nonce++) {
      pool.add(await transfer(alice, nonce));
      pool.add(await transfer(bob, nonce));
      await sequencer.produceNow();
    }
    await sequencer.sealBlockNow();
    pool.add(await transfer(alice, 3));
    await sequencer.produceNow();
    await sequencer.sealBlockNow();
    assert.equal(sealed.length, 2);

    // What derivation and provers do: the parent, the block's timestamp, its L1 origin (chain/'s block start rule
    // rebuilds the deposits) and its user transactions; nothing else.
    const executor = await createEthereumJsExecutor({ chainId: CHAIN_ID });
    const replay = new ChainState(genesisState);
    let parent = genesis;
    for (const original of sealed) {
      const parentInfo = parent.header.number === 0n ? undefined : l1BlockInfoOfBlock(parent);
      const start = blockStartIn(
        parentInfo,
        l1BlockInfoOfBlock(original).number,
        NO_L1_EPOCH,
        original.header.timestamp,
        NO_L1_EPOCH.origin.number,
      );
      const transactions = [...start.transactions, ...original.transactions.slice(start.transactions.length)];
      const open = new OpenBlock(
        nextBlockEnv(parent, chainConfig, {
          timestamp: original.header.timestamp,
          coinbase: sequencerConfigSchema.parse({}).feeRecipient,
        }),
      );
      const env: BlockEnv = { chainId: CHAIN_ID, ...open.env, getBlockHash: () => undefined };
      const writer = replay.beginMiniBlock();
      const receipts: Receipt[] = [];
      let gas = 0n;
      for (const tx of transactions) {
        const result = await executor.executeTransaction(writer, tx, env);
        gas += result.gasUsed;
        receipts.push(buildReceipt(result, gas));
      }
      open.add(
        open.buildMiniBlock({
          transactions,
          receipts,
          stateDiff: replay.endMiniBlock(),
          timestampUs: 0n,
        }),
      );
      const rebuilt = open.seal(replay.commitBlock(open.number));
      assert.equal(rebuilt.hash, original.hash);
      parent = rebuilt;
    }
  });

  it("seals blocks without user transactions on time and keeps the base fee above its floor", async () => {
    await setUp();
    await sequencer.sealBlockNow();
    await sequencer.sealBlockNow();
    assert.equal(sequencer.head.header.number, 2n);
    assert.equal(sequencer.head.transactions.length, 1, "only the L1-attributes deposit");
    assert.equal(sequencer.head.miniBlockCount, 1);
    assert.equal(
      sequencer.head.header.transactionsRoot,
      orderedTrieRoot(sequencer.head.transactions.map((tx) => tx.raw)),
    );
    assert.ok(sequencer.openBlock.env.baseFeePerGas >= 1_000_000n);
  });

  it("seals blocks on time while executable transactions keep coming", async () => {
    // One transaction per mini-block: draining the pool takes hundreds of mini-blocks, far longer than blockMs.
    await setUp({ config: { maxMiniBlockTransactions: 1, blockMs: 20 } });
    const raws = await Promise.all(
      [alice, bob].flatMap((account) => Array.from({ length: 60 }, (_, nonce) => transfer(account, nonce))),
    );
    for (const raw of raws) pool.add(raw);
    const sealed = new Promise<Block>((resolve) => sequencer.once("block", resolve));
    sequencer.start();
    const block = await sealed;
    assert.ok(pool.counts().pending > 0, "the block was sealed before the pool drained");
    assert.ok(block.transactions.length > 0 && block.transactions.length < raws.length);
  });

  it("keeps one production run waiting however often new work is announced", async () => {
    // Announcements while the sequencer is busy (here: an exclusive task) must not pile up production runs: each
    // run queued behind a due block delays its seal by a mini-block.
    let announce: ((tx: Transaction) => void) | undefined;
    let runs = 0;
    await setUp({
      txs: (p) =>
        new Proxy(p, {
          get(target, key) {
            if (key === "onPending")
              return (listener: (tx: Transaction) => void) => {
                announce = listener;
                return target.onPending(listener);
              };
            if (key === "takeExecutable")
              return (max: number) => {
                runs++; // every production run looks for work first
                return target.takeExecutable(max);
              };
            const value = Reflect.get(target, key);
            return typeof value === "function" ? value.bind(target) : value;
          },
        }),
    });
    sequencer.start();
    await sequencer.runExclusive(() => undefined); // the first run (empty pool) is done
    const tx = decodeTransaction(await transfer(alice, 0));
    const before = runs;
    await sequencer.runExclusive(async () => {
      for (let turn = 0; turn < 30; turn++) {
        announce?.(tx);
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    });
    await sequencer.runExclusive(() => undefined); // what was queued meanwhile has run
    assert.equal(runs - before, 1, "one production run for 30 announcements");
  });

  it("leaves transactions that do not fit the block's gas for the next block", async () => {
    // geth's rule: a transaction fits while gas used so far + its gas limit stays within the block's limit (the
    // block's start, its attributes deposit, counts with the gas it used).
    await setUp({ blockGasLimit: 2_000_000n });
    pool.add(await transfer(bob, 0));
    await sequencer.produceNow();
    const used = sequencer.openBlock.gasUsed;
    assert.ok(used > 21_000n, "the start and bob's transfer");
    // One such transaction fits after them; a second would not (21,000 used + its limit is over).
    const gas = 2_000_000n - used - 1_000n;
    for (let nonce = 0; nonce < 3; nonce++) pool.add(await transfer(alice, nonce, gas));
    await sequencer.produceNow();
    assert.equal(sequencer.openBlock.transactions.length, 3);
    await sequencer.sealBlockNow();
    assert.equal(sequencer.head.transactions.length, 3);
    await sequencer.produceNow();
    assert.ok(sequencer.openBlock.transactions.length >= 2);
    const carried = sequencer.openBlock.transactions[1];
    assert.ok(carried?.type === 2 && carried.nonce === 1n, "the held-back transaction opens the next block");
    assert.equal(pool.pendingNonce(alice.address.toLowerCase() as Address), 3n);
  });

  it("drops a transaction the executor rejects and goes on with the others", async () => {
    await setUp({
      txs: (p) => ({
        takeExecutable: (max) => p.takeExecutable(max),
        release: (taken) => p.release(taken),
        markIncluded: (included) => p.markIncluded(included),
        markRejected: (tx, error) => {
          rejected.push(error.message);
          p.markRejected(tx, error);
        },
        onPending: (listener) => p.onPending(listener),
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
    assert.equal(sequencer.openBlock.transactions.length, 2, "the attributes deposit and alice's transfer");
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
