/**
 * execution/: the `Executor` port and its two engines over Mach state: Mach's own interpreter (`evm/`) and
 * @ethereumjs/evm (the reference), chosen per node (`execution.engine: "mach" | "ethereumjs"`).
 *
 *   types.ts               Executor, BlockEnv, ExecutionResult, CallMessage, CallFrame (the port)
 *   transactionPlan.ts     ExecutorOptions; what a transaction/deposit/call asks for and its validation (both engines)
 *   machExecutor.ts        createMachExecutor: the same rules over Mach's interpreter, synchronous inside
 *   evm/                   Mach's interpreter: opcodes, frames, journaled transaction state, precompiles
 *   ethereumjsExecutor.ts  createEthereumJsExecutor: validation, gas purchase, warm sets, EIP-7702, evm.runCall,
 *                          refunds, fees, EIP-161/6780 clean-up, OP deposits, L1 fee; call; traceTransaction
 *   deposit.ts             the OP deposit rules every engine follows (mint first, failed deposits, no fees)
 *   l1Fee.ts               the L1 data fee an engine charges: Ecotone over L1Block's slots in the executed state
 *   stateAdapter.ts        MachStateManager: @ethereumjs's StateManagerInterface over a StateWriter, flat overlay +
 *                          undo journal, flushed once per transaction
 *   authorizations.ts      EIP-7702 authorization list processing (delegation designators, nonce bumps, refunds)
 *   estimateGas.ts         eth_estimateGas: geth's binary search with the optimistic 64/63 attempt
 *   callTracer.ts          debug_traceTransaction's callTracer frames from EVM message events
 *   devStateEdits.ts       dev chains' state edits as system deposits, and the executor wrapper that applies them
 *   tracing/               the engine-neutral tracing port and geth's tracers over it (call, struct logs, prestate)
 *   ethereumjsTracing.ts   feeds the tracing port from @ethereumjs/evm's events
 *   evmErrors.ts           EVM halt reasons in geth's words, revert-reason decoding
 *   mappingSlotPreimages.ts  KECCAK256 that reports `address ‖ slot` preimages to the state-diff recorder
 *   witnessRecording.ts    an Executor that notes what each transaction touches for the block's witness
 *
 * Intrinsic gas, the EIP-7623 floor and fee maths come from chain/fees.ts.
 *
 * Data flow: sequencer/RPC → Executor.executeTransaction(stateWriter, tx, env) → MachStateManager overlay →
 * @ethereumjs/evm → overlay flushed into the StateWriter (consensus-invalid: TransactionRejectedError, nothing written).
 */
export { delegationCode, processAuthorizations } from "./authorizations.ts";
export type { CallTracer } from "./callTracer.ts";
export { createCallTracer } from "./callTracer.ts";
export { EXECUTION_ENGINES, type ExecutionConfig, type ExecutionEngine, executionConfigSchema } from "./config.ts";
export { failedDepositResult, rejectSystemDeposit } from "./deposit.ts";
export {
  applyDevStateEdit,
  DEV_STATE_EDITOR,
  type DevStateEdit,
  DevStateEditDecodeError,
  decodeDevStateEdit,
  devStateEditTransaction,
  encodeDevStateEdit,
  isDevStateEditTransaction,
  withDevStateEdits,
} from "./devStateEdits.ts";
export { createExecutionEngines, type ExecutionEngines, type ExecutionEnginesOptions } from "./engine.ts";
export type { EstimateGasOptions, GasSearch, GasTrial } from "./estimateGas.ts";
export {
  DEFAULT_RPC_GAS_CAP,
  ESTIMATE_GAS_ERROR_RATIO,
  estimateGas,
  executorTrial,
  GasEstimationError,
  revertedError,
  searchGasLimit,
} from "./estimateGas.ts";
export type { DetailedExecutionResult, EthereumJsExecutorOptions } from "./ethereumjsExecutor.ts";
export { createEthereumJsExecutor, EthereumJsExecutor } from "./ethereumjsExecutor.ts";
export { decodeRevertReason, gethErrorMessage } from "./evmErrors.ts";
export { ecotoneL1FeeFromState, L1_FEE_VAULT, type L1FeeRule } from "./l1Fee.ts";
export type { MachExecutorOptions } from "./machExecutor.ts";
export { createMachExecutor, MachExecutor } from "./machExecutor.ts";
export { MachStateManager } from "./stateAdapter.ts";
export * from "./tracing/index.ts";
export type { ExecutionFork, ExecutorOptions } from "./transactionPlan.ts";
export type * from "./types.ts";
export { createWitnessRecordingExecutor } from "./witnessRecording.ts";
