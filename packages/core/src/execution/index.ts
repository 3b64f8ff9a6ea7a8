/**
 * execution/: the `Executor` port and its @ethereumjs/evm implementation over Mach state.
 *
 *   types.ts               Executor, BlockEnv, ExecutionResult, CallMessage, CallFrame (the port)
 *   ethereumjsExecutor.ts  createEthereumJsExecutor: validation, gas purchase, warm sets, EIP-7702, evm.runCall,
 *                          refunds, fees, EIP-161/6780 clean-up, OP deposits, L1-fee hook; call; traceTransaction
 *   stateAdapter.ts        MachStateManager: @ethereumjs's StateManagerInterface over a StateWriter, flat overlay +
 *                          undo journal, flushed once per transaction
 *   authorizations.ts      EIP-7702 authorization list processing (delegation designators, nonce bumps, refunds)
 *   estimateGas.ts         eth_estimateGas: geth's binary search with the optimistic 64/63 attempt
 *   callTracer.ts          debug_traceTransaction's callTracer frames from EVM message events
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
export {
  createEthereumJsExecutor,
  EthereumJsExecutor,
  L1_FEE_VAULT,
} from "./ethereumjsExecutor.ts";
export { decodeRevertReason, gethErrorMessage } from "./evmErrors.ts";
export { MachStateManager } from "./stateAdapter.ts";
export type * from "./types.ts";
export { createWitnessRecordingExecutor } from "./witnessRecording.ts";
