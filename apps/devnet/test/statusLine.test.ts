import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatStatusLine } from "../src/statusLine.ts";

describe("devnet status line", () => {
  const now = new Date("2026-12-05T01:02:03.456Z");

  it("shows height, transactions, mini-blocks, DA batches, safe and finalized", () => {
    const line = formatStatusLine(
      {
        head: { blockNumber: "0x2a", miniBlockNumber: "0x190", safeBlockNumber: "0x1e", finalizedBlockNumber: "0x14" },
        da: { byProvider: [{ provider: "eigenda", submitting: 1, confirmed: 2, recorded: 5, failed: 0 }] },
        outputs: [
          { l2BlockNumber: "0x14", status: "resolved" },
          { l2BlockNumber: "0x1e", status: "attested" },
          { l2BlockNumber: "0x28", status: "proposed" },
        ],
      },
      { number: "0x2a", transactions: ["0x01", "0x02", "0x03"], miniBlockCount: "0x9" },
      now,
      { miniBlockNumber: "0x18d" },
    );
    assert.equal(
      line,
      "01:02:03  L2 #42  3 txs  9 mini-blocks  DA 7 batches confirmed (5 on L1)  safe #30  attested #30  finalized #20  replica 3 mini-blocks behind",
    );
  });

  it("marks what the node does not report yet", () => {
    const line = formatStatusLine(
      { head: { blockNumber: "0x1", safeBlockNumber: null, finalizedBlockNumber: null }, da: { byProvider: [] } },
      { number: "0x1", transactions: [] },
      now,
    );
    assert.equal(
      line,
      "01:02:03  L2 #1  0 txs  - mini-blocks  DA 0 batches confirmed (0 on L1)  safe -  attested -  finalized -",
    );
  });
});
