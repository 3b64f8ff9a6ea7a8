import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { LOG_EMITTER } from "./fakeBackend.ts";
import { type Harness, seedChain, startHarness } from "./harness.ts";

describe("rpc query limits", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      limits: { maxLogsBlockRange: 2, maxLogsResults: 1, maxFeeHistoryBlocks: 2, maxFeeHistoryPercentiles: 2 },
    });
    await seedChain(h);
  });
  after(() => h.close());

  it("answers an eth_getLogs range wider than maxLogsBlockRange with -32005", async () => {
    const answer = await h.call("eth_getLogs", [{ fromBlock: "0x0", toBlock: "0x2" }]);
    assert.deepEqual(answer.error, { code: -32005, message: "query exceeds max block range 2" });
    assert.equal((await h.result<unknown[]>("eth_getLogs", [{ fromBlock: "0x2", toBlock: "0x2" }])).length, 1);
  });

  it("answers more logs than maxLogsResults with -32005", async () => {
    const answer = await h.call("eth_getLogs", [{ fromBlock: "0x1", toBlock: "0x2", address: LOG_EMITTER }]);
    assert.deepEqual(answer.error, { code: -32005, message: "query returned more than 1 results" });
  });

  it("caps eth_feeHistory at maxFeeHistoryBlocks and limits percentile count", async () => {
    const history = await h.result<{ oldestBlock: string; gasUsedRatio: number[] }>("eth_feeHistory", [
      "0x64",
      "latest",
    ]);
    assert.equal(history.gasUsedRatio.length, 2);
    assert.equal(history.oldestBlock, "0x1");
    const many = await h.call("eth_feeHistory", ["0x1", "latest", [1, 2, 3]]);
    assert.equal(many.error?.code, -32602);
  });

  it("clamps a range past the head to the head", async () => {
    const logs = await h.result<unknown[]>("eth_getLogs", [{ fromBlock: "0x2", toBlock: "0x10" }]);
    assert.equal(logs.length, 1);
  });
});
