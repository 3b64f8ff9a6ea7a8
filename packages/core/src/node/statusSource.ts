/**
 * What a sequencer node reports through `mach_status` (`rpc/statusSource.ts`): pool counts, DA batches from the
 * batcher's record updates, the batcher's pipeline and back-pressure (also in `mach_syncStatus`), and the ABIs of the
 * OP predeploys at genesis. Outputs, replica lag and prover attestations join here as those roles land; until then
 * they are absent and the method answers empty lists.
 */
import { gasPriceOracleArtifact, l1BlockArtifact, l2ToL1MessagePasserArtifact, predeploys } from "@mach/contracts";
import type { Address } from "../chain/types.ts";
import type { BatchTally } from "../rpc/batchTally.ts";
import type { DaBatcherStatus, KnownContract, PoolCounts, StatusSource } from "../rpc/statusSource.ts";

const PREDEPLOY_CONTRACTS: readonly KnownContract[] = [
  [predeploys.l2ToL1MessagePasser, l2ToL1MessagePasserArtifact] as const,
  [predeploys.l1Block, l1BlockArtifact] as const,
  [predeploys.gasPriceOracle, gasPriceOracleArtifact] as const,
].map(([address, artifact]) => ({
  address: address.toLowerCase() as Address,
  name: artifact.contractName,
  abi: artifact.abi,
}));

export interface NodeStatusSourceOptions {
  readonly pool: { counts(): PoolCounts };
  readonly batches: BatchTally;
  /** The batcher's pipeline (`da/`'s `Batcher.status` fits); absent when the batcher is off. */
  readonly batcher?: { status(): DaBatcherStatus };
}

export function createNodeStatusSource({ pool, batches, batcher }: NodeStatusSourceOptions): StatusSource {
  return {
    pool: () => pool.counts(),
    daBatches: () => batches.snapshot(),
    ...(batcher ? { batcher: () => batcher.status() } : {}),
    contracts: () => PREDEPLOY_CONTRACTS,
  };
}
