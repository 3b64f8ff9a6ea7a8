/**
 * node/status/: what a sequencer's `mach_status` reports beyond its own roles (`node/statusSource.ts` puts it
 * together with the pool, DA batches, outputs and predeploy ABIs).
 *
 *   config.ts             the `status` section
 *   replicaLag.ts         the sequencer's mini-block emission times → a replica's lag in mini-blocks and ms (pure)
 *   replicaPoller.ts      each configured replica's `mach_status` read over JSON-RPC, its lag judged by replicaLag
 *   attestationLog.ts     provers' attestations seen on p2p, newest first, compared with the sequencer's own outputs
 *   artifacts.ts          Hardhat and Foundry build artifacts read from the configured directories
 *   bytecodeMatch.ts      runtime code → the artifact it was built from (exact, then outside immutables/libraries/
 *                         metadata) (pure)
 *   deployedContracts.ts  contracts created on the chain (code set in a mini-block's diff), named by their artifact
 */

export { contractArtifactOf, loadContractArtifacts } from "./artifacts.ts";
export { AttestationLog } from "./attestationLog.ts";
export {
  type BytecodeMatcher,
  type CodeRange,
  type ContractArtifact,
  createBytecodeMatcher,
  metadataRange,
  prepareArtifact,
} from "./bytecodeMatch.ts";
export {
  DEFAULT_KEPT_ATTESTATIONS,
  DEFAULT_MAX_KNOWN_CONTRACTS,
  DEFAULT_REPLICA_POLL_MS,
  DEFAULT_REPLICA_TIMEOUT_MS,
  type StatusConfig,
  statusConfigSchema,
} from "./config.ts";
export { DeployedContracts } from "./deployedContracts.ts";
export { MiniBlockEmissions, type ReplicaLag, replicaLagOf } from "./replicaLag.ts";
export { createReplicaPoller, type ReplicaPoller, type ReplicaPollerParameters } from "./replicaPoller.ts";
