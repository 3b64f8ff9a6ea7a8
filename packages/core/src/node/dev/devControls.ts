/**
 * The `DevControls` port over a sequencer role's parts: mining (seal now, automine, interval mining), the node's
 * accounts (`wallet.ts`), state edits, time and next-block settings (`blockSettings.ts`), the pool, and history
 * (snapshot/revert, reset, dump/load). Everything that touches the chain runs on the sequencer's serial queue, between
 * mini-blocks and blocks.
 *
 * What a method does depends on the chain's `DevChainMode`:
 *   standalone (`pnpm devnet --dev`): state edits are written straight into the state (no transaction, no block, as on
 *     anvil); snapshots, reset and loadState take the state (reverse diffs), the store and the sequencer back.
 *   rollup (the full devnet): state edits become system transactions (`execution/devStateEdits.ts`), so every role
 *     that rebuilds the block reproduces them; time only moves forward; coinbase may change (batches carry it); the
 *     base fee, gas limit and PREVRANDAO follow chain rules, and impersonated senders cannot be recovered from the
 *     bytes, so those and every history rewrite answer `DevMethodError` naming `--dev`.
 */
import type { MiniBlock } from "../../chain/miniBlock.ts";
import type { OpenBlockEnv } from "../../chain/openBlock.ts";
import type { Address, Block, Hash } from "../../chain/types.ts";
import { DevMethodError } from "../../errors.ts";
import { applyDevStateEdit, type DevStateEdit, devStateEditTransaction } from "../../execution/devStateEdits.ts";
import type { DevChainMode, DevControls, DevTransactionRequest } from "../../rpc/backend.ts";
import type { Sequencer } from "../../sequencer/sequencer.ts";
import type { ChainState } from "../../state/chainState.ts";
import { HistoricalStateUnavailableError } from "../../state/errors.ts";
import type { ChainStore } from "../../state/store/chainStore.ts";
import type { Logger } from "../../telemetry.ts";
import type { TxPool } from "../../txpool/pool.ts";
import type { DevConfig } from "../config.ts";
import type { DevAccount } from "../genesis.ts";
import { type BlockSettingsValues, DevBlockSettings } from "./blockSettings.ts";
import { dumpWorldState, readWorldStateDump } from "./stateDump.ts";
import type { DevSystemTxSource } from "./systemTransactions.ts";
import { DevWallet } from "./wallet.ts";

/** The least interval-mining period the sequencer takes (its `blockMs` floor). */
const MIN_INTERVAL_MS = 10;

export interface DevControlsParameters {
  readonly config: DevConfig;
  readonly sequencer: Sequencer;
  readonly pool: TxPool;
  readonly state: ChainState;
  readonly store: ChainStore;
  readonly genesis: Block;
  readonly devAccounts: readonly DevAccount[];
  readonly settings: DevBlockSettings;
  /** Rollup mode: where state edits go as system transactions. */
  readonly systemTxs: DevSystemTxSource;
  /** `sequencer.blockMs` (what interval mining returns to on reset). */
  readonly blockMs: number;
  readonly logger: Logger;
  readonly now?: () => number;
}

interface Snapshot {
  readonly head: Block;
  readonly open: { readonly env: OpenBlockEnv; readonly miniBlocks: readonly MiniBlock[] } | undefined;
  readonly settings: BlockSettingsValues;
  readonly intervalMs: number;
}

export function createDevControls(parameters: DevControlsParameters): DevControls {
  const { config, sequencer, pool, state, store, settings, systemTxs, logger } = parameters;
  const mode: DevChainMode = config.mode;
  const now = parameters.now ?? Date.now;
  const nowSeconds = () => BigInt(Math.floor(now() / 1000));
  const wallet = new DevWallet(parameters.devAccounts);
  const snapshots = new Map<bigint, Snapshot>();
  let nextSnapshotId = 1n;
  let editSequence = 0n;
  let logTransactions = config.logTransactions;

  sequencer.on("block", (block) => settings.blockSealed(block, nowSeconds()));
  sequencer.on("miniBlock", (miniBlock) => {
    if (!logTransactions) return;
    miniBlock.transactions.forEach((tx, i) => {
      const receipt = miniBlock.receipts[i];
      logger.info(
        {
          hash: tx.hash,
          from: tx.from,
          to: tx.to,
          block: miniBlock.blockNumber.toString(),
          gasUsed: receipt?.gasUsed.toString(),
          status: receipt?.status,
          ...(receipt?.contractAddress ? { contractAddress: receipt.contractAddress } : {}),
        },
        "transaction",
      );
    });
  });

  function standaloneOnly(method: string): void {
    if (mode === "standalone") return;
    throw new DevMethodError(
      `${method} is not available on the full devnet: its batcher, derivation, replicas and provers must reproduce every block. Run \`pnpm devnet --dev\` (the node alone) to use it`,
    );
  }

  /** The newest block timestamp a forced one must pass (the open block's once it has mini-blocks). */
  function latestTimestamp(): bigint {
    const open = sequencer.openBlock;
    return open.miniBlocks.length > 0 ? open.env.timestamp : sequencer.head.header.timestamp;
  }

  async function edit(change: DevStateEdit): Promise<void> {
    if (mode === "rollup") {
      editSequence += 1n;
      await systemTxs.submit(devStateEditTransaction(change, editSequence));
    } else {
      await sequencer.runExclusive(() => applyDevStateEdit(state.recorder, change));
    }
    pool.onStateChanged({ changed: [change.address] });
  }

  /** Takes state, store, pool and sequencer back to sealed `head` (and the open block's `open` mini-blocks). */
  async function goBack(head: Block, open: Snapshot["open"]): Promise<void> {
    const number = head.header.number;
    pool.dropAll();
    let root: Hash;
    try {
      root = state.rollbackTo(number);
    } catch (error) {
      if (error instanceof HistoricalStateUnavailableError) {
        throw new DevMethodError(
          `block ${number} is older than the state history this node keeps (store.historyBlocks)`,
          {
            cause: error,
          },
        );
      }
      throw error;
    }
    if (root !== head.header.stateRoot) {
      throw new Error(`dev chain rollback reached state root ${root}, block ${number} has ${head.header.stateRoot}`);
    }
    await store.truncateAfter(number);
    for (const miniBlock of open?.miniBlocks ?? []) {
      state.applyMiniBlockDiff(miniBlock.stateDiff);
      await store.appendMiniBlock(miniBlock);
    }
    sequencer.adoptHead(head, open);
    pool.onStateChanged();
    pool.setBlockParams({ baseFeePerGas: sequencer.openBlock.env.baseFeePerGas });
  }

  async function mine(blocks: number, intervalSeconds?: bigint): Promise<void> {
    for (let i = 0; i < blocks; i++) {
      if (i > 0 && intervalSeconds !== undefined && intervalSeconds > 0n) {
        settings.values.nextTimestamp = sequencer.head.header.timestamp + intervalSeconds;
      }
      await sequencer.sealBlockNow();
      const fatal = sequencer.fatalError;
      if (fatal) throw fatal;
    }
  }

  return {
    mode,
    mine,
    async setAutomine(enabled) {
      settings.values.automine = enabled;
      // Switching automine on mines what is pending, as anvil does.
      if (enabled && sequencer.openBlock.miniBlocks.length > 0) await sequencer.sealBlockNow();
    },
    automine: () => settings.values.automine,
    async setIntervalMining(blockMs) {
      sequencer.setBlockInterval(blockMs <= 0 ? 0 : Math.max(blockMs, MIN_INTERVAL_MS));
    },
    intervalMiningMs: () => sequencer.blockIntervalMs,

    accounts: () => wallet.accounts(),
    async sendTransaction(request: DevTransactionRequest, options) {
      let tx: Awaited<ReturnType<DevWallet["sign"]>>;
      if (wallet.holdsKey(request.from) && !options?.unsigned) tx = await wallet.sign(request);
      else if (options?.unsigned || wallet.isImpersonated(request.from)) {
        standaloneOnly("a transaction from an impersonated account (its sender cannot be recovered from its bytes)");
        tx = wallet.impersonated(request, options?.unsigned ?? false);
      } else throw new DevMethodError(`unknown account ${request.from}`);
      return pool.add(tx).hash;
    },
    async signTransaction(request) {
      return (await wallet.sign(request)).raw;
    },
    signMessage: (address, message) => wallet.signMessage(address, message),
    signTypedData: (address, typedData) => wallet.signTypedData(address, typedData),
    impersonate: (address) => wallet.impersonate(address),
    stopImpersonating: (address) => wallet.stopImpersonating(address),
    setAutoImpersonate: (enabled) => wallet.setAutoImpersonate(enabled),

    setBalance: (address, balance) => edit({ kind: "balance", address, balance }),
    setCode: (address, code) => edit({ kind: "code", address, code }),
    setNonce: (address, nonce) => edit({ kind: "nonce", address, nonce }),
    setStorageAt: (address, slot, value) => edit({ kind: "storage", address, slot, value }),

    async increaseTime(seconds) {
      // When blocks mined faster than a second ran the chain ahead of the clock, the jump counts from the chain's
      // time: the next block lands at least `seconds` after the latest.
      const ahead = latestTimestamp() - nowSeconds();
      const offset = settings.values.offsetSeconds > ahead ? settings.values.offsetSeconds : ahead;
      settings.values.offsetSeconds = offset + seconds;
      return settings.values.offsetSeconds;
    },
    async setNextBlockTimestamp(timestamp) {
      const latest = latestTimestamp();
      if (timestamp <= latest) {
        throw new DevMethodError(
          `Timestamp ${timestamp} is lower than or equal to previous block's timestamp ${latest}${mode === "rollup" ? " (time only moves forward on the full devnet)" : ""}`,
        );
      }
      settings.values.nextTimestamp = timestamp;
    },
    async setBlockTimestampInterval(seconds) {
      if (seconds !== undefined && seconds < 1n) {
        throw new DevMethodError(
          "the block timestamp interval must be at least 1 second (timestamps strictly increase)",
        );
      }
      settings.values.intervalSeconds = seconds;
    },

    async setNextBlockBaseFeePerGas(wei) {
      standaloneOnly("setting the next block's base fee (derivation checks it against the EIP-1559 rule)");
      settings.values.nextBaseFeePerGas = wei;
    },
    async setCoinbase(address: Address) {
      settings.values.coinbase = address;
    },
    async setBlockGasLimit(gas) {
      standaloneOnly("setting the block gas limit (a chain parameter every role checks)");
      settings.values.gasLimit = gas;
      pool.setBlockParams({ blockGasLimit: gas });
    },
    async setPrevRandao(value) {
      standaloneOnly("setting PREVRANDAO (every role derives it from the parent hash)");
      settings.values.nextPrevRandao = value;
    },
    setMinGasPrice: (wei) => pool.setBlockParams({ minGasPrice: wei }),

    dropTransaction: (hash) => pool.drop(hash),
    dropAllTransactions: () => {
      pool.dropAll();
    },

    async snapshot() {
      standaloneOnly("evm_snapshot");
      return sequencer.runExclusive(() => {
        const id = nextSnapshotId++;
        const open = sequencer.openBlock;
        snapshots.set(id, {
          head: sequencer.head,
          open: open.miniBlocks.length > 0 ? { env: open.env, miniBlocks: [...open.miniBlocks] } : undefined,
          settings: settings.save(),
          intervalMs: sequencer.blockIntervalMs,
        });
        return id;
      });
    },
    async revert(id) {
      standaloneOnly("evm_revert");
      return sequencer.runExclusive(async () => {
        const snapshot = snapshots.get(id);
        if (snapshot === undefined) return false;
        await goBack(snapshot.head, snapshot.open);
        settings.restore(snapshot.settings);
        sequencer.setBlockInterval(snapshot.intervalMs);
        // A snapshot is used up by its revert, and so is every later one (Hardhat's and anvil's rule).
        for (const key of [...snapshots.keys()]) if (key >= id) snapshots.delete(key);
        return true;
      });
    },
    async reset(toBlock) {
      standaloneOnly("reset");
      await sequencer.runExclusive(async () => {
        const target = toBlock === undefined ? parameters.genesis : store.getBlock(toBlock);
        if (target === undefined || (toBlock ?? 0n) > sequencer.head.header.number) {
          throw new DevMethodError(`cannot reset to block ${toBlock}: it is not a sealed block of this chain`);
        }
        await goBack(target, undefined);
        snapshots.clear();
        settings.restore(DevBlockSettings.initial(config.automine));
        wallet.clearImpersonations();
        pool.setBlockParams({ minGasPrice: 0n });
        sequencer.setBlockInterval(config.intervalMining ? parameters.blockMs : 0);
      });
    },
    dumpState: () => sequencer.runExclusive(() => dumpWorldState(state.world)),
    async loadState(dump) {
      standaloneOnly("anvil_loadState");
      const accounts = readWorldStateDump(dump);
      await sequencer.runExclusive(() => {
        const writer = state.recorder;
        for (const { address, account, code, storage } of accounts) {
          writer.clearStorage(address);
          writer.putCode(address, code);
          writer.putAccount(address, account);
          for (const [slot, value] of storage) writer.putStorage(address, slot, value);
        }
      });
      pool.onStateChanged();
    },
    setLoggingEnabled(enabled) {
      logTransactions = enabled;
    },
  };
}
