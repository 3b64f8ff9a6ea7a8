/**
 * Watches the sequencer's verified blocks for a replaced chain and takes a follower (a replica, a prover) back to the
 * fork point, one check at a time: a block that does not fit the follower's chain (`replacedHeight`) starts a search
 * by range requests (`findForkPoint`), then the follower's `rewindTo`; the role's wiring then moves the p2p follow
 * position back, so the sequencer's new chain is followed from the block after the fork on.
 *
 *   verified block (gossip, range) ──replacedHeight──► findForkPoint(fetchBlocks) ──fork──► follower.rewindTo(k)
 *                                                                                 ──► onRewound (follow from k + 1)
 *                                                      ├─ none ──► logged; the next conflicting block checks again
 *                                                      └─ unreachable ──► onFatal(unreachable(detail))
 *
 * `watchSequencerRewinds` wires one to a role's p2p node: verified blocks in, range requests out, the follow position
 * moved back to the follower's own after a rewind.
 */
import { type BlockIdentity, type LocalChain, replacedHeight } from "../../chain/chainConflict.ts";
import { findForkPoint } from "../../chain/forkSearch.ts";
import type { Hash } from "../../chain/types.ts";
import type { FollowPosition, P2pNode } from "../../p2p/index.ts";
import type { Logger } from "../../telemetry.ts";

/** What a role offers to follow the sequencer back (`Replica` and `Prover` fit); `R` is what a rewind dropped. */
export interface RewindableFollower<R> {
  /** The follower's own chain as it stands now. */
  readonly localChain: LocalChain;
  /** The oldest block it can go back to. */
  readonly oldestRewindBlock: bigint;
  /** Goes back to block `keptBlock` (still `keptHash`); undefined when there is nothing to undo. */
  rewindTo(keptBlock: bigint, keptHash: Hash): Promise<R | undefined>;
}

export interface RewindWatchOptions<R> {
  readonly follower: RewindableFollower<R>;
  /** Verified blocks of the sequencer `from`.. (at most `count`), asking `hint` (a peer) first; empty when none has. */
  readonly fetchBlocks: (from: bigint, count: number, hint: string | undefined) => Promise<readonly BlockIdentity[]>;
  /** The most blocks one request returns. */
  readonly maxRangeBlocks: number;
  /** The follower went back: follow the sequencer from its new position; `newestBlock` exists on the new chain. */
  readonly onRewound: (rewind: R, newestBlock: bigint) => void;
  /** The follower cannot follow the sequencer's new chain by itself (or failed going back): the node stops. */
  readonly onFatal: (error: Error) => void;
  /** The role's error for a fork it cannot go back to (`detail`: where the chains fork, how far back it can go). */
  readonly unreachable: (detail: string) => Error;
  readonly logger?: Logger;
}

export class RewindWatch<R> {
  readonly #options: RewindWatchOptions<R>;
  #checking: Promise<void> | undefined;

  constructor(options: RewindWatchOptions<R>) {
    this.#options = options;
  }

  /** Settles once the check in progress (if any) has. */
  get settled(): Promise<void> {
    return this.#checking ?? Promise.resolve();
  }

  /** A verified block from the sequencer (`fromPeer`: who sent it); cheap unless it shows a replaced chain. */
  observe(block: BlockIdentity, fromPeer: string | undefined): void {
    if (this.#checking !== undefined) return;
    const replacedAt = replacedHeight(block, this.#options.follower.localChain);
    if (replacedAt === undefined) return;
    this.#checking = this.#check(replacedAt, block.header.number, fromPeer).finally(() => {
      this.#checking = undefined;
    });
  }

  async #check(replacedAt: bigint, seenBlock: bigint, fromPeer: string | undefined): Promise<void> {
    const { follower, fetchBlocks, maxRangeBlocks, logger, onFatal } = this.#options;
    logger?.warn(
      { replacedAt: replacedAt.toString(), seenBlock: seenBlock.toString(), peer: fromPeer },
      "a block of the sequencer differs from this node's: looking for where the chains fork",
    );
    let search: Awaited<ReturnType<typeof findForkPoint>>;
    try {
      search = await findForkPoint({
        replacedAt,
        local: follower.localChain,
        oldestKeptBlock: follower.oldestRewindBlock,
        fetchBlocks: (from, count) => fetchBlocks(from, count, fromPeer),
        maxRangeBlocks,
      });
    } catch (error) {
      // Asking peers failed (not the follower): the next block that does not fit starts over.
      logger?.warn({ err: error }, "could not fetch the sequencer's blocks to find the fork point");
      return;
    }
    if (search.outcome === "none") {
      logger?.info({ detail: search.detail }, "no replaced blocks after all");
      return;
    }
    if (search.outcome === "unreachable") {
      onFatal(this.#options.unreachable(search.detail));
      return;
    }
    let rewind: R | undefined;
    try {
      rewind = await follower.rewindTo(search.keptBlock, search.keptHash);
    } catch (error) {
      onFatal(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (rewind !== undefined) this.#options.onRewound(rewind, seenBlock);
  }
}

/**
 * Shows every verified block of `node` to a `RewindWatch` over `follower`, fetching ranges from its peers; after a
 * rewind the node follows from the follower's new position (catching up at once to the block that showed it).
 */
export function watchSequencerRewinds<R>(parameters: {
  readonly node: P2pNode;
  readonly follower: RewindableFollower<R> & { readonly position: FollowPosition };
  readonly onFatal: (error: Error) => void;
  readonly unreachable: (detail: string) => Error;
  readonly logger: Logger;
}): RewindWatch<R> {
  const { node, follower } = parameters;
  const watch = new RewindWatch<R>({
    follower,
    fetchBlocks: (from, count, hint) => node.requestBlocks(from, count, hint),
    maxRangeBlocks: node.maxRangeBlocks,
    onRewound: (_rewind, newestBlock) => node.resetFollow(follower.position, newestBlock),
    onFatal: parameters.onFatal,
    unreachable: parameters.unreachable,
    logger: parameters.logger,
  });
  node.onVerifiedBlock((signed, fromPeer) => watch.observe(signed, fromPeer));
  return watch;
}
