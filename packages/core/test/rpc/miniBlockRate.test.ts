import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { MiniBlock } from "../../src/chain/miniBlock.ts";
import { MiniBlockRateMeter } from "../../src/rpc/miniBlockRate.ts";

const miniBlock = (txs: number, gasUsed: bigint) =>
  ({ transactions: Array.from({ length: txs }), gasUsed }) as unknown as MiniBlock;

describe("MiniBlockRateMeter", () => {
  it("divides by the time it has run until a whole window has passed", () => {
    let now = 1_000_000;
    const meter = new MiniBlockRateMeter({ windowMs: 10_000, now: () => now });
    now += 2000;
    meter.onMiniBlock(miniBlock(3, 63_000n));
    meter.onMiniBlock(miniBlock(1, 21_000n));
    assert.deepEqual(meter.rates(), {
      windowMs: 10_000,
      miniBlocksPerSecond: 1,
      transactionsPerSecond: 2,
      gasPerSecond: 42_000,
    });
  });

  it("leaves out mini-blocks older than the window", () => {
    let now = 0;
    const meter = new MiniBlockRateMeter({ windowMs: 1000, now: () => now });
    meter.onMiniBlock(miniBlock(10, 210_000n));
    now = 500;
    meter.onMiniBlock(miniBlock(1, 21_000n));
    now = 1200;
    assert.deepEqual(meter.rates(), {
      windowMs: 1000,
      miniBlocksPerSecond: 1,
      transactionsPerSecond: 1,
      gasPerSecond: 21_000,
    });
    now = 5000;
    assert.equal(meter.rates().miniBlocksPerSecond, 0);
  });

  it("overwrites the oldest entries when more mini-blocks arrive than it keeps", () => {
    let now = 0;
    const meter = new MiniBlockRateMeter({ windowMs: 1000, maxEntries: 4, now: () => now });
    for (let i = 0; i < 10; i++) meter.onMiniBlock(miniBlock(1, 1n));
    now = 1000;
    assert.equal(meter.rates().miniBlocksPerSecond, 0);
    now = 999;
    assert.equal(meter.rates().transactionsPerSecond, 4 / 0.999);
  });
});
