/**
 * @mach/core: protocol types, state, execution, tx pool, sequencer, RPC and the ports (DA, settlement).
 * Layers, lowest first: chain → state → state/store → execution → txpool → sequencer → rpc → node.
 */

export * from "./chain/index.ts";
export * from "./chain/types.ts";
export * from "./da/index.ts";
export * from "./da/types.ts";
export type { MachErrorOptions, TransactionRejectionReason } from "./errors.ts";
export { ExecutionRevertedError, MachError, TransactionRejectedError } from "./errors.ts";
export * from "./execution/index.ts";
export * from "./execution/types.ts";
export * from "./node/index.ts";
export * from "./rpc/index.ts";
export * from "./sequencer/index.ts";
export * from "./state/index.ts";
export * from "./state/store/index.ts";
export * from "./state/types.ts";
export * from "./txpool/index.ts";
