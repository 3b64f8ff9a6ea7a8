import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createSendOutcome } from "../../src/suites/daSends.ts";

describe("DA sustained load: send outcomes", () => {
  it("stops a sender once a send of its was refused, counting what it skips; others go on", async () => {
    const outcome = createSendOutcome();
    outcome.track(1, Promise.resolve("0xaa"));
    outcome.track(2, Promise.reject(new Error("txpool is full")));
    outcome.track(2, Promise.reject(new Error("nonce too high")));
    await outcome.settled();
    assert.equal(outcome.accepted, 1);
    assert.equal(outcome.rejected, 2);
    assert.equal(outcome.firstError, "txpool is full");
    assert.equal(outcome.mayStillSend(1), true);
    assert.equal(outcome.mayStillSend(2), false);
    assert.equal(outcome.mayStillSend(2), false);
    assert.equal(outcome.skipped, 2);
    assert.equal(outcome.stoppedSenders(), 1);
  });
});
