import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RpcError } from "../../../src/rpc/errors.ts";
import {
  checkSimulateLimits,
  MAX_SIMULATE_BLOCKS,
  MAX_SIMULATE_CALLS_PER_BLOCK,
  planSimulatedBlocks,
} from "../../../src/rpc/simulate/plan.ts";

const BASE = { number: 100n, timestamp: 1_000n };
const rpcError = (code: number, message: string) => (error: unknown) =>
  error instanceof RpcError && error.code === code && error.shortMessage === message;

describe("planSimulatedBlocks", () => {
  it("numbers blocks after the base 12 s apart unless the request sets them", () => {
    const planned = planSimulatedBlocks(BASE, [
      { calls: [] },
      { blockOverrides: { time: 1_100n }, calls: [] },
      { calls: [] },
    ]);
    assert.deepEqual(
      planned.map((block) => [block.number, block.timestamp]),
      [
        [101n, 1_012n],
        [102n, 1_100n],
        [103n, 1_112n],
      ],
    );
  });

  it("fills a gap in the numbers with empty blocks, each 12 s after the one before", () => {
    const planned = planSimulatedBlocks(BASE, [{ blockOverrides: { number: 104n }, calls: [] }]);
    assert.deepEqual(
      planned.map((block) => [block.number, block.timestamp, block.calls.length]),
      [
        [101n, 1_012n, 0],
        [102n, 1_024n, 0],
        [103n, 1_036n, 0],
        [104n, 1_048n, 0],
      ],
    );
  });

  it("refuses numbers or times that do not increase, and more blocks past the base than geth simulates", () => {
    assert.throws(
      () => planSimulatedBlocks(BASE, [{ blockOverrides: { number: 100n }, calls: [] }]),
      rpcError(-38020, "block numbers must be in order: 100 <= 100"),
    );
    assert.throws(
      () => planSimulatedBlocks(BASE, [{ calls: [] }, { blockOverrides: { time: 1_012n }, calls: [] }]),
      rpcError(-38021, "block timestamps must be in order: 1012 <= 1012"),
    );
    assert.throws(
      () => planSimulatedBlocks(BASE, [{ blockOverrides: { number: 101n + BigInt(MAX_SIMULATE_BLOCKS) }, calls: [] }]),
      rpcError(-38026, "too many blocks"),
    );
  });
});

describe("checkSimulateLimits", () => {
  it("refuses an empty request and too many blocks or calls before anything runs", () => {
    assert.throws(() => checkSimulateLimits([]), rpcError(-32602, "empty input"));
    assert.throws(
      () => checkSimulateLimits(Array.from({ length: MAX_SIMULATE_BLOCKS + 1 }, () => ({ calls: [] }))),
      rpcError(-38026, "too many blocks"),
    );
    const calls = Array.from({ length: MAX_SIMULATE_CALLS_PER_BLOCK + 1 }, () => ({}));
    assert.throws(
      () => checkSimulateLimits([{ calls }]),
      rpcError(
        -38026,
        `too many calls in block: ${MAX_SIMULATE_CALLS_PER_BLOCK + 1} > ${MAX_SIMULATE_CALLS_PER_BLOCK}`,
      ),
    );
    const half = Array.from({ length: MAX_SIMULATE_CALLS_PER_BLOCK }, () => ({}));
    assert.throws(
      () => checkSimulateLimits([{ calls: half }, { calls: half }, { calls: [{}] }]),
      rpcError(-38026, `too many calls: 10001 > 10000`),
    );
  });
});
