/**
 * The two engines behind the `Executor` port, for tests that check executor behaviour on both: @ethereumjs/evm
 * (the reference) and Mach's own interpreter.
 */
import { createEthereumJsExecutor, type EthereumJsExecutor } from "../../src/execution/ethereumjsExecutor.ts";
import { createMachExecutor, type MachExecutor } from "../../src/execution/machExecutor.ts";
import type { ExecutorOptions } from "../../src/execution/transactionPlan.ts";

export type EngineExecutor = EthereumJsExecutor | MachExecutor;

export interface Engine {
  readonly name: "ethereumjs" | "mach";
  create(options: ExecutorOptions): Promise<EngineExecutor>;
}

export const ENGINES: readonly Engine[] = [
  { name: "ethereumjs", create: (options) => createEthereumJsExecutor(options) },
  { name: "mach", create: async (options) => createMachExecutor(options) },
];
