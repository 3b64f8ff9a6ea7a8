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
  it("counts refusals, skipped sends and stopped senders in the phase they came in", async () => {
    const outcome = createSendOutcome();
    outcome.startPhase("half peak", 3);
    outcome.track(1, Promise.resolve("0xaa"));
    outcome.track(2, Promise.resolve("0xbb"));
    outcome.track(3, Promise.resolve("0xcc"));
    await outcome.settled();
    outcome.startPhase("peak", 4);
    outcome.track(1, Promise.reject(new Error("txpool is full")));
    outcome.track(2, Promise.reject(new Error("nonce too low")));
    await outcome.settled();
    assert.equal(outcome.mayStillSend(1), false);
    assert.equal(outcome.mayStillSend(3), true);
    outcome.closePhase();
    outcome.closePhase(); // nothing under way: nothing more
    assert.deepEqual(outcome.phases(), [
      { name: "half peak", sent: 3, rejected: 0, skipped: 0, stoppedSenders: 0 },
      { name: "peak", sent: 4, rejected: 2, skipped: 1, stoppedSenders: 2, firstError: "txpool is full" },
    ]);
  });
});
