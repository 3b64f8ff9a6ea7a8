/**
 * What the dashboard reads from the node, in JSON as it arrives over the node's WebSocket (same origin as the page).
 *
 * - `mach_status` (polled, no params): `MachStatus` below — the one method for everything that is not a stream.
 *   The node renders it in `packages/core/src/rpc/methods/status.ts`; a core test checks its type fits this one.
 * - `eth_subscribe("miniBlocks")`: `MiniBlockPayload` (MegaETH's snake_case payload).
 * - `eth_subscribe("newHeads")`: `NewHead` (a standard header plus MegaETH's `miniBlockCount` / `miniBlockOffset`).
 * - Lookups: `eth_getTransactionByHash`, `eth_getTransactionReceipt`, `mach_getStateDiff`, `eth_getBalance`,
 *   `eth_getTransactionCount`, `eth_getCode` (standard shapes, `StateDiff` for Mach's own).
 *
 * Conventions: `Quantity` is a 0x-prefixed hex number (chain numbers: blocks, gas, wei); counts, rates and
 * durations are JSON numbers; times are Unix milliseconds; addresses and hashes lowercase 0x-hex. A role the node
 * does not run yet answers an empty list (replicas, attestations, outputs) or `null` (the pool), never made-up data.
 */

/** 0x-prefixed hex number. */
export type Quantity = string;
/** 0x-prefixed 32-byte hex. */
export type Hash = string;
/** 0x-prefixed 20-byte hex, lowercase. */
export type Address = string;

/** `mach_status` result. */
export interface MachStatus {
  /** Shape version; 1. */
  readonly version: number;
  readonly chainId: Quantity;
  /** `web3_clientVersion`. */
  readonly clientVersion: string;
  /** The node's clock when it answered (Unix ms). */
  readonly serverTimeMs: number;
  readonly head: {
    /** Newest sealed EVM block. */
    readonly blockNumber: Quantity;
    readonly blockHash: Hash | null;
    readonly blockTimestamp: Quantity | null;
    /** Newest mini-block (global height); `null` before the first. */
    readonly miniBlockNumber: Quantity | null;
    /** Newest block whose DA batch is recorded on L1. */
    readonly safeBlockNumber: Quantity | null;
    readonly finalizedBlockNumber: Quantity | null;
  };
  /** Mini-block cadence over the node's sliding window. */
  readonly miniBlocks: {
    readonly windowMs: number;
    readonly perSecond: number;
    readonly transactionsPerSecond: number;
    readonly gasPerSecond: number;
  };
  /**
   * Send → receipt latency of transactions sent to this node's RPC (from the send method receiving the raw
   * transaction to the mini-block carrying its receipt), nearest-rank percentiles over the window; `null` when no
   * sample falls inside it.
   */
  readonly latency: {
    readonly windowMs: number;
    readonly count: number;
    readonly p50Ms: number | null;
    readonly p90Ms: number | null;
    readonly p99Ms: number | null;
    readonly maxMs: number | null;
  };
  /** geth's `txpool_status` counts; `null` on a node without a pool. */
  readonly pool: { readonly pending: number; readonly queued: number } | null;
  readonly da: {
    /** Batches by where they stand, per DA provider (counts since the node's store began). */
    readonly byProvider: readonly DaProviderCounts[];
    /** The newest batches, newest first. */
    readonly recent: readonly DaBatch[];
    /** The batcher's pipeline and back-pressure (as in `mach_syncStatus`); `null` on a node without a batcher. */
    readonly batcher?: DaBatcher | null;
  };
  /** L2 output roots on L1, newest first; empty until a proposer runs. */
  readonly outputs: readonly L1Output[];
  /** Replicas of this node (`status.replicas` in its config), asked for their heads; empty when none is named. */
  readonly replicas: readonly ReplicaLag[];
  /** Prover attestations, newest first; empty until provers run. */
  readonly attestations: readonly ProverAttestation[];
  /** ABIs the node knows (predeploys, contracts matched to the build artifacts it was given), by lowercase address. */
  readonly abis: Readonly<Record<Address, KnownAbi>>;
  /** A derive node's progress; `null` on other roles. */
  readonly derivation?: Derivation | null;
}

/** Where a derive node stands: derived head, the L1 block read up to, rejected batches, and why it stopped. */
export interface Derivation {
  readonly state: "deriving" | "halted";
  readonly headBlockNumber: Quantity;
  readonly headBlockHash: Hash;
  /** The newest L1 block whose batch records were read (all they carry is derived); `null` before the first read. */
  readonly l1BlockNumber: Quantity | null;
  readonly l1BlockHash: Hash | null;
  /** Batch records rejected by a derivation rule since the node started. */
  readonly rejectedBatches: number;
  /** Set once derivation stopped for good: L1 replaced a block it had read, deeper than its confirmation depth. */
  readonly halted: {
    readonly reason: "l1Reorg";
    readonly message: string;
    readonly l1BlockNumber: Quantity;
    readonly derivedL1Hash: Hash;
    readonly l1Hash: Hash;
    readonly oldestGoneL1Block: Quantity | null;
    /** The first derived block built on an L1 block that is gone. */
    readonly firstAffectedL2Block: Quantity | null;
    readonly haltedAt: number;
  } | null;
}

export type DaBatchState = "submitting" | "confirmed" | "recorded" | "failed";

/** `submitting`: frames going to DA; `confirmed`: certified by DA; `recorded`: pointer on L1; `failed`: stopped. */
export interface DaProviderCounts {
  readonly provider: string;
  readonly submitting: number;
  readonly confirmed: number;
  readonly recorded: number;
  readonly failed: number;
}

export interface DaBatcher {
  readonly state: "idle" | "running" | "stopped" | "halted";
  /** First block not yet in a finished batch (on DA, and recorded on L1 with settlement). */
  readonly nextBlock: Quantity;
  /** Sealed blocks not yet in a submitted batch. */
  readonly unbatchedBlocks: number;
  readonly inFlightBatches: number;
  readonly maxInFlightBatches: number;
  /** Bytes the batcher holds (open batch + frames in flight) and its bound. */
  readonly pendingBytes: number;
  readonly maxPendingBytes: number;
  /** The batcher stopped reading sealed blocks at a bound; they wait in the store until its backlog drains. */
  readonly backPressure: boolean;
  readonly backPressureReason: "inFlight" | "bytes" | null;
  /** Unix ms. */
  readonly backPressureSince: number | null;
  /** Why it halted. */
  readonly error: string | null;
}

export interface DaBatch {
  readonly fromBlock: Quantity;
  readonly toBlock: Quantity;
  readonly provider: string;
  readonly status: DaBatchState;
  readonly txCount: number;
  /** Header + compressed body. */
  readonly encodedBytes: number;
  readonly frameCount: number;
  readonly submittedAt: number;
  readonly confirmedAt: number | null;
  readonly recordedAt: number | null;
  readonly l1BlockNumber: Quantity | null;
  readonly l1TransactionHash: Hash | null;
}

/** An output root: `proposed` as a dispute game, `attested` by provers, `resolved` on L1. */
export interface L1Output {
  readonly l2BlockNumber: Quantity;
  readonly outputRoot: Hash;
  readonly status: "proposed" | "attested" | "resolved";
  readonly game: Address | null;
  readonly l1BlockNumber: Quantity | null;
  readonly attestations: number;
  readonly proposedAt: number | null;
  readonly resolvedAt: number | null;
}

/**
 * A replica the sequencer asks for its head, with its lag judged on the sequencer's clock when it asked (lower
 * bounds). Figures are `null` until the replica first answers; `error` says why the newest ask failed.
 */
export interface ReplicaLag {
  readonly id: string;
  readonly headBlockNumber: Quantity | null;
  readonly miniBlockNumber: Quantity | null;
  /** Mini-blocks the sequencer had emitted past the replica's newest. */
  readonly lagMiniBlocks: Quantity | null;
  /** How long the first mini-block the replica lacked had been out (0: it lacked none). */
  readonly lagMs: number | null;
  /** When the replica last answered. */
  readonly updatedAt: number | null;
  readonly error: string | null;
}

/** An attestation a prover gossiped (or this node's own attester signed). */
export interface ProverAttestation {
  readonly prover: Address;
  readonly blockNumber: Quantity;
  readonly blockHash: Hash;
  readonly stateRoot: Hash;
  readonly outputRoot: Hash;
  readonly receivedAt: number;
  /** Whether the attested output root is the node's own at that block; `null` when it recorded none there. */
  readonly matchesOwnOutput: boolean | null;
}

export interface KnownAbi {
  readonly name: string;
  /** JSON ABI as solc emits it. */
  readonly abi: readonly unknown[];
}

/** A transaction as `eth_getTransactionByHash` and the `miniBlocks` payload render it (fields the page reads). */
export interface RpcTransaction {
  readonly hash: Hash;
  readonly from: Address;
  readonly to: Address | null;
  readonly value: Quantity;
  readonly nonce: Quantity;
  readonly gas: Quantity;
  readonly input: string;
  readonly type: Quantity;
  readonly blockNumber: Quantity | null;
  readonly transactionIndex: Quantity | null;
}

export interface RpcLog {
  readonly address: Address;
  readonly topics: readonly Hash[];
  readonly data: string;
  readonly logIndex: Quantity;
}

export interface RpcReceipt {
  readonly transactionHash: Hash;
  /** `0x1` success, `0x0` reverted. */
  readonly status: Quantity;
  readonly blockNumber: Quantity;
  /** `0xff…ff` until the block seals (MegaETH). */
  readonly blockHash: Hash;
  readonly transactionIndex: Quantity;
  readonly gasUsed: Quantity;
  readonly effectiveGasPrice: Quantity;
  readonly contractAddress: Address | null;
  readonly logs: readonly RpcLog[];
}

/** `miniBlocks` subscription item. */
export interface MiniBlockPayload {
  readonly block_number: Quantity;
  readonly block_timestamp: Quantity;
  readonly index: Quantity;
  readonly mini_block_number: Quantity;
  /** Unix microseconds. */
  readonly mini_block_timestamp: Quantity;
  readonly gas_used: Quantity;
  readonly transactions: readonly RpcTransaction[];
  readonly receipts: readonly RpcReceipt[];
}

/** `newHeads` subscription item (fields the page reads). */
export interface NewHead {
  readonly number: Quantity;
  readonly hash: Hash;
  readonly timestamp: Quantity;
  readonly gasUsed: Quantity;
  readonly gasLimit: Quantity;
  readonly miniBlockCount: Quantity;
  readonly miniBlockOffset: Quantity;
}

/** `mach_getStateDiff` result: every account the mini-block (or block) touched, with its new values. */
export interface StateDiff {
  readonly accounts: readonly {
    readonly address: Address;
    readonly deleted: boolean;
    readonly nonce: Quantity | null;
    readonly balance: Quantity | null;
    readonly codeHash: Hash | null;
    readonly code?: string;
    readonly storageCleared: boolean;
    /** Slot → 32-byte word. */
    readonly storage: Readonly<Record<Hash, Hash>>;
  }[];
}
