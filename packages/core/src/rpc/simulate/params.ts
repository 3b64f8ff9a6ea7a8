/**
 * eth_simulateV1's first parameter as a zod schema (geth's `simOpts`). Every object is strict: a field Mach does not
 * simulate (`movePrecompileToAddress`, `blobBaseFee`, `beaconRoot`, `withdrawals`, `blobVersionedHashes` or
 * `authorizationList` of a call) is refused with -32602 naming it, never ignored.
 */
import { z } from "zod";
import type { BlockOverrides, StateOverride } from "../backend.ts";
import {
  blockOverrides,
  type CallRequest,
  callRequestFields,
  checkCallRequest,
  stateOverride,
  uint256,
} from "../params.ts";

/**
 * A call of a simulated block: eth_call's transaction object, strict. `maxFeePerBlobGas` is taken as geth takes it
 * from a call without blobs: it has no effect (a call with `blobVersionedHashes` is refused).
 */
const simulatedCall = z
  .strictObject({ ...callRequestFields, maxFeePerBlobGas: uint256.optional() })
  .superRefine(checkCallRequest)
  .transform(({ maxFeePerBlobGas: _, ...call }): CallRequest => call);

const blockStateCall = z.strictObject({
  blockOverrides: blockOverrides.optional(),
  stateOverrides: stateOverride.optional(),
  calls: z.array(simulatedCall).optional(),
});

export const simulateOptions = z
  .strictObject({
    blockStateCalls: z.array(blockStateCall),
    traceTransfers: z.boolean().optional(),
    validation: z.boolean().optional(),
    returnFullTransactions: z.boolean().optional(),
  })
  .transform(
    (value): SimulateOptions => ({
      blockStateCalls: value.blockStateCalls.map((block) => ({
        ...(block.blockOverrides ? { blockOverrides: block.blockOverrides } : {}),
        ...(block.stateOverrides ? { stateOverrides: block.stateOverrides } : {}),
        calls: block.calls ?? [],
      })),
      traceTransfers: value.traceTransfers ?? false,
      validation: value.validation ?? false,
      returnFullTransactions: value.returnFullTransactions ?? false,
    }),
  );

/** One requested block: its overrides and calls, in order. */
export interface BlockStateCall {
  readonly blockOverrides?: BlockOverrides;
  readonly stateOverrides?: StateOverride;
  readonly calls: readonly CallRequest[];
}

export interface SimulateOptions {
  readonly blockStateCalls: readonly BlockStateCall[];
  readonly traceTransfers: boolean;
  readonly validation: boolean;
  readonly returnFullTransactions: boolean;
}
