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

/**
 * A node that includes `capacity` tx/s: its backlog grows by what is sent beyond that and drains at that rate. The
 * sender delivers at most `senderLimit` tx/s, however much is asked (a bench sharing the machine with the node).
 */
function simulatedNode(capacity: number, senderLimit = Number.POSITIVE_INFINITY) {
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
      rate = Math.min(r, senderLimit);
      const start = Date.now();
      // The asked-for count, sent at the rate the sender manages: a slow sender takes longer.
      const end = start + ((r * seconds) / rate) * 1000;
      while (Date.now() < end && !stop()) await sleep(5);
      advance();
      const sent = Math.round((rate * (Date.now() - start)) / 1000);
      rate = 0;
      return sent;
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
  maxCatchUpSeconds: 1,
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
    const settings = { warmupSeconds: 1, growthTolerance: 0.02, maxCatchUpSeconds: 10 };
    const level = judgeStep(1_000, 3_000, samples, 0, 3_000, false, null, settings);
    assert.equal(level.sustained, true);
    assert.equal(level.backlogAtEnd, 1_000);
    assert.equal(level.seconds, 3);
    assert.equal(level.sentTxPerSecond, 1_000);
    assert.equal(judgeStep(1_000, 3_000, samples, 0, 3_000, true, null, settings).sustained, false);
    const growing = judgeStep(1_000, 3_000, samples, 0, 3_000, false, null, { ...settings, warmupSeconds: 0 });
    assert.equal(growing.sustained, false);
    assert.ok(growing.backlogGrowthPerSecond > 20);
    // A sender that managed 90% of the asked rate: the node kept up with less than was asked.
    assert.equal(judgeStep(1_000, 2_700, samples, 0, 3_000, false, null, settings).sustained, false);
    // The pool level, but safe took 30 s to catch up afterwards: the batcher fell behind.
    const behind = judgeStep(1_000, 3_000, samples, 0, 3_000, false, 30, settings);
    assert.deepEqual([behind.sustained, behind.catchUpSeconds], [false, 30]);
    assert.equal(judgeStep(1_000, 3_000, samples, 0, 3_000, false, 9, settings).sustained, true);
  });

  it("offers next what the node included, less the margin, and never drops below a tenth in one move", () => {
    const step = {
      rateTxPerSecond: 3_000,
      sentTxPerSecond: 3_000,
      seconds: 10,
      backlogAtEnd: 0,
      catchUpSeconds: null,
      stoppedEarly: true,
      sustained: false,
    };
    assert.equal(nextRate({ ...step, backlogGrowthPerSecond: 1_000 }, 0.95, 15), 1_900);
    assert.equal(nextRate({ ...step, backlogGrowthPerSecond: 5_000 }, 0.95, 15), 300);
    assert.equal(nextRate({ ...step, backlogGrowthPerSecond: -50 }, 0.95, 15), 2_850);
    // From what was sent, not what was asked: a sender that managed 2,000 of 3,000, 500 of it left waiting.
    assert.equal(nextRate({ ...step, sentTxPerSecond: 2_000, backlogGrowthPerSecond: 500 }, 0.95, 15), 1_425);
    // safe caught up 25 s after a 10 s step, 10 s past the allowed 15: the DA side took 20 s for 10 s of load.
    assert.equal(nextRate({ ...step, backlogGrowthPerSecond: 0, catchUpSeconds: 25 }, 0.95, 15), 1_425);
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

  it("asks for no more than the sender managed when the sender, not the node, fell behind", async () => {
    const node = simulatedNode(10_000, 1_000);
    const probe = await runCapacityProbe({ initialTxPerSecond: 3_000, settings: SETTINGS, ...node });
    const [first] = probe.steps;
    assert.equal(first?.sustained, false, "a third of the asked rate was sent");
    assert.ok((first?.sentTxPerSecond ?? 0) < 1_100);
    assert.equal(probe.confirmed, true);
    assert.ok(probe.peakTxPerSecond <= 1_000, `peak ${probe.peakTxPerSecond}`);
  });

  it("steps down while safe falls behind, however level the pool stays", async () => {
    const node = simulatedNode(10_000);
    // The DA side handles 800 tx/s: above it, safe takes long to catch up after a step.
    const probe = await runCapacityProbe({
      initialTxPerSecond: 2_000,
      settings: { ...SETTINGS, maxSteps: 6 },
      ...node,
      catchUp: async () => ((node.offered[node.offered.length - 1] as number) > 800 ? 3 : 0.2),
    });
    assert.equal(probe.confirmed, true);
    assert.ok(probe.peakTxPerSecond <= 800, `peak ${probe.peakTxPerSecond}`);
    assert.ok(probe.steps.slice(0, -1).every((s) => s.catchUpSeconds === 3 && !s.sustained));
  });

  it("prepares each step before its clock starts", async () => {
    const node = simulatedNode(1_000);
    const prepared: number[] = [];
    const probe = await runCapacityProbe({
      initialTxPerSecond: 800,
      settings: SETTINGS,
      ...node,
      // A slow preparation (signing) would count as time the sender was behind if it were inside the step.
      prepare: async (rate) => {
        prepared.push(rate);
        await sleep(300);
      },
    });
    assert.deepEqual(prepared, [800]);
    assert.equal(probe.steps[0]?.sustained, true);
  });

  it("throws what the step check throws (sends refused or never answered)", async () => {
    await assert.rejects(
      runCapacityProbe({
        initialTxPerSecond: 500,
        settings: SETTINGS,
        ...simulatedNode(1_000),
        checkStep: async (rate) => {
          throw new Error(`capacity step at ${rate} tx/s: 3 refused`);
        },
      }),
      /capacity step at 500 tx\/s: 3 refused/,
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
