/**
 * node/: the composition root. Parses the config, opens the store, builds or restores state, and wires executor,
 * pool, sequencer, RPC, metrics and the DA batcher through their ports. Imported by no other folder.
 *
 *   config.ts           the one zod schema (module schemas composed), file + MACH_* env overrides
 *   genesis.ts          dev accounts from the mnemonic, OP predeploys, genesis block
 *   nodeState.ts        world state + diff recorder + history; restart = snapshot + write-ahead log
 *   rpcBackend.ts       the RpcBackend port over sequencer, store, pool and state
 *   statusSource.ts     what mach_status reports of this node (pool counts, DA batches, predeploy ABIs)
 *   batchRecordStore.ts DA batch records over LMDB
 *   metrics.ts          prom-client registry and the /metrics server
 *   logger.ts           pino
 *   node.ts             startNode: everything above, in order; close() in reverse
 */
export {
  type DaProviderEntry,
  type DaProviderRegistry,
  DEV_MNEMONIC,
  InvalidConfigError,
  loadNodeConfig,
  memoryDaProvider,
  type NodeConfig,
  nodeConfigSchema,
  parseNodeConfig,
  type SettlementConfig,
  settlementConfigSchema,
} from "./config.ts";
export { type DevAccount, deriveDevAccounts } from "./genesis.ts";
export { createLogger, type Logger } from "./logger.ts";
export { type MachNode, type StartNodeParameters, startNode } from "./node.ts";
export { StoreRecoveryError } from "./nodeState.ts";
export { VERSION } from "./version.ts";
