import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { QUICK_PLAN } from "../../src/plan.ts";
import { offeredLoad } from "../../src/suites/da.ts";
import { analyzeDrain, analyzePhases, type SeenBatch, type SyncSample } from "../../src/suites/daLag.ts";

const batcher = (unbatchedBlocks: number, inFlightBatches: number, backPressure = false) => ({
  unbatchedBlocks,
  inFlightBatches,
  pendingBytes: 1000 * inFlightBatches,
  backPressure,
});

/** Head and safe as the bench polls them: a block a second, safe two seconds behind. */
const samples: SyncSample[] = [
  { atMs: 0, head: 0, safe: 0, batcher: batcher(0, 0) },
  { atMs: 1000, head: 1, safe: 0, batcher: batcher(1, 0) },
  { atMs: 2000, head: 2, safe: 0, batcher: batcher(0, 1, true) },
  { atMs: 3000, head: 3, safe: 1, batcher: batcher(1, 2, true) },
  { atMs: 4000, head: 5, safe: 3, batcher: batcher(2, 1) },
  { atMs: 5000, head: 5, safe: 5, batcher: batcher(0, 0) },
  { atMs: 6000, head: 6, safe: 5, batcher: batcher(1, 0) },
];

const batch = (fromBlock: number, toBlock: number, submittedAt: number, confirmedAt: number | null): SeenBatch => ({
  fromBlock,
  toBlock,
  status: confirmedAt === null ? "submitting" : "recorded",
  txCount: 10 * (toBlock - fromBlock + 1),
  encodedBytes: 500,
  submittedAt,
  confirmedAt,
  recordedAt: confirmedAt === null ? null : confirmedAt + 100,
});

describe("DA sustained-run analysis", () => {
  it("measures safe's lag per block from when it was the head to when it was safe", () => {
    const [phase] = analyzePhases(samples, [], [{ name: "load", startMs: 0, endMs: 4500 }]);
    // Blocks 1..5 became the head at 1, 2, 3, 4, 4 s and safe at 3, 4, 4, 5, 5 s.
    assert.equal(phase?.blocks, 5);
    assert.deepEqual(
      { p50: phase?.safeLag?.p50Seconds, max: phase?.safeLag?.maxSeconds, open: phase?.safeLag?.notSafeByEnd },
      { p50: 1, max: 2, open: 0 },
    );
    assert.equal(phase?.maxSafeLagBlocks, 2);
  });

  it("counts a block not safe by the end with its lag so far, and says how many", () => {
    const [phase] = analyzePhases(samples, [], [{ name: "tail", startMs: 5500, endMs: 7000 }]);
    assert.equal(phase?.blocks, 1);
    assert.equal(phase?.safeLag?.notSafeByEnd, 1);
    assert.equal(phase?.safeLag?.maxSeconds, 0, "block 6 was seen at the last sample");
  });

  it("reports batch latencies, the batcher's backlog and back-pressure, and the batch rate of the phase", () => {
    const batches = [batch(1, 2, 2100, 2900), batch(3, 5, 3100, 4100), batch(6, 6, 6100, null)];
    const [phase] = analyzePhases(samples, batches, [{ name: "load", startMs: 0, endMs: 5000 }]);
    assert.equal(phase?.batches, 2);
    assert.ok(Math.abs((phase?.submitToConfirm?.maxSeconds ?? 0) - 1) < 1e-9);
    assert.ok(Math.abs((phase?.confirmToRecord?.p50Seconds ?? 0) - 0.1) < 1e-9);
    assert.equal(phase?.maxUnbatchedBlocks, 2);
    assert.equal(phase?.maxInFlightBatches, 2);
    assert.equal(phase?.maxPendingBytes, 2000);
    assert.equal(phase?.backPressureSeconds, 1, "engaged at the 2 s and 3 s samples");
    assert.equal(phase?.compressedBytesPerSecond, 1000 / 5);
    assert.equal(phase?.includedTxPerSecond, 50 / 5);
  });

  it("reports when safe caught up with the head of the end of the load", () => {
    assert.deepEqual(analyzeDrain(samples, 4500), { headAtLoadEnd: 5, safeCaughtUpSeconds: 0.5 });
    assert.deepEqual(analyzeDrain(samples.slice(0, 5), 4500), { headAtLoadEnd: 5, safeCaughtUpSeconds: null });
  });

  it("offers half of Mach's measured ERC-20 peak then the peak, capped by the plan", () => {
    const settings = QUICK_PLAN.da;
    assert.equal(offeredLoad(settings, 250).peakTxPerSecond, 250);
    assert.equal(offeredLoad(settings, 250).halfPeakTxPerSecond, 125);
    const capped = offeredLoad(settings, 5_000);
    assert.equal(capped.peakTxPerSecond, settings.maxPeakTxPerSecond);
    assert.match(capped.peakSource, /capped/);
    assert.equal(offeredLoad(settings, undefined).peakTxPerSecond, settings.defaultPeakTxPerSecond);
  });
});
