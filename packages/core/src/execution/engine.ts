/**
 * The executor a node runs, by config, and the one it traces with: Mach's own EVM when configured, the @ethereumjs
 * engine for traces until Mach's interpreter feeds the tracing port itself (both engines agree on every state test
 * and on the differential fuzz, so a trace replays what the block did). A dev chain's roles (`devStateEdits`) get
 * both wrapped by `withDevStateEdits`, so every role that re-executes or traces its blocks applies their dev state
 * edits as its sequencer did.
 */
import type { ExecutionConfig } from "./config.ts";
import { withDevStateEdits } from "./devStateEdits.ts";
import { createEthereumJsExecutor } from "./ethereumjsExecutor.ts";
import { createMachExecutor } from "./machExecutor.ts";
import type { ExecutorOptions } from "./transactionPlan.ts";
import type { Executor } from "./types.ts";

export interface ExecutionEngines {
  readonly executor: Executor;
  /** An executor that implements `trace` (the configured one when it does). */
  readonly tracing: Executor;
}

export interface ExecutionEnginesOptions extends ExecutorOptions {
  /** A dev chain's: blocks carry dev state edits (system deposits from `DEV_STATE_EDITOR`) to apply. */
  readonly devStateEdits?: boolean;
}

export async function createExecutionEngines(
  config: ExecutionConfig,
  parameters: ExecutionEnginesOptions,
): Promise<ExecutionEngines> {
  const { devStateEdits = false, ...options } = parameters;
  const engines = await createEngines(config, options);
  if (!devStateEdits) return engines;
  const executor = withDevStateEdits(engines.executor);
  return { executor, tracing: engines.tracing === engines.executor ? executor : withDevStateEdits(engines.tracing) };
}

async function createEngines(config: ExecutionConfig, options: ExecutorOptions): Promise<ExecutionEngines> {
  if (config.engine === "ethereumjs") {
    const executor = await createEthereumJsExecutor(options);
    return { executor, tracing: executor };
  }
  const executor: Executor = createMachExecutor(options);
  return { executor, tracing: executor.trace ? executor : await createEthereumJsExecutor(options) };
}
