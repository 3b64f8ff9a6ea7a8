/**
 * The L1 blocks derivation built on, kept to notice that L1 replaced one although it was confirmed (a reorg deeper
 * than `derivation.l1ConfirmationDepth`) and to say what that did to the derived chain.
 *
 * The deriver checks one block per poll, the tip (the newest L1 block it read batch records through), and links each
 * new window of L1 blocks to it by parent hash: L1 blocks chain by hash, so while the tip is L1's, every block below
 * it that was read under it is L1's too. This file keeps, besides, the L1 blocks it used (those holding the batch
 * records it handled and the L1 origins of the blocks it derived), each with the first L2 block built on it, bounded
 * to the newest `capacity`. They are read only once a reorg is found, to name the oldest used L1 block that is gone
 * and the first derived L2 block built on it.
 */
import type { Hash } from "../chain/types.ts";

/** L1 blocks remembered with the L2 blocks built on them (enough for any reorg Ethereum has seen since the merge). */
export const L1_BLOCKS_REMEMBERED = 256;

/** An L1 block derivation used, and the first L2 block it derived from it (none: a rejected batch's record). */
export interface UsedL1Block {
  readonly number: bigint;
  readonly hash: Hash;
  readonly firstL2Block: bigint | undefined;
}

/** What a walk over the used L1 blocks found gone. */
export interface GoneL1Blocks {
  /** The oldest remembered used L1 block that L1 no longer has (undefined: none of those remembered is gone). */
  readonly oldestGone: UsedL1Block | undefined;
  /** The first derived L2 block built on an L1 block that is gone (undefined: none of the remembered ones). */
  readonly firstAffectedL2Block: bigint | undefined;
}

export class L1Lineage {
  readonly #capacity: number;
  /** By L1 block number, oldest first (blocks are used in L1 order). */
  readonly #used = new Map<bigint, UsedL1Block>();

  constructor(capacity = L1_BLOCKS_REMEMBERED) {
    this.#capacity = capacity;
  }

  /** Notes that `l2Block` (none: nothing derived) was built on L1 block `number` with `hash`. */
  use(number: bigint, hash: Hash, l2Block: bigint | undefined): void {
    const known = this.#used.get(number);
    const earlier = known?.hash === hash ? known.firstL2Block : undefined;
    const firstL2Block = earlier === undefined || (l2Block !== undefined && l2Block < earlier) ? l2Block : earlier;
    this.#used.set(number, { number, hash, firstL2Block });
    while (this.#used.size > this.#capacity) {
      const oldest = this.#used.keys().next();
      if (oldest.done) break;
      this.#used.delete(oldest.value);
    }
  }

  /** The remembered used L1 blocks, oldest first. */
  used(): readonly UsedL1Block[] {
    return [...this.#used.values()].sort((a, b) => (a.number < b.number ? -1 : a.number > b.number ? 1 : 0));
  }

  /**
   * Walks the used L1 blocks from the newest down to the first one L1 still has (`hashAt` reads L1's block at a
   * height), and says which of them are gone and the first L2 block built on one of those.
   */
  async gone(hashAt: (number: bigint) => Promise<Hash | undefined>): Promise<GoneL1Blocks> {
    let oldestGone: UsedL1Block | undefined;
    let firstAffectedL2Block: bigint | undefined;
    for (const block of [...this.used()].reverse()) {
      if ((await hashAt(block.number)) === block.hash) break;
      oldestGone = block;
      if (block.firstL2Block !== undefined && (firstAffectedL2Block ?? block.firstL2Block) >= block.firstL2Block)
        firstAffectedL2Block = block.firstL2Block;
    }
    return { oldestGone, firstAffectedL2Block };
  }
}
