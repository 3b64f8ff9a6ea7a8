/**
 * The contract between node and page: the node's `mach_status` renderer (`@mach/core`) must produce what the page
 * reads (`MachStatus`). `tsc` checks the types (the assignment in `asPageStatus`); the test checks a real server's
 * answer over HTTP folds into the page's live state.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { BatchTally, type MachStatusResult, type RpcBackend, type RpcServer, startRpcServer } from "@mach/core/rpc";
import type { MachStatus } from "../src/api.ts";
import { LiveState } from "../src/live/liveState.ts";

/** Compile-time: the node's result is assignable to the page's type. */
const asPageStatus = (status: MachStatusResult): MachStatus => status;

/** The few reads `mach_status` makes of a backend; nothing else is called. */
const backend = {
  chainId: 901901n,
  clientVersion: "Mach/test",
  headBlockNumber: () => 7n,
  getBlockByNumber: () => undefined,
  latestMiniBlock: () => undefined,
  blockNumberForTag: (tag: "safe" | "finalized") => (tag === "safe" ? 5n : undefined),
  subscribe: () => () => {},
  onChainEvents: () => () => {},
} as unknown as RpcBackend;

describe("mach_status between node and page", () => {
  let server: RpcServer;
  before(async () => {
    const batches = new BatchTally();
    batches.update({
      firstBlock: 1n,
      lastBlock: 4n,
      provider: "memory",
      status: "confirmed",
      txCount: 3,
      encodedBytes: 420,
      frameCount: 1,
      submittedAt: 1,
      confirmedAt: 2,
    });
    server = await startRpcServer({
      backend,
      status: { pool: () => ({ pending: 2, queued: 1 }), daBatches: () => batches.snapshot() },
    });
  });
  after(() => server.close());

  it("answers a status the page's live state reads", async () => {
    const response = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "mach_status", params: [] }),
    });
    const { result } = (await response.json()) as { result: MachStatusResult };
    const live = new LiveState();
    live.onStatus(asPageStatus(result), Date.now());
    assert.equal(live.status?.head.blockNumber, "0x7");
    assert.equal(live.status?.head.safeBlockNumber, "0x5");
    assert.deepEqual(live.status?.pool, { pending: 2, queued: 1 });
    assert.deepEqual(live.status?.da.byProvider, [
      { provider: "memory", submitting: 0, confirmed: 1, recorded: 0, failed: 0 },
    ]);
    assert.equal(live.status?.da.recent[0]?.toBlock, "0x4");
    assert.deepEqual([live.status?.outputs, live.status?.replicas, live.status?.attestations], [[], [], []]);
  });
});
