/**
 * Opens the store and brings the chain's state up: a new store gets genesis (block, first snapshot); a store written
 * before is restored from its newest snapshot plus the write-ahead log. A store made with another genesis config
 * (timestamp aside) belongs to another chain and is refused.
 */
import { mkdirSync } from "node:fs";
import type { MiniBlock } from "../chain/miniBlock.ts";
import type { Block } from "../chain/types.ts";
import { MachError } from "../errors.ts";
import { ChainState } from "../state/chainState.ts";
import { LmdbChainStore } from "../state/store/lmdbStore.ts";
import { dropUnreplayableBlocks, restoreChainState } from "../state/store/recovery.ts";
import type { Logger } from "../telemetry.ts";
import type { NodeConfig } from "./config.ts";
import { buildGenesis, type DevAccount, deriveDevAccounts, genesisAlloc } from "./genesis.ts";

/** The data directory holds another chain than the config describes. */
export class ForeignStoreError extends MachError {
  override name = "ForeignStoreError";
}

export interface OpenedChain {
  readonly store: LmdbChainStore;
  readonly state: ChainState;
  readonly head: Block;
  readonly genesis: Block;
  /** Mini-blocks of the block that was open when the node stopped (empty on a new chain). */
  readonly openMiniBlocks: readonly MiniBlock[];
  /** First mini-block after the newest snapshot. */
  readonly replayFrom: bigint;
  readonly devAccounts: readonly DevAccount[];
}

async function rewindToSnapshot(store: LmdbChainStore, logger: Logger): Promise<void> {
  const snapshot = store.latestSnapshot();
  const head = store.headBlockNumber();
  if (snapshot === undefined || head === undefined || head <= snapshot.blockNumber) return;
  logger.info(
    { head: head.toString(), snapshot: snapshot.blockNumber.toString() },
    "derive node: back to the newest snapshot, later blocks are derived again",
  );
  await store.truncateAfter(snapshot.blockNumber);
}

export async function openChain(config: NodeConfig, logger: Logger): Promise<OpenedChain> {
  mkdirSync(config.store.path, { recursive: true });
  const store = new LmdbChainStore({ path: config.store.path, durability: config.store.durability });
  const devAccounts = deriveDevAccounts(config.genesis.mnemonic, config.genesis.accountCount);
  const genesis = buildGenesis(
    config.chain,
    config.sequencer,
    genesisAlloc(config.genesis, devAccounts),
    BigInt(Math.floor(Date.now() / 1000)),
  );
  const historyBlocks = config.store.historyBlocks;
  if (store.genesisHash() === undefined) {
    await store.putGenesis(genesis.block);
    const state = new ChainState(genesis.state, { historyBlocks, sealedBlock: 0n });
    await store.putSnapshot(0n, state.snapshotChunks());
    logger.info({ genesisHash: genesis.block.hash, stateRoot: genesis.block.header.stateRoot }, "created genesis");
    return {
      store,
      state,
      head: genesis.block,
      genesis: genesis.block,
      openMiniBlocks: [],
      replayFrom: 0n,
      devAccounts,
    };
  }
  const storedGenesis = store.getBlock(0n);
  if (!storedGenesis || storedGenesis.header.stateRoot !== genesis.block.header.stateRoot) {
    await store.close();
    throw new ForeignStoreError(
      `store at ${config.store.path} holds another chain (genesis state root ${storedGenesis?.header.stateRoot}, config gives ${genesis.block.header.stateRoot})`,
    );
  }
  try {
    // A derive node logs no mini-blocks (batches do not carry them): it goes back to its newest snapshot and derives
    // the blocks after it again from L1 + DA.
    if (config.node.role === "derive") await rewindToSnapshot(store, logger);
    // A replica stopped while adopting blocks derived from L1 + DA: those after its newest snapshot have no log.
    if (config.node.role === "replica") {
      const dropped = await dropUnreplayableBlocks(store);
      if (dropped !== undefined) {
        logger.warn(
          { fromBlock: dropped.toString() },
          "replica: blocks after its newest snapshot have no mini-block log (derived when it stopped); fetching or deriving them again",
        );
      }
    }
    const restored = restoreChainState(store, { historyBlocks });
    logger.info(
      {
        head: restored.head.header.number.toString(),
        stateRoot: restored.head.header.stateRoot,
        recoveredMiniBlocks: restored.openMiniBlocks.length,
      },
      "restarted from snapshot and write-ahead log",
    );
    return { store, ...restored, genesis: storedGenesis, devAccounts };
  } catch (error) {
    await store.close();
    throw error;
  }
}
