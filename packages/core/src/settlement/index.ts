/**
 * settlement/: the L1 port roles use (ports.ts), its in-memory implementation for tests (memory.ts), and the output
 * side every L2 → L1 withdrawal goes through: outputs recorded as blocks seal, proposed as L1 games, checked and
 * attested, resolved. The output root rule itself is `chain/outputRoot.ts`. `@mach/settlement` implements the port
 * against Ethereum.
 *
 *   ports.ts               BatchRecorder, L1BatchReader, DepositSource, OutputProposer, OutputGameReader,
 *                          AttestationSink, OutputChallenger, OutputAttestationSigner; Settlement bundles them
 *   memory.ts              createMemorySettlement: an in-memory L1 (mine, reorg, deposit, setSystemConfig, resolve) behind the same port
 *   memoryOutputGames.ts   the memory L1's output games (MachOutputGame's windows, quorum, bonds)
 *   config.ts              the `settlement` config section and the provider registry a binary links
 *   outputConfig.ts        the `outputs`, `proposer` and `attester` config sections
 *   outputs.ts             OutputRecord (an output as the node computed it) and the OutputStore port
 *   messagePasserProof.ts  the message passer's proof data at an output block (delta-coded storage) → eth_getProof
 *   outputRecorder.ts      OutputRecorder: fed each sealed block; records outputs, keeps proofs (bounded)
 *   proposals.ts           OutputProposal (pending → proposed → resolved, bond claimed) and the ProposalStore port
 *   proposer.ts            createProposer: the proposer loop (in order, retries, resolves, claims bonds, `finalized`)
 *   attester.ts            createAttester: checks proposed roots against this node's outputs, signs matching ones
 *   proverPorts.ts         a prover's narrow ports over these: proposals in L2 order, a quorum handed to the sink
 *
 *   sealed block ─OutputRecorder.blockSealed→ OutputStore ─proposer→ OutputProposer (L1 game)
 *   L1 games ─OutputGameReader→ attester ═ OutputRecorder.outputAt ─signer→ AttestationSink → game attested
 *   proposer ─getOutputGame/resolveOutputGame→ defenderWins → `finalized`; claimOutputGameCredit → bond back
 */
export {
  type Attester,
  type AttesterOutputSource,
  type AttesterVerdict,
  type CheckedGame,
  type CreateAttesterParameters,
  createAttester,
} from "./attester.ts";
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
export {
  createMemoryOutputGames,
  MemoryGameRevertError,
  type MemoryOutputGames,
  type MemoryOutputGamesOptions,
} from "./memoryOutputGames.ts";
export {
  applyProofRecord,
  decodeMessagePasserProof,
  encodeMessagePasserProof,
  type HashedSlot,
  MessagePasserProofError,
  type MessagePasserProofRecord,
  type StorageContent,
  storageDelta,
} from "./messagePasserProof.ts";
export {
  type AttesterConfig,
  attesterConfigSchema,
  DEFAULT_OUTPUT_INTERVAL_BLOCKS,
  DEFAULT_RETAINED_OUTPUT_PROOFS,
  type OutputsConfig,
  outputsConfigSchema,
  type ProposerConfig,
  proposerConfigSchema,
} from "./outputConfig.ts";
export {
  type CommittedState,
  MESSAGE_PASSER,
  OutputRecorder,
  type OutputRecorderOptions,
} from "./outputRecorder.ts";
export {
  createMemoryOutputStore,
  formatOutputRecord,
  type JsonOutputRecord,
  type OutputRecord,
  type OutputStore,
  outputRecordOf,
  parseOutputRecord,
} from "./outputs.ts";
export type {
  AttestationOutcome,
  AttestationSink,
  BatchRecorder,
  BatchRecording,
  BatchToRecord,
  ChallengeOutcome,
  DepositSource,
  L1BatchReader,
  L1BlockRef,
  L1SystemConfig,
  OutputAttestation,
  OutputAttestationSigner,
  OutputChallenger,
  OutputGameReader,
  OutputGameState,
  OutputGameStatus,
  OutputProposer,
  ProposedOutputRef,
  RecordedBatch,
  Settlement,
} from "./ports.ts";
export {
  createMemoryProposalStore,
  formatOutputProposal,
  isResolved,
  type JsonOutputProposal,
  type OutputProposal,
  type ProposalStatus,
  type ProposalStore,
  parseOutputProposal,
} from "./proposals.ts";
export {
  type CreateProposerParameters,
  createProposer,
  type Proposer,
  ProposerHaltedError,
  type ProposerMetrics,
  type ProposerOutputSource,
  type ProposerState,
} from "./proposer.ts";
export {
  type ChallengeWithQuorum,
  challengeWithQuorumTo,
  type ProposedOutputs,
  proposedOutputsFrom,
  type SubmitQuorum,
  submitQuorumTo,
} from "./proverPorts.ts";
