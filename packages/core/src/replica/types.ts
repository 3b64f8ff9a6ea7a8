/**
 * What a replica receives and reports. A replica does not import p2p/ (roles never do): node/ hands it each verified
 * message in these shapes (p2p's `SignedBlock` fits `ReceivedBlock` as it is; a mini-block comes with its record
 * bytes, which the replica logs so it can serve the exact signed message again).
 */

import type { RecoverableSignature } from "../chain/digestSignature.ts";
import type { MiniBlock } from "../chain/miniBlock.ts";
import type { Block, Hash, Header, Receipt } from "../chain/types.ts";

/** A verified mini-block from the sequencer, with what the store keeps to serve it again. */
export interface ReceivedMiniBlock {
  readonly miniBlock: MiniBlock;
  /** `encodeMiniBlockRecord(miniBlock)` as the sequencer sealed it. */
  readonly record: Uint8Array;
  /** The MegaETH header signature. */
  readonly signature: RecoverableSignature;
  /** Sequencer clock when sealed, Unix ms. */
  readonly sealedAtMs: bigint;
  readonly seal: RecoverableSignature;
}

/** A verified block message from the sequencer (its transactions came in its mini-blocks). */
export interface ReceivedBlock {
  readonly header: Header;
  readonly hash: Hash;
  readonly miniBlockCount: number;
  readonly miniBlockOffset: bigint;
  readonly sealedAtMs: bigint;
  readonly seal: RecoverableSignature;
}

/** The place of a mini-block, for continuity checks of the next one. */
export interface MiniBlockPlace {
  readonly blockNumber: bigint;
  readonly index: number;
}

/** Where the replica stands: what it applies next and what that must continue (p2p's `FollowPosition` shape). */
export interface ReplicaPosition {
  readonly nextMiniBlock: bigint;
  readonly previousMiniBlock?: MiniBlockPlace;
  readonly nextBlock: bigint;
  readonly previousBlock: {
    readonly hash: Hash;
    readonly miniBlockOffset: bigint;
    readonly miniBlockCount: number;
  };
}

/** Why a block was refused. */
export type RefusalReason = "stateRoot" | "blockHash" | "miniBlockSpan";

/** A block the replica refused: nothing of it is served, its mini-blocks were undone and dropped from the log. */
export interface BlockRefusal {
  readonly blockNumber: bigint;
  /** The hash the sequencer signed for the block (a block derived at that height from L1 + DA must have it). */
  readonly hash: Hash;
  readonly reason: RefusalReason;
  /** What the header claims and what the applied diffs produced (root, hash or span). */
  readonly expected: string;
  readonly actual: string;
}

/** The replica went back to block `to` because the sequencer replaced the blocks after it. */
export interface ReplicaRewind {
  /** The head before (the newest of the dropped blocks). */
  readonly from: Block;
  /** The kept block, now the head. */
  readonly to: Block;
  readonly droppedBlocks: bigint;
  /** Mini-blocks of the open block dropped too. */
  readonly droppedOpenMiniBlocks: number;
}

/**
 * Hands one block that a catch-up source sealed into the replica's state (the next after the head) to the replica,
 * which checks it continues the head, stores it and makes it the head.
 */
export type AdoptBlock = (block: Block, receipts: readonly Receipt[]) => Promise<void>;

/**
 * A way to catch up outside p2p (node/ wires derivation from L1 + DA): given the head, it seals each following block
 * into the replica's state itself (re-executing it) and hands it to `adopt`, in order, until it has no more.
 */
export type CatchUpSource = (head: Block, adopt: AdoptBlock) => Promise<void>;

/** A catch-up outside p2p ended: `adopted` blocks after `from`, now the head is `to` (a snapshot was taken there). */
export interface ReplicaCatchUp {
  readonly from: Block;
  readonly to: Block;
  readonly adopted: number;
}

/** What a replica announces, in order (a `LiveChain`'s events plus refusals, rewinds and catch-ups). */
export interface ReplicaEvents {
  miniBlock: (miniBlock: MiniBlock) => void;
  block: (block: Block, receipts: readonly Receipt[]) => void;
  refused: (refusal: BlockRefusal) => void;
  rewound: (rewind: ReplicaRewind) => void;
  caughtUp: (catchUp: ReplicaCatchUp) => void;
}
