/**
 * eth_simulateV1 (execution-apis; geth's `internal/ethapi/simulate.go`): calls run in simulated blocks on top of a
 * block's state, with state and block overrides per block, every block seeing what the earlier ones wrote.
 *
 *   params.ts  the request schema (strict: fields Mach does not simulate are refused with -32602)
 *   plan.ts    limits, then numbers and timestamps of every block (gaps filled), geth's -38020/-38021/-38026
 *   run.ts     the simulation over an overlay (`runSimulation`): calls, validation, gas budget, sealed blocks
 *   format.ts  the JSON answer: block objects with their `calls`
 *
 * Flow: `methods/simulate.ts` parses and plans on the main thread, the backend runs `runSimulation` where reads run
 * (a read worker: `reads/protocol.ts`'s `simulate` operation), the method formats the blocks.
 */
export { formatSimulatedBlock } from "./format.ts";
export { type BlockStateCall, type SimulateOptions, simulateOptions } from "./params.ts";
export {
  checkSimulateLimits,
  MAX_SIMULATE_BLOCKS,
  MAX_SIMULATE_CALLS_PER_BLOCK,
  MAX_SIMULATE_TOTAL_CALLS,
  type PlannedBlock,
  planSimulatedBlocks,
  SIMULATE_TIMESTAMP_INCREMENT,
} from "./plan.ts";
export {
  type BaseFeeRule,
  runSimulation,
  type SimulatedBlock,
  type SimulatedCall,
  type SimulatedCallError,
  type SimulationBase,
  type SimulationExecutor,
  type SimulationInput,
} from "./run.ts";
