/**
 * An in-memory L1 behind the settlement port, for tests of roles that talk to L1 (as `da/memory.ts` is for DA): a
 * chain of L1 blocks advanced with `mine()`, deposits queued into the next mined block, recorded batches, and output
 * games (`memoryOutputGames.ts`) whose windows run on the mined blocks' timestamps. Deterministic hashes; no clock.
 */
import { keccak256Hex } from "../chain/hash.ts";
import type { Address, DepositTransaction, Hash, Hex } from "../chain/types.ts";
import { createMemoryOutputGames, type MemoryOutputGamesOptions } from "./memoryOutputGames.ts";
import type {
  BatchRecording,
  BatchToRecord,
  L1BlockRef,
  OutputAttestation,
  ProposedOutputRef,
  RecordedBatch,
  Settlement,
} from "./ports.ts";

export interface MemorySettlement extends Required<Settlement> {
  /** Mines an L1 block carrying the queued deposits and the batches recorded since the last one. */
  mine(): L1BlockRef;
  /** Queues a deposit for the next mined block. */
  deposit(transaction: DepositTransaction): void;
  /** Resolves the open game of `l2BlockNumber` in its favour now, whatever its windows say. */
  resolve(l2BlockNumber: bigint): void;
  /** Bonds paid back to the proposer so far. */
  readonly claimedBonds: () => bigint;
  readonly recorded: readonly RecordedBatch[];
  readonly proposals: readonly ProposedOutputRef[];
  readonly attestationsSubmitted: readonly { game: Address; attestation: OutputAttestation; signature: Hex }[];
}

export interface MemorySettlementOptions {
  /** Blocks behind the head that count as confirmed (default 0: the head). */
  readonly confirmations?: number;
  /** Output game windows, quorum and bond (defaults: 12 s, 36 s, 1, 0). */
  readonly games?: Omit<MemoryOutputGamesOptions, "now">;
}

const hashOf = (tag: string): Hash => keccak256Hex(new TextEncoder().encode(tag));

export function createMemorySettlement(options: MemorySettlementOptions = {}): MemorySettlement {
  const confirmations = BigInt(options.confirmations ?? 0);
  const genesis: L1BlockRef = {
    number: 0n,
    hash: hashOf("memory-l1:0"),
    parentHash: `0x${"00".repeat(32)}`,
    // As on a real L1, no block is at time 0 (contracts read 0 as "never": a game attested at 0 would not be).
    timestamp: 1_700_000_000n,
    baseFeePerGas: 1_000_000_000n,
    blobBaseFee: 1n,
  };
  const blocks: L1BlockRef[] = [genesis];
  const depositsByBlock = new Map<bigint, DepositTransaction[]>();
  let queuedDeposits: DepositTransaction[] = [];
  let unminedBatches: BatchToRecord[] = [];
  const recorded: RecordedBatch[] = [];
  const head = () => blocks[blocks.length - 1] as L1BlockRef;
  const outputGames = createMemoryOutputGames({ ...options.games, now: () => head().timestamp });
  const settlement: MemorySettlement = {
    recorded,
    proposals: outputGames.proposals,
    attestationsSubmitted: outputGames.attestationsSubmitted,
    claimedBonds: outputGames.claimed,
    mine() {
      const parent = head();
      const number = parent.number + 1n;
      const block: L1BlockRef = {
        number,
        hash: hashOf(`memory-l1:${number}`),
        parentHash: parent.hash,
        timestamp: parent.timestamp + 12n,
        baseFeePerGas: parent.baseFeePerGas,
        blobBaseFee: parent.blobBaseFee,
      };
      blocks.push(block);
      depositsByBlock.set(number, queuedDeposits);
      queuedDeposits = [];
      for (const batch of unminedBatches) {
        recorded.push({
          ...batch,
          l1BlockNumber: number,
          l1BlockHash: block.hash,
          batchIndex: BigInt(recorded.length),
        });
      }
      unminedBatches = [];
      return block;
    },
    deposit(transaction) {
      queuedDeposits.push(transaction);
    },
    resolve(l2BlockNumber) {
      outputGames.forceResolve(l2BlockNumber);
    },
    recorder: {
      async recordBatch(batch): Promise<BatchRecording> {
        const known = [...recorded, ...unminedBatches].find(
          (b) => b.firstBlock === batch.firstBlock && b.lastBlock === batch.lastBlock,
        );
        if (!known) unminedBatches.push(batch);
        const block = settlement.mine();
        const entry = recorded.find((b) => b.firstBlock === batch.firstBlock && b.lastBlock === batch.lastBlock);
        return { l1BlockNumber: entry?.l1BlockNumber ?? block.number };
      },
    },
    batches: {
      async readBatches({ fromL1Block, toL1Block }) {
        return recorded.filter((b) => b.l1BlockNumber >= fromL1Block && b.l1BlockNumber <= toL1Block);
      },
    },
    deposits: {
      async confirmedHead() {
        const number = head().number - confirmations;
        return blocks[Number(number < 0n ? 0n : number)] as L1BlockRef;
      },
      async blockAt(number) {
        return blocks[Number(number)];
      },
      async depositsIn(block) {
        if (blocks[Number(block.number)]?.hash !== block.hash)
          throw new Error(`L1 block ${block.hash} is not canonical`);
        return depositsByBlock.get(block.number) ?? [];
      },
    },
    proposer: outputGames.proposer,
    games: outputGames.games,
    attestations: outputGames.attestations,
    attester: outputGames.attester,
    async close() {},
  };
  return settlement;
}
