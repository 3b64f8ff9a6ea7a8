/**
 * Execution configuration: which engine runs transactions. `mach` is Mach's own synchronous interpreter
 * (`execution/evm/`); `ethereumjs` is @ethereumjs/evm, the reference engine both are tested against (the common state
 * tests and a differential fuzz run through both).
 */
import { z } from "zod";

export const EXECUTION_ENGINES = ["mach", "ethereumjs"] as const;
export type ExecutionEngine = (typeof EXECUTION_ENGINES)[number];

export const executionConfigSchema = z.object({ engine: z.enum(EXECUTION_ENGINES).default("mach") }).strict();
export type ExecutionConfig = z.output<typeof executionConfigSchema>;
