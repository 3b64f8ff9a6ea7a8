import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { MiniBlock } from "../../src/chain/miniBlock.ts";
import type { Hash } from "../../src/chain/types.ts";
import { nearestRank, SendLatencyRecorder } from "../../src/rpc/sendLatency.ts";

const hashOf = (i: number): Hash => `0x${i.toString(16).padStart(64, "0")}`;
/** A mini-block carrying transactions with these hashes (the recorder reads nothing else). */
const miniBlockWith = (hashes: readonly Hash[]) =>
  ({ transactions: hashes.map((hash) => ({ hash })) }) as unknown as MiniBlock;

function clock() {
  let nowMs = 0;
  return { now: () => nowMs, advance: (ms: number) => (nowMs += ms) };
}

describe("SendLatencyRecorder", () => {
  it("measures from the send to the mini-block carrying the transaction", () => {
    const time = clock();
    const recorder = new SendLatencyRecorder({ now: time.now });
    recorder.submitted(hashOf(1), recorder.now());
    time.advance(4);
    recorder.submitted(hashOf(2), recorder.now());
    time.advance(6);
    recorder.onMiniBlock(miniBlockWith([hashOf(1), hashOf(2), hashOf(3)]));
    const summary = recorder.summary();
    assert.equal(summary.count, 2);
    assert.equal(summary.p50Ms, 6);
    assert.equal(summary.maxMs, 10);
    assert.equal(recorder.tracked, 0);
  });

  it("answers nulls before any sample and after the window passed", () => {
    const time = clock();
    const recorder = new SendLatencyRecorder({ now: time.now, windowMs: 1000 });
    assert.deepEqual(recorder.summary(), {
      windowMs: 1000,
      count: 0,
      p50Ms: null,
      p90Ms: null,
      p99Ms: null,
      maxMs: null,
    });
    recorder.submitted(hashOf(1), recorder.now());
    time.advance(3);
    recorder.onMiniBlock(miniBlockWith([hashOf(1)]));
    assert.equal(recorder.summary().count, 1);
    time.advance(1001);
    assert.equal(recorder.summary().count, 0);
  });

  it("forgets the oldest waiting sends beyond maxTracked and keeps only maxSamples samples", () => {
    const time = clock();
    const recorder = new SendLatencyRecorder({ now: time.now, maxTracked: 2, maxSamples: 3 });
    for (let i = 0; i < 3; i++) recorder.submitted(hashOf(i), recorder.now());
    assert.equal(recorder.tracked, 2);
    time.advance(1);
    recorder.onMiniBlock(miniBlockWith([hashOf(0), hashOf(1), hashOf(2)]));
    assert.equal(recorder.summary().count, 2);
    for (let i = 10; i < 15; i++) {
      recorder.submitted(hashOf(i), recorder.now());
      time.advance(1);
      recorder.onMiniBlock(miniBlockWith([hashOf(i)]));
    }
    assert.equal(recorder.summary().count, 3);
  });

  it("keeps the first send time of a transaction sent twice", () => {
    const time = clock();
    const recorder = new SendLatencyRecorder({ now: time.now });
    recorder.submitted(hashOf(1), recorder.now());
    time.advance(5);
    recorder.submitted(hashOf(1), recorder.now());
    time.advance(5);
    recorder.onMiniBlock(miniBlockWith([hashOf(1)]));
    assert.equal(recorder.summary().maxMs, 10);
  });
});

describe("nearestRank", () => {
  it("returns a sample with at least q of the samples at or below it and fewer than q strictly below", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0.001, max: 1, noNaN: true }),
        (values, q) => {
          const sorted = Float64Array.from(values).sort();
          const value = nearestRank(sorted, q);
          assert.ok(sorted.includes(value));
          const atOrBelow = sorted.filter((v) => v <= value).length;
          const below = sorted.filter((v) => v < value).length;
          assert.ok(atOrBelow >= q * sorted.length - 1e-9);
          assert.ok(below < q * sorted.length);
        },
      ),
    );
  });
});
