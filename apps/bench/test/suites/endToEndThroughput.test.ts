import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { splitBySender } from "../../src/suites/endToEndThroughput.ts";
import type { WorkloadTx } from "../../src/workloads/transactions.ts";

describe("splitBySender", () => {
  it("puts each sender in one stream and keeps its transactions in order", () => {
    const senders = [0, 1, 2, 3, 0, 1, 5, 0];
    const txs = senders.map((sender) => ({ sender }) as WorkloadTx);
    const raw = senders.map((_, i) => Uint8Array.of(i));
    const streams = splitBySender(txs, raw, 2);
    assert.deepEqual(
      streams.map((s) => s.map((b) => b[0])),
      [
        [0, 2, 4, 7],
        [1, 3, 5, 6],
      ],
    );
  });

  it("drops empty streams", () => {
    const txs = [{ sender: 4 }, { sender: 8 }] as WorkloadTx[];
    assert.equal(splitBySender(txs, [Uint8Array.of(1), Uint8Array.of(2)], 4).length, 1);
  });
});
