/**
 * The prover's chain: it follows blocks from a trusted anchor (genesis), collects each block's transactions from its
 * mini-blocks, and proves every block in order by re-executing it from its witness alone (`statelessBlock.ts`), each
 * one on top of the last one proven, so every proven root rests on the anchor and nothing else. A block that does
 * not re-execute to its header, or whose witness is incomplete, is refused: the prover stays where it is (the node
 * refetches the block; a faulty sequencer's chain is never attested).
 *
 *   mini-block ──► transactions of the open block
 *   block      ──► witness (fetchWitness) ──► executeBlockStatelessly ──► proven (kept, bounded) | refused
 */
import { EventEmitter } from "node:events";
import type { ChainConfig } from "../chain/config.ts";
import type { MiniBlock } from "../chain/miniBlock.ts";
import type { Block, Hash, Header, Transaction } from "../chain/types.ts";
import type { Executor } from "../execution/types.ts";
import { IncompleteWitnessError, InvalidWitnessError } from "../state/witness/errors.ts";
import type { BlockWitness } from "../state/witness/types.ts";
import type { Logger } from "../telemetry.ts";
import { BlockMismatchError } from "./errors.ts";
import { executeBlockStatelessly, type ProvenBlock } from "./statelessBlock.ts";

/** A block as the prover receives it (p2p's `SignedBlock` fits): its transactions came in its mini-blocks. */
export interface ReceivedBlockHeader {
  readonly header: Header;
  readonly hash: Hash;
  readonly miniBlockOffset: bigint;
  readonly miniBlockCount: number;
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

export class Prover extends EventEmitter<{ proven: [ProvenBlock]; refused: [ProverRefusal] }> {
  readonly #options: ProverOptions;
  #tip: { readonly number: bigint; readonly hash: Hash; readonly miniBlockEnd: bigint };
  #transactions: Transaction[] = [];
  #miniBlocks = 0;
  #lastMiniBlock: MiniBlock | undefined;
  readonly #proven = new Map<bigint, ProvenBlock>();

  constructor(options: ProverOptions) {
    super();
    this.#options = options;
    const { anchor } = options;
    this.#tip = {
      number: anchor.header.number,
      hash: anchor.hash,
      miniBlockEnd: anchor.miniBlockOffset + BigInt(anchor.miniBlockCount),
    };
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

  /** A proven block, while kept. */
  proven(blockNumber: bigint): ProvenBlock | undefined {
    return this.#proven.get(blockNumber);
  }

  /** A mini-block of the block being followed, in order. */
  addMiniBlock(miniBlock: MiniBlock): void {
    if (miniBlock.number !== this.position.nextMiniBlock) return;
    this.#transactions.push(...miniBlock.transactions);
    this.#miniBlocks++;
    this.#lastMiniBlock = miniBlock;
  }

  /** Proves the block over the mini-blocks collected since the tip; resolves with the proof or the refusal. */
  async addBlock(received: ReceivedBlockHeader): Promise<ProvenBlock | ProverRefusal> {
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
    };
    this.#resetOpen();
    this.#proven.set(header.number, proven);
    this.#proven.delete(header.number - BigInt(this.#options.keepProvenBlocks));
    this.#options.metrics?.blockProven((performance.now() - started) / 1000, transactions.length);
    this.emit("proven", proven);
    return proven;
  }

  #resetOpen(): void {
    this.#transactions = [];
    this.#miniBlocks = 0;
    this.#lastMiniBlock = undefined;
  }
}
