/**
 * The running sequencer's sequencing-window watch: it passes the follower's L1 origins through, checks on its
 * interval, and stops the sequencer (the listener's `fatal`) with `SequencingWindowPassedError` once, when the check
 * finds blocks derivation replaces; a failing check is retried, and stop ends the checks.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { NO_L1_EPOCH } from "../../src/chain/blockStart.ts";
import { watchSequencingWindow } from "../../src/node/windowWatch.ts";
import { withoutL1 } from "../../src/sequencer/l1Origins.ts";
import type { L1Origins } from "../../src/sequencer/ports.ts";
import { silentLogger } from "../../src/telemetry.ts";

function recordingOrigins(): { origins: L1Origins; calls: string[] } {
  const calls: string[] = [];
  const inner = withoutL1();
  return {
    calls,
    origins: {
      l1StartBlock: inner.l1StartBlock,
      nextEpoch: (parent) => {
        calls.push("nextEpoch");
        return inner.nextEpoch(parent);
      },
      catchUp: (parent) => {
        calls.push("catchUp");
        return inner.catchUp(parent);
      },
      followed: () => calls.push("followed"),
      start: () => calls.push("start"),
      stop: async () => {
        calls.push("stop");
      },
    },
  };
}

/** Resolves once `predicate` holds, polling every few ms (a hang guard of 5 s, not a timing assertion). */
async function until(predicate: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error("condition not reached");
    await sleep(2);
  }
}

describe("watchSequencingWindow", () => {
  it("passes the follower's L1 origins through", async () => {
    const { origins, calls } = recordingOrigins();
    const watched = watchSequencingWindow({
      origins,
      check: async () => undefined,
      intervalMs: 60_000,
      logger: silentLogger,
    });
    assert.equal(watched.nextEpoch(undefined), NO_L1_EPOCH);
    assert.equal(watched.catchUp(undefined), undefined);
    watched.followed(undefined);
    watched.start({ epochReady() {}, fatal() {} });
    await watched.stop();
    assert.deepEqual(calls, ["nextEpoch", "catchUp", "followed", "start", "stop"]);
  });

  it("stops the sequencer once with SequencingWindowPassedError when the check finds replaced blocks", async () => {
    const { origins } = recordingOrigins();
    let checks = 0;
    const fatal: Error[] = [];
    const watched = watchSequencingWindow({
      origins,
      check: async () => {
        checks++;
        if (checks === 1) throw new Error("L1 unreachable");
        return checks < 3 ? undefined : { epoch: 7n, keptBlock: 40n, head: 52n };
      },
      intervalMs: 1,
      logger: silentLogger,
    });
    watched.start({ epochReady() {}, fatal: (error) => fatal.push(error) });
    await until(() => fatal.length > 0);
    await sleep(20);
    await watched.stop();
    assert.equal(fatal.length, 1);
    assert.equal(fatal[0]?.name, "SequencingWindowPassedError");
    assert.match(fatal[0]?.message ?? "", /L1 epoch 7 passed its sequencing window/);
    assert.match(String((fatal[0] as { details?: string }).details), /up to block 40 \(head 52\)/);
    assert.equal(checks, 3, "no check after the stop it asked for");
  });

  it("checks nothing after stop", async () => {
    const { origins } = recordingOrigins();
    let checks = 0;
    const watched = watchSequencingWindow({
      origins,
      check: async () => {
        checks++;
        return undefined;
      },
      intervalMs: 1,
      logger: silentLogger,
    });
    watched.start({ epochReady() {}, fatal() {} });
    await until(() => checks >= 2);
    await watched.stop();
    const stoppedAt = checks;
    await sleep(20);
    assert.equal(checks, stoppedAt);
  });
});
