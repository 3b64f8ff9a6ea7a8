/**
 * The EVM block being built: its environment, the mini-blocks sealed into it so far with running totals (gas, tx and
 * log counts) that each new mini-block continues from, and the two sealing rules every role shares: a mini-block's
 * header fields (`buildMiniBlock`) and the block header (`seal`). Pure: no I/O, no execution.
 */
import { orBloomInto } from "./bloom.ts";
import { bytesToHex } from "./bytes.ts";
import { EMPTY_NONCE, EMPTY_OMMERS_HASH, EMPTY_REQUESTS_HASH, EMPTY_TRIE_ROOT, ZERO_HASH } from "./constants.ts";
import { hashHeader } from "./header.ts";
import type { MiniBlock } from "./miniBlock.ts";
import { encodeReceipt } from "./receipt.ts";
import type { StateDiff } from "./stateDiff.ts";
import { OrderedTrieRootBuilder, orderedTrieRoot } from "./trieRoot.ts";
import { miniBlockTxLocations, type TxLocation } from "./txLocation.ts";
import type { Address, Block, Hash, Header, Receipt, Transaction } from "./types.ts";

/** What the block being built will carry in its header, fixed when it opens (`nextBlockEnv`). */
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

/** A transaction of the open block: its mini-block and where it sits. */
export interface OpenTxLocation {
  readonly miniBlock: MiniBlock;
  /** Position inside `miniBlock.transactions`. */
  readonly indexInMiniBlock: number;
  readonly location: TxLocation;
}

/** What one mini-block executed, in order, before its header fields are filled in. */
export interface MiniBlockContents {
  readonly transactions: readonly Transaction[];
  /** Receipts with block-cumulative `cumulativeGasUsed`, one per transaction. */
  readonly receipts: readonly Receipt[];
  readonly stateDiff: StateDiff;
  /** Creation time, Unix microseconds. */
  readonly timestampUs: bigint;
}

export class OpenBlock {
  readonly env: OpenBlockEnv;
  readonly miniBlocks: MiniBlock[] = [];
  readonly transactions: Transaction[] = [];
  readonly receipts: Receipt[] = [];
  gasUsed = 0n;
  logCount = 0;
  // Where each transaction sits, and by hash: filled in for the mini-blocks added since when first asked (a replica
  // catching up adds thousands of transactions no one looks up before their block seals).
  readonly #locations: TxLocation[] = [];
  readonly #byHash = new Map<Hash, OpenTxLocation>();
  /** How many of `miniBlocks` `#locations` and `#byHash` cover. */
  #located = 0;
  // The header's roots and bloom, kept up to date as mini-blocks are added: most of their work is done before the
  // seal, which holds up the sequencer (a block of 4,600 transfers: 11 ms of roots and bloom at the seal, now ~1 ms).
  readonly #transactionsRoot = new OrderedTrieRootBuilder();
  readonly #receiptsRoot = new OrderedTrieRootBuilder();
  readonly #logsBloom = new Uint8Array(256);

  constructor(env: OpenBlockEnv) {
    this.env = env;
  }

  get number(): bigint {
    return this.env.number;
  }

  /** Global number the next mini-block gets. */
  get nextMiniBlockNumber(): bigint {
    return this.env.miniBlockOffset + BigInt(this.miniBlocks.length);
  }

  /** The next mini-block of this block over `contents`: numbering, offsets, gas and the tx/receipt roots. */
  buildMiniBlock(contents: MiniBlockContents): MiniBlock {
    let gasUsed = 0n;
    for (const receipt of contents.receipts) gasUsed += receipt.gasUsed;
    return {
      number: this.nextMiniBlockNumber,
      blockNumber: this.env.number,
      blockTimestamp: this.env.timestamp,
      index: this.miniBlocks.length,
      timestampUs: contents.timestampUs,
      gasUsed,
      transactions: contents.transactions,
      receipts: contents.receipts,
      firstTransactionIndex: this.transactions.length,
      firstLogIndex: this.logCount,
      transactionsRoot: orderedTrieRoot(contents.transactions.map((tx) => tx.raw)),
      receiptsRoot: orderedTrieRoot(contents.receipts.map(encodeReceipt)),
      stateDiff: contents.stateDiff,
    };
  }

  /** Appends a sealed mini-block of this block (built by `buildMiniBlock`, recovered from a log, or received). */
  add(miniBlock: MiniBlock): void {
    if (miniBlock.blockNumber !== this.env.number || miniBlock.number !== this.nextMiniBlockNumber) {
      throw new Error(
        `mini-block ${miniBlock.number} of block ${miniBlock.blockNumber} does not follow mini-block ${this.nextMiniBlockNumber - 1n} of block ${this.env.number}`,
      );
    }
    const digest = miniBlock.digest;
    this.miniBlocks.push(miniBlock);
    this.transactions.push(...miniBlock.transactions);
    this.receipts.push(...miniBlock.receipts);
    this.gasUsed += miniBlock.gasUsed;
    if (digest === undefined) {
      for (const receipt of miniBlock.receipts) {
        this.logCount += receipt.logs.length;
        orBloomInto(this.#logsBloom, receipt.logsBloom);
      }
      this.#transactionsRoot.push(miniBlock.transactions.map((tx) => tx.raw));
      this.#receiptsRoot.push(miniBlock.receipts.map(encodeReceipt));
      return;
    }
    // Transactions and receipts decoded only when read: what the block needs of them is in the digest.
    for (const count of digest.logCounts) this.logCount += count;
    orBloomInto(this.#logsBloom, digest.logsBloom);
    this.#transactionsRoot.push(digest.transactionLeaves, digest.transactionLeafReferences);
    this.#receiptsRoot.push(digest.receiptLeaves, digest.receiptLeafReferences);
  }

  /** Where each of `transactions` sits (block-wide index and first log index). */
  get locations(): readonly TxLocation[] {
    this.#locateAdded();
    return this.#locations;
  }

  locate(hash: Hash): OpenTxLocation | undefined {
    this.#locateAdded();
    return this.#byHash.get(hash);
  }

  #locateAdded(): void {
    for (; this.#located < this.miniBlocks.length; this.#located++) {
      const miniBlock = this.miniBlocks[this.#located] as MiniBlock;
      const locations = miniBlockTxLocations(miniBlock, this.env.baseFeePerGas);
      miniBlock.transactions.forEach((tx, i) => {
        this.#byHash.set(tx.hash, { miniBlock, indexInMiniBlock: i, location: locations[i] as TxLocation });
      });
      this.#locations.push(...locations);
    }
  }

  /** The sealed block: the Prague header over everything added, with the given post-state root. */
  seal(stateRoot: Hash): Block {
    const header: Header = {
      parentHash: this.env.parentHash,
      ommersHash: EMPTY_OMMERS_HASH,
      beneficiary: this.env.coinbase,
      stateRoot,
      transactionsRoot: this.transactions.length ? bytesToHex(this.#transactionsRoot.root()) : EMPTY_TRIE_ROOT,
      receiptsRoot: this.receipts.length ? bytesToHex(this.#receiptsRoot.root()) : EMPTY_TRIE_ROOT,
      logsBloom: this.#logsBloom.slice(),
      difficulty: 0n,
      number: this.env.number,
      gasLimit: this.env.gasLimit,
      gasUsed: this.gasUsed,
      timestamp: this.env.timestamp,
      extraData: new Uint8Array(0),
      mixHash: this.env.prevRandao,
      nonce: EMPTY_NONCE,
      baseFeePerGas: this.env.baseFeePerGas,
      withdrawalsRoot: EMPTY_TRIE_ROOT,
      blobGasUsed: 0n,
      excessBlobGas: 0n,
      parentBeaconBlockRoot: ZERO_HASH,
      requestsHash: EMPTY_REQUESTS_HASH,
    };
    return {
      header,
      hash: hashHeader(header),
      transactions: this.transactions,
      miniBlockCount: this.miniBlocks.length,
      miniBlockOffset: this.env.miniBlockOffset,
    };
  }
}
