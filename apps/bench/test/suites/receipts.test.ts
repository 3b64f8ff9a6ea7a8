import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkReceipts, LastPerSender, pollReceipts } from "../../src/suites/receipts.ts";
import { type HttpRpcClient, type RpcCall, RpcError } from "../../src/targets/rpcClient.ts";
import type { WorkloadTx } from "../../src/workloads/transactions.ts";

interface FakeReceipt {
  readonly status: string;
  readonly blockNumber: number;
}

/**
 * A node in memory: `receipts` by hash; `visibleAfterPolls` hides a receipt until that many receipt batches were
 * asked; `blockReceipts: false` answers eth_getBlockReceipts with "method not found" as a node without it would.
 */
function fakeNode(
  receipts: Record<string, FakeReceipt>,
  options: { visibleAfterPolls?: Record<string, number>; blockReceipts?: boolean } = {},
) {
  const asked: RpcCall[] = [];
  let receiptBatches = 0;
  const receipt = (hash: string) => {
    const entry = receipts[hash];
    const hiddenFor = options.visibleAfterPolls?.[hash];
    if (entry === undefined || (hiddenFor !== undefined && receiptBatches <= hiddenFor)) return null;
    return { transactionHash: hash, status: entry.status, blockNumber: `0x${entry.blockNumber.toString(16)}` };
  };
  const client: HttpRpcClient = {
    async call() {
      throw new Error("not used");
    },
    async batch(calls) {
      asked.push(...calls);
      if (calls.some((c) => c.method === "eth_getTransactionReceipt")) receiptBatches++;
      return calls.map((c) => {
        if (c.method === "eth_getTransactionReceipt") return receipt(c.params[0] as string);
        if (options.blockReceipts === false) return new RpcError(-32601, `the method ${c.method} does not exist`);
        const number = Number(c.params[0]);
        return Object.keys(receipts)
          .filter((hash) => receipts[hash]?.blockNumber === number)
          .map((hash) => receipt(hash));
      });
    },
    close() {},
  };
  return { client, asked };
}

const entry = (sender: number, nonce: bigint) => ({ sender, tx: { nonce } }) as unknown as WorkloadTx;

describe("LastPerSender", () => {
  it("keeps each sender's highest-nonce transaction, whatever order they are accepted in", () => {
    const last = new LastPerSender();
    last.accepted(entry(1, 0n), "a");
    last.accepted(entry(1, 2n), "c");
    last.accepted(entry(2, 0n), "x");
    last.accepted(entry(1, 1n), "b");
    assert.deepEqual(last.hashes().sort(), ["c", "x"]);
  });
});

describe("pollReceipts", () => {
  it("polls until every hash has a receipt and reports the highest block among them", async () => {
    const { client, asked } = fakeNode(
      { a: { status: "0x1", blockNumber: 3 }, b: { status: "0x1", blockNumber: 5 } },
      { visibleAfterPolls: { b: 2 } },
    );
    const poll = await pollReceipts(client, ["a", "b"], 5_000, 1);
    assert.deepEqual(poll.missing, []);
    assert.equal(poll.lastBlock, 5);
    // a is found in the first round and never asked again; b is asked until it appears (round 3).
    assert.deepEqual(
      asked.map((c) => c.params[0]),
      ["a", "b", "b", "b"],
    );
  });

  it("gives up at the deadline with what is still missing", async () => {
    const { client } = fakeNode({ a: { status: "0x1", blockNumber: 1 } });
    const poll = await pollReceipts(client, ["a", "gone"], 30, 5);
    assert.deepEqual(poll.missing, ["gone"]);
  });
});

describe("checkReceipts", () => {
  const receipts = {
    a: { status: "0x1", blockNumber: 1 },
    b: { status: "0x0", blockNumber: 1 },
    c: { status: "0x1", blockNumber: 2 },
  };

  it("reads whole blocks with eth_getBlockReceipts and counts failed receipts", async () => {
    const { client, asked } = fakeNode(receipts);
    assert.deepEqual(await checkReceipts(client, ["a", "b", "c"], 1, 2), { failed: 1, missing: 0 });
    assert.ok(asked.every((c) => c.method === "eth_getBlockReceipts"));
  });

  it("falls back to one lookup per transaction on a node without eth_getBlockReceipts", async () => {
    const { client, asked } = fakeNode(receipts, { blockReceipts: false });
    assert.deepEqual(await checkReceipts(client, ["a", "b", "c"], 1, 2), { failed: 1, missing: 0 });
    assert.equal(asked.filter((c) => c.method === "eth_getTransactionReceipt").length, 3);
  });

  it("looks up one by one what the blocks did not hold, and counts what never appears as missing", async () => {
    const { client } = fakeNode({ ...receipts, late: { status: "0x1", blockNumber: 9 } });
    assert.deepEqual(await checkReceipts(client, ["a", "b", "c", "late", "gone"], 1, 2, 20), {
      failed: 1,
      missing: 1,
    });
  });
});
