/** What a running sequencer emits, in order. RPC subscriptions, the batcher and p2p consume them. */
import type { MiniBlock } from "../chain/miniBlock.ts";
import type { Block, Receipt } from "../chain/types.ts";

export interface SequencerEvents {
  miniBlock: (miniBlock: MiniBlock) => void;
  block: (block: Block, receipts: readonly Receipt[]) => void;
  /** The sequencer stopped for good (e.g. the store failed): the node should exit and be restarted. */
  fatal: (error: Error) => void;
}
