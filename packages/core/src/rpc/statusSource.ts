/**
 * The status port: what `mach_status` reads from the node's roles, beside the chain reads of `RpcBackend`. Every
 * part is optional: a node that does not run a role leaves it out and `mach_status` answers an empty list (or
 * `null` for the pool), never made-up values. The JSON shape the method renders is documented where the dashboard
 * reads it (`apps/dashboard/src/api.ts`, `MachStatus`).
 *
 * Conventions as in `backend.ts`: chain numbers are bigint, hashes and addresses lowercase 0x-hex, times Unix ms.
 */
import type { Address, Hash } from "../chain/types.ts";

/** geth's `txpool_status` split: executable now vs. waiting behind a nonce gap. */
export interface PoolCounts {
  readonly pending: number;
  readonly queued: number;
}

/** DA batch progress; `da/`'s `BatchRecord` fits as it is. */
export type StatusBatchState = "submitting" | "confirmed" | "recorded" | "failed";

export interface StatusBatch {
  readonly firstBlock: bigint;
  readonly lastBlock: bigint;
  /** DA provider name (`memory`, `eigenda`, `celestia`). */
  readonly provider: string;
  readonly status: StatusBatchState;
  readonly txCount: number;
  /** Header + compressed body, before framing. */
  readonly encodedBytes: number;
  readonly frameCount: number;
  readonly submittedAt: number;
  readonly confirmedAt?: number;
  readonly recordedAt?: number;
  readonly recording?: { readonly l1BlockNumber?: bigint; readonly l1TransactionHash?: Hash };
}

/** Batch counts by provider and status, and the newest batches (newest first). */
export interface DaBatchesStatus {
  readonly byProvider: readonly {
    readonly provider: string;
    readonly counts: Readonly<Record<StatusBatchState, number>>;
  }[];
  readonly recent: readonly StatusBatch[];
}

/**
 * The batcher's pipeline and back-pressure (`mach_syncStatus`, `mach_status`); `da/`'s `BatcherStatus` fits as it is.
 * Counts are JSON numbers, times Unix ms.
 */
export interface DaBatcherStatus {
  readonly state: "idle" | "running" | "stopped" | "halted";
  /** First block not yet in a finished batch (on DA, and on L1 with settlement). */
  readonly nextBlock: bigint;
  /** Sealed blocks not yet in a submitted batch. */
  readonly unbatchedBlocks: number;
  readonly inFlightBatches: number;
  readonly maxInFlightBatches: number;
  /** Bytes the batcher holds (open batch + in-flight frames) and its bound. */
  readonly pendingBytes: number;
  readonly maxPendingBytes: number;
  /** The batcher stopped reading sealed blocks at a bound (they wait in the store until the backlog drains). */
  readonly backPressure: boolean;
  readonly backPressureReason?: "inFlight" | "bytes";
  readonly backPressureSince?: number;
  /** Why it halted. */
  readonly error?: { readonly message: string };
}

/** An L2 output root on its way through L1: proposed as a game, attested by provers, resolved. */
export interface StatusOutput {
  readonly l2BlockNumber: bigint;
  readonly outputRoot: Hash;
  readonly status: "proposed" | "attested" | "resolved";
  /** The dispute game holding the claim, once proposed. */
  readonly game?: Address;
  readonly l1BlockNumber?: bigint;
  readonly attestations: number;
  readonly proposedAt?: number;
  readonly resolvedAt?: number;
}

/**
 * How far one replica trails the sequencer, judged on the sequencer's clock when it last asked (lower bounds: the
 * replica answers after). Before the first answer only `id` (and `error`, if the ask failed) is known.
 */
export interface StatusReplica {
  readonly id: string;
  readonly headBlockNumber?: bigint;
  readonly miniBlockNumber?: bigint;
  /** Mini-blocks the sequencer had emitted past the replica's newest. */
  readonly lagMiniBlocks?: bigint;
  /** How long the first mini-block the replica lacked had been out (0: it lacked none). */
  readonly lagMs?: number;
  /** When the replica last answered (Unix ms). */
  readonly updatedAt?: number;
  /** Why the newest ask failed (the figures above are from the last answer). */
  readonly error?: string;
}

/** A prover's signed statement that a block re-executes to its state root. */
export interface StatusAttestation {
  readonly prover: Address;
  readonly blockNumber: bigint;
  readonly blockHash: Hash;
  readonly stateRoot: Hash;
  readonly outputRoot: Hash;
  readonly receivedAt: number;
  /** Whether the attested output root is this node's own at that block (absent: it recorded none there). */
  readonly matchesOwnOutput?: boolean;
}

/**
 * Where a derive node stands; `derivation/`'s `DeriverProgress` fits as it is. `l1Block` is absent before the first
 * L1 read; `halted` is set once derivation stopped for good (an L1 reorg deeper than its confirmation depth).
 */
export interface StatusDerivation {
  readonly headBlock: bigint;
  readonly headHash: Hash;
  /** The newest L1 block whose batch records were read: everything they carry is derived. */
  readonly l1Block?: { readonly number: bigint; readonly hash: Hash };
  /** Batch records rejected by a derivation rule since the node started. */
  readonly rejectedBatches: number;
  readonly halted?: {
    readonly reason: "l1Reorg";
    readonly message: string;
    /** The L1 block found replaced, the hash derivation read there, and L1's hash now. */
    readonly l1BlockNumber: bigint;
    readonly derivedL1Hash: Hash;
    readonly l1Hash: Hash;
    readonly oldestGoneL1Block?: bigint;
    /** The first derived block built on an L1 block that is gone. */
    readonly firstAffectedL2Block?: bigint;
    readonly haltedAt: number;
  };
}

/** A contract whose ABI the node knows (predeploys, contracts deployed through the devnet). */
export interface KnownContract {
  readonly address: Address;
  readonly name: string;
  /** JSON ABI, as solc emits it. */
  readonly abi: readonly unknown[];
}

export interface StatusSource {
  readonly pool?: () => PoolCounts;
  readonly daBatches?: () => DaBatchesStatus;
  readonly batcher?: () => DaBatcherStatus;
  /** Newest first. */
  readonly outputs?: () => readonly StatusOutput[];
  readonly replicas?: () => readonly StatusReplica[];
  /** Newest first. */
  readonly attestations?: () => readonly StatusAttestation[];
  readonly contracts?: () => readonly KnownContract[];
  readonly derivation?: () => StatusDerivation;
}
