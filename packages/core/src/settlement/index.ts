/**
 * settlement/: the L1 port roles use (ports.ts) and its in-memory implementation for tests (memory.ts); the output
 * root rule itself is `chain/outputRoot.ts`. `@mach/settlement` implements the port against Ethereum.
 *
 *   ports.ts   BatchRecorder, L1BatchReader, DepositSource, OutputProposer, AttestationSink; Settlement bundles them
 *   memory.ts  createMemorySettlement: an in-memory L1 (mine, reorg, deposit, setSystemConfig, resolve) behind the
 *              same port
 *   config.ts  the `settlement` config section and the provider registry a binary links
 */
export {
  type SettlementConfig,
  type SettlementProviderContext,
  type SettlementProviderEntry,
  type SettlementProviderRegistry,
  settlementConfigSchema,
} from "./config.ts";
export {
  createMemorySettlement,
  DEFAULT_MEMORY_SYSTEM_CONFIG,
  type MemorySettlement,
  type MemorySettlementOptions,
} from "./memory.ts";
export type {
  AttestationSink,
  BatchRecorder,
  BatchRecording,
  BatchToRecord,
  DepositSource,
  L1BatchReader,
  L1BlockRef,
  L1SystemConfig,
  OutputAttestation,
  OutputProposer,
  ProposedOutputRef,
  RecordedBatch,
  Settlement,
} from "./ports.ts";
