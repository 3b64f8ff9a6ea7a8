/**
 * The replica: follows the sequencer without executing. Each verified mini-block's state diff is applied to the
 * in-RAM state and logged, and the mini-block is served at once (realtime reads, subscriptions); each block is sealed
 * by chain/'s own rule over the mini-blocks received (`OpenBlock.seal`) once the applied diffs reach the header's
 * state root and the rebuilt header hashes to the block's hash, then stored and served. A block that fails either
 * check is refused: its writes are undone, its mini-blocks dropped from the log, and the caller refetches it.
 *
 *   mini-block ──► state.applyMiniBlockDiff ──► store.appendMiniBlock (record + seal) ──► open.add
 *                  ··· committed ──► "miniBlock" (in order; the next mini-block is applied meanwhile)
 *   block      ──► the log committed? ──► state.pendingStateRoot = header.stateRoot? ──► open.seal(root).hash = block hash?
 *                  ──► state.commitBlock ──► store.putBlock (with seal) ──► "block"
 *                  └─ otherwise: state.discardOpenBlock, store.dropMiniBlocksFrom ──► "refused"
 *   catch-up   ──► state.discardOpenBlock, store.dropMiniBlocksFrom ──► source seals block n into state ──► adopt:
 *                  follows the head? state root = header's? ──► store.putBlock (no seal) ──► "block" ··· snapshot ──► "caughtUp"
 *   rewind to k ──► state.discardOpenBlock ──► state.rollbackTo(k) = block k's root? ──► store.putSnapshot(k)
 *                  ──► store.truncateAfter(k) ──► head = block k ──► "rewound"   (the sequencer replaced k+1..)
 *
 * Work runs on one serial queue, as the sequencer's does.
 */
import { EventEmitter } from "node:events";
import type { LocalChain } from "../chain/chainConflict.ts";
import type { ChainConfig } from "../chain/config.ts";
import type { MiniBlock } from "../chain/miniBlock.ts";
import { nextBlockEnv, nextBlockTimestamp } from "../chain/nextBlock.ts";
import { OpenBlock } from "../chain/openBlock.ts";
import type { Address, Block, Hash, Receipt } from "../chain/types.ts";
import type { ChainState } from "../state/chainState.ts";
import type { ChainStore } from "../state/store/chainStore.ts";
import type { Logger } from "../telemetry.ts";
import { ReplicaOrderError, ReplicaRewindError, ReplicaStateError } from "./errors.ts";
import type {
  AdoptBlock,
  BlockRefusal,
  CatchUpSource,
  ReceivedBlock,
  ReceivedMiniBlock,
  RefusalReason,
  ReplicaCatchUp,
  ReplicaEvents,
  ReplicaPosition,
  ReplicaRewind,
} from "./types.ts";

/** The seal time `localChain` gives a block with no seal of the sequencer's: later than any the sequencer gives. */
const FINAL_BLOCK_SEALED_AT_MS = 2n ** 64n - 1n;

/** What the node exports as Prometheus metrics (`node/metrics.ts` fills them). */
export interface ReplicaMetrics {
  /**
   * A mini-block applied and logged: its transactions, the time to apply it (its diff, and its log write issued: the
   * write commits while the next is applied), and seal → logged and announced (sequencer clock).
   */
  miniBlockApplied(txs: number, applySeconds: number, lagSeconds: number): void;
  blockSealed(blockNumber: bigint, stateRootSeconds: number): void;
  blockRefused(reason: RefusalReason): void;
  /** Went back to block `headBlockNumber`, dropping `droppedBlocks` blocks the sequencer replaced. */
  rewound(headBlockNumber: bigint, droppedBlocks: bigint): void;
  /** A block sealed by a catch-up source outside p2p (derivation from L1 + DA) was adopted. */
  blockAdopted(blockNumber: bigint): void;
}

export interface ReplicaOptions {
  readonly chain: ChainConfig;
  /** The sequencer's fee recipient: every block's coinbase (`sequencer.feeRecipient` in the shared config). */
  readonly coinbase: Address;
  readonly state: ChainState;
  readonly store: ChainStore;
  /** The newest sealed block (genesis on a new store). */
  readonly head: Block;
  /** Mini-blocks of the open block, restored from the log after a restart. */
  readonly recoveredMiniBlocks?: readonly MiniBlock[];
  readonly logger?: Logger;
  readonly metrics?: ReplicaMetrics;
  /** Called after each sealed block (snapshots). */
  readonly onBlockSealed?: (block: Block, receipts: readonly Receipt[]) => Promise<void> | void;
  /** Unix ms (tests move it). */
  readonly now?: () => number;
}

export class Replica extends EventEmitter<{ [K in keyof ReplicaEvents]: Parameters<ReplicaEvents[K]> }> {
  readonly #options: ReplicaOptions;
  readonly #now: () => number;
  #head: Block;
  #open: OpenBlock;
  #queue: Promise<unknown> = Promise.resolve();
  /** The log writes of the open block's mini-blocks, each followed by its announcement: settled once all are. */
  #logged: Promise<void> = Promise.resolve();

  constructor(options: ReplicaOptions) {
    super();
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#head = options.head;
    const recovered = options.recoveredMiniBlocks ?? [];
    this.#open = this.#openNext(recovered[0]?.blockTimestamp);
    for (const miniBlock of recovered) this.#open.add(miniBlock);
  }

  /** The newest sealed (verified) block. */
  get head(): Block {
    return this.#head;
  }
  /** The block being followed: the mini-blocks applied since the head. */
  get openBlock(): OpenBlock {
    return this.#open;
  }

  /** What to apply next, and what it must continue. */
  get position(): ReplicaPosition {
    const head = this.#head;
    const last = this.#open.miniBlocks.at(-1);
    return {
      nextMiniBlock: this.#open.nextMiniBlockNumber,
      // With no mini-block open, index −1 of the head block: the next block's first mini-block (index 0) follows it.
      previousMiniBlock: last
        ? { blockNumber: last.blockNumber, index: last.index }
        : { blockNumber: head.header.number, index: head.miniBlockCount - 1 },
      nextBlock: head.header.number + 1n,
      previousBlock: { hash: head.hash, miniBlockOffset: head.miniBlockOffset, miniBlockCount: head.miniBlockCount },
    };
  }

  /** The replica's sealed chain as it stands now, for comparison with the sequencer's (`chainConflict.ts`). */
  get localChain(): LocalChain {
    const head = this.#head;
    const store = this.#options.store;
    return {
      headNumber: head.header.number,
      hashAt: (number) =>
        number === head.header.number
          ? head.hash
          : number < head.header.number
            ? store.getBlock(number)?.hash
            : undefined,
      // A block stored without the sequencer's seal (genesis, or derived from L1 + DA by `catchUpWith`) is final:
      // no block the sequencer seals later replaces it, so a peer's differing block there is never a replacement.
      sealedAtMsAt: (number) =>
        number <= head.header.number ? (store.getBlockSeal(number)?.sealedAtMs ?? FINAL_BLOCK_SEALED_AT_MS) : undefined,
    };
  }

  /** The oldest block the replica can go back to (its state history). */
  get oldestRewindBlock(): bigint {
    return this.#options.state.history.oldestBlock ?? this.#head.header.number;
  }

  /**
   * Goes back to sealed block `keptBlock` (whose hash must still be `keptHash`) because the sequencer replaced the
   * blocks after it: the open block and every later block are undone in state and store, a snapshot is taken at the
   * kept block, which becomes the head. Resolves with what was dropped, or undefined when there is nothing to undo
   * (the replica is not past that block, or no longer holds it). Throws `ReplicaRewindError` when the block is older
   * than the state history.
   */
  rewindTo(keptBlock: bigint, keptHash: Hash): Promise<ReplicaRewind | undefined> {
    return this.#enqueue(() => this.#rewindTo(keptBlock, keptHash));
  }

  /**
   * Catches up outside p2p (node/ wires derivation from L1 + DA, for when no peer serves the next blocks): the open
   * block's mini-blocks are undone (state and log), then `source` seals the blocks after the head into the state and
   * hands each to `adopt`, with nothing else applied meanwhile (the serial queue). Each is checked to continue the
   * head and to be what the state holds, then stored with its receipts, made the head and announced. It has no
   * sequencer seal and no mini-blocks (L1 + DA carry neither): the replica serves its block, transactions and
   * receipts, no mini-block of it, and range requests from other replicas end before it. When any block was adopted,
   * a snapshot is taken at the new head (the log cannot replay the range) and "caughtUp" is emitted. When `source`
   * fails, the state goes back to the last adopted block (which stays the head) and the error is rethrown.
   */
  catchUpWith(source: CatchUpSource): Promise<ReplicaCatchUp> {
    return this.#enqueue(() => this.#catchUpWith(source));
  }

  /** Applies a verified mini-block (the next one in chain order) and serves it. */
  applyMiniBlock(received: ReceivedMiniBlock): Promise<void> {
    return this.#enqueue(() => this.#applyMiniBlock(received));
  }

  /** Verifies and seals a block over the mini-blocks applied since the head; resolves with the refusal, if any. */
  applyBlock(received: ReceivedBlock): Promise<BlockRefusal | undefined> {
    return this.#enqueue(() => this.#applyBlock(received));
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #applyMiniBlock(received: ReceivedMiniBlock): Promise<void> {
    const started = performance.now();
    const { miniBlock } = received;
    let open = this.#open;
    if (miniBlock.blockNumber !== open.env.number || miniBlock.number !== open.nextMiniBlockNumber) {
      throw new ReplicaOrderError(
        `mini-block ${miniBlock.number} of block ${miniBlock.blockNumber} does not follow mini-block ${open.nextMiniBlockNumber - 1n} of block ${open.env.number}`,
      );
    }
    if (open.miniBlocks.length === 0 && open.env.timestamp !== miniBlock.blockTimestamp) {
      // Until a block's first mini-block arrives its timestamp is the replica's guess (the sequencer's clock rule).
      open = this.#open = this.#openNext(miniBlock.blockTimestamp);
    }
    if (
      miniBlock.blockTimestamp !== open.env.timestamp ||
      miniBlock.firstTransactionIndex !== open.transactions.length ||
      miniBlock.firstLogIndex !== open.logCount
    ) {
      throw new ReplicaOrderError(
        `mini-block ${miniBlock.number} claims timestamp ${miniBlock.blockTimestamp}, first tx ${miniBlock.firstTransactionIndex}, first log ${miniBlock.firstLogIndex}; the block has ${open.env.timestamp}, ${open.transactions.length}, ${open.logCount}`,
      );
    }
    this.#options.state.applyMiniBlockDiff(miniBlock.stateDiff);
    const logging = this.#options.store.appendMiniBlock(miniBlock, {
      record: received.record,
      seal: { signature: received.signature, sealedAtMs: received.sealedAtMs, seal: received.seal },
    });
    open.add(miniBlock);
    const applySeconds = (performance.now() - started) / 1000;
    // The next mini-block is applied while this one commits (LMDB writes them in one transaction when several are
    // in flight, as during catch-up); each is announced once committed, in order. A failed write surfaces at the
    // block (`#applyBlock` waits for the log).
    const previous = this.#logged;
    this.#logged = logging.then(async () => {
      await previous;
      this.#options.metrics?.miniBlockApplied(
        miniBlock.transactions.length,
        applySeconds,
        (this.#now() - Number(received.sealedAtMs)) / 1000,
      );
      this.emit("miniBlock", miniBlock);
    });
    // Handled here and rethrown where it is awaited: an unobserved rejection must not stop the process.
    this.#logged.catch(() => undefined);
  }

  async #applyBlock(received: ReceivedBlock): Promise<BlockRefusal | undefined> {
    const { header } = received;
    let open = this.#open;
    if (header.number !== open.env.number) {
      throw new ReplicaOrderError(`block ${header.number} does not follow head ${this.#head.header.number}`);
    }
    if (open.miniBlocks.length === 0 && open.env.timestamp !== header.timestamp) {
      open = this.#open = this.#openNext(header.timestamp);
    }
    if (received.miniBlockOffset !== open.env.miniBlockOffset || received.miniBlockCount !== open.miniBlocks.length) {
      return this.#refuse(
        received,
        "miniBlockSpan",
        `${received.miniBlockOffset}+${received.miniBlockCount}`,
        `${open.env.miniBlockOffset}+${open.miniBlocks.length}`,
      );
    }
    const { state, store } = this.#options;
    await this.#logged;
    const rootStarted = performance.now();
    const root = state.pendingStateRoot();
    const stateRootSeconds = (performance.now() - rootStarted) / 1000;
    if (root !== header.stateRoot) return this.#refuse(received, "stateRoot", header.stateRoot, root);
    const block = open.seal(root);
    if (block.hash !== received.hash) return this.#refuse(received, "blockHash", received.hash, block.hash);
    state.commitBlock(header.number);
    const receipts = open.receipts;
    await store.putBlock(block, receipts, { sealedAtMs: received.sealedAtMs, seal: received.seal });
    this.#head = block;
    this.#open = this.#openNext();
    this.#options.metrics?.blockSealed(header.number, stateRootSeconds);
    this.emit("block", block, receipts);
    await this.#options.onBlockSealed?.(block, receipts);
    return undefined;
  }

  /** Undoes the open block (state and log) and reports why; the node refetches it. */
  async #refuse(
    received: ReceivedBlock,
    reason: RefusalReason,
    expected: string,
    actual: string,
  ): Promise<BlockRefusal> {
    const blockNumber = received.header.number;
    const refusal: BlockRefusal = { blockNumber, hash: received.hash, reason, expected, actual };
    this.#options.logger?.error(
      { block: blockNumber.toString(), reason, expected, actual },
      "REFUSED BLOCK: the sequencer's block does not match the diffs applied; not serving it, refetching",
    );
    await this.#undoOpenBlock();
    this.#options.metrics?.blockRefused(reason);
    this.emit("refused", refusal);
    return refusal;
  }

  /** Undoes the open block's mini-blocks in state and log (the head stays); the next block opens after the head. */
  async #undoOpenBlock(): Promise<void> {
    // The mini-blocks are in the log (or failed to be) before they are dropped from it.
    await this.#logged.catch(() => undefined);
    this.#logged = Promise.resolve();
    const root = this.#options.state.discardOpenBlock();
    if (root !== this.#head.header.stateRoot) {
      throw new ReplicaStateError(
        `undoing block ${this.#open.env.number} left state root ${root}, head ${this.#head.header.number} has ${this.#head.header.stateRoot}`,
      );
    }
    await this.#options.store.dropMiniBlocksFrom(this.#open.env.miniBlockOffset);
    this.#open = this.#openNext();
  }

  async #catchUpWith(source: CatchUpSource): Promise<ReplicaCatchUp> {
    const from = this.#head;
    const { state, store, logger } = this.#options;
    await this.#undoOpenBlock();
    let adopted = 0;
    const adopt: AdoptBlock = async (block, receipts) => {
      const head = this.#head;
      const { number, parentHash, stateRoot } = block.header;
      if (number !== head.header.number + 1n || parentHash !== head.hash) {
        throw new ReplicaOrderError(
          `caught-up block ${number} (parent ${parentHash}) does not follow head ${head.hash}`,
        );
      }
      if (block.miniBlockOffset !== head.miniBlockOffset + BigInt(head.miniBlockCount)) {
        throw new ReplicaOrderError(`caught-up block ${number} starts at mini-block ${block.miniBlockOffset}`, {
          details: `head ${head.header.number} ends before mini-block ${head.miniBlockOffset + BigInt(head.miniBlockCount)}`,
        });
      }
      const root = state.pendingStateRoot();
      if (root !== stateRoot) {
        throw new ReplicaStateError(`caught-up block ${number} was handed over at state root ${root}`, {
          details: `the block has ${stateRoot}: its source must seal it into the replica's state first`,
        });
      }
      // No sequencer seal and no mini-blocks: L1 + DA carry neither (the store serves blocks and receipts).
      await store.putBlock(block, receipts);
      this.#head = block;
      this.#open = this.#openNext();
      adopted++;
      this.#options.metrics?.blockAdopted(number);
      this.emit("block", block, receipts);
      await this.#options.onBlockSealed?.(block, receipts);
    };
    let failure: unknown;
    try {
      await source(from, adopt);
    } catch (error) {
      failure = error;
    }
    const head = this.#head;
    // A source that failed after sealing a block into the state, before handing it over: back to the head.
    if (state.pendingStateRoot() !== head.header.stateRoot) {
      const root = state.rollbackTo(head.header.number);
      if (root !== head.header.stateRoot) {
        throw new ReplicaStateError(
          `going back to head ${head.header.number} after a failed catch-up reached ${root}`,
          {
            cause: failure,
          },
        );
      }
    }
    this.#open = this.#openNext();
    const catchUp: ReplicaCatchUp = { from, to: head, adopted };
    if (adopted > 0) {
      // The log cannot replay the caught-up range (it holds no mini-block of it): a restart starts from here.
      await store.putSnapshot(head.header.number, state.snapshotChunks());
      logger?.info(
        { from: from.header.number.toString(), to: head.header.number.toString(), adopted },
        "replica caught up outside p2p; snapshot taken at the new head",
      );
      this.emit("caughtUp", catchUp);
    }
    if (failure !== undefined) throw failure;
    return catchUp;
  }

  async #rewindTo(keptBlock: bigint, keptHash: Hash): Promise<ReplicaRewind | undefined> {
    const from = this.#head;
    const droppedOpenMiniBlocks = this.#open.miniBlocks.length;
    if (keptBlock > from.header.number || (keptBlock === from.header.number && droppedOpenMiniBlocks === 0)) {
      return undefined;
    }
    const { state, store, logger } = this.#options;
    const kept = keptBlock === from.header.number ? from : store.getBlock(keptBlock);
    if (kept?.hash !== keptHash) return undefined;
    const oldest = this.oldestRewindBlock;
    if (keptBlock < oldest) {
      throw new ReplicaRewindError(`cannot go back to block ${keptBlock}: it is older than the state history`, {
        details: `the history reaches back to block ${oldest}: raise store.historyBlocks, or start the replica from a fresh store (it syncs the sequencer's chain from peers)`,
      });
    }
    const droppedBlocks = from.header.number - keptBlock;
    logger?.error(
      {
        keptBlock: keptBlock.toString(),
        keptHash,
        oldHead: from.header.number.toString(),
        oldHeadHash: from.hash,
        droppedBlocks: droppedBlocks.toString(),
        droppedOpenMiniBlocks,
      },
      "the sequencer replaced blocks: going back to the kept block and following its new chain from there",
    );
    // The open block's mini-blocks are in the log (or failed to be) before they are dropped from it.
    await this.#logged.catch(() => undefined);
    this.#logged = Promise.resolve();
    const headRoot = state.discardOpenBlock();
    if (headRoot !== from.header.stateRoot) {
      throw new ReplicaStateError(
        `undoing the open block left state root ${headRoot}, head ${from.header.number} has ${from.header.stateRoot}`,
      );
    }
    // Within the history (checked above): undone from the blocks' reverse diffs, newest first.
    const root = state.rollbackTo(keptBlock);
    if (root !== kept.header.stateRoot) {
      throw new ReplicaStateError(`going back to block ${keptBlock} reached state root ${root}`, {
        details: `the block has ${kept.header.stateRoot}: restart from the store`,
      });
    }
    // The snapshot first, so the store always holds one at or below its head: a crash between the two restarts from the
    // kept block's snapshot over the old chain's log (while the log reaches back there), and goes back again.
    await store.putSnapshot(keptBlock, state.snapshotChunks());
    await store.truncateAfter(keptBlock);
    this.#head = kept;
    this.#open = this.#openNext();
    this.#options.metrics?.rewound(keptBlock, droppedBlocks);
    const rewind: ReplicaRewind = { from, to: kept, droppedBlocks, droppedOpenMiniBlocks };
    this.emit("rewound", rewind);
    return rewind;
  }

  /** The block after the head; its timestamp is a guess (the sequencer's clock rule) until its content says. */
  #openNext(timestamp?: bigint): OpenBlock {
    const head = this.#head;
    const nowSeconds = BigInt(Math.floor(this.#now() / 1000));
    return new OpenBlock(
      nextBlockEnv(head, this.#options.chain, {
        timestamp: timestamp ?? nextBlockTimestamp(head, nowSeconds),
        coinbase: this.#options.coinbase,
      }),
    );
  }
}
