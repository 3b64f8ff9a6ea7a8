/**
 * `mach_status`: one poll answering everything the dashboard shows beside its live streams: head, mini-block rate,
 * send→receipt latency percentiles, pool counts, DA batches by status and provider, L1 outputs, replica lag,
 * prover attestations, the ABIs the node knows (predeploys, contracts matched to build artifacts), and a derive
 * node's progress (`null` on other roles). Roles the node does not run answer empty lists (the pool: `null`). The
 * shape is the dashboard's `MachStatus` (`apps/dashboard/src/api.ts`); a core test checks that this renderer's type
 * fits it. Chain numbers are 0x quantities, counts, rates and times are JSON numbers.
 */
import type { Address } from "../../chain/types.ts";
import { defineMethod, type MethodTable, type RpcContext } from "../context.ts";
import { toQuantity } from "../format.ts";
import type { DaBatcherStatus, StatusBatch, StatusDerivation } from "../statusSource.ts";

const MACH_STATUS_VERSION = 1;

const optionalQuantity = (value: bigint | undefined): string | null => (value === undefined ? null : toQuantity(value));

function renderBatch(batch: StatusBatch) {
  return {
    fromBlock: toQuantity(batch.firstBlock),
    toBlock: toQuantity(batch.lastBlock),
    provider: batch.provider,
    status: batch.status,
    txCount: batch.txCount,
    encodedBytes: batch.encodedBytes,
    frameCount: batch.frameCount,
    submittedAt: batch.submittedAt,
    confirmedAt: batch.confirmedAt ?? null,
    recordedAt: batch.recordedAt ?? null,
    l1BlockNumber: optionalQuantity(batch.recording?.l1BlockNumber),
    l1TransactionHash: batch.recording?.l1TransactionHash ?? null,
  };
}

/** The batcher's pipeline and back-pressure, as `mach_status` and `mach_syncStatus` render it. */
export function renderBatcherStatus(batcher: DaBatcherStatus) {
  return {
    state: batcher.state,
    nextBlock: toQuantity(batcher.nextBlock),
    unbatchedBlocks: batcher.unbatchedBlocks,
    inFlightBatches: batcher.inFlightBatches,
    maxInFlightBatches: batcher.maxInFlightBatches,
    pendingBytes: batcher.pendingBytes,
    maxPendingBytes: batcher.maxPendingBytes,
    backPressure: batcher.backPressure,
    backPressureReason: batcher.backPressureReason ?? null,
    backPressureSince: batcher.backPressureSince ?? null,
    error: batcher.error?.message ?? null,
  };
}

/** A derive node's progress: derived head, the L1 block read up to, rejected batches, and why it stopped. */
function renderDerivation(derivation: StatusDerivation) {
  const { halted } = derivation;
  return {
    state: halted === undefined ? ("deriving" as const) : ("halted" as const),
    headBlockNumber: toQuantity(derivation.headBlock),
    headBlockHash: derivation.headHash,
    l1BlockNumber: optionalQuantity(derivation.l1Block?.number),
    l1BlockHash: derivation.l1Block?.hash ?? null,
    rejectedBatches: derivation.rejectedBatches,
    halted:
      halted === undefined
        ? null
        : {
            reason: halted.reason,
            message: halted.message,
            l1BlockNumber: toQuantity(halted.l1BlockNumber),
            derivedL1Hash: halted.derivedL1Hash,
            l1Hash: halted.l1Hash,
            oldestGoneL1Block: optionalQuantity(halted.oldestGoneL1Block),
            firstAffectedL2Block: optionalQuantity(halted.firstAffectedL2Block),
            haltedAt: halted.haltedAt,
          },
  };
}

/** The `mach_status` result for the server's current view. */
export function renderMachStatus(context: RpcContext) {
  const { backend, status, sendLatency, miniBlockRate } = context;
  const headNumber = backend.headBlockNumber();
  const head = backend.getBlockByNumber(headNumber);
  // The open block's newest mini-block; between blocks (none yet in the open one), the sealed head's last.
  const sealedLast = head === undefined ? -1n : head.miniBlockOffset + BigInt(head.miniBlockCount) - 1n;
  const newestMiniBlock = backend.latestMiniBlock()?.number ?? (sealedLast >= 0n ? sealedLast : undefined);
  const rates = miniBlockRate.rates();
  const da = status?.daBatches?.() ?? { byProvider: [], recent: [] };
  const batcher = status?.batcher?.();
  const derivation = status?.derivation?.();
  const abis: Record<Address, { name: string; abi: readonly unknown[] }> = {};
  for (const contract of status?.contracts?.() ?? [])
    abis[contract.address] = { name: contract.name, abi: contract.abi };
  return {
    version: MACH_STATUS_VERSION,
    chainId: toQuantity(backend.chainId),
    clientVersion: backend.clientVersion,
    serverTimeMs: Date.now(),
    head: {
      blockNumber: toQuantity(headNumber),
      blockHash: head?.hash ?? null,
      blockTimestamp: optionalQuantity(head?.header.timestamp),
      miniBlockNumber: optionalQuantity(newestMiniBlock),
      safeBlockNumber: optionalQuantity(backend.blockNumberForTag("safe")),
      finalizedBlockNumber: optionalQuantity(backend.blockNumberForTag("finalized")),
    },
    miniBlocks: {
      windowMs: rates.windowMs,
      perSecond: rates.miniBlocksPerSecond,
      transactionsPerSecond: rates.transactionsPerSecond,
      gasPerSecond: rates.gasPerSecond,
    },
    latency: sendLatency.summary(),
    pool: status?.pool?.() ?? null,
    da: {
      byProvider: da.byProvider.map(({ provider, counts }) => ({ provider, ...counts })),
      recent: da.recent.map(renderBatch),
      batcher: batcher === undefined ? null : renderBatcherStatus(batcher),
    },
    outputs: (status?.outputs?.() ?? []).map((output) => ({
      l2BlockNumber: toQuantity(output.l2BlockNumber),
      outputRoot: output.outputRoot,
      status: output.status,
      game: output.game ?? null,
      l1BlockNumber: optionalQuantity(output.l1BlockNumber),
      attestations: output.attestations,
      proposedAt: output.proposedAt ?? null,
      resolvedAt: output.resolvedAt ?? null,
    })),
    replicas: (status?.replicas?.() ?? []).map((replica) => ({
      id: replica.id,
      headBlockNumber: optionalQuantity(replica.headBlockNumber),
      miniBlockNumber: optionalQuantity(replica.miniBlockNumber),
      lagMiniBlocks: optionalQuantity(replica.lagMiniBlocks),
      lagMs: replica.lagMs ?? null,
      updatedAt: replica.updatedAt ?? null,
      error: replica.error ?? null,
    })),
    attestations: (status?.attestations?.() ?? []).map((attestation) => ({
      prover: attestation.prover,
      blockNumber: toQuantity(attestation.blockNumber),
      blockHash: attestation.blockHash,
      stateRoot: attestation.stateRoot,
      outputRoot: attestation.outputRoot,
      receivedAt: attestation.receivedAt,
      matchesOwnOutput: attestation.matchesOwnOutput ?? null,
    })),
    abis,
    derivation: derivation === undefined ? null : renderDerivation(derivation),
  };
}

/** The JSON `mach_status` answers (the dashboard's `MachStatus`). */
export type MachStatusResult = ReturnType<typeof renderMachStatus>;

export const statusMethods: MethodTable = {
  mach_status: defineMethod([], (_args, context) => renderMachStatus(context)),
};
