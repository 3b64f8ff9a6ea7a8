/**
 * The blocks eth_simulateV1 builds, laid out before anything runs (geth's `sanitizeChain`): each request block gets
 * a number and a timestamp (its parent's + 1 and + 12 s unless overridden), both strictly increasing, and a gap in
 * the numbers is filled with empty blocks 12 s apart. Pure; throws the RpcError geth answers.
 */
import type { BlockOverrides, StateOverride } from "../backend.ts";
import { invalidParams, RpcError, RpcErrorCode } from "../errors.ts";
import type { CallRequest } from "../params.ts";
import type { BlockStateCall } from "./params.ts";

/** geth's bounds on one request. */
export const MAX_SIMULATE_BLOCKS = 256;
export const MAX_SIMULATE_CALLS_PER_BLOCK = 5000;
export const MAX_SIMULATE_TOTAL_CALLS = 10_000;
/** Seconds between a simulated block and its parent when the request gives no time. */
export const SIMULATE_TIMESTAMP_INCREMENT = 12n;

/** A block to simulate: its place and the request's overrides and calls. */
export interface PlannedBlock {
  readonly number: bigint;
  readonly timestamp: bigint;
  readonly blockOverrides: BlockOverrides;
  readonly stateOverrides?: StateOverride;
  readonly calls: readonly CallRequest[];
}

const clientLimitExceeded = (message: string) => new RpcError(RpcErrorCode.simulateClientLimitExceeded, message);

/** The request's size bounds, checked before the base block is even resolved (geth's order). */
export function checkSimulateLimits(blocks: readonly BlockStateCall[]): void {
  if (blocks.length === 0) throw invalidParams("empty input");
  if (blocks.length > MAX_SIMULATE_BLOCKS) throw clientLimitExceeded("too many blocks");
  let total = 0;
  for (const block of blocks) {
    if (block.calls.length > MAX_SIMULATE_CALLS_PER_BLOCK) {
      throw clientLimitExceeded(`too many calls in block: ${block.calls.length} > ${MAX_SIMULATE_CALLS_PER_BLOCK}`);
    }
    total += block.calls.length;
    if (total > MAX_SIMULATE_TOTAL_CALLS) {
      throw clientLimitExceeded(`too many calls: ${total} > ${MAX_SIMULATE_TOTAL_CALLS}`);
    }
  }
}

/** Numbers and timestamps for every block after `base`, gaps filled. */
export function planSimulatedBlocks(
  base: { readonly number: bigint; readonly timestamp: bigint },
  blocks: readonly BlockStateCall[],
): PlannedBlock[] {
  const planned: PlannedBlock[] = [];
  let previousNumber = base.number;
  let previousTimestamp = base.timestamp;
  for (const block of blocks) {
    const overrides = block.blockOverrides ?? {};
    const number = overrides.number ?? previousNumber + 1n;
    if (number <= previousNumber) {
      throw new RpcError(
        RpcErrorCode.simulateBlockNumberInvalid,
        `block numbers must be in order: ${number} <= ${previousNumber}`,
      );
    }
    if (number - base.number > BigInt(MAX_SIMULATE_BLOCKS)) throw clientLimitExceeded("too many blocks");
    for (let gap = previousNumber + 1n; gap < number; gap++) {
      previousTimestamp += SIMULATE_TIMESTAMP_INCREMENT;
      planned.push({ number: gap, timestamp: previousTimestamp, blockOverrides: {}, calls: [] });
    }
    previousNumber = number;
    let timestamp = previousTimestamp + SIMULATE_TIMESTAMP_INCREMENT;
    if (overrides.time !== undefined) {
      timestamp = overrides.time;
      if (timestamp <= previousTimestamp) {
        throw new RpcError(
          RpcErrorCode.simulateBlockTimestampInvalid,
          `block timestamps must be in order: ${timestamp} <= ${previousTimestamp}`,
        );
      }
    }
    previousTimestamp = timestamp;
    planned.push({
      number,
      timestamp,
      blockOverrides: overrides,
      ...(block.stateOverrides ? { stateOverrides: block.stateOverrides } : {}),
      calls: block.calls,
    });
  }
  return planned;
}
