/**
 * The EVM block being built: the mini-blocks sealed since the last block, with running totals (gas, tx and log
 * counts) that each new mini-block's receipts continue from. Pure bookkeeping: no I/O, no execution.
 */

import type { MiniBlock } from "./miniBlock.ts";
import type { Address, Hash, Receipt, Transaction } from "./types.ts";

export interface OpenBlockEnv {
  readonly number: bigint;
  /** Seconds. */
  readonly timestamp: bigint;
  readonly baseFeePerGas: bigint;
  readonly gasLimit: bigint;
  readonly parentHash: Hash;
  readonly coinbase: Address;
  readonly prevRandao: Hash;
  /** Global number of this block's first mini-block. */
  readonly miniBlockOffset: bigint;
}

export interface PendingTxLocation {
  readonly miniBlock: MiniBlock;
  readonly transactionIndex: number;
  readonly firstLogIndex: number;
}

export class OpenBlock {
  readonly env: OpenBlockEnv;
  readonly miniBlocks: MiniBlock[] = [];
  readonly transactions: Transaction[] = [];
  readonly receipts: Receipt[] = [];
  gasUsed = 0n;
  logCount = 0;
  readonly #byHash = new Map<Hash, PendingTxLocation>();

  constructor(env: OpenBlockEnv) {
    this.env = env;
  }

  /** Global number the next mini-block gets. */
  get nextMiniBlockNumber(): bigint {
    return this.env.miniBlockOffset + BigInt(this.miniBlocks.length);
  }

  add(miniBlock: MiniBlock): void {
    let logIndex = this.logCount;
    miniBlock.transactions.forEach((tx, i) => {
      this.#byHash.set(tx.hash, {
        miniBlock,
        transactionIndex: this.transactions.length + i,
        firstLogIndex: logIndex,
      });
      logIndex += miniBlock.receipts[i]?.logs.length ?? 0;
    });
    this.miniBlocks.push(miniBlock);
    this.transactions.push(...miniBlock.transactions);
    this.receipts.push(...miniBlock.receipts);
    this.gasUsed += miniBlock.gasUsed;
    this.logCount = logIndex;
  }

  locate(hash: Hash): PendingTxLocation | undefined {
    return this.#byHash.get(hash);
  }
}
