/**
 * The read port every role's chain is seen through (reth's `BlockReader`/`CanonStateSubscriptions` habit): the sealed
 * head and history, the open block and its mini-blocks, lookups by number, hash and transaction, and the events that
 * announce new mini-blocks and blocks. The RPC server is built on it; the sequencer, replicas and derivation provide
 * it (`state/store/chainView.ts` over the store plus the role's open block).
 *
 * The `latest` rule, in one place: a receipt a client holds is final once its mini-block is sealed, so every query
 * that lists a block's transactions (transaction counts and indexes, block receipts, logs, filters) treats the open
 * block as the newest block as soon as it has a mini-block: `newestBlockNumber()` is the open block's number then,
 * else the sealed head's, and `blockContents(n)` answers for the open block too (with a `null` hash). Block objects
 * and headers exist only once sealed (`getBlockByNumber`), and `eth_blockNumber` is the sealed head (MegaETH).
 */
import type { MiniBlock } from "./miniBlock.ts";
import type { MiniBlockSignature } from "./miniBlockSignature.ts";
import type { OpenBlock } from "./openBlock.ts";
import type { TxLocation } from "./txLocation.ts";
import type { Block, Hash, Receipt, Transaction } from "./types.ts";

export interface LocatedTransaction {
  readonly tx: Transaction;
  /** `undefined` while the transaction waits in a pool (not yet executed): rendered with null block fields. */
  readonly location?: TxLocation;
}

export interface LocatedReceipt {
  readonly tx: Transaction;
  readonly receipt: Receipt;
  readonly location: TxLocation;
}

/** The transactions of one block, sealed or still open, with everything their receipts and logs render from. */
export interface BlockContents {
  readonly number: bigint;
  /** `null` while the block is open (its mini-blocks are final, its hash is not known yet). */
  readonly hash: Hash | null;
  /** Seconds. */
  readonly timestamp: bigint;
  readonly baseFeePerGas: bigint;
  readonly transactions: readonly Transaction[];
  readonly receipts: readonly Receipt[];
  readonly locations: readonly TxLocation[];
  /** The sealed block's logs bloom (skips blocks without candidates); absent while open. */
  readonly logsBloom?: Uint8Array;
}

/** What a chain announces, in order: each mini-block as it is sealed or applied, each block as it is sealed. */
export interface ChainEvents {
  miniBlock: (miniBlock: MiniBlock) => void;
  block: (block: Block, receipts: readonly Receipt[]) => void;
}

export interface ChainView {
  /** The newest sealed block (genesis on a new chain). */
  head(): Block;
  /** Newest sealed block number (`eth_blockNumber`). */
  headBlockNumber(): bigint;
  /** The block being built, if this role sees one (derivation sees sealed blocks only). */
  openBlock(): OpenBlock | undefined;
  /** Newest mini-block of the open block; `undefined` right after a block seals or when there is no open block. */
  latestMiniBlock(): MiniBlock | undefined;
  /** The open block's number when it has a mini-block, else the head's: what `latest` names for transaction lists. */
  newestBlockNumber(): bigint;

  getBlockByNumber(number: bigint): Block | undefined;
  getBlockByHash(hash: Hash): Block | undefined;
  /** Receipts of a sealed block, in transaction order. */
  getBlockReceipts(blockHash: Hash): readonly Receipt[] | undefined;
  /** Transactions and receipts of sealed block `number`, or of the open block when `number` is its number. */
  blockContents(number: bigint): BlockContents | undefined;
  /** A mini-block by its global number, while the store still holds it. */
  getMiniBlock(number: bigint): MiniBlock | undefined;
  /** The sequencer's signature of a mini-block (MegaETH Rex5), when the chain was published signed. */
  miniBlockSignature?(number: bigint): MiniBlockSignature | undefined;
  /** Executed transactions only (sealed blocks and the open block's mini-blocks). */
  getTransaction(hash: Hash): LocatedTransaction | undefined;
  getReceipt(hash: Hash): LocatedReceipt | undefined;

  /** Registers handlers; returns the function that removes them. */
  onChainEvents(handlers: Partial<ChainEvents>): () => void;
}
