/**
 * An in-memory L1 behind the settlement port, for tests of roles that talk to L1 (as `da/memory.ts` is for DA): a
 * chain of L1 blocks advanced with `mine()` (12 s apart) and reorganized with `reorg(depth)`, deposits queued into the
 * next mined block, `SystemConfig` values per block, recorded batches, and output games (`memoryOutputGames.ts`)
 * whose windows run on the mined blocks' timestamps. Deterministic hashes; no clock.
 */
import { bytesToHex } from "../chain/bytes.ts";
import { keccak256Hex } from "../chain/hash.ts";
import type { Address, DepositTransaction, Hash, Hex } from "../chain/types.ts";
import { createMemoryOutputGames, type MemoryOutputGamesOptions } from "./memoryOutputGames.ts";
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
  /** Resolves the open game of `l2BlockNumber` in its favour now, whatever its windows say. */
  resolve(l2BlockNumber: bigint): void;
  /** Bonds paid back to the proposer so far. */
  readonly claimedBonds: () => bigint;
  readonly recorded: readonly RecordedBatch[];
  readonly proposals: readonly ProposedOutputRef[];
  readonly attestationsSubmitted: readonly { game: Address; attestation: OutputAttestation; signature: Hex }[];
  /** Challenges that resolved a game against its claim, in order. */
  readonly challenges: readonly { game: Address; attestation: OutputAttestation; signatures: readonly Hex[] }[];
}

export interface MemorySettlementOptions {
  /** `SystemConfig` from genesis (default: OP's Ecotone scalars, batcher hash zero). */
  readonly systemConfig?: Partial<L1SystemConfig>;
  /** Output game windows, quorum and bond (defaults: 12 s, 36 s, 1, 0). */
  readonly games?: Omit<MemoryOutputGamesOptions, "now">;
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
    // As on a real L1, no block is at time 0 (contracts read 0 as "never": a game attested at 0 would not be).
    timestamp: 1_700_000_000n,
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
  const head = () => blocks[blocks.length - 1] as L1BlockRef;
  const canonical = (block: L1BlockRef): L1BlockRef => {
    if (blocks[Number(block.number)]?.hash !== block.hash) throw new Error(`L1 block ${block.hash} is not canonical`);
    return block;
  };
  const outputGames = createMemoryOutputGames({ ...options.games, now: () => head().timestamp });
  const settlement: MemorySettlement = {
    recorded,
    proposals: outputGames.proposals,
    attestationsSubmitted: outputGames.attestationsSubmitted,
    challenges: outputGames.challenges,
    claimedBonds: outputGames.claimed,
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
      outputGames.forceResolve(l2BlockNumber);
    },
    recorder: {
      async recordBatch(batch): Promise<BatchRecording> {
        // The same batch (range, provider, pointers) is recorded once; a rebuilt range after a rewind is new.
        const same = (b: BatchToRecord) =>
          b.firstBlock === batch.firstBlock &&
          b.lastBlock === batch.lastBlock &&
          b.provider === batch.provider &&
          b.pointers.length === batch.pointers.length &&
          b.pointers.every((pointer, i) => bytesToHex(pointer) === bytesToHex(batch.pointers[i] ?? new Uint8Array()));
        if (![...recorded, ...unminedBatches].some(same)) unminedBatches.push(batch);
        const block = settlement.mine();
        const entry = recorded.find(same);
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
    proposer: outputGames.proposer,
    games: outputGames.games,
    attestations: outputGames.attestations,
    challenger: outputGames.challenger,
    attester: outputGames.attester,
    async close() {},
  };
  return settlement;
}
