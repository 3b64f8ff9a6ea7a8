/**
 * An in-memory L1 behind the settlement port, for tests of roles that talk to L1 (as `da/memory.ts` is for DA): a
 * chain of L1 blocks advanced with `mine()`, deposits queued into the next mined block, recorded batches, proposed
 * outputs with a resolved mark, and attestations (once per game, as on L1). Deterministic hashes; no clock.
 */
import { keccak256Hex } from "../chain/hash.ts";
import type { Address, DepositTransaction, Hash } from "../chain/types.ts";
import type {
  AttestationSignature,
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
  /** Marks the output proposed for `l2BlockNumber` as resolved (the game's challenge window passed). */
  resolve(l2BlockNumber: bigint): void;
  readonly recorded: readonly RecordedBatch[];
  readonly proposals: readonly ProposedOutputRef[];
  readonly attestationsSubmitted: readonly AttestationSubmission[];
}

/** One `submitAttestations` call the in-memory L1 received. */
export interface AttestationSubmission {
  readonly game: Address;
  readonly attestation: OutputAttestation;
  readonly signatures: readonly AttestationSignature[];
}

export interface MemorySettlementOptions {
  /** Blocks behind the head that count as confirmed (default 0: the head). */
  readonly confirmations?: number;
}

const hashOf = (tag: string): Hash => keccak256Hex(new TextEncoder().encode(tag));

export function createMemorySettlement(options: MemorySettlementOptions = {}): MemorySettlement {
  const confirmations = BigInt(options.confirmations ?? 0);
  const genesis: L1BlockRef = {
    number: 0n,
    hash: hashOf("memory-l1:0"),
    parentHash: `0x${"00".repeat(32)}`,
    timestamp: 0n,
    baseFeePerGas: 1_000_000_000n,
    blobBaseFee: 1n,
  };
  const blocks: L1BlockRef[] = [genesis];
  const depositsByBlock = new Map<bigint, DepositTransaction[]>();
  let queuedDeposits: DepositTransaction[] = [];
  let unminedBatches: BatchToRecord[] = [];
  const recorded: RecordedBatch[] = [];
  const proposals: ProposedOutputRef[] = [];
  const resolved = new Set<bigint>();
  const attestationsSubmitted: AttestationSubmission[] = [];

  const head = () => blocks[blocks.length - 1] as L1BlockRef;
  const settlement: MemorySettlement = {
    recorded,
    proposals,
    attestationsSubmitted,
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
      if (!proposals.some((p) => p.l2BlockNumber === l2BlockNumber)) {
        throw new Error(`no output proposed for L2 block ${l2BlockNumber}`);
      }
      resolved.add(l2BlockNumber);
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
    proposer: {
      async proposeOutput({ l2BlockNumber, outputRoot }) {
        const existing = proposals.find((p) => p.l2BlockNumber === l2BlockNumber && p.outputRoot === outputRoot);
        if (existing) return existing;
        const game = `0x${hashOf(`memory-game:${l2BlockNumber}:${outputRoot}`).slice(26)}` as Address;
        const proposal: ProposedOutputRef = { l2BlockNumber, outputRoot, game };
        proposals.push(proposal);
        return proposal;
      },
      async latestProposedBlock() {
        return proposals.reduce<bigint | undefined>(
          (max, p) => (max === undefined || p.l2BlockNumber > max ? p.l2BlockNumber : max),
          undefined,
        );
      },
      async latestResolvedBlock() {
        let max: bigint | undefined;
        for (const n of resolved) if (max === undefined || n > max) max = n;
        return max;
      },
    },
    outputs: {
      async proposedOutputs(fromBlock) {
        return proposals
          .filter((proposal) => proposal.l2BlockNumber >= fromBlock)
          .sort((a, b) => (a.l2BlockNumber < b.l2BlockNumber ? -1 : a.l2BlockNumber > b.l2BlockNumber ? 1 : 0));
      },
    },
    attestations: {
      async submitAttestations(game, attestation, signatures) {
        // As the game on L1: attested once; a later submission reverts (`AlreadyAttested`).
        if (attestationsSubmitted.some((submission) => submission.game === game)) {
          throw Object.assign(new Error(`game ${game} is already attested`), {
            kind: "permanent",
            revertName: "AlreadyAttested",
          });
        }
        attestationsSubmitted.push({ game, attestation, signatures: [...signatures] });
      },
    },
    async close() {},
  };
  return settlement;
}
