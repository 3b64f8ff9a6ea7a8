/**
 * An in-memory L1 behind the settlement port, for tests of roles that talk to L1 (as `da/memory.ts` is for DA): a
 * chain of L1 blocks advanced with `mine()` (12 s apart) and reorganized with `reorg(depth)`, deposits queued into the
 * next mined block, `SystemConfig` values per block, recorded batches, proposed outputs with a resolved mark, and
 * attestations. Deterministic hashes; no clock.
 */
import { keccak256Hex } from "../chain/hash.ts";
import type { Address, DepositTransaction, Hash, Hex } from "../chain/types.ts";
import type {
  BatchRecording,
  BatchToRecord,
  L1BlockRef,
  L1SystemConfig,
  OutputAttestation,
  ProposedOutputRef,
  RecordedBatch,
  Settlement,
} from "./ports.ts";

export interface MemorySettlement extends Required<Settlement> {
  /**
   * Mines an L1 block carrying the queued deposits and the batches recorded since the last one, 12 s after its
   * parent unless `timestamp` is given.
   */
  mine(options?: { readonly timestamp?: bigint }): L1BlockRef;
  /** Queues a deposit for the next mined block. */
  deposit(transaction: DepositTransaction): void;
  /** `SystemConfig` values from the next mined block on. */
  setSystemConfig(values: Partial<L1SystemConfig>): void;
  /**
   * Replaces the newest `depth` blocks with as many new ones (other hashes, no deposits or batches), as an L1 reorg
   * does; returns the new head.
   */
  reorg(depth: number): L1BlockRef;
  /** Marks the output proposed for `l2BlockNumber` as resolved (the game's challenge window passed). */
  resolve(l2BlockNumber: bigint): void;
  readonly recorded: readonly RecordedBatch[];
  readonly proposals: readonly ProposedOutputRef[];
  readonly attestationsSubmitted: readonly { game: Address; attestation: OutputAttestation; signature: Hex }[];
}

export interface MemorySettlementOptions {
  /** `SystemConfig` from genesis (default: OP's Ecotone scalars, batcher hash zero). */
  readonly systemConfig?: Partial<L1SystemConfig>;
}

/** OP's defaults for a fresh Ecotone chain (op-deployer), as Mach's L1 deploy uses them. */
export const DEFAULT_MEMORY_SYSTEM_CONFIG: L1SystemConfig = {
  baseFeeScalar: 1368n,
  blobBaseFeeScalar: 810_949n,
  batcherHash: `0x${"00".repeat(32)}`,
};

const hashOf = (tag: string): Hash => keccak256Hex(new TextEncoder().encode(tag));

export function createMemorySettlement(options: MemorySettlementOptions = {}): MemorySettlement {
  const genesis: L1BlockRef = {
    number: 0n,
    hash: hashOf("memory-l1:0"),
    parentHash: `0x${"00".repeat(32)}`,
    timestamp: 0n,
    baseFeePerGas: 1_000_000_000n,
    blobBaseFee: 1n,
  };
  const blocks: L1BlockRef[] = [genesis];
  let systemConfig: L1SystemConfig = { ...DEFAULT_MEMORY_SYSTEM_CONFIG, ...options.systemConfig };
  const systemConfigs = new Map<Hash, L1SystemConfig>([[genesis.hash, systemConfig]]);
  const depositsByBlock = new Map<Hash, DepositTransaction[]>();
  let queuedDeposits: DepositTransaction[] = [];
  let unminedBatches: BatchToRecord[] = [];
  let forks = 0;
  const recorded: RecordedBatch[] = [];
  const proposals: ProposedOutputRef[] = [];
  const resolved = new Set<bigint>();
  const attestationsSubmitted: { game: Address; attestation: OutputAttestation; signature: Hex }[] = [];

  const head = () => blocks[blocks.length - 1] as L1BlockRef;
  const canonical = (block: L1BlockRef): L1BlockRef => {
    if (blocks[Number(block.number)]?.hash !== block.hash) throw new Error(`L1 block ${block.hash} is not canonical`);
    return block;
  };
  const settlement: MemorySettlement = {
    recorded,
    proposals,
    attestationsSubmitted,
    mine(mineOptions = {}) {
      const parent = head();
      const number = parent.number + 1n;
      const block: L1BlockRef = {
        number,
        hash: hashOf(`memory-l1:${number}${forks === 0 ? "" : `:fork${forks}`}`),
        parentHash: parent.hash,
        timestamp: mineOptions.timestamp ?? parent.timestamp + 12n,
        baseFeePerGas: parent.baseFeePerGas,
        blobBaseFee: parent.blobBaseFee,
      };
      blocks.push(block);
      systemConfigs.set(block.hash, systemConfig);
      depositsByBlock.set(block.hash, queuedDeposits);
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
    setSystemConfig(values) {
      systemConfig = { ...systemConfig, ...values };
    },
    reorg(depth) {
      if (depth < 1 || depth >= blocks.length) throw new Error(`cannot reorg ${depth} of ${blocks.length} L1 blocks`);
      const dropped = blocks.splice(blocks.length - depth, depth);
      const droppedHashes = new Set(dropped.map((block) => block.hash));
      for (let i = recorded.length - 1; i >= 0; i--)
        if (droppedHashes.has((recorded[i] as RecordedBatch).l1BlockHash)) recorded.splice(i, 1);
      forks++;
      const pending = queuedDeposits;
      queuedDeposits = [];
      for (let i = 0; i < depth; i++) settlement.mine();
      queuedDeposits = pending;
      return head();
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
      async headNumber() {
        return head().number;
      },
      async blockAt(number) {
        return blocks[Number(number)];
      },
      async depositsIn(block) {
        return depositsByBlock.get(canonical(block).hash) ?? [];
      },
      async systemConfigAt(block) {
        return systemConfigs.get(canonical(block).hash) as L1SystemConfig;
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
    attestations: {
      async submitAttestation(game, attestation, signature) {
        attestationsSubmitted.push({ game, attestation, signature });
      },
    },
    async close() {},
  };
  return settlement;
}
