/**
 * Follows the chain for the node: takes verified mini-blocks and blocks from gossip and from range responses, hands
 * them to the node strictly in chain order (block N's mini-blocks, block N, block N+1's mini-blocks, …: a replica
 * checks block N's state root after exactly its mini-blocks), and fills every gap by range requests. A gap shows
 * itself by a message ahead of `next`, by a block whose mini-blocks go beyond it (so a replica that was stopped
 * catches up at the first block it hears, even on an idle chain), or by a mini-block of a later block.
 *
 * Deliveries are serialized: the node's handler for one item has returned (or its promise settled) before the next
 * one is handed over. A handler that throws is logged and counted; delivery goes on (the node decides what its own
 * failures mean: a replica refetches after a root mismatch through `reset`).
 */
import type { Hash } from "../chain/types.ts";
import type { SignedBlock } from "./blockMessage.ts";
import type { P2pMetrics } from "./metrics.ts";
import type { SignedMiniBlock } from "./miniBlockMessage.ts";
import { InOrderSequence, type SequenceRules, type Verdict } from "./sequence.ts";
import type { RangeKind } from "./topics.ts";

/** What a mini-block is checked against: the previous one's place. */
export interface MiniBlockLink {
  readonly blockNumber: bigint;
  readonly index: number;
}
/** What a block is checked against: the previous one's hash and mini-block span. */
export interface BlockLink {
  readonly hash: Hash;
  readonly miniBlockOffset: bigint;
  readonly miniBlockCount: number;
}

/**
 * Where the node stands. A kind without `next…` is not followed (its topic is not subscribed): a sequencer follows
 * nothing, a prover may follow blocks only. `previous…` (the node's newest stored item) lets the first delivery be
 * checked for continuity too.
 */
export interface FollowPosition {
  readonly nextMiniBlock?: bigint;
  readonly previousMiniBlock?: MiniBlockLink;
  readonly nextBlock?: bigint;
  readonly previousBlock?: BlockLink;
}

export interface FollowerLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface FollowerLimits {
  readonly maxPendingMiniBlocks: number;
  readonly maxPendingBlocks: number;
  readonly maxMessageAgeMs: number;
  readonly maxClockSkewMs: number;
  readonly maxRangeMiniBlocks: number;
  readonly maxRangeBlocks: number;
  /** Consecutive ranges requested at once while catching up (1: one after another). */
  readonly rangeRequestsInFlight: number;
  readonly rangeRetryMs: number;
  readonly gapGraceMs: number;
}

/** Fetches verified items `from`.. (at most `count`), trying `hint` first; resolves empty when no peer has them. */
export type FetchRange = <K extends RangeKind>(
  kind: K,
  from: bigint,
  count: number,
  hint: string | undefined,
) => Promise<readonly (K extends "miniBlocks" ? SignedMiniBlock : SignedBlock)[]>;

export interface FollowerOptions {
  readonly position: FollowPosition;
  readonly limits: FollowerLimits;
  readonly fetchRange: FetchRange;
  readonly deliverMiniBlock: (signed: SignedMiniBlock) => Promise<void> | void;
  readonly deliverBlock: (signed: SignedBlock) => Promise<void> | void;
  /**
   * Sees every verified block from gossip (unless rejected) and from range responses, as it arrives, including those
   * in-order delivery ignores (a duplicate below `next`) or drops (one that does not continue the chain): a replica
   * learns from them that the sequencer replaced blocks it applied. `fromPeer` is the gossip source, if any.
   */
  readonly observeBlock?: ((signed: SignedBlock, fromPeer: string | undefined) => void) | undefined;
  readonly logger?: FollowerLogger | undefined;
  readonly metrics?: P2pMetrics | undefined;
  readonly now: () => number;
}

export const MINI_BLOCK_RULES: SequenceRules<SignedMiniBlock, MiniBlockLink> = {
  number: (signed) => signed.miniBlock.number,
  link: ({ miniBlock }) => ({ blockNumber: miniBlock.blockNumber, index: miniBlock.index }),
  breaks(previous, { miniBlock }) {
    if (miniBlock.blockNumber === previous.blockNumber) {
      return miniBlock.index === previous.index + 1
        ? undefined
        : `index ${miniBlock.index} after ${previous.index} in block ${previous.blockNumber}`;
    }
    if (miniBlock.blockNumber < previous.blockNumber) {
      return `block ${miniBlock.blockNumber} after block ${previous.blockNumber}`;
    }
    return miniBlock.index === 0
      ? undefined
      : `first mini-block of block ${miniBlock.blockNumber} has index ${miniBlock.index}`;
  },
};

export const BLOCK_RULES: SequenceRules<SignedBlock, BlockLink> = {
  number: (signed) => signed.header.number,
  link: (signed) => ({
    hash: signed.hash,
    miniBlockOffset: signed.miniBlockOffset,
    miniBlockCount: signed.miniBlockCount,
  }),
  breaks(previous, signed) {
    if (signed.header.parentHash !== previous.hash)
      return `parent ${signed.header.parentHash}, previous ${previous.hash}`;
    const offset = previous.miniBlockOffset + BigInt(previous.miniBlockCount);
    return signed.miniBlockOffset === offset
      ? undefined
      : `mini-block offset ${signed.miniBlockOffset}, expected ${offset}`;
  },
};

export class Follower {
  readonly #options: FollowerOptions;
  readonly #miniBlocks: InOrderSequence<SignedMiniBlock, MiniBlockLink> | undefined;
  readonly #blocks: InOrderSequence<SignedBlock, BlockLink> | undefined;
  /** In sequence, not handed over yet: interleaved into chain order by `#release`. */
  readonly #miniBlocksReady: SignedMiniBlock[] = [];
  readonly #blocksReady: SignedBlock[] = [];
  /** The next mini-block and block numbers to hand over. */
  #miniBlockHanded: bigint | undefined;
  #blockHanded: bigint | undefined;
  readonly #catchingUp = new Set<RangeKind>();
  readonly #sleeps = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  #delivery: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(options: FollowerOptions) {
    this.#options = options;
    const { position, limits } = options;
    const common = { maxMessageAgeMs: limits.maxMessageAgeMs, maxClockSkewMs: limits.maxClockSkewMs };
    this.#miniBlocks =
      position.nextMiniBlock === undefined
        ? undefined
        : new InOrderSequence(
            MINI_BLOCK_RULES,
            { ...common, maxPending: limits.maxPendingMiniBlocks },
            position.nextMiniBlock,
            position.previousMiniBlock,
          );
    this.#miniBlockHanded = position.nextMiniBlock;
    this.#blockHanded = position.nextBlock;
    this.#blocks =
      position.nextBlock === undefined
        ? undefined
        : new InOrderSequence(
            BLOCK_RULES,
            { ...common, maxPending: limits.maxPendingBlocks },
            position.nextBlock,
            position.previousBlock,
          );
  }

  get followsMiniBlocks(): boolean {
    return this.#miniBlocks !== undefined;
  }
  get followsBlocks(): boolean {
    return this.#blocks !== undefined;
  }
  /** The next mini-block / block number to deliver (undefined when that kind is not followed). */
  get nextMiniBlock(): bigint | undefined {
    return this.#miniBlocks?.next;
  }
  get nextBlock(): bigint | undefined {
    return this.#blocks?.next;
  }
  /** The highest mini-block number known to exist (from gossip or a block's span), if mini-blocks are followed. */
  get knownMiniBlockHead(): bigint | undefined {
    return this.#miniBlocks?.knownHead;
  }

  /** A verified mini-block from gossip: the verdict for gossipsub; accepted or useful ones go in. */
  receiveMiniBlock(signed: SignedMiniBlock, fromPeer: string | undefined): Verdict {
    const sequence = this.#miniBlocks;
    if (sequence === undefined) return { outcome: "ignore", reason: "notFollowed", detail: "mini-blocks" };
    const verdict = sequence.judge(signed.miniBlock.number, signed.sealedAtMs, this.#options.now());
    if (verdict.outcome !== "reject") this.#offerMiniBlocks([signed], fromPeer);
    return verdict;
  }

  /** A verified block from gossip: the verdict for gossipsub; accepted or useful ones go in. */
  receiveBlock(signed: SignedBlock, fromPeer: string | undefined): Verdict {
    const sequence = this.#blocks;
    if (sequence === undefined) return { outcome: "ignore", reason: "notFollowed", detail: "blocks" };
    const verdict = sequence.judge(signed.header.number, signed.sealedAtMs, this.#options.now());
    if (verdict.outcome !== "reject") {
      this.#options.observeBlock?.(signed, fromPeer);
      this.#offerBlocks([signed], fromPeer);
    }
    return verdict;
  }

  /**
   * Moves the position (a replica refetching a range after a root mismatch, or going back to where the sequencer's
   * chain forked from its own); drops pending items. `knownBlock`: a block number known to exist beyond the position
   * (catch-up starts at once rather than at the next gossip).
   */
  reset(position: FollowPosition, knownBlock?: bigint): void {
    if (position.nextMiniBlock !== undefined && this.#miniBlocks !== undefined) {
      this.#miniBlocks.reset(position.nextMiniBlock, position.previousMiniBlock);
      this.#miniBlocksReady.length = 0;
      this.#miniBlockHanded = position.nextMiniBlock;
    }
    if (position.nextBlock !== undefined && this.#blocks !== undefined) {
      this.#blocks.reset(position.nextBlock, position.previousBlock);
      this.#blocksReady.length = 0;
      this.#blockHanded = position.nextBlock;
    }
    if (knownBlock !== undefined) this.#blocks?.noteExists(knownBlock);
    this.#catchUpIfBehind(undefined);
  }

  /** Stops catching up; resolves once pending deliveries have been handed over. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const sleep of this.#sleeps) {
      clearTimeout(sleep.timer);
      sleep.resolve();
    }
    this.#sleeps.clear();
    await this.#delivery;
  }

  #offerMiniBlocks(items: readonly SignedMiniBlock[], fromPeer: string | undefined): void {
    const sequence = this.#miniBlocks;
    if (sequence === undefined) return;
    this.#offer("miniBlocks", sequence, items, this.#miniBlocksReady, (item) => {
      // The blocks before this mini-block's block are sealed: a follower behind on blocks learns its gap here.
      this.#blocks?.noteExists(item.miniBlock.blockNumber - 1n);
      return item.miniBlock.number;
    });
    this.#options.metrics?.nextMiniBlock.set(Number(sequence.next));
    this.#release();
    this.#catchUpIfBehind(fromPeer);
  }

  #offerBlocks(items: readonly SignedBlock[], fromPeer: string | undefined): void {
    const sequence = this.#blocks;
    if (sequence === undefined) return;
    this.#offer("blocks", sequence, items, this.#blocksReady, (item) => {
      // A block's mini-blocks exist: a follower behind on mini-blocks learns its gap from here.
      if (item.miniBlockCount > 0) {
        this.#miniBlocks?.noteExists(item.miniBlockOffset + BigInt(item.miniBlockCount) - 1n);
      }
      return item.header.number;
    });
    this.#options.metrics?.nextBlock.set(Number(sequence.next));
    this.#release();
    this.#catchUpIfBehind(fromPeer);
  }

  /** Offers `items` to `sequence` (`note` records what each one implies and returns its number). */
  #offer<T, L>(
    kind: RangeKind,
    sequence: InOrderSequence<T, L>,
    items: readonly T[],
    ready: T[],
    note: (item: T) => bigint,
  ): void {
    for (const item of items) {
      note(item);
      const offered = sequence.offer(item);
      for (const { item: dropped, detail } of offered.broken) {
        this.#options.logger?.error(
          { kind, number: note(dropped), detail },
          "sealed message does not continue the chain: dropped",
        );
      }
      ready.push(...offered.ready);
    }
  }

  /**
   * Hands over what is in sequence, in chain order: a mini-block once every earlier block was handed over, a block
   * once all of its mini-blocks were (each condition only when the other kind is followed).
   */
  #release(): void {
    for (;;) {
      const miniBlock = this.#miniBlocksReady[0];
      if (
        miniBlock !== undefined &&
        (this.#blockHanded === undefined || miniBlock.miniBlock.blockNumber <= this.#blockHanded)
      ) {
        this.#miniBlocksReady.shift();
        this.#miniBlockHanded = miniBlock.miniBlock.number + 1n;
        this.#enqueue("miniBlocks", () => this.#options.deliverMiniBlock(miniBlock));
        continue;
      }
      const block = this.#blocksReady[0];
      if (
        block !== undefined &&
        (this.#miniBlockHanded === undefined ||
          this.#miniBlockHanded >= block.miniBlockOffset + BigInt(block.miniBlockCount))
      ) {
        this.#blocksReady.shift();
        this.#blockHanded = block.header.number + 1n;
        this.#enqueue("blocks", () => this.#options.deliverBlock(block));
        continue;
      }
      return;
    }
  }

  #enqueue(kind: "miniBlocks" | "blocks", deliver: () => Promise<void> | void): void {
    this.#delivery = this.#delivery
      .then(deliver)
      .then(() => this.#options.metrics?.deliveredTotal.inc({ kind }))
      .catch((error: unknown) => {
        this.#options.metrics?.handlerErrorsTotal.inc({ kind });
        this.#options.logger?.error({ kind, err: error }, "p2p delivery handler failed");
      });
  }

  #catchUpIfBehind(hint: string | undefined): void {
    if (this.#stopped) return;
    if (this.#miniBlocks?.gap(1) !== undefined) this.#startCatchUp("miniBlocks", hint);
    if (this.#blocks?.gap(1) !== undefined) this.#startCatchUp("blocks", hint);
  }

  #startCatchUp(kind: RangeKind, hint: string | undefined): void {
    if (this.#catchingUp.has(kind)) return;
    this.#catchingUp.add(kind);
    this.#catchUp(kind, hint)
      .catch((error: unknown) => this.#options.logger?.error({ kind, err: error }, "p2p catch-up failed"))
      .finally(() => {
        this.#catchingUp.delete(kind);
        // A gap that opened while the loop was finishing.
        this.#catchUpIfBehind(undefined);
      });
  }

  async #catchUp(kind: RangeKind, hint: string | undefined): Promise<void> {
    const { limits, fetchRange, logger } = this.#options;
    const sequence = kind === "miniBlocks" ? this.#miniBlocks : this.#blocks;
    const max = kind === "miniBlocks" ? limits.maxRangeMiniBlocks : limits.maxRangeBlocks;
    // Ranges in flight never reach beyond what the sequence holds out of order (a later range may come first).
    const pendingLimit = kind === "miniBlocks" ? limits.maxPendingMiniBlocks : limits.maxPendingBlocks;
    const window = Math.max(1, Math.min(max * limits.rangeRequestsInFlight, pendingLimit));
    // Gossip reorders a little (a message forwarded by a peer can overtake the direct copy): give a gap a moment
    // to fill by itself before asking for it.
    await this.#sleep(limits.gapGraceMs);
    const run = { startedAtMs: this.#options.now(), from: sequence?.next, items: 0, ranges: 0 };
    /** The ranges asked for and not yet answered, by the promise that settles with the number of items received. */
    const inFlight = new Map<Promise<number>, { readonly from: bigint; readonly end: bigint }>();
    /** Answers in a row that did not move the sequence. */
    let unanswered = 0;
    /** The first number from `number` on that no range in flight covers. */
    const pastRangesInFlight = (number: bigint): bigint => {
      let cursor = number;
      for (let moved = true; moved; ) {
        moved = false;
        for (const range of inFlight.values()) {
          if (range.from <= cursor && cursor < range.end) {
            cursor = range.end;
            moved = true;
          }
        }
      }
      return cursor;
    };
    try {
      while (!this.#stopped && sequence !== undefined) {
        // A rolling window: whenever a range is answered the next one is asked for, so the peer always has requests
        // to serve while this node verifies and applies (waiting for a whole window left both sides idle in turn).
        const gap = sequence.gap(window);
        if (gap !== undefined) {
          const gapEnd = gap.from + BigInt(gap.count);
          // New ranges start after those in flight that cover the gap's start; a range answered short leaves its
          // tail in the gap, asked for again here.
          let cursor = pastRangesInFlight(gap.from);
          while (inFlight.size < limits.rangeRequestsInFlight && cursor < gapEnd) {
            const from = cursor;
            // Up to the range size, the gap's end, and the next range in flight (a tail asked again stops there).
            let end = from + BigInt(max) < gapEnd ? from + BigInt(max) : gapEnd;
            for (const range of inFlight.values()) if (range.from > from && range.from < end) end = range.from;
            const count = Number(end - from);
            cursor = pastRangesInFlight(end);
            logger?.debug({ kind, from, count }, "p2p catching up by range");
            const request = fetchRange(kind, from, count, hint).then((items) => {
              run.ranges++;
              run.items += items.length;
              if (this.#stopped) return items.length;
              const next = sequence.next;
              // The loop for this kind is running, so offering does not start another one.
              if (kind === "miniBlocks") this.#offerMiniBlocks(items as readonly SignedMiniBlock[], undefined);
              else {
                for (const block of items as readonly SignedBlock[]) this.#options.observeBlock?.(block, undefined);
                this.#offerBlocks(items as readonly SignedBlock[], undefined);
              }
              unanswered = sequence.next === next ? unanswered + 1 : 0;
              return items.length;
            });
            inFlight.set(request, { from, end: from + BigInt(count) });
            // Settled here as well as in the race below: a failed range that is not awaited again must not surface
            // as an unhandled rejection.
            request.then(
              () => inFlight.delete(request),
              () => inFlight.delete(request),
            );
          }
        }
        if (inFlight.size === 0) return;
        const received = await Promise.race(inFlight.keys());
        if (this.#stopped) return;
        // The peer had none of a range, or a window's worth of answers in a row moved nothing (out of order items
        // that never fill in, or items that do not continue the chain): ask again after a pause, not in a loop.
        if (received === 0 || unanswered >= limits.rangeRequestsInFlight) {
          unanswered = 0;
          await this.#sleep(limits.rangeRetryMs);
        }
      }
    } finally {
      // Each run that fetched something, once: how far behind the node was and how long fetching took (what it
      // fetched is handed over in order after this, as fast as the node takes it).
      if (run.items > 0) {
        logger?.info(
          {
            kind,
            from: run.from?.toString(),
            to: sequence?.next.toString(),
            items: run.items,
            ranges: run.ranges,
            startedAtMs: run.startedAtMs,
            fetchMs: this.#options.now() - run.startedAtMs,
          },
          "p2p caught up by range",
        );
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const sleep = {
        timer: setTimeout(() => {
          this.#sleeps.delete(sleep);
          resolve();
        }, ms),
        resolve,
      };
      this.#sleeps.add(sleep);
    });
  }
}
