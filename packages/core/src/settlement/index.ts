/**
 * settlement/: the L1 port roles use (ports.ts) and its in-memory implementation for tests (memory.ts); the output
 * root rule itself is `chain/outputRoot.ts`. `@mach/settlement` implements the port against Ethereum.
 *
 *   ports.ts   BatchRecorder, L1BatchReader, DepositSource, OutputProposer, OutputSource, AttestationSink; Settlement
 *              bundles them
 *   memory.ts  createMemorySettlement: an in-memory L1 (mine, deposit, resolve) behind the same port
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
  type AttestationSubmission,
  createMemorySettlement,
  type MemorySettlement,
  type MemorySettlementOptions,
} from "./memory.ts";
export type {
  AttestationSignature,
  AttestationSink,
  BatchRecorder,
  BatchRecording,
  BatchToRecord,
  DepositSource,
  L1BatchReader,
  L1BlockRef,
  OutputAttestation,
  OutputProposer,
  OutputSource,
  ProposedOutputRef,
  RecordedBatch,
  Settlement,
} from "./ports.ts";
