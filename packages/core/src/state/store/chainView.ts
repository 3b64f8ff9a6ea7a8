/**
 * A `ChainView` over a store and a role's live chain: sealed history comes from the store, the head and the open
 * block from the role that produces or follows them (sequencer, replica, deriver), events from its emitter. The
 * `latest` rule of `chain/chainView.ts` is applied here once for every role.
 */
import type {
  BlockContents,
  ChainEvents,
  ChainView,
  LocatedReceipt,
  LocatedTransaction,
} from "../../chain/chainView.ts";
import type { MiniBlock } from "../../chain/miniBlock.ts";
import type { OpenBlock } from "../../chain/openBlock.ts";
import { blockTxLocations, type TxLocation } from "../../chain/txLocation.ts";
import type { Block, Hash, Receipt, Transaction } from "../../chain/types.ts";
import type { ChainStoreReader } from "./chainStore.ts";

/** What a role exposes of its live chain. */
export interface LiveChain {
  /** The newest sealed block. */
  readonly head: Block;
  /** The block being built or followed, if the role has one. */
  readonly openBlock: OpenBlock | undefined;
  on(event: "miniBlock", listener: ChainEvents["miniBlock"]): unknown;
  on(event: "block", listener: ChainEvents["block"]): unknown;
  off(event: "miniBlock", listener: ChainEvents["miniBlock"]): unknown;
  off(event: "block", listener: ChainEvents["block"]): unknown;
}

export function createChainView(store: ChainStoreReader, live: LiveChain): ChainView {
  const headNumber = () => live.head.header.number;

  function sealedBlock(number: bigint): Block | undefined {
    const head = live.head;
    if (number > head.header.number) return undefined;
    return number === head.header.number ? head : store.getBlock(number);
  }

  function sealedReceipts(number: bigint): readonly Receipt[] | undefined {
    return number > headNumber() ? undefined : store.getReceipts(number);
  }

  function openContents(open: OpenBlock): BlockContents {
    return {
      number: open.env.number,
      hash: null,
      timestamp: open.env.timestamp,
      baseFeePerGas: open.env.baseFeePerGas,
      transactions: open.transactions,
      receipts: open.receipts,
      locations: open.locations,
    };
  }

  function located(hash: Hash): LocatedReceipt | undefined {
    const open = live.openBlock;
    const pending = open?.locate(hash);
    if (pending) {
      return {
        tx: pending.miniBlock.transactions[pending.indexInMiniBlock] as Transaction,
        receipt: pending.miniBlock.receipts[pending.indexInMiniBlock] as Receipt,
        location: pending.location,
      };
    }
    const at = store.getTxLocation(hash);
    if (!at) return undefined;
    const block = sealedBlock(at.blockNumber);
    const receipts = sealedReceipts(at.blockNumber);
    if (!block || !receipts) return undefined;
    return {
      tx: block.transactions[at.index] as Transaction,
      receipt: receipts[at.index] as Receipt,
      location: blockTxLocations(block, receipts)[at.index] as TxLocation,
    };
  }

  return {
    head: () => live.head,
    headBlockNumber: headNumber,
    openBlock: () => live.openBlock,
    latestMiniBlock: () => live.openBlock?.miniBlocks.at(-1),
    newestBlockNumber() {
      const open = live.openBlock;
      return open && open.miniBlocks.length > 0 ? open.env.number : headNumber();
    },
    getBlockByNumber: sealedBlock,
    getBlockByHash(hash) {
      const head = live.head;
      if (hash === head.hash) return head;
      const number = store.getBlockNumberByHash(hash);
      return number === undefined ? undefined : sealedBlock(number);
    },
    getBlockReceipts(blockHash) {
      const head = live.head;
      const number = blockHash === head.hash ? head.header.number : store.getBlockNumberByHash(blockHash);
      return number === undefined ? undefined : sealedReceipts(number);
    },
    blockContents(number) {
      const open = live.openBlock;
      if (open && number === open.env.number) return open.miniBlocks.length > 0 ? openContents(open) : undefined;
      const block = sealedBlock(number);
      const receipts = block && sealedReceipts(number);
      if (!block || !receipts) return undefined;
      return {
        number,
        hash: block.hash,
        timestamp: block.header.timestamp,
        baseFeePerGas: block.header.baseFeePerGas,
        transactions: block.transactions,
        receipts,
        locations: blockTxLocations(block, receipts),
        logsBloom: block.header.logsBloom,
      };
    },
    getMiniBlock(number): MiniBlock | undefined {
      const open = live.openBlock;
      const inOpen = open?.miniBlocks.find((m) => m.number === number);
      return inOpen ?? store.getMiniBlock(number);
    },
    // Logged with the mini-block before anyone hears of it, so the store has it by the time the event fires.
    miniBlockSignature: (number) => store.getMiniBlockSeal(number)?.signature,
    getTransaction(hash): LocatedTransaction | undefined {
      return located(hash);
    },
    getReceipt: located,
    onChainEvents(handlers) {
      const offs: (() => void)[] = [];
      if (handlers.miniBlock) {
        const listener = handlers.miniBlock;
        live.on("miniBlock", listener);
        offs.push(() => live.off("miniBlock", listener));
      }
      if (handlers.block) {
        const listener = handlers.block;
        live.on("block", listener);
        offs.push(() => live.off("block", listener));
      }
      return () => {
        for (const off of offs) off();
      };
    },
  };
}
