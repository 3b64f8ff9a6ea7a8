/**
 * A sequencer and its batcher over the in-memory L1 (settlement) and DA, in-process, and derivers that rebuild the
 * chain from that L1 and DA alone: what the derivation tests compare. Blocks are sealed on a test clock; deposits
 * are queued on L1 and reach L2 when the sequencer's L1 follower is polled.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hexToBytes, parseGwei } from "viem";
import { type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";
import { type ChainConfig, chainConfigSchema } from "../../src/chain/config.ts";
import { userDepositSourceHash } from "../../src/chain/deposit.ts";
import { genesisBlock } from "../../src/chain/genesis.ts";
import type { Address, Block, DepositTransaction, Receipt } from "../../src/chain/types.ts";
import { type BatchBlock, encodeBatch } from "../../src/da/batch.ts";
import { type Batcher, createBatcher } from "../../src/da/batcher.ts";
import { batcherPolicySchema } from "../../src/da/batcherPolicy.ts";
import { createMemoryBatchRecordStore, type MemoryBatchRecordStore } from "../../src/da/batchRecord.ts";
import { splitIntoFrames } from "../../src/da/frame.ts";
import { createMemoryDa, type MemoryDa } from "../../src/da/memory.ts";
import { type BatchRejection, Deriver, type DeriverOptions } from "../../src/derivation/index.ts";
import { withDevStateEdits } from "../../src/execution/devStateEdits.ts";
import { createEthereumJsExecutor } from "../../src/execution/ethereumjsExecutor.ts";
import { DevSystemTxSource } from "../../src/node/dev/systemTransactions.ts";
import { rewindToDerivedChain, type SequencingWindowRewind } from "../../src/node/sequencingWindowRewind.ts";
import { sequencerConfigSchema } from "../../src/sequencer/config.ts";
import { L1EpochFollower } from "../../src/sequencer/l1Origins.ts";
import { Sequencer } from "../../src/sequencer/sequencer.ts";
import { createMemorySettlement, type MemorySettlement } from "../../src/settlement/memory.ts";
import type { L1BatchReader, RecordedBatch } from "../../src/settlement/ports.ts";
import { ChainState } from "../../src/state/chainState.ts";
import { buildGenesisState } from "../../src/state/genesis.ts";
import { createChainView } from "../../src/state/store/chainView.ts";
import { LmdbChainStore } from "../../src/state/store/lmdbStore.ts";
import { type RestoredChain, restoreChainState } from "../../src/state/store/recovery.ts";
import { silentLogger } from "../../src/telemetry.ts";
import { createTxPool, type TxPool } from "../../src/txpool/pool.ts";

export const CHAIN_ID = 901901n;
export const chain = chainConfigSchema.parse({ chainId: CHAIN_ID });
export const sequencerConfig = sequencerConfigSchema.parse({ miniBlockMs: 50, blockMs: 60_000 });
export const alice = privateKeyToAccount("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
const ALICE = alice.address.toLowerCase() as Address;
export const BOB: Address = "0x0000000000000000000000000000000000000b0b";
const GENESIS_TIMESTAMP = 1_800_000_000n;

/** The genesis every party builds alike: a fresh state each call (states are mutable). */
export function buildGenesis(): { state: ChainState; block: Block } {
  const world = buildGenesisState({ alloc: { [ALICE]: { balance: 10n ** 21n } } });
  const block = genesisBlock({
    stateRoot: world.stateRoot,
    gasLimit: chain.blockGasLimit,
    timestamp: GENESIS_TIMESTAMP,
    baseFeePerGas: chain.initialBaseFeePerGas,
    beneficiary: sequencerConfig.feeRecipient,
  });
  return { state: new ChainState(world, { historyBlocks: 64 }), block };
}

let depositCount = 0;
/** A deposit as the portal's log would give it (unique source hash), minting `mint` to `to`. */
export function deposit(mint: bigint, to: Address = BOB): DepositTransaction {
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

export function aliceTransfer(nonce: number, value = 1n): Promise<Uint8Array> {
  return signTransfer(alice, nonce, value);
}

/** A signed EIP-1559 transfer of `value` from `account` to `to`, 21,000 gas at a fee cap of 1 gwei. */
export async function signTransfer(
  account: PrivateKeyAccount,
  nonce: number,
  value: bigint,
  to: Address = BOB,
): Promise<Uint8Array> {
  return hexToBytes(
    await account.signTransaction({
      chainId: Number(CHAIN_ID),
      type: "eip1559",
      maxFeePerGas: parseGwei("1"),
      maxPriorityFeePerGas: 1n,
      gas: 21_000n,
      to,
      value,
      nonce,
    }),
  );
}

export interface Rollup {
  /** The chain config every party of this rollup uses (`chain`, or with the sequencing window asked for). */
  readonly chain: ChainConfig;
  readonly l1: MemorySettlement;
  readonly da: MemoryDa;
  readonly sequencer: Sequencer;
  readonly follower: L1EpochFollower;
  readonly pool: TxPool;
  readonly store: LmdbChainStore;
  readonly batcher: Batcher;
  /** The batcher's records (where each range was recorded on L1). */
  readonly records: MemoryBatchRecordStore;
  /** A dev chain's system transactions (dev state edits), ahead of the pool (`startRollup({ dev: true })`). */
  readonly devTxs: DevSystemTxSource | undefined;
  /** Polls L1 and seals the open block one second later; `txs` go in first. */
  nextBlock(txs?: readonly Uint8Array[]): Promise<void>;
  /** Batches every sealed block not batched yet, submits it to DA and records it on L1. */
  batchAll(): Promise<void>;
  /** Sealed blocks 1..head with their receipts, as the sequencer stored them. */
  sealed(): { block: Block; receipts: readonly Receipt[] }[];
  close(): Promise<void>;
}

export interface StartRollupOptions {
  /**
   * A development chain, as a dev node's sequencer runs it: dev state edits executed ahead of the pool, and a dev
   * block environment (the base fee a dev method would set).
   */
  readonly dev?: boolean;
  /** The chain's sequencing window in L1 blocks (default: the chain default). */
  readonly sequencingWindow?: number;
  /** A censoring sequencer: it takes no L1 origin after this L1 block (`holdL1OriginAt`). */
  readonly holdOriginAt?: bigint;
}

export async function startRollup(options: StartRollupOptions = {}): Promise<Rollup> {
  const chain = chainConfigSchema.parse({ chainId: CHAIN_ID, sequencingWindow: options.sequencingWindow });
  const dir = mkdtempSync(join(tmpdir(), "mach-derive-"));
  const l1 = createMemorySettlement();
  const da = createMemoryDa({ maxBlobBytes: 4096 });
  const store = new LmdbChainStore({ path: dir });
  const genesis = buildGenesis();
  await store.putGenesis(genesis.block);
  await store.putSnapshot(0n, genesis.state.snapshotChunks());
  let clock = Number(GENESIS_TIMESTAMP) * 1000;
  const pool = createTxPool({
    chainId: CHAIN_ID,
    state: genesis.state.latest,
    baseFeePerGas: genesis.block.header.baseFeePerGas,
    blockGasLimit: chain.blockGasLimit,
  });
  const follower = new L1EpochFollower({
    source: l1.deposits,
    confirmationDepth: 0,
    l1StartBlock: 0n,
    pollIntervalMs: 3_600_000,
    sequencingWindow: chain.sequencingWindow,
    ...(options.holdOriginAt === undefined ? {} : { holdOriginAt: options.holdOriginAt }),
  });
  const executor = await createEthereumJsExecutor({ chainId: CHAIN_ID });
  const devTxs = options.dev ? new DevSystemTxSource(pool) : undefined;
  const sequencer = new Sequencer({
    chain,
    config: sequencerConfig,
    executor: devTxs ? withDevStateEdits(executor) : executor,
    state: genesis.state,
    txs: devTxs ?? pool,
    ...(devTxs
      ? { dev: { blockEnv: (env) => ({ ...env, baseFeePerGas: env.baseFeePerGas + 7n }), automine: () => false } }
      : {}),
    store,
    head: genesis.block,
    l1: follower,
    now: () => clock,
  });
  sequencer.on("block", () => pool.setBlockParams({ baseFeePerGas: sequencer.openBlock.env.baseFeePerGas }));
  const records = createMemoryBatchRecordStore();
  const batcher = createBatcher({
    chainId: CHAIN_ID,
    da,
    source: createChainView(store, sequencer),
    pointers: records,
    recorder: l1.recorder,
    policy: batcherPolicySchema.parse({ maxBlocksPerBatch: 3 }),
    now: () => clock,
  });
  return {
    chain,
    l1,
    da,
    sequencer,
    follower,
    pool,
    store,
    batcher,
    records,
    devTxs,
    async nextBlock(txs = []) {
      clock += 1_000;
      await follower.poll();
      for (const raw of txs) pool.add(raw);
      if (txs.length > 0) await sequencer.produceNow();
      await sequencer.sealBlockNow();
    },
    async batchAll() {
      while (await batcher.runOnce({ force: true })) {}
    },
    sealed() {
      const out: { block: Block; receipts: readonly Receipt[] }[] = [];
      for (let n = 1n; n <= sequencer.head.header.number; n++) {
        out.push({ block: store.getBlock(n) as Block, receipts: store.getReceipts(n) as readonly Receipt[] });
      }
      return out;
    },
    async close() {
      await batcher.stop();
      await sequencer.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What the censoring sequencer puts in the blocks derivation replaces (`startCensoringRollup`). */
export interface ReplacedTransactions {
  /** User transactions of blocks 5 and 6 (default: alice's transfer with nonce 2 in block 5, none in block 6). */
  readonly blocks?: readonly [readonly Uint8Array[], readonly Uint8Array[]];
  /** User transactions of block 7, left open when the test stops the sequencer (default: no block 7). */
  readonly open?: readonly Uint8Array[];
}

/**
 * A censoring sequencer (window 4, no L1 origin after L1 block 0): a deposit lands in L1 block 1, the sequencer seals
 * blocks 1..6 in epoch 0 and records 1..2 at L1 2, 3..4 at L1 3 and 5..6 at L1 6, after epoch 1's deadline (L1 5).
 * Derivation keeps blocks 1..4 and forces epochs 1 (with the deposit) and 2 as blocks 5 and 6.
 */
export async function startCensoringRollup(
  to: Address = BOB,
  replaced: ReplacedTransactions = {},
): Promise<{ readonly rollup: Rollup; readonly censored: DepositTransaction }> {
  const rollup = await startRollup({ sequencingWindow: 4, holdOriginAt: 0n });
  const censored = deposit(10n ** 18n, to);
  await rollup.nextBlock([await aliceTransfer(0)]); // block 1, epoch 0
  rollup.l1.deposit(censored);
  rollup.l1.mine(); // L1 1: the deposit
  await rollup.nextBlock([await aliceTransfer(1)]); // block 2, still epoch 0: censored
  await rollup.batchAll(); // blocks 1..2 at L1 2
  await rollup.nextBlock();
  await rollup.nextBlock();
  await rollup.batchAll(); // blocks 3..4 at L1 3
  rollup.l1.mine(); // L1 4
  const [block5, block6] = replaced.blocks ?? [[await aliceTransfer(2)], []];
  await rollup.nextBlock(block5);
  await rollup.nextBlock(block6);
  rollup.l1.mine(); // L1 5: epoch 1's deadline passes without it
  await rollup.batchAll(); // blocks 5..6 at L1 6: too late
  if (replaced.open !== undefined) {
    // Unsealed: no L1 poll (the held follower would stop the sequencer now that epoch 1's window passed).
    for (const raw of replaced.open) rollup.pool.add(raw);
    await rollup.sequencer.produceNow();
  }
  return { rollup, censored };
}

/** A censoring rollup's sequencer after its restart (`restartAfterRewind`). */
export interface RestartedRollup {
  /** The chain as the store gave it back, before the rewind (its state is the one the rewind took back). */
  readonly restored: RestoredChain;
  readonly l1Head: bigint;
  readonly rewind: SequencingWindowRewind;
  readonly sequencer: Sequencer;
  readonly follower: L1EpochFollower;
  /** A fresh pool over the kept chain's state (the restarted node's: nothing re-admitted yet). */
  readonly pool: TxPool;
  readonly batcher: Batcher;
  /** Polls L1, runs the pool's work into the open block and seals it, one second later. */
  nextBlock(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Stops `rollup`'s sequencer and restarts it as a node does: the state from the store, the sequencing-window rewind,
 * then a sequencer (started, following L1 without the censoring fault) and a batcher on the kept chain.
 */
export async function restartAfterRewind(rollup: Rollup): Promise<RestartedRollup> {
  await rollup.batcher.stop();
  await rollup.sequencer.stop();
  const restored = restoreChainState(rollup.store, { historyBlocks: 64 });
  const l1Head = await rollup.l1.deposits.headNumber();
  const rewind = await rewindToDerivedChain({
    store: rollup.store,
    state: restored.state,
    head: restored.head,
    openMiniBlocks: restored.openMiniBlocks,
    records: rollup.records,
    l1Head,
    sequencingWindow: rollup.chain.sequencingWindow,
    l1StartBlock: rollup.chain.l1StartBlock,
    logger: silentLogger,
  });
  if (rewind === undefined) throw new Error("the censoring rollup's restart went back nowhere");
  let clock = 1_900_000_000_000;
  const follower = new L1EpochFollower({
    source: rollup.l1.deposits,
    confirmationDepth: 0,
    l1StartBlock: rollup.chain.l1StartBlock,
    pollIntervalMs: 3_600_000,
    sequencingWindow: rollup.chain.sequencingWindow,
    l1Head,
  });
  const pool = createTxPool({
    chainId: CHAIN_ID,
    state: restored.state.latest,
    baseFeePerGas: rewind.keptBlock.header.baseFeePerGas,
    blockGasLimit: rollup.chain.blockGasLimit,
  });
  const sequencer = new Sequencer({
    chain: rollup.chain,
    config: sequencerConfig,
    executor: await createEthereumJsExecutor({ chainId: CHAIN_ID }),
    state: restored.state,
    txs: pool,
    store: rollup.store,
    head: rewind.keptBlock,
    l1: follower,
    now: () => clock,
  });
  sequencer.on("block", () => pool.setBlockParams({ baseFeePerGas: sequencer.openBlock.env.baseFeePerGas }));
  sequencer.on("miniBlock", (miniBlock) => {
    pool.onStateChanged({ changed: new Set(miniBlock.transactions.map((tx) => tx.from)) });
  });
  const batcher = createBatcher({
    chainId: CHAIN_ID,
    da: rollup.da,
    source: createChainView(rollup.store, sequencer),
    pointers: rollup.records,
    recorder: rollup.l1.recorder,
    policy: batcherPolicySchema.parse({ maxBlocksPerBatch: 3 }),
    now: () => clock,
  });
  sequencer.start();
  return {
    restored,
    l1Head,
    rewind,
    sequencer,
    follower,
    pool,
    batcher,
    async nextBlock() {
      clock += 1_000;
      await follower.poll();
      await sequencer.produceNow();
      await sequencer.sealBlockNow();
    },
    async stop() {
      await batcher.stop();
      await sequencer.stop();
    },
  };
}

/** A deriver over `rollup`'s L1 and DA (or the records `batches` lists) from the shared genesis. */
export async function startDeriver(
  rollup: Rollup,
  overrides: Partial<DeriverOptions> = {},
): Promise<{
  deriver: Deriver;
  derived: { block: Block; receipts: readonly Receipt[] }[];
  rejections: BatchRejection[];
}> {
  const genesis = buildGenesis();
  const derived: { block: Block; receipts: readonly Receipt[] }[] = [];
  const rejections: BatchRejection[] = [];
  const deriver = new Deriver({
    chain: rollup.chain,
    config: { l1ConfirmationDepth: 0, pollIntervalMs: 3_600_000, maxL1BlocksPerRead: 4, retryDelayMs: 3_600_000 },
    executor: await createEthereumJsExecutor({ chainId: CHAIN_ID }),
    state: genesis.state,
    head: genesis.block,
    batches: rollup.l1.batches,
    deposits: rollup.l1.deposits,
    da: rollup.da,
    onBlockDerived: (block, receipts) => {
      derived.push({ block, receipts });
    },
    ...overrides,
  });
  deriver.on("rejected", (rejection) => rejections.push(rejection));
  return { deriver, derived, rejections };
}

/** Runs `syncOnce` until the deriver has read every L1 block. */
export async function syncAll(deriver: Deriver): Promise<void> {
  while (!(await deriver.syncOnce()).caughtUp) {}
}

/** A hand-made L1 inbox: records listed by the test, each at the current L1 head of `rollup`. */
export function handInbox(rollup: Rollup) {
  const records: RecordedBatch[] = [];
  const reader: L1BatchReader = {
    async readBatches({ fromL1Block, toL1Block }) {
      return records.filter((r) => r.l1BlockNumber >= fromL1Block && r.l1BlockNumber <= toL1Block);
    },
  };
  return {
    reader,
    records,
    /** Records pointers as they are, at a newly mined L1 block. */
    record(firstBlock: bigint, lastBlock: bigint, pointers: readonly Uint8Array[]): void {
      const l1Block = rollup.l1.mine();
      records.push({
        firstBlock,
        lastBlock,
        provider: "memory",
        pointers,
        l1BlockNumber: l1Block.number,
        l1BlockHash: l1Block.hash,
        batchIndex: BigInt(records.length),
      });
    },
    /** Encodes `blocks` as a batch, puts its frames on DA and records them. */
    async recordBlocks(blocks: readonly BatchBlock[], options: { maxBlobBytes?: number } = {}): Promise<void> {
      const bytes = encodeBatch({ chainId: CHAIN_ID, blocks });
      const pointers = await submitFrames(rollup.da, splitIntoFrames(bytes, options.maxBlobBytes ?? 4096));
      this.record((blocks[0] as BatchBlock).number, (blocks.at(-1) as BatchBlock).number, pointers);
    },
  };
}

export async function submitFrames(da: MemoryDa, frames: readonly Uint8Array[]): Promise<Uint8Array[]> {
  const pointers: Uint8Array[] = [];
  for (const frame of frames) pointers.push(await (await da.submit(frame)).wait());
  return pointers;
}
