/**
 * Starts a sequencer node from a parsed config: store → genesis or restart (snapshot + write-ahead log) → executor,
 * pool, sequencer → RPC (HTTP + WS), metrics, DA batcher. Returns a handle whose `close()` stops everything in order.
 */
import { mkdirSync } from "node:fs";
import type { Block } from "../chain/types.ts";
import { type Batcher, type BatchRecorder, createBatcher } from "../da/batcher.ts";
import type { DataAvailability } from "../da/types.ts";
import { createEthereumJsExecutor } from "../execution/ethereumjsExecutor.ts";
import { type RpcServer, startRpcServer } from "../rpc/server.ts";
import type { TxSource } from "../sequencer/ports.ts";
import { Sequencer } from "../sequencer/sequencer.ts";
import { NodeStore } from "../state/store/nodeStore.ts";
import { configureTrieHashing } from "../state/trie/keccakBatch.ts";
import { createTxPool, type TxPool } from "../txpool/pool.ts";
import { createLmdbBatchRecordStore } from "./batchRecordStore.ts";
import type { DaProviderRegistry, NodeConfig } from "./config.ts";
import { buildGenesis, type DevAccount, deriveDevAccounts, genesisAlloc } from "./genesis.ts";
import { createLogger, type Logger } from "./logger.ts";
import { createNodeMetrics, startMetricsServer } from "./metrics.ts";
import { NodeState } from "./nodeState.ts";
import { createNodeBackend } from "./rpcBackend.ts";

export interface StartNodeParameters {
  readonly config: NodeConfig;
  readonly daProviders: DaProviderRegistry;
  /** Records confirmed DA batches on L1 (built by the composition root from `config.settlement`). */
  readonly batchRecorder?: BatchRecorder;
  readonly logger?: Logger;
}

export interface MachNode {
  readonly rpcUrl: string;
  readonly wsUrl: string;
  readonly metricsUrl: string | undefined;
  readonly chainId: bigint;
  readonly devAccounts: readonly DevAccount[];
  readonly sequencer: Sequencer;
  readonly store: NodeStore;
  readonly batcher: Batcher | undefined;
  /** Resolves with the error that stopped the sequencer for good; never resolves while it runs. */
  readonly fatal: Promise<Error>;
  close(): Promise<void>;
}

export async function startNode({
  config,
  daProviders,
  batchRecorder,
  logger: given,
}: StartNodeParameters): Promise<MachNode> {
  const logger = given ?? createLogger(config.log.level);
  const log = logger.child({ module: "node" });
  configureTrieHashing(config.trieHashing);
  mkdirSync(config.store.path, { recursive: true });
  const store = new NodeStore({ path: config.store.path, durability: config.store.durability });
  const devAccounts = deriveDevAccounts(config.genesis.mnemonic, config.genesis.accountCount);
  const genesis = buildGenesis(
    config.chain,
    config.sequencer,
    genesisAlloc(config.genesis, devAccounts),
    BigInt(Math.floor(Date.now() / 1000)),
  );

  let nodeState: NodeState;
  let head: Block;
  const storedGenesis = store.genesisHash();
  if (storedGenesis === undefined) {
    await store.putGenesis(genesis.block);
    nodeState = new NodeState(genesis.state, config.sequencer.historyBlocks);
    await store.putSnapshot(0n, nodeState.snapshotChunks());
    head = genesis.block;
    log.info({ genesisHash: genesis.block.hash, stateRoot: genesis.block.header.stateRoot }, "created genesis");
  } else {
    // A store made with another genesis config (timestamp aside) belongs to another chain.
    const storedBlock = store.getBlock(0n);
    if (!storedBlock || storedBlock.header.stateRoot !== genesis.block.header.stateRoot) {
      await store.close();
      throw new Error(
        `store at ${config.store.path} holds another chain (genesis state root ${storedBlock?.header.stateRoot}, config gives ${genesis.block.header.stateRoot})`,
      );
    }
    const restored = NodeState.restore(store, config.sequencer.historyBlocks);
    nodeState = restored.state;
    head = restored.head;
    log.info(
      {
        head: head.header.number.toString(),
        stateRoot: head.header.stateRoot,
        recoveredMiniBlocks: restored.openMiniBlocks.length,
      },
      "restarted from snapshot and write-ahead log",
    );
    return finishStart(restored.openMiniBlocks);
  }
  return finishStart([]);

  async function finishStart(
    openMiniBlocks: ReturnType<typeof NodeState.restore>["openMiniBlocks"],
  ): Promise<MachNode> {
    const metrics = createNodeMetrics();
    const executor = await createEthereumJsExecutor({ chainId: config.chain.chainId });
    const pool: TxPool = createTxPool({
      chainId: config.chain.chainId,
      state: nodeState.latest,
      baseFeePerGas: head.header.baseFeePerGas,
      blockGasLimit: config.chain.blockGasLimit,
      config: config.txpool,
    });
    const sequencer = new Sequencer({
      chain: config.chain,
      config: config.sequencer,
      executor,
      state: nodeState,
      txs: poolAsTxSource(pool),
      store,
      head,
      recoveredMiniBlocks: openMiniBlocks,
      logger: logger.child({ module: "sequencer" }),
      metrics: metrics.sequencer,
      onBlockSealed: async (block) => {
        metrics.headBlock.set(Number(block.header.number));
        if (block.header.number % BigInt(config.sequencer.snapshotIntervalBlocks) === 0n) {
          await store.putSnapshot(block.header.number, nodeState.snapshotChunks());
          await store.pruneMiniBlocks(nodeState.pruneBelow(block));
        }
      },
    });
    pool.setBlockParams({ baseFeePerGas: sequencer.openBlock.env.baseFeePerGas });
    sequencer.on("block", () => pool.setBlockParams({ baseFeePerGas: sequencer.openBlock.env.baseFeePerGas }));
    sequencer.on("miniBlock", (miniBlock) => {
      pool.onStateChanged({ changed: new Set(miniBlock.transactions.map((tx) => tx.from)) });
    });

    let da: DataAvailability | undefined;
    let batcher: Batcher | undefined;
    const batchRecords = createLmdbBatchRecordStore(store.root);
    // `safe`: the newest block inside a batch whose DA pointers are recorded on L1.
    let safeBlock = 0n;
    for (const record of await batchRecords.list()) {
      if (record.status === "recorded" && record.lastBlock > safeBlock) safeBlock = record.lastBlock;
    }
    if (config.batcher.enabled) {
      const provider = daProviders[config.da.provider];
      if (!provider) throw new Error(`DA provider ${config.da.provider} is not linked into this binary`);
      // Config validation already ran the provider's schema; each factory parses its own input again.
      da = await (provider.create as (options: unknown) => Promise<DataAvailability> | DataAvailability)(
        config.da.options ?? {},
      );
      batcher = createBatcher({
        chainId: config.chain.chainId,
        da,
        source: { headNumber: () => sequencer.head.header.number, getBlock: (n) => store.getBlock(n) },
        pointers: batchRecords,
        ...(batchRecorder ? { recorder: batchRecorder } : {}),
        onBatchUpdated: (record) => {
          if (record.status === "recorded" && record.lastBlock > safeBlock) safeBlock = record.lastBlock;
        },
        policy: { maxBlocksPerBatch: config.batcher.maxBlocksPerBatch, maxBatchAgeMs: config.batcher.maxBatchAgeMs },
        logger: logger.child({ module: "batcher" }),
      });
    }

    const backend = createNodeBackend({
      chainId: config.chain.chainId,
      sequencer,
      store,
      pool: {
        add: (raw) => {
          const added = pool.add(raw);
          const tx = pool.get(added.hash);
          return added.status === "queued" && tx
            ? { hash: added.hash, expectedNonce: pool.pendingNonce(tx.from) }
            : { hash: added.hash };
        },
        get: (hash) => pool.get(hash),
        pendingNonce: (address) => pool.pendingNonce(address),
        onPending: (listener) => pool.onPending(listener),
      },
      state: nodeState,
      executor,
      safeBlock: () => safeBlock,
      ...(batcher
        ? {
            listBatches: async ({ fromBlock, toBlock }) =>
              (await batcher.listBatches({ fromBlock }))
                .filter((record) => record.firstBlock <= toBlock)
                .map((record) => ({
                  fromBlock: record.firstBlock,
                  toBlock: record.lastBlock,
                  provider: record.provider,
                  status: record.status,
                  pointers: record.pointers,
                  ...(record.recording?.l1BlockNumber !== undefined
                    ? { l1BlockNumber: record.recording.l1BlockNumber }
                    : {}),
                  ...(record.recording?.l1TransactionHash
                    ? { l1TransactionHash: record.recording.l1TransactionHash }
                    : {}),
                })),
          }
        : {}),
    });
    let rpc: RpcServer | undefined;
    let metricsServer: Awaited<ReturnType<typeof startMetricsServer>> | undefined;
    try {
      rpc = await startRpcServer({
        backend,
        host: config.rpc.host,
        port: config.rpc.port,
        limits: config.rpc.limits,
        logger: logger.child({ module: "rpc" }),
      });
      if (config.metrics.enabled) {
        metricsServer = await startMetricsServer(metrics.registry, config.metrics.host, config.metrics.port);
      }
    } catch (error) {
      await rpc?.close();
      await da?.close();
      await store.close();
      throw error;
    }
    sequencer.start();
    batcher?.start();
    log.info({ rpcUrl: rpc.url, wsUrl: rpc.wsUrl, chainId: config.chain.chainId.toString() }, "node started");

    let closing: Promise<void> | undefined;
    const server = rpc;
    const fatal = new Promise<Error>((resolve) => sequencer.once("fatal", resolve));
    return {
      rpcUrl: server.url,
      wsUrl: server.wsUrl,
      metricsUrl: metricsServer?.url,
      chainId: config.chain.chainId,
      devAccounts,
      sequencer,
      store,
      batcher,
      fatal,
      close() {
        closing ??= (async () => {
          await server.close();
          await sequencer.stop();
          await batcher?.stop();
          await da?.close();
          await metricsServer?.close();
          await store.close();
          log.info({}, "node stopped");
        })();
        return closing;
      },
    };
  }
}

/** The pool seen through the sequencer's port. */
function poolAsTxSource(pool: TxPool): TxSource {
  return {
    takeExecutable: (max) => pool.takeExecutable(max),
    release: (txs) => pool.release(txs),
    markIncluded: (txs) => {
      for (const tx of txs) pool.onIncluded(tx);
    },
    markRejected: (tx, error) => pool.onRejected(tx, error),
    onExecutable: (listener) => pool.onPending(() => listener()),
  };
}
