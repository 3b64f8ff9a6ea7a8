/**
 * Where a transaction sits in its block: the one implementation of transaction positions (index, first log index,
 * block fields) for sealed blocks, mini-blocks and the open block alike.
 */
import type { MiniBlock } from "./miniBlock.ts";
import type { Block, Hash, Receipt } from "./types.ts";

/**
 * A transaction in a mini-block that is not yet sealed into an EVM block already has its final `blockNumber` and
 * `transactionIndex`; its `blockHash` is `null` until the block seals (RPC renders MegaETH's placeholder).
 */
export interface TxLocation {
  readonly blockNumber: bigint;
  /** `null` while the transaction's mini-block is not yet sealed into a block. */
  readonly blockHash: Hash | null;
  /** Seconds; for an unsealed block, the timestamp it will carry. */
  readonly blockTimestamp: bigint;
  readonly transactionIndex: number;
  /** Block-wide `logIndex` of this transaction's first log. */
  readonly firstLogIndex: number;
  /** Base fee of the (possibly unsealed) block, to render `gasPrice` of EIP-1559 transactions. */
  readonly baseFeePerGas: bigint;
}

/** Locations of `logCounts.length` transactions (with that many logs each) from `firstIndex` / `firstLogIndex`. */
function locate(
  block: Omit<TxLocation, "transactionIndex" | "firstLogIndex">,
  logCounts: readonly number[],
  firstIndex: number,
  firstLogIndex: number,
): TxLocation[] {
  const out: TxLocation[] = [];
  let logIndex = firstLogIndex;
  for (let i = 0; i < logCounts.length; i++) {
    out.push({ ...block, transactionIndex: firstIndex + i, firstLogIndex: logIndex });
    logIndex += logCounts[i] ?? 0;
  }
  return out;
}

const logCountsOf = (receipts: readonly Receipt[]) => receipts.map((receipt) => receipt.logs.length);

const sealedLocations = new WeakMap<readonly Receipt[], TxLocation[]>();

/** Per-transaction locations of a sealed block (memoized per receipts array: sealed receipts never change). */
export function blockTxLocations(block: Block, receipts: readonly Receipt[]): readonly TxLocation[] {
  let locations = sealedLocations.get(receipts);
  if (!locations || locations[0]?.blockHash !== block.hash) {
    locations = locate(
      {
        blockNumber: block.header.number,
        blockHash: block.hash,
        blockTimestamp: block.header.timestamp,
        baseFeePerGas: block.header.baseFeePerGas,
      },
      logCountsOf(receipts),
      0,
      0,
    );
    sealedLocations.set(receipts, locations);
  }
  return locations;
}

/** Per-transaction locations of a mini-block whose block is not sealed yet (block hash unknown). */
export function miniBlockTxLocations(miniBlock: MiniBlock, baseFeePerGas: bigint): TxLocation[] {
  return locate(
    {
      blockNumber: miniBlock.blockNumber,
      blockHash: null,
      blockTimestamp: miniBlock.blockTimestamp,
      baseFeePerGas,
    },
    miniBlock.digest?.logCounts ?? logCountsOf(miniBlock.receipts),
    miniBlock.firstTransactionIndex,
    miniBlock.firstLogIndex,
  );
}
