/**
 * The sequencer's store as the sequencer sees it when it publishes: every mini-block is signed (MegaETH's header
 * signature) and sealed (the p2p seal) as it is logged, the signatures logged with it atomically, and the message
 * published once the log holds it; every block likewise. The sequencer itself is unchanged: it logs before anyone
 * learns of a mini-block, and this is the point where that happens.
 *
 *   appendMiniBlock ──► sign + seal ──► inner.appendMiniBlock(record, seal) (durable) ──► publish
 *   putBlock        ──► seal        ──► inner.putBlock(block, receipts, seal)          ──► publish
 *
 * Test faults (`sequencer.testFaults`) change only what is published, sealed as valid: the log and the store keep the
 * right messages, which range requests serve (unless `serveWrongDiff`: `servingFaults` wraps the range source).
 */

import type { DigestSigner } from "../../chain/digestSignature.ts";
import { keccak256Hex } from "../../chain/hash.ts";
import { hashHeader } from "../../chain/header.ts";
import type { MiniBlock } from "../../chain/miniBlock.ts";
import { miniBlockSigningHash } from "../../chain/miniBlockSignature.ts";
import type { StateDiff } from "../../chain/stateDiff.ts";
import type { Address, Block } from "../../chain/types.ts";
import { type BlockSource, type SignedBlock, type SignedMiniBlock, sealBlock, sealMiniBlock } from "../../p2p/index.ts";
import { encodeMiniBlockRecord } from "../../state/records.ts";
import type { ChainStore } from "../../state/store/chainStore.ts";
import type { SequencerTestFaults } from "../config.ts";

/** Where sealed messages go once durable (the p2p node, in order). */
export interface MessagePublisher {
  miniBlock(signed: SignedMiniBlock): void;
  block(signed: SignedBlock): void;
}

export interface PublishingStoreOptions {
  readonly chainId: bigint;
  /** The sequencer key. */
  readonly signer: DigestSigner;
  readonly publisher: MessagePublisher;
  readonly faults?: SequencerTestFaults | undefined;
  /** Unix ms (tests move it). */
  readonly now?: () => number;
}

/**
 * A wrong but well-formed diff: it credits an account nothing touched. (Changing a value the diff carries would not
 * do: diffs hold new values, and a later mini-block of the block may write the same key right again.)
 */
function corruptDiff(diff: StateDiff): StateDiff {
  const address = "0x00000000000000000000000000000000000fa017" as Address;
  const account = { nonce: 0n, balance: 1n, codeHash: keccak256Hex(new Uint8Array(0)) };
  return { ...diff, accounts: [...diff.accounts, { address, account, storageCleared: false, storage: new Map() }] };
}

/** What test faults make of each sealed message (sealed as valid): the message itself when no fault applies. */
export interface FaultyMessages {
  miniBlock(miniBlock: MiniBlock, signed: SignedMiniBlock): SignedMiniBlock;
  block(block: Block, signed: SignedBlock): SignedBlock;
}

export function faultyMessages(
  faults: SequencerTestFaults | undefined,
  chainId: bigint,
  signer: DigestSigner,
): FaultyMessages {
  return {
    miniBlock(miniBlock, signed) {
      if (faults?.wrongDiffAtBlock !== miniBlock.blockNumber || miniBlock.index !== 0) return signed;
      const wrong = { ...miniBlock, stateDiff: corruptDiff(miniBlock.stateDiff) };
      const signature = signer.sign(miniBlockSigningHash(wrong));
      const record = encodeMiniBlockRecord(wrong);
      return sealMiniBlock({ chainId, miniBlock: wrong, signature, signer, record, sealedAtMs: signed.sealedAtMs });
    },
    block(block, signed) {
      if (faults?.wrongStateRootAtBlock !== block.header.number) return signed;
      const header = { ...block.header, stateRoot: keccak256Hex(new TextEncoder().encode(block.header.stateRoot)) };
      const wrong = { ...block, header, hash: hashHeader(header) };
      return sealBlock({ chainId, block: wrong, signer, sealedAtMs: signed.sealedAtMs });
    },
  };
}

/** Range responses with `faults.wrongDiffAtBlock`'s wrong mini-block in place of the logged one. */
export function servingFaults(source: BlockSource, faults: SequencerTestFaults, messages: FaultyMessages): BlockSource {
  return {
    async miniBlocksByRange(from, limit) {
      const served = await source.miniBlocksByRange(from, limit);
      return served.map((signed) =>
        signed.miniBlock.blockNumber === faults.wrongDiffAtBlock
          ? messages.miniBlock(signed.miniBlock, signed)
          : signed,
      );
    },
    blocksByRange: (from, limit) => source.blocksByRange(from, limit),
  };
}

export function createPublishingStore(inner: ChainStore, options: PublishingStoreOptions): ChainStore {
  const { chainId, signer, publisher, faults } = options;
  const now = options.now ?? Date.now;
  const faulty = faultyMessages(faults, chainId, signer);

  function seal(miniBlock: MiniBlock, record: Uint8Array, sealedAtMs: bigint): SignedMiniBlock {
    const signature = signer.sign(miniBlockSigningHash(miniBlock));
    return sealMiniBlock({ chainId, miniBlock, signature, signer, record, sealedAtMs });
  }

  return {
    genesisHash: () => inner.genesisHash(),
    headBlockNumber: () => inner.headBlockNumber(),
    getBlock: (number) => inner.getBlock(number),
    getBlockHeader: (number) => inner.getBlockHeader(number),
    getBlockNumberByHash: (hash) => inner.getBlockNumberByHash(hash),
    getReceipts: (number) => inner.getReceipts(number),
    getTxLocation: (hash) => inner.getTxLocation(hash),
    getMiniBlock: (number) => inner.getMiniBlock(number),
    getMiniBlockRecord: (number) => inner.getMiniBlockRecord(number),
    getMiniBlockSeal: (number) => inner.getMiniBlockSeal(number),
    getBlockSeal: (number) => inner.getBlockSeal(number),
    miniBlocksFrom: (from) => inner.miniBlocksFrom(from),
    lastMiniBlockNumber: () => inner.lastMiniBlockNumber(),
    latestSnapshot: () => inner.latestSnapshot(),
    putGenesis: (block) => inner.putGenesis(block),
    async appendMiniBlock(miniBlock, appendOptions = {}) {
      const record = appendOptions.record ?? encodeMiniBlockRecord(miniBlock);
      const signed = seal(miniBlock, record, BigInt(now()));
      const { signature, sealedAtMs } = signed;
      await inner.appendMiniBlock(miniBlock, { record, seal: { signature, sealedAtMs, seal: signed.seal } });
      publisher.miniBlock(faulty.miniBlock(miniBlock, signed));
    },
    async putBlock(block, receipts) {
      const signed = sealBlock({ chainId, block, signer, sealedAtMs: BigInt(now()) });
      await inner.putBlock(block, receipts, { sealedAtMs: signed.sealedAtMs, seal: signed.seal });
      publisher.block(faulty.block(block, signed));
    },
    putSnapshot: (blockNumber, chunks) => inner.putSnapshot(blockNumber, chunks),
    pruneMiniBlocks: (below) => inner.pruneMiniBlocks(below),
    dropMiniBlocksFrom: (from) => inner.dropMiniBlocksFrom(from),
    // Dev chains only (evm_revert): what peers already received is not taken back.
    truncateAfter: (blockNumber) => inner.truncateAfter(blockNumber),
    close: () => inner.close(),
  };
}
