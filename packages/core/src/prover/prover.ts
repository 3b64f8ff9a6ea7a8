/**
 * The prover's chain: it follows blocks from a trusted anchor (genesis), collects each block's transactions from its
 * mini-blocks, and proves every block in order by re-executing it from its witness alone (`statelessBlock.ts`), each
 * one on top of the last one proven, so every proven root rests on the anchor and nothing else. A block that does
 * not re-execute to its header, or whose witness is incomplete, is refused: the prover stays where it is (the node
 * refetches the block; a faulty sequencer's chain is never attested).
 *
 * When the sequencer replaced blocks the prover proved (it went back after a sequencing window passed), node/ finds
 * the fork point against `localChain` (the hashes and seal times of the blocks kept) and calls `rewindTo`: the
 * prover drops the open block's mini-blocks and every proven block after the kept one, and proves the new chain
 * from there; a dropped block's output is never attested afterwards (it is no longer `proven`).
 *
 *   mini-block ──► transactions of the open block
 *   block      ──► witness (fetchWitness) ──► executeBlockStatelessly ──► proven (kept, bounded) | refused
 *   rewindTo(k) ──► proven blocks after k dropped, tip = k                 (blocks and rewinds one at a time)
 */
import { EventEmitter } from "node:events";
import type { LocalChain } from "../chain/chainConflict.ts";
import type { ChainConfig } from "../chain/config.ts";
import type { MiniBlock } from "../chain/miniBlock.ts";
import type { Block, Hash, Header, Transaction } from "../chain/types.ts";
import type { Executor } from "../execution/types.ts";
import { IncompleteWitnessError, InvalidWitnessError } from "../state/witness/errors.ts";
import type { BlockWitness } from "../state/witness/types.ts";
import type { Logger } from "../telemetry.ts";
import { BlockMismatchError, ProverRewindError } from "./errors.ts";
import { executeBlockStatelessly, type ProvenBlock } from "./statelessBlock.ts";

/** A block as the prover receives it (p2p's `SignedBlock` fits): its transactions came in its mini-blocks. */
export interface ReceivedBlockHeader {
  readonly header: Header;
  readonly hash: Hash;
  readonly miniBlockOffset: bigint;
  readonly miniBlockCount: number;
  /** When the sequencer sealed it (a later seal replaces an earlier one at the same height: `chainConflict.ts`). */
  readonly sealedAtMs?: bigint;
}

/** A block on the prover's chain (the anchor or a proven block): what following and going back need of it. */
export interface ProverChainLink {
  readonly number: bigint;
  readonly hash: Hash;
  /** The mini-block number after its last one. */
  readonly miniBlockEnd: bigint;
  readonly sealedAtMs?: bigint | undefined;
}

/** The prover went back to block `to` because the sequencer replaced the blocks after it. */
export interface ProverRewind {
  /** The tip before (the newest of the dropped blocks). */
  readonly from: ProverChainLink;
  /** The kept block, now the tip. */
  readonly to: ProverChainLink;
  readonly droppedBlocks: bigint;
  /** Mini-blocks of the open block dropped too. */
  readonly droppedOpenMiniBlocks: number;
}

export interface ProverRefusal {
  readonly blockNumber: bigint;
  readonly blockHash: Hash;
  /** `span` (mini-blocks), `parent` (not on the proven chain), `witness` (invalid or incomplete), `mismatch`. */
  readonly reason: "span" | "parent" | "witness" | "mismatch";
  readonly detail: string;
}

export interface ProverMetrics {
  blockProven(seconds: number, transactions: number): void;
  blockRefused(reason: ProverRefusal["reason"]): void;
  /** Went back to `keptBlock`, dropping `droppedBlocks` proven blocks. */
  rewound(keptBlock: bigint, droppedBlocks: bigint): void;
}

export interface ProverOptions {
  readonly chain: ChainConfig;
  readonly executor: Executor;
  /** The trusted block proving starts after (genesis, built from config like every node's). */
  readonly anchor: Block;
  /** The witness of a block (retrying until the serving node has it). */
  readonly fetchWitness: (block: { readonly number: bigint; readonly hash: Hash }) => Promise<BlockWitness>;
  /** How many proven blocks are kept for outputs proposed later. */
  readonly keepProvenBlocks: number;
  readonly logger?: Logger;
  readonly metrics?: ProverMetrics;
}

export class Prover extends EventEmitter<{
  proven: [ProvenBlock];
  refused: [ProverRefusal];
  rewound: [ProverRewind];
}> {
  readonly #options: ProverOptions;
  #tip: ProverChainLink;
  #transactions: Transaction[] = [];
  #miniBlocks = 0;
  #lastMiniBlock: MiniBlock | undefined;
  readonly #proven = new Map<bigint, ProvenBlock>();
  /** The anchor and the proven blocks, by number, as far back as `keepProvenBlocks`: what a rewind compares. */
  readonly #links = new Map<bigint, ProverChainLink>();
  /** Blocks are proven and rewinds done one at a time, in call order. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: ProverOptions) {
    super();
    this.#options = options;
    const { anchor } = options;
    this.#tip = {
      number: anchor.header.number,
      hash: anchor.hash,
      miniBlockEnd: anchor.miniBlockOffset + BigInt(anchor.miniBlockCount),
    };
    this.#links.set(this.#tip.number, this.#tip);
  }

  /** The newest proven block (the anchor before any). */
  get tip(): { readonly number: bigint; readonly hash: Hash } {
    return this.#tip;
  }

  /** What to follow next (p2p's `FollowPosition` shape). */
  get position() {
    const last = this.#lastMiniBlock;
    return {
      nextMiniBlock: this.#tip.miniBlockEnd + BigInt(this.#miniBlocks),
      previousMiniBlock: last
        ? { blockNumber: last.blockNumber, index: last.index }
        : { blockNumber: this.#tip.number, index: -1 },
      nextBlock: this.#tip.number + 1n,
      previousBlock: { hash: this.#tip.hash, miniBlockOffset: 0n, miniBlockCount: Number(this.#tip.miniBlockEnd) },
    };
  }

  /** A proven block, while kept (never one a rewind dropped). */
  proven(blockNumber: bigint): ProvenBlock | undefined {
    return this.#proven.get(blockNumber);
  }

  /** The prover's chain as it stands now, for comparison with the sequencer's (`chainConflict.ts`). */
  get localChain(): LocalChain {
    const headNumber = this.#tip.number;
    const links = this.#links;
    return {
      headNumber,
      hashAt: (number) => (number <= headNumber ? links.get(number)?.hash : undefined),
      sealedAtMsAt: (number) => (number <= headNumber ? links.get(number)?.sealedAtMs : undefined),
    };
  }

  /** The oldest block the prover can go back to: the anchor, or the oldest proven block it keeps. */
  get oldestRewindBlock(): bigint {
    const oldestKept = this.#tip.number - BigInt(this.#options.keepProvenBlocks) + 1n;
    const anchor = this.#options.anchor.header.number;
    return oldestKept > anchor ? oldestKept : anchor;
  }

  /**
   * Goes back to block `keptBlock` (whose hash must still be `keptHash`) because the sequencer replaced the blocks
   * after it: the open block's mini-blocks and every proven block after it are dropped (never attested afterwards),
   * and the prover proves the new chain from `keptBlock` + 1. Resolves with what was dropped, or undefined when there
   * is nothing to undo (not past that block, or not holding it). Throws `ProverRewindError` when the block is older
   * than what the prover keeps.
   */
  rewindTo(keptBlock: bigint, keptHash: Hash): Promise<ProverRewind | undefined> {
    return this.#enqueue(async () => this.#rewindTo(keptBlock, keptHash));
  }

  /** A mini-block of the block being followed, in order. */
  addMiniBlock(miniBlock: MiniBlock): void {
    if (miniBlock.number !== this.position.nextMiniBlock) return;
    this.#transactions.push(...miniBlock.transactions);
    this.#miniBlocks++;
    this.#lastMiniBlock = miniBlock;
  }

  /** Proves the block over the mini-blocks collected since the tip; resolves with the proof or the refusal. */
  addBlock(received: ReceivedBlockHeader): Promise<ProvenBlock | ProverRefusal> {
    return this.#enqueue(() => this.#addBlock(received));
  }

  async #addBlock(received: ReceivedBlockHeader): Promise<ProvenBlock | ProverRefusal> {
    const { header, hash } = received;
    const refuse = (reason: ProverRefusal["reason"], detail: string, error?: unknown): ProverRefusal => {
      const refusal: ProverRefusal = { blockNumber: header.number, blockHash: hash, reason, detail };
      this.#options.logger?.error(
        { block: header.number.toString(), hash, reason, detail, err: error },
        "REFUSED BLOCK: re-execution from its witness does not confirm it; not attesting",
      );
      this.#options.metrics?.blockRefused(reason);
      this.#resetOpen();
      this.emit("refused", refusal);
      return refusal;
    };
    if (header.number !== this.#tip.number + 1n || header.parentHash !== this.#tip.hash) {
      return refuse(
        "parent",
        `block ${header.number} (parent ${header.parentHash}) after proven ${this.#tip.number} (${this.#tip.hash})`,
      );
    }
    if (received.miniBlockOffset !== this.#tip.miniBlockEnd || received.miniBlockCount !== this.#miniBlocks) {
      return refuse(
        "span",
        `mini-blocks ${received.miniBlockOffset}+${received.miniBlockCount}, collected ${this.#tip.miniBlockEnd}+${this.#miniBlocks}`,
      );
    }
    const started = performance.now();
    const transactions = this.#transactions;
    let proven: ProvenBlock;
    try {
      const witness = await this.#options.fetchWitness({ number: header.number, hash });
      proven = await executeBlockStatelessly({
        chain: this.#options.chain,
        executor: this.#options.executor,
        block: { header, hash, transactions },
        witness,
      });
    } catch (error) {
      if (error instanceof IncompleteWitnessError || error instanceof InvalidWitnessError) {
        return refuse("witness", error.shortMessage, error);
      }
      if (error instanceof BlockMismatchError) return refuse("mismatch", error.shortMessage, error);
      throw error;
    }
    this.#tip = {
      number: header.number,
      hash,
      miniBlockEnd: received.miniBlockOffset + BigInt(received.miniBlockCount),
      sealedAtMs: received.sealedAtMs,
    };
    this.#resetOpen();
    this.#proven.set(header.number, proven);
    this.#links.set(header.number, this.#tip);
    const expired = header.number - BigInt(this.#options.keepProvenBlocks);
    this.#proven.delete(expired);
    this.#links.delete(expired);
    this.#options.metrics?.blockProven((performance.now() - started) / 1000, transactions.length);
    this.emit("proven", proven);
    return proven;
  }

  #rewindTo(keptBlock: bigint, keptHash: Hash): ProverRewind | undefined {
    const from = this.#tip;
    const droppedOpenMiniBlocks = this.#miniBlocks;
    if (keptBlock > from.number || (keptBlock === from.number && droppedOpenMiniBlocks === 0)) return undefined;
    const oldest = this.oldestRewindBlock;
    if (keptBlock < oldest) {
      throw new ProverRewindError(`cannot go back to block ${keptBlock}: it is older than the blocks kept`, {
        details: `the prover keeps blocks back to ${oldest}: raise prover.keepProvenBlocks, or restart the prover (it proves again from genesis)`,
      });
    }
    const kept = this.#links.get(keptBlock);
    if (kept?.hash !== keptHash) return undefined;
    const droppedBlocks = from.number - keptBlock;
    this.#options.logger?.error(
      {
        keptBlock: keptBlock.toString(),
        keptHash,
        oldTip: from.number.toString(),
        oldTipHash: from.hash,
        droppedBlocks: droppedBlocks.toString(),
        droppedOpenMiniBlocks,
      },
      "the sequencer replaced blocks: going back to the kept block and proving its new chain from there",
    );
    for (let number = keptBlock + 1n; number <= from.number; number++) {
      this.#proven.delete(number);
      this.#links.delete(number);
    }
    this.#tip = kept;
    this.#resetOpen();
    this.#options.metrics?.rewound(keptBlock, droppedBlocks);
    const rewind: ProverRewind = { from, to: kept, droppedBlocks, droppedOpenMiniBlocks };
    this.emit("rewound", rewind);
    return rewind;
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #resetOpen(): void {
    this.#transactions = [];
    this.#miniBlocks = 0;
    this.#lastMiniBlock = undefined;
  }
}
