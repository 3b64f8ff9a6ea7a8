import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { MachStatus } from "../../src/api.ts";
import { LiveState } from "../../src/live/liveState.ts";
import { hashOf, head, miniBlock } from "./fixtures.ts";

const T0 = 1_700_000_000_000;

function status(miniBlockNumber: string | null, serverTimeMs = T0): MachStatus {
  return {
    version: 1,
    chainId: "0xdc30d",
    clientVersion: "Mach/test",
    serverTimeMs,
    head: {
      blockNumber: "0x1",
      blockHash: null,
      blockTimestamp: null,
      miniBlockNumber,
      safeBlockNumber: null,
      finalizedBlockNumber: null,
    },
    miniBlocks: { windowMs: 10_000, perSecond: 0, transactionsPerSecond: 0, gasPerSecond: 0 },
    latency: { windowMs: 60_000, count: 0, p50Ms: null, p90Ms: null, p99Ms: null, maxMs: null },
    pool: null,
    da: { byProvider: [], recent: [] },
    outputs: [],
    replicas: [],
    attestations: [],
    abis: {},
  };
}

describe("LiveState", () => {
  it("keeps the newest mini-blocks and transactions first, with their receipts' outcome", () => {
    const live = new LiveState({ miniBlocks: 2, transactions: 3 });
    live.onMiniBlock(miniBlock(10, 1, 0, T0, 2), 500, T0);
    live.onMiniBlock(miniBlock(11, 1, 1, T0 + 10, 0), 200, T0 + 10);
    live.onMiniBlock(miniBlock(12, 1, 2, T0 + 25, 2), 700, T0 + 25);
    assert.deepEqual(
      live.miniBlocks.map((m) => [m.number, m.transactions, m.bytes, m.intervalMs]),
      [
        [12, 2, 700, 15],
        [11, 0, 200, 10],
      ],
    );
    assert.deepEqual(
      live.transactions.map((tx) => [tx.hash, tx.miniBlockNumber, tx.success]),
      [
        [hashOf(1201), 12, true],
        [hashOf(1200), 12, true],
        [hashOf(1001), 10, true],
      ],
    );
    assert.equal(live.miniBlocksSeen, 3);
    assert.equal(live.transactionsSeen, 4);
    assert.deepEqual(live.intervals.quantiles([0.5, 1]), [10, 15]);
  });

  it("remembers which mini-block carried each transaction, forgetting the oldest beyond its bound", () => {
    const live = new LiveState({ rememberedTransactions: 3 });
    live.onMiniBlock(miniBlock(1, 1, 0, T0, 2), 1, T0);
    live.onMiniBlock(miniBlock(2, 1, 1, T0 + 10, 2), 1, T0);
    assert.equal(live.miniBlockOf(hashOf(201).toUpperCase().replace("0X", "0x")), 2);
    assert.equal(live.miniBlockOf(hashOf(100)), undefined);
    assert.equal(live.miniBlockOf(hashOf(101)), 1);
  });

  it("counts a block's transactions only when it saw all of its mini-blocks", () => {
    const live = new LiveState();
    live.onMiniBlock(miniBlock(5, 1, 3, T0, 1), 1, T0);
    live.onMiniBlock(miniBlock(6, 2, 0, T0 + 10, 2), 1, T0);
    live.onMiniBlock(miniBlock(7, 2, 1, T0 + 20, 3), 1, T0);
    live.onHead(head(1, 4, 2));
    live.onHead(head(2, 2, 6));
    live.onHead(head(3, 0, 8));
    assert.deepEqual(
      live.blocks.map((block) => [block.number, block.transactions]),
      [
        [3, 0],
        [2, 5],
        [1, null],
      ],
    );
  });

  it("starts over when the mini-block numbers go backwards (the devnet restarted)", () => {
    const live = new LiveState();
    live.onStatus(status("0x63"), T0);
    live.onMiniBlock(miniBlock(99, 9, 0, T0, 1), 1, T0);
    live.onHead(head(9, 1, 99));
    live.onMiniBlock(miniBlock(0, 1, 0, T0 + 5, 1), 1, T0 + 5);
    assert.equal(live.miniBlocksSeen, 1);
    assert.deepEqual(
      live.miniBlocks.map((m) => m.number),
      [0],
    );
    assert.deepEqual(live.blocks, []);
    assert.equal(live.status, undefined);
    assert.equal(live.miniBlockOf(hashOf(9900)), undefined);
  });

  it("takes the node's clock from the status and the newest mini-block from stream or status", () => {
    const live = new LiveState();
    assert.equal(live.headMiniBlockNumber, undefined);
    live.onStatus(status("0x10", T0 + 2000), T0);
    assert.equal(live.nodeNow(T0 + 100), T0 + 2100);
    assert.equal(live.headMiniBlockNumber, 16);
    live.onMiniBlock(miniBlock(17, 2, 0, T0, 0), 1, T0);
    assert.equal(live.headMiniBlockNumber, 17);
    const before = live.version;
    live.onStatus(status("0x11"), T0);
    assert.ok(live.version > before);
  });
});
