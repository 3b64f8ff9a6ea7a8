import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  backlogGrowthPerSecond,
  type DaCapacitySettings,
  judgeStep,
  nextRate,
  runCapacityProbe,
} from "../../src/suites/daCapacity.ts";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A node that includes `capacity` tx/s: its pool grows by what is offered beyond that and drains at that rate. */
function simulatedNode(capacity: number) {
  let pool = 0;
  let rate = 0;
  let last = Date.now();
  const advance = () => {
    const now = Date.now();
    pool = Math.max(0, pool + ((rate - capacity) * (now - last)) / 1000);
    last = now;
  };
  const offered: number[] = [];
  return {
    offered,
    backlog: async () => {
      advance();
      return Math.round(pool);
    },
    offer: async (r: number, seconds: number, stop: () => boolean) => {
      offered.push(r);
      advance();
      rate = r;
      const end = Date.now() + seconds * 1000;
      while (Date.now() < end && !stop()) await sleep(5);
      advance();
      rate = 0;
    },
  };
}

const SETTINGS: DaCapacitySettings = {
  stepSeconds: 0.4,
  warmupSeconds: 0.05,
  maxSteps: 4,
  growthTolerance: 0.02,
  // A wide margin: the simulated step is short, so its slope is only roughly 2,000/s.
  margin: 0.8,
  maxBacklogTransactions: 600,
  pollMs: 10,
  drainTimeoutSeconds: 5,
};

describe("DA capacity probe", () => {
  it("takes the pool's growth as a least-squares slope per second", () => {
    const line = [0, 1, 2, 3].map((i) => ({ atMs: 1_000 + i * 500, size: 100 + i * 50 }));
    assert.equal(backlogGrowthPerSecond(line), 100);
    assert.equal(backlogGrowthPerSecond(line.slice(0, 1)), 0);
    assert.equal(
      backlogGrowthPerSecond([
        { atMs: 5, size: 1 },
        { atMs: 5, size: 9 },
      ]),
      0,
    );
  });

  it("judges a step from the samples after its warmup; one cut short never counts as sustained", () => {
    // A pool that filled during the warmup and then stayed level: sustained once the warmup is left out.
    const samples = [
      { atMs: 0, size: 0 },
      { atMs: 500, size: 800 },
      { atMs: 1_000, size: 1_000 },
      { atMs: 2_000, size: 1_010 },
      { atMs: 3_000, size: 1_000 },
    ];
    const settings = { warmupSeconds: 1, growthTolerance: 0.02 };
    const level = judgeStep(1_000, samples, 0, 3_000, false, settings);
    assert.equal(level.sustained, true);
    assert.equal(level.backlogAtEnd, 1_000);
    assert.equal(level.seconds, 3);
    assert.equal(judgeStep(1_000, samples, 0, 3_000, true, settings).sustained, false);
    const growing = judgeStep(1_000, samples, 0, 3_000, false, { warmupSeconds: 0, growthTolerance: 0.02 });
    assert.equal(growing.sustained, false);
    assert.ok(growing.backlogGrowthPerSecond > 20);
  });

  it("offers next what the node included, less the margin, and never drops below a tenth in one move", () => {
    const step = { rateTxPerSecond: 3_000, seconds: 10, backlogAtEnd: 0, stoppedEarly: true, sustained: false };
    assert.equal(nextRate({ ...step, backlogGrowthPerSecond: 1_000 }, 0.95), 1_900);
    assert.equal(nextRate({ ...step, backlogGrowthPerSecond: 5_000 }, 0.95), 300);
    assert.equal(nextRate({ ...step, backlogGrowthPerSecond: -50 }, 0.95), 2_850);
  });

  it("steps down from an offered rate above capacity to one the node sustains", async () => {
    const node = simulatedNode(1_000);
    const probe = await runCapacityProbe({ initialTxPerSecond: 3_000, settings: SETTINGS, ...node });
    assert.equal(probe.confirmed, true);
    const first = probe.steps[0];
    const last = probe.steps[probe.steps.length - 1];
    assert.equal(first?.stoppedEarly, true, "the first step stops on the backlog bound");
    assert.equal(first?.sustained, false);
    assert.ok(last?.sustained);
    assert.ok(probe.steps.length >= 2 && probe.steps.length <= SETTINGS.maxSteps);
    // 3,000 offered, ~2,000/s of backlog growth: ~1,000 included, 80% of it offered next (a timer-starved sample can
    // take one more step).
    assert.ok(probe.peakTxPerSecond > 500 && probe.peakTxPerSecond <= 1_000, `peak ${probe.peakTxPerSecond}`);
    assert.deepEqual(
      node.offered,
      probe.steps.map((s) => s.rateTxPerSecond),
    );
    assert.ok(
      node.offered.every((rate, i) => i === 0 || rate < (node.offered[i - 1] as number)),
      "each step lower",
    );
  });

  it("keeps a starting rate the node sustains", async () => {
    const probe = await runCapacityProbe({ initialTxPerSecond: 500, settings: SETTINGS, ...simulatedNode(1_000) });
    assert.deepEqual(
      { peak: probe.peakTxPerSecond, confirmed: probe.confirmed, steps: probe.steps.length },
      { peak: 500, confirmed: true, steps: 1 },
    );
  });

  it("says the peak is not confirmed when the steps run out", async () => {
    const probe = await runCapacityProbe({
      initialTxPerSecond: 3_000,
      settings: { ...SETTINGS, maxSteps: 1 },
      ...simulatedNode(1_000),
    });
    assert.equal(probe.confirmed, false);
    assert.equal(probe.steps.length, 1);
    assert.ok(probe.peakTxPerSecond < 1_000);
  });
});
