/**
 * node/: the composition root. Composes the config from each module's schema and parses it once; opens the chain
 * (genesis or restart); creates the configured DA and settlement providers; wires the role the config names through
 * ports; serves JSON-RPC and metrics. Imported by no other folder.
 *
 *   config.ts          the one zod schema (module schemas composed), file + MACH_* env overrides
 *   genesis.ts         dev accounts from the mnemonic, OP predeploys, the genesis allocation
 *   chainSetup.ts      store → genesis or restore (snapshot + write-ahead log; a derive node: back to its snapshot; a
 *                      replica: back to the newest block its log replays)
 *   roles/             one file per role's wiring (sequencer, replica, prover, derive; proposer/attester/outputs parts)
 *   statusSource.ts    what mach_status reports of a sequencer (pool counts, DA batches, the batcher's pipeline and
 *                      back-pressure (mach_syncStatus too), outputs, attestations, replica lag, known ABIs)
 *   status/            the `status` section's parts: replicas polled for their lag, provers' attestations from p2p,
 *                      contracts named from Hardhat/Foundry build artifacts by runtime bytecode
 *   batchRecordStore.ts DA batch records over LMDB
 *   sequencingWindowRewind.ts  a sequencer's start after a passed sequencing window: back to the newest block
 *                      derivation keeps (state rollback, store truncation, snapshot, batch records dropped), with the
 *                      user transactions it dropped
 *   repool.ts          those transactions admitted to the sequencer's pool again, in order; refusals logged
 *   windowWatch.ts     a running sequencer's check that derivation keeps its blocks (stops it when not)
 *   restart.ts         which fatal errors the node recovers from by starting again in the same process (a passed
 *                      sequencing window), on the endpoints it had bound
 *   replicaDerivation.ts  derivation from L1 + DA as a replica's catch-up source (blocks no peer serves), checked
 *                      against the hashes the sequencer signed for blocks the replica refused
 *   readWorkers.ts     the read workers a role serves calls from, following the chain it advances (sequencer, replica)
 *   metrics.ts         prom-client registry, the per-module metric fillers, the /metrics server
 *   logger.ts          pino
 *   node.ts            startNode: everything above, in order; close() in reverse
 */

export { ForeignStoreError } from "./chainSetup.ts";
export {
  DEV_MNEMONIC,
  type GenesisConfig,
  genesisConfigSchema,
  InvalidConfigError,
  loadNodeConfig,
  NODE_ROLES,
  type NodeConfig,
  type NodeProviders,
  type NodeRole,
  nodeConfigSchema,
  parseNodeConfig,
} from "./config.ts";
export { type DevAccount, deriveDevAccounts } from "./genesis.ts";
export { createLogger } from "./logger.ts";
export { createMetricsRegistry, type MetricsRegistry } from "./metrics.ts";
export { type MachNode, type StartNodeParameters, startNode } from "./node.ts";
export { DerivedBlockMismatchError } from "./replicaDerivation.ts";
export { type BoundEndpoints, restartConfigAfter } from "./restart.ts";
export { SequencingWindowRewindError } from "./sequencingWindowRewind.ts";
export { VERSION } from "./version.ts";
