/**
 * Watches the sequencer's verified blocks for a replaced chain and takes the replica back to the fork point, one check
 * at a time: a block that does not fit the replica's chain (`replacedHeight`) starts a search by range requests
 * (`findForkPoint`), then `Replica.rewindTo` on the replica's queue; node/ then moves the p2p follow position back, so
 * the sequencer's new chain is applied from the block after the fork on.
 *
 *   verified block (gossip, range) ──replacedHeight──► findForkPoint(fetchBlocks) ──fork──► replica.rewindTo(k)
 *                                                                                 ──► onRewound (follow from k + 1)
 *                                                      ├─ none ──► logged; the next conflicting block checks again
 *                                                      └─ unreachable ──► onFatal(ReplicaRewindError)
 */
import type { Logger } from "../telemetry.ts";
import { type BlockIdentity, replacedHeight } from "./chainConflict.ts";
import { ReplicaRewindError } from "./errors.ts";
import { findForkPoint } from "./forkSearch.ts";
import type { Replica } from "./replica.ts";
import type { ReplicaRewind } from "./types.ts";

export interface RewindWatchOptions {
  readonly replica: Replica;
  /** Verified blocks of the sequencer `from`.. (at most `count`), asking `hint` (a peer) first; empty when none has. */
  readonly fetchBlocks: (from: bigint, count: number, hint: string | undefined) => Promise<readonly BlockIdentity[]>;
  /** The most blocks one request returns. */
  readonly maxRangeBlocks: number;
  /** The replica went back: follow the sequencer from its new position; `newestBlock` exists on the new chain. */
  readonly onRewound: (rewind: ReplicaRewind, newestBlock: bigint) => void;
  /** The replica cannot follow the sequencer's new chain by itself (or failed going back): the node stops. */
  readonly onFatal: (error: Error) => void;
  readonly logger?: Logger;
}

export class RewindWatch {
  readonly #options: RewindWatchOptions;
  #checking: Promise<void> | undefined;

  constructor(options: RewindWatchOptions) {
    this.#options = options;
  }

  /** Settles once the check in progress (if any) has. */
  get settled(): Promise<void> {
    return this.#checking ?? Promise.resolve();
  }

  /** A verified block from the sequencer (`fromPeer`: who sent it); cheap unless it shows a replaced chain. */
  observe(block: BlockIdentity, fromPeer: string | undefined): void {
    if (this.#checking !== undefined) return;
    const replica = this.#options.replica;
    const replacedAt = replacedHeight(block, replica.localChain);
    if (replacedAt === undefined) return;
    this.#checking = this.#check(replacedAt, block.header.number, fromPeer).finally(() => {
      this.#checking = undefined;
    });
  }

  async #check(replacedAt: bigint, seenBlock: bigint, fromPeer: string | undefined): Promise<void> {
    const { replica, fetchBlocks, maxRangeBlocks, logger, onFatal } = this.#options;
    logger?.warn(
      { replacedAt: replacedAt.toString(), seenBlock: seenBlock.toString(), peer: fromPeer },
      "a block of the sequencer differs from this replica's: looking for where the chains fork",
    );
    let search: Awaited<ReturnType<typeof findForkPoint>>;
    try {
      search = await findForkPoint({
        replacedAt,
        local: replica.localChain,
        oldestKeptBlock: replica.oldestRewindBlock,
        fetchBlocks: (from, count) => fetchBlocks(from, count, fromPeer),
        maxRangeBlocks,
      });
    } catch (error) {
      // Asking peers failed (not the replica): the next block that does not fit starts over.
      logger?.warn({ err: error }, "could not fetch the sequencer's blocks to find the fork point");
      return;
    }
    if (search.outcome === "none") {
      logger?.info({ detail: search.detail }, "no replaced blocks after all");
      return;
    }
    if (search.outcome === "unreachable") {
      onFatal(
        new ReplicaRewindError("the sequencer replaced blocks this replica cannot go back past", {
          details: `${search.detail}. Start the replica from a fresh store (it syncs the sequencer's chain from peers), or raise store.historyBlocks`,
        }),
      );
      return;
    }
    let rewind: ReplicaRewind | undefined;
    try {
      rewind = await replica.rewindTo(search.keptBlock, search.keptHash);
    } catch (error) {
      onFatal(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (rewind !== undefined) this.#options.onRewound(rewind, seenBlock);
  }
}
