/**
 * An in-memory sequencer feed for replica tests: a real `Sequencer` (executor, pool, LMDB store) writing through the
 * node's publishing store, whose published messages are collected instead of gossiped; and replicas over their own
 * store and genesis state, fed those messages directly (what the p2p node does after verifying them).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeFunctionData, hexToBytes } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { chainConfigSchema } from "../../src/chain/config.ts";
import { createDigestSigner } from "../../src/chain/digestSignature.ts";
import { genesisBlock } from "../../src/chain/genesis.ts";
import type { Address, Block } from "../../src/chain/types.ts";
import { withDevStateEdits } from "../../src/execution/devStateEdits.ts";
import { createEthereumJsExecutor } from "../../src/execution/ethereumjsExecutor.ts";
import { createWitnessRecordingExecutor } from "../../src/execution/witnessRecording.ts";
import type { SequencerTestFaults } from "../../src/node/config.ts";
import { DevSystemTxSource } from "../../src/node/dev/systemTransactions.ts";
import { createPublishingStore } from "../../src/node/network/publishingStore.ts";
import { createStoreBlockSource } from "../../src/node/network/storeBlockSource.ts";
import { createWitnessingState } from "../../src/node/witnesses.ts";
import { miniBlockRecordOf, type SignedBlock, type SignedMiniBlock } from "../../src/p2p/index.ts";
import { Replica, type ReplicaMetrics } from "../../src/replica/replica.ts";
import type { ReceivedMiniBlock } from "../../src/replica/types.ts";
import { sequencerConfigSchema } from "../../src/sequencer/config.ts";
import { Sequencer } from "../../src/sequencer/sequencer.ts";
import { ChainState } from "../../src/state/chainState.ts";
import { buildGenesisState } from "../../src/state/genesis.ts";
import type { ChainStore } from "../../src/state/store/chainStore.ts";
import { LmdbChainStore } from "../../src/state/store/lmdbStore.ts";
import { restoreChainState } from "../../src/state/store/recovery.ts";
import { WitnessRecorder } from "../../src/state/witness/recorder.ts";
import type { BlockWitness } from "../../src/state/witness/types.ts";
import type { WorldState } from "../../src/state/worldState.ts";
import { createTxPool, type TxPool } from "../../src/txpool/pool.ts";
import { Factory, Storage, Token } from "../execution/contracts.ts";

export const CHAIN_ID = 901_901n;
export const SEQUENCER_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d" as const;
export const FEE_RECIPIENT: Address = "0x4200000000000000000000000000000000000011";
export const users = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
] as const;
export const accounts = users.map((key) => privateKeyToAccount(key));
export const chainConfig = chainConfigSchema.parse({ chainId: CHAIN_ID });
const GENESIS_TIMESTAMP = 1_800_000_000n;

/** A contract that stores BLOCKHASH(NUMBER - 2) in slot 0 when called (PUSH1 2 NUMBER SUB BLOCKHASH PUSH1 0 SSTORE). */
export const BLOCK_HASH_READER: Address = "0x000000000000000000000000000000000000b10c";

export function genesisWorld(): WorldState {
  const alloc: Record<string, { balance: bigint; code?: Uint8Array }> = {};
  for (const account of accounts) alloc[account.address.toLowerCase()] = { balance: 10n ** 22n };
  alloc[BLOCK_HASH_READER] = { balance: 0n, code: hexToBytes("0x600243034060005500") };
  return buildGenesisState({ alloc });
}

export function genesisOf(world: WorldState): Block {
  return genesisBlock({
    stateRoot: world.stateRoot,
    gasLimit: chainConfig.blockGasLimit,
    timestamp: GENESIS_TIMESTAMP,
    baseFeePerGas: chainConfig.initialBaseFeePerGas,
    beneficiary: FEE_RECIPIENT,
  });
}

/** A clock tests move by hand; starts after genesis. */
export class TestClock {
  ms = Number(GENESIS_TIMESTAMP) * 1000 + 5_000;
  readonly now = () => this.ms;
}

export interface SequencerFeed {
  readonly sequencer: Sequencer;
  readonly pool: TxPool;
  readonly state: ChainState;
  readonly store: LmdbChainStore;
  /** What the sequencer wrote through (signs, seals, publishes). */
  readonly publishingStore: ChainStore;
  readonly genesis: Block;
  readonly miniBlocks: SignedMiniBlock[];
  readonly blocks: SignedBlock[];
  readonly clock: TestClock;
  readonly signerAddress: Address;
  /** Each sealed block's witness, by block number (with `witnesses: true`). */
  readonly witnesses: Map<bigint, BlockWitness>;
  /** A dev chain's system transactions (dev state edits), ahead of the pool (with `dev: true`). */
  readonly devTxs: DevSystemTxSource | undefined;
  close(): Promise<void>;
}

export async function startSequencerFeed(
  options: {
    faults?: SequencerTestFaults;
    witnesses?: boolean;
    /** A rollup dev chain, as a dev node's sequencer runs it: dev state edits executed ahead of the pool. */
    dev?: boolean;
  } = {},
): Promise<SequencerFeed> {
  const dir = mkdtempSync(join(tmpdir(), "mach-feed-"));
  const store = new LmdbChainStore({ path: dir });
  const world = genesisWorld();
  const genesis = genesisOf(world);
  await store.putGenesis(genesis);
  const state = new ChainState(world, { historyBlocks: 64 });
  const clock = new TestClock();
  const miniBlocks: SignedMiniBlock[] = [];
  const blocks: SignedBlock[] = [];
  const signer = createDigestSigner(hexToBytes(SEQUENCER_KEY));
  const publishingStore = createPublishingStore(store, {
    chainId: CHAIN_ID,
    signer,
    publisher: { miniBlock: (signed) => miniBlocks.push(signed), block: (signed) => blocks.push(signed) },
    faults: options.faults,
    now: clock.now,
  });
  const pool = createTxPool({
    chainId: CHAIN_ID,
    state: world,
    baseFeePerGas: chainConfig.initialBaseFeePerGas,
    blockGasLimit: chainConfig.blockGasLimit,
  });
  const witnesses = new Map<bigint, BlockWitness>();
  const recorder = new WitnessRecorder();
  const engine = await createEthereumJsExecutor({ chainId: CHAIN_ID });
  const executor = options.dev ? withDevStateEdits(engine) : engine;
  const devTxs = options.dev ? new DevSystemTxSource(pool) : undefined;
  const sequencer = new Sequencer({
    chain: chainConfig,
    config: sequencerConfigSchema.parse({ miniBlockMs: 1000, feeRecipient: FEE_RECIPIENT }),
    executor: options.witnesses ? createWitnessRecordingExecutor(executor, recorder) : executor,
    state: options.witnesses
      ? createWitnessingState({
          state,
          recorder,
          store,
          onWitness: (witness) => witnesses.set(witness.blockNumber, witness),
        })
      : state,
    txs: devTxs ?? pool,
    store: publishingStore,
    head: genesis,
    now: clock.now,
  });
  sequencer.on("block", () => pool.setBlockParams({ baseFeePerGas: sequencer.openBlock.env.baseFeePerGas }));
  sequencer.on("miniBlock", (miniBlock) => {
    pool.onStateChanged({ changed: new Set(miniBlock.transactions.map((tx) => tx.from)) });
  });
  return {
    sequencer,
    pool,
    state,
    store,
    publishingStore,
    genesis,
    miniBlocks,
    blocks,
    clock,
    signerAddress: signer.address,
    witnesses,
    devTxs,
    async close() {
      await sequencer.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What the p2p node hands the replica for a verified mini-block. */
export function received(signed: SignedMiniBlock): ReceivedMiniBlock {
  return {
    miniBlock: signed.miniBlock,
    record: miniBlockRecordOf(signed),
    signature: signed.signature,
    sealedAtMs: signed.sealedAtMs,
    seal: signed.seal,
  };
}

export interface ReplicaUnderTest {
  readonly replica: Replica;
  readonly state: ChainState;
  readonly store: LmdbChainStore;
  readonly dir: string;
  close(): Promise<void>;
}

/** A replica over a new store at genesis, or restarted from `dir` (snapshot + log). */
export async function startReplica(
  clock: TestClock,
  dir?: string,
  options: { historyBlocks?: number; metrics?: ReplicaMetrics } = {},
): Promise<ReplicaUnderTest> {
  const historyBlocks = options.historyBlocks ?? 64;
  const path = dir ?? mkdtempSync(join(tmpdir(), "mach-replica-"));
  const store = new LmdbChainStore({ path });
  let state: ChainState;
  let head: Block;
  let recovered: ReturnType<typeof restoreChainState>["openMiniBlocks"] = [];
  if (store.genesisHash() === undefined) {
    const world = genesisWorld();
    head = genesisOf(world);
    await store.putGenesis(head);
    state = new ChainState(world, { historyBlocks });
    await store.putSnapshot(0n, state.snapshotChunks());
  } else {
    const restored = restoreChainState(store, { historyBlocks });
    state = restored.state;
    head = restored.head;
    recovered = restored.openMiniBlocks;
  }
  const replica = new Replica({
    chain: chainConfig,
    coinbase: FEE_RECIPIENT,
    state,
    store,
    head,
    recoveredMiniBlocks: recovered,
    now: clock.now,
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
  });
  return {
    replica,
    state,
    store,
    dir: path,
    async close() {
      await store.close();
    },
  };
}

/**
 * Feeds every collected message the replica has not applied yet, in chain order (as the p2p follower delivers);
 * stops at a refused block (the published messages would only be refused again).
 */
export async function feed(replica: Replica, source: SequencerFeed): Promise<void> {
  for (;;) {
    const { nextMiniBlock, nextBlock } = replica.position;
    const miniBlock = source.miniBlocks.find((signed) => signed.miniBlock.number === nextMiniBlock);
    const block = source.blocks.find((signed) => signed.header.number === nextBlock);
    if (miniBlock && miniBlock.miniBlock.blockNumber === nextBlock) {
      await replica.applyMiniBlock(received(miniBlock));
    } else if (block && nextMiniBlock >= block.miniBlockOffset + BigInt(block.miniBlockCount)) {
      if ((await replica.applyBlock(block)) !== undefined) return;
    } else {
      return;
    }
  }
}

const tokenSupply = 10n ** 24n;

/** A mixed workload: deploys, ERC-20 transfers (new holders, emptied balances), storage fills and clears, CREATE2 + selfdestruct. */
export class Workload {
  readonly #feed: SequencerFeed;
  readonly #nonces = new Map<number, number>();
  token: Address | undefined;
  storage: Address | undefined;
  factory: Address | undefined;

  constructor(feed: SequencerFeed) {
    this.#feed = feed;
  }

  async #send(user: number, request: { to?: Address; data: `0x${string}`; value?: bigint; gas?: bigint }) {
    const nonce = this.#nonces.get(user) ?? 0;
    this.#nonces.set(user, nonce + 1);
    const account = accounts[user];
    if (!account) throw new Error(`no user ${user}`);
    const raw = await account.signTransaction({
      chainId: Number(CHAIN_ID),
      type: "eip1559",
      maxFeePerGas: 10n ** 9n,
      maxPriorityFeePerGas: 1_000n,
      gas: request.gas ?? 1_000_000n,
      nonce,
      ...(request.to === undefined ? {} : { to: request.to }),
      data: request.data,
      value: request.value ?? 0n,
    });
    this.#feed.pool.add(hexToBytes(raw));
    return { nonce, from: account.address.toLowerCase() as Address };
  }

  /** Deploys Token (user 0), Storage (user 1) and Factory (user 2). */
  async deploy(): Promise<void> {
    const { getContractAddress } = await import("viem");
    const created = async (user: number, bytecode: `0x${string}`) => {
      const { nonce, from } = await this.#send(user, { data: bytecode, gas: 3_000_000n });
      return getContractAddress({ from, nonce: BigInt(nonce) }).toLowerCase() as Address;
    };
    const { encodeDeployData } = await import("viem");
    this.token = await created(0, encodeDeployData({ abi: Token.abi, bytecode: Token.bytecode, args: [tokenSupply] }));
    this.storage = await created(1, Storage.bytecode);
    this.factory = await created(2, Factory.bytecode);
  }

  async tokenTransfer(to: Address, value: bigint): Promise<void> {
    const data = encodeFunctionData({ abi: Token.abi, functionName: "transfer", args: [to, value] });
    await this.#send(0, { to: this.token as Address, data });
  }

  async fill(n: bigint): Promise<void> {
    const data = encodeFunctionData({ abi: Storage.abi, functionName: "fill", args: [n] });
    await this.#send(1, { to: this.storage as Address, data, gas: 5_000_000n });
  }

  async clear(n: bigint): Promise<void> {
    const data = encodeFunctionData({ abi: Storage.abi, functionName: "clear", args: [n] });
    await this.#send(1, { to: this.storage as Address, data, gas: 5_000_000n });
  }

  async deployAndDestroy(salt: number): Promise<void> {
    const data = encodeFunctionData({
      abi: Factory.abi,
      functionName: "deployAndDestroy",
      args: [`0x${salt.toString(16).padStart(64, "0")}`, FEE_RECIPIENT],
    });
    await this.#send(2, { to: this.factory as Address, data, value: 5n });
  }

  async deployChild(salt: number): Promise<void> {
    const data = encodeFunctionData({
      abi: Factory.abi,
      functionName: "deploy",
      args: [`0x${salt.toString(16).padStart(64, "0")}`, BigInt(salt)],
    });
    await this.#send(2, { to: this.factory as Address, data, value: 3n });
  }

  async nativeTransfer(user: number, to: Address, value: bigint): Promise<void> {
    await this.#send(user, { to, data: "0x", value, gas: 21_000n });
  }

  async readBlockHash(): Promise<void> {
    await this.#send(2, { to: BLOCK_HASH_READER, data: "0x", gas: 100_000n });
  }
}

/** Runs a few blocks of the mixed workload on the feed's sequencer (one mini-block per step, blocks sealed by hand). */
export async function runMixedBlocks(feed: SequencerFeed, workload: Workload, blocks: number): Promise<void> {
  const fresh = (i: number) => `0x${(0xabc000 + i).toString(16).padStart(40, "0")}` as Address;
  for (let b = 0; b < blocks; b++) {
    for (let step = 0; step < 3; step++) {
      const i = b * 3 + step;
      await workload.tokenTransfer(fresh(i), BigInt(1000 + i));
      await workload.nativeTransfer(1 + (i % 2), fresh(i + 100), BigInt(i + 1));
      if (i % 3 === 0) await workload.fill(BigInt(4 + (i % 5)));
      if (i % 3 === 1) await workload.clear(BigInt(3));
      if (i % 4 === 2) await workload.deployAndDestroy(i);
      if (i % 4 === 3) await workload.deployChild(i);
      if (i % 5 === 4) await workload.readBlockHash();
      feed.clock.ms += 7;
      await feed.sequencer.produceNow();
    }
    feed.clock.ms += 1_000;
    await feed.sequencer.sealBlockNow();
  }
}

/** The block two forked feeds share (`startForkedFeeds`). */
export const FORK_KEPT_BLOCK = 2n;

/**
 * Two sequencers with the same key over the same genesis run the same workload to block `FORK_KEPT_BLOCK` (the same
 * blocks, byte for byte); then chain A goes on with the mixed workload to block 5 and an open block, and chain B,
 * sealed a minute later as a sequencer that went back, with other transfers to block 4: B is the sequencer's chain
 * after it replaced A's blocks after the kept one (`witnesses`: each block's witness kept, for provers). Both are closed
 * by the caller.
 */
export async function startForkedFeeds(
  options: { witnesses?: boolean } = {},
): Promise<{ a: SequencerFeed; b: SequencerFeed }> {
  const start = async () => {
    const source = await startSequencerFeed(options);
    const workload = new Workload(source);
    await workload.deploy();
    await source.sequencer.produceNow();
    await runMixedBlocks(source, workload, Number(FORK_KEPT_BLOCK));
    return { source, workload };
  };
  const a = await start();
  const b = await start();
  for (let n = 1n; n <= FORK_KEPT_BLOCK; n++) {
    if (a.source.store.getBlock(n)?.hash !== b.source.store.getBlock(n)?.hash) throw new Error(`feeds differ at ${n}`);
  }
  await runMixedBlocks(a.source, a.workload, 3);
  await a.workload.tokenTransfer("0x00000000000000000000000000000000000a11ce", 5n);
  await a.source.sequencer.produceNow();
  b.source.clock.ms = a.source.clock.ms + 60_000;
  for (let i = 0; i < 2; i++) {
    await b.workload.nativeTransfer(1, `0x${(0xb0b0 + i).toString(16).padStart(40, "0")}` as Address, 10n + BigInt(i));
    b.source.clock.ms += 7;
    await b.source.sequencer.produceNow();
    b.source.clock.ms += 1_000;
    await b.source.sequencer.sealBlockNow();
  }
  return { a: a.source, b: b.source };
}

/** Range requests for `sequencer`'s blocks as its p2p node serves them (from its store), each one recorded. */
export function blockRangesOf(sequencer: SequencerFeed): {
  readonly fetchBlocks: (from: bigint, count: number) => Promise<SignedBlock[]>;
  /** `[from, count]` of each request, in order. */
  readonly fetches: bigint[][];
} {
  const ranges = createStoreBlockSource(sequencer.store, CHAIN_ID);
  const fetches: bigint[][] = [];
  return {
    fetches,
    fetchBlocks: async (from, count) => {
      fetches.push([from, BigInt(count)]);
      return ranges.blocksByRange(from, count) as SignedBlock[];
    },
  };
}
