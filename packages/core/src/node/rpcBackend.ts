/**
 * The sequencer node's implementation of the RPC backend port: reads come from the open block (mini-blocks not yet
 * sealed), the LMDB store (sealed blocks) and the in-RAM state; calls run the executor on a throwaway overlay.
 */

import type { MiniBlock } from "../chain/miniBlock.ts";
import type { StateDiff } from "../chain/stateDiff.ts";
import type { Address, Block, Hash, Receipt, Transaction } from "../chain/types.ts";
import type { BlockEnv, Executor } from "../execution/types.ts";
import type {
  AccountProof,
  BackendEventHandlers,
  BatchInfo,
  BlockOverrides,
  CallParameters,
  LocatedReceipt,
  LocatedTransaction,
  RpcBackend,
  StateTarget,
  SubmittedTransaction,
  TxLocation,
} from "../rpc/backend.ts";
import { createOverlayState } from "../rpc/overlay.ts";
import type { Sequencer } from "../sequencer/sequencer.ts";
import { mergeStateDiffs } from "../state/diffMerge.ts";
import type { NodeStore } from "../state/store/nodeStore.ts";
import type { StateReader } from "../state/types.ts";
import { VERSION } from "./version.ts";

/** What the backend needs from the tx pool. */
export interface PoolView {
  add(raw: Uint8Array): SubmittedTransaction;
  get(hash: Hash): Transaction | undefined;
  /** Next nonce counting the sender's pending pool transactions. */
  pendingNonce(address: Address): bigint;
  onPending(listener: (tx: Transaction) => void): () => void;
}

/** What the backend needs from the state layer. */
export interface StateView {
  /** The streaming state after the newest mini-block. */
  readonly latest: StateReader;
  /** The state after sealed block `number`, if still held. */
  stateAt(number: bigint): StateReader | undefined;
  /** EIP-1186 proof against the newest sealed block's state root (`latest` and the head number alike). */
  getProof(address: Address, slots: readonly Hash[]): AccountProof;
}

export interface NodeBackendOptions {
  readonly chainId: bigint;
  readonly sequencer: Sequencer;
  readonly store: NodeStore;
  readonly pool: PoolView;
  readonly state: StateView;
  readonly executor: Executor;
  readonly callGasCap?: bigint;
  /** Newest block whose batch is recorded on L1 (`safe`). */
  readonly safeBlock?: () => bigint;
  readonly listBatches?: (range: { fromBlock: bigint; toBlock: bigint }) => Promise<readonly BatchInfo[]>;
}

/** Priority fee the node suggests (wei): enough to order, far below a cent per transfer. */
const SUGGESTED_PRIORITY_FEE = 1_000_000n;

export function createNodeBackend(options: NodeBackendOptions): RpcBackend {
  const { sequencer, store, pool, state, executor } = options;
  const headNumber = () => sequencer.head.header.number;

  function sealedBlock(number: bigint): Block | undefined {
    if (number > headNumber()) return undefined;
    return number === headNumber() ? sequencer.head : store.getBlock(number);
  }

  function pendingLocation(hash: Hash): { location: TxLocation; miniBlock: MiniBlock; index: number } | undefined {
    const open = sequencer.openBlock;
    const found = open.locate(hash);
    if (!found) return undefined;
    return {
      miniBlock: found.miniBlock,
      index: found.transactionIndex - found.miniBlock.firstTransactionIndex,
      location: {
        blockNumber: open.env.number,
        blockHash: null,
        blockTimestamp: open.env.timestamp,
        transactionIndex: found.transactionIndex,
        firstLogIndex: found.firstLogIndex,
        baseFeePerGas: open.env.baseFeePerGas,
      },
    };
  }

  function sealedLocation(
    hash: Hash,
  ): { block: Block; receipts: Receipt[]; location: TxLocation; index: number } | undefined {
    const at = store.getTxLocation(hash);
    if (!at) return undefined;
    const block = sealedBlock(at.blockNumber);
    const receipts = store.getReceipts(at.blockNumber);
    if (!block || !receipts) return undefined;
    const firstLogIndex = logOffsets(receipts)[at.index] ?? 0;
    return {
      block,
      receipts,
      index: at.index,
      location: {
        blockNumber: block.header.number,
        blockHash: block.hash,
        blockTimestamp: block.header.timestamp,
        transactionIndex: at.index,
        firstLogIndex,
        baseFeePerGas: block.header.baseFeePerGas,
      },
    };
  }

  function stateFor(target: StateTarget): StateReader | undefined {
    if (target === "latest") return state.latest;
    return state.stateAt(target);
  }

  function callEnv(target: StateTarget, overrides: BlockOverrides | undefined): BlockEnv {
    const pending = sequencer.pendingBlockEnv();
    let env: BlockEnv = pending;
    if (target !== "latest") {
      const block = sealedBlock(target);
      if (block) {
        env = {
          ...pending,
          number: block.header.number,
          timestamp: block.header.timestamp,
          gasLimit: block.header.gasLimit,
          baseFeePerGas: block.header.baseFeePerGas,
          coinbase: block.header.beneficiary,
          prevRandao: block.header.mixHash,
        };
      }
    }
    if (!overrides) return env;
    return {
      ...env,
      ...(overrides.number !== undefined ? { number: overrides.number } : {}),
      ...(overrides.time !== undefined ? { timestamp: overrides.time } : {}),
      ...(overrides.gasLimit !== undefined ? { gasLimit: overrides.gasLimit } : {}),
      ...(overrides.feeRecipient !== undefined ? { coinbase: overrides.feeRecipient } : {}),
      ...(overrides.prevRandao !== undefined ? { prevRandao: overrides.prevRandao } : {}),
      ...(overrides.baseFeePerGas !== undefined ? { baseFeePerGas: overrides.baseFeePerGas } : {}),
    };
  }

  function overlayFor(parameters: CallParameters) {
    const base = stateFor(parameters.target);
    if (!base) throw new Error(`state for block ${parameters.target} is not available`);
    return createOverlayState(base, parameters.stateOverride);
  }

  return {
    chainId: options.chainId,
    clientVersion: `Mach/v${VERSION}/${process.platform}-${process.arch}/node${process.versions.node}`,
    headBlockNumber: headNumber,
    latestMiniBlock: () => sequencer.latestMiniBlock,
    pendingMiniBlocks: () => sequencer.openBlock.miniBlocks,
    pendingNonce: (address) => pool.pendingNonce(address),
    // `finalized` needs resolved output games (next wave): until then only genesis is final.
    blockNumberForTag: (tag) => (tag === "safe" ? (options.safeBlock?.() ?? 0n) : 0n),
    getBlockByNumber: sealedBlock,
    getBlockByHash(hash) {
      if (hash === sequencer.head.hash) return sequencer.head;
      const number = store.getBlockNumberByHash(hash);
      return number === undefined ? undefined : sealedBlock(number);
    },
    getBlockReceipts(blockHash) {
      const number = blockHash === sequencer.head.hash ? headNumber() : store.getBlockNumberByHash(blockHash);
      return number === undefined ? undefined : store.getReceipts(number);
    },
    getTransaction(hash): LocatedTransaction | undefined {
      const pending = pendingLocation(hash);
      if (pending)
        return { tx: pending.miniBlock.transactions[pending.index] as Transaction, location: pending.location };
      const sealed = sealedLocation(hash);
      if (sealed) return { tx: sealed.block.transactions[sealed.index] as Transaction, location: sealed.location };
      const queued = pool.get(hash);
      return queued ? { tx: queued } : undefined;
    },
    getReceipt(hash): LocatedReceipt | undefined {
      const pending = pendingLocation(hash);
      if (pending) {
        return {
          tx: pending.miniBlock.transactions[pending.index] as Transaction,
          receipt: pending.miniBlock.receipts[pending.index] as Receipt,
          location: pending.location,
        };
      }
      const sealed = sealedLocation(hash);
      if (!sealed) return undefined;
      return {
        tx: sealed.block.transactions[sealed.index] as Transaction,
        receipt: sealed.receipts[sealed.index] as Receipt,
        location: sealed.location,
      };
    },
    stateAt: stateFor,
    async getProof(address, slots, target) {
      // Proofs are served at the newest sealed block (the trie is committed per block); older ones need an archive.
      if (target !== "latest" && target !== headNumber()) return undefined;
      return state.getProof(address, slots);
    },
    async sendRawTransaction(raw) {
      return pool.add(raw);
    },
    async call(parameters) {
      return executor.call(
        overlayFor(parameters),
        parameters.message,
        callEnv(parameters.target, parameters.blockOverrides),
      );
    },
    async traceTransaction(hash) {
      const located = this.getTransaction(hash);
      if (!located?.location) return undefined;
      const { blockNumber, transactionIndex } = located.location;
      const base = state.stateAt(blockNumber - 1n);
      if (!base) return undefined;
      const overlay = createOverlayState(base);
      const env = callEnv(blockNumber === sequencer.openBlock.env.number ? "latest" : blockNumber, undefined);
      const block =
        blockNumber === sequencer.openBlock.env.number
          ? sequencer.openBlock.transactions
          : sealedBlock(blockNumber)?.transactions;
      if (!block) return undefined;
      for (let i = 0; i < transactionIndex; i++) {
        await executor.executeTransaction(overlay, block[i] as Transaction, env);
      }
      return executor.traceTransaction(overlay, located.tx, env);
    },
    async traceCall(parameters) {
      if (!executor.traceCall) throw new Error("this executor cannot trace calls");
      return executor.traceCall(
        overlayFor(parameters),
        parameters.message,
        callEnv(parameters.target, parameters.blockOverrides),
      );
    },
    callGasCap: () => options.callGasCap ?? sequencer.pendingBlockEnv().gasLimit,
    pendingBlockEnv: () => {
      const env = sequencer.openBlock.env;
      return { gasLimit: env.gasLimit, baseFeePerGas: env.baseFeePerGas, timestamp: env.timestamp };
    },
    gasPrice: () => sequencer.openBlock.env.baseFeePerGas + SUGGESTED_PRIORITY_FEE,
    maxPriorityFeePerGas: () => SUGGESTED_PRIORITY_FEE,
    syncing: () => false,
    peerCount: () => 0,
    getStateDiff(selector): StateDiff | undefined {
      if ("miniBlockNumber" in selector) {
        const open = sequencer.openBlock;
        const inOpen = open.miniBlocks.find((m) => m.number === selector.miniBlockNumber);
        return (inOpen ?? store.getMiniBlock(selector.miniBlockNumber))?.stateDiff;
      }
      const block = sealedBlock(selector.blockNumber);
      if (!block) return undefined;
      const diffs: StateDiff[] = [];
      for (let i = 0n; i < BigInt(block.miniBlockCount); i++) {
        const miniBlock = store.getMiniBlock(block.miniBlockOffset + i);
        // The write-ahead log is pruned after snapshots: older blocks' diffs are gone.
        if (!miniBlock) return undefined;
        diffs.push(miniBlock.stateDiff);
      }
      return mergeStateDiffs(diffs);
    },
    ...(options.listBatches ? { getBatches: options.listBatches } : {}),
    subscribe(handlers: Partial<BackendEventHandlers>) {
      const offs: (() => void)[] = [];
      if (handlers.miniBlock) {
        const listener = handlers.miniBlock;
        sequencer.on("miniBlock", listener);
        offs.push(() => sequencer.off("miniBlock", listener));
      }
      if (handlers.block) {
        const listener = handlers.block;
        sequencer.on("block", listener);
        offs.push(() => sequencer.off("block", listener));
      }
      if (handlers.pendingTransaction) offs.push(pool.onPending(handlers.pendingTransaction));
      return () => {
        for (const off of offs) off();
      };
    },
  };
}

/** Block-wide index of each transaction's first log, memoized per receipts array (sealed receipts never change). */
const logOffsetsByReceipts = new WeakMap<readonly Receipt[], number[]>();
function logOffsets(receipts: readonly Receipt[]): number[] {
  let offsets = logOffsetsByReceipts.get(receipts);
  if (!offsets) {
    offsets = [];
    let next = 0;
    for (const receipt of receipts) {
      offsets.push(next);
      next += receipt.logs.length;
    }
    logOffsetsByReceipts.set(receipts, offsets);
  }
  return offsets;
}
