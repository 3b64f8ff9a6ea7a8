/**
 * @mach/settlement: Mach's L1 side with viem. Contract ABIs come from `@mach/contracts`' generated module only.
 *
 *   contracts.ts     `attachMachL1`: typed viem contract instances for a deployment's addresses
 *   write.ts         one L1 write: simulate → send → receipt (confirmations) → `SettlementError` mapping; `writeOnce`
 *                    for a write that must land once across retries and late-served lost writes
 *   errors.ts        `SettlementError` (`transient` | `permanent`, `revertName`), `toSettlementError`
 *   batchPointers.ts the versioned list of per-frame DA pointers a batch records in BatchInbox
 *   batchInbox.ts    batcher → L1: `createBatchInboxRecorder` (core's `BatchRecorder` port);
 *                    L1 → derivation: `readBatchRecords`
 *   l1Order.ts       the L1 order (block, log index) every log reader sorts by
 *   deposits.ts      Portal `TransactionDeposited` → core `DepositTransaction`: `getDeposits`, `watchDeposits`
 *   outputRoot.ts    `toPortalOutputRootProof` (the rule itself is `@mach/core/chain`'s `computeOutputRoot`)
 *   proposer.ts      output root → `MachOutputGame` via `DisputeGameFactory.create`: `proposeOutput`,
 *                    `createOutputProposer`
 *   outputGames.ts   core's output ports over L1: game reader, proposer (create/resolve/claim), attestation signer,
 *                    attestation sink (collects signatures to the registry's quorum, then `attest`)
 *   provider.ts      `l1SettlementProvider`: core's settlement port over L1 (`settlement.provider: "l1"` in node config);
 *                    `createDepositSource` (L1 blocks, their deposits and SystemConfig values: the inputs of L2 epochs)
 *   attestation.ts   provers: `signOutputAttestation`, `encodeAttestationProof`, `submitAttestation`;
 *                    game life: `getOutputGame`, `resolveOutputGame`, `challengeOutputGame` (with evidence),
 *                    `claimOutputGameCredit`
 *   systemConfig.ts  SystemConfig reads: `getSystemConfig` (sequencer signer, Ecotone fee scalars, batcher, gas limit
 *                    at an L1 block), `getSystemConfigUpdates` (its `ConfigUpdate` log, decoded)
 *
 * Data flow: batcher ─recordBatch→ BatchInbox ─readBatchRecords→ derivation; Portal deposits and SystemConfig
 * ─createDepositSource→ sequencer (L1-attributes deposit, user deposits; `watchDeposits` for other followers);
 * SystemConfig ─getSystemConfig→ replicas (signer); proposer ─proposeOutput→ game ←submitAttestation─ provers;
 * resolveOutputGame → Portal withdrawals.
 */

export {
  type AttestationDomain,
  challengeOutputGame,
  claimOutputGameCredit,
  encodeAttestationProof,
  getOutputGame,
  type L1Write,
  type OutputAttestation,
  type OutputGameState,
  type OutputGameStatus,
  recoverOutputAttestationSigner,
  resolveOutputGame,
  type SignedOutputAttestation,
  type SignOutputAttestationParameters,
  type SubmitAttestationParameters,
  signOutputAttestation,
  submitAttestation,
} from "./attestation.ts";
export {
  type CreateBatchInboxRecorderParameters,
  createBatchInboxRecorder,
  daProviderId,
  daProviderName,
  type L1BatchRecord,
  type ReadBatchRecordsParameters,
  readBatchRecords,
} from "./batchInbox.ts";
export {
  BATCH_POINTERS_VERSION,
  decodeBatchPointers,
  encodeBatchPointers,
  MAX_BATCH_POINTERS,
} from "./batchPointers.ts";
export {
  type AttachMachL1Parameters,
  attachMachL1,
  type MachL1,
  type MachL1Clients,
} from "./contracts.ts";
export {
  type DepositRange,
  type DepositWatch,
  type GetDepositsParameters,
  getDeposits,
  type L1Deposit,
  type WatchDepositsParameters,
  watchDeposits,
} from "./deposits.ts";
export {
  SettlementError,
  type SettlementErrorKind,
  type SettlementErrorOptions,
  toSettlementError,
} from "./errors.ts";
export {
  createL1AttestationSigner,
  createL1AttestationSink,
  createL1OutputChallenger,
  createL1OutputProposer,
  createOutputGameReader,
  type OutputGamesConfig,
} from "./outputGames.ts";
export { toPortalOutputRootProof } from "./outputRoot.ts";
export {
  createOutputProposer,
  encodeOutputGameExtraData,
  type OutputProposer,
  type OutputProposerConfig,
  type ProposedOutput,
  type ProposeOutputParameters,
  proposeOutput,
} from "./proposer.ts";
export {
  blobBaseFee,
  type CreateL1SettlementDependencies,
  createDepositSource,
  createL1Settlement,
  type L1SettlementOptions,
  l1SettlementOptionsSchema,
  l1SettlementProvider,
} from "./provider.ts";
export {
  decodeSystemConfigUpdate,
  type GetSystemConfigParameters,
  type GetSystemConfigUpdatesParameters,
  getSystemConfig,
  getSystemConfigUpdates,
  type SystemConfigChange,
  type SystemConfigState,
  type SystemConfigUpdate,
  type UpdateLocation,
} from "./systemConfig.ts";
export { type L1WalletClient, type WriteContractParameters, writeContractAndWait } from "./write.ts";
