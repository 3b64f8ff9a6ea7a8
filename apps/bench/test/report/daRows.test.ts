import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { daRows } from "../../src/report/daRows.ts";
import type { BenchResults } from "../../src/report/results.ts";
import type { PhaseAnalysis } from "../../src/suites/daLag.ts";
import type { PhaseSends } from "../../src/suites/daSends.ts";
import type { DaProviderRun } from "../../src/suites/daSustained.ts";

const phase = (name: string): PhaseAnalysis => ({
  name,
  seconds: 300,
  blocks: 300,
  safeLag: { count: 300, p50Seconds: 4, p99Seconds: 7, maxSeconds: 8, notSafeByEnd: 0 },
  maxSafeLagBlocks: 8,
  submitToConfirm: { count: 60, p50Seconds: 1, p99Seconds: 2, maxSeconds: 3 },
  confirmToRecord: { count: 60, p50Seconds: 0.1, p99Seconds: 0.2, maxSeconds: 0.3 },
  batches: 60,
  compressedBytesPerSecond: 200_000,
  includedTxPerSecond: 2_000,
  maxUnbatchedBlocks: 6,
  maxInFlightBatches: 1,
  maxPendingBytes: 1 << 20,
  backPressureSeconds: 0,
});

const run = (provider: "eigenda" | "celestia", sendsByPhase?: readonly PhaseSends[]): DaProviderRun => ({
  provider,
  configuration: `${provider} configuration`,
  offered: { halfPeakTxPerSecond: 2_000, peakTxPerSecond: 4_000, peakSource: "given" },
  sent: {
    transactions: 1_800_000,
    accepted: 1_799_000,
    rejected: 700,
    skipped: 400_000,
    stoppedSenders: 700,
    firstError: "txpool is full",
  },
  phases: [phase("half peak"), phase("peak")],
  ...(sendsByPhase === undefined ? {} : { sendsByPhase }),
  commitmentWork: [],
  drain: { headAtLoadEnd: 600, safeCaughtUpSeconds: 2 },
  batchesSeen: 120,
  batchesFailed: 0,
  batcherState: "running",
});

function notesBySection(providers: readonly DaProviderRun[]): Map<string, string | undefined> {
  const results = {
    da: {
      offered: { halfPeakTxPerSecond: 2_000, peakTxPerSecond: 4_000, peakSource: "given" },
      providers,
      signing: { transactions: 1, seconds: 1 },
    },
  } as unknown as BenchResults;
  const notes = new Map<string, string | undefined>();
  for (const row of daRows(results)) if (row.section.startsWith("DA sustained, ")) notes.set(row.section, row.note);
  return notes;
}

describe("DA rows: refused sends", () => {
  it("notes refusals on the phase they came in, not on every phase", () => {
    const sends: PhaseSends[] = [
      { name: "half peak", sent: 600_000, rejected: 0, skipped: 0, stoppedSenders: 0 },
      {
        name: "peak",
        sent: 1_200_000,
        rejected: 700,
        skipped: 400_000,
        stoppedSenders: 700,
        firstError: "txpool is full",
      },
    ];
    const calm: PhaseSends[] = sends.map((p) => ({ ...p, rejected: 0, skipped: 0, stoppedSenders: 0 }));
    const notes = notesBySection([run("eigenda", sends), run("celestia", calm)]);
    const half = [...notes].find(([section]) => section.includes("half peak"));
    const peak = [...notes].find(([section]) => section.startsWith("DA sustained, peak"));
    assert.equal(half?.[1], undefined);
    assert.equal(
      peak?.[1],
      "EigenDA: 700 of this phase's 1200000 sends rejected (first: txpool is full); 700 senders stopped in it sent nothing more (400000 of its sends skipped)",
    );
  });

  it("keeps the run-wide note for results that predate per-phase sends", () => {
    const notes = notesBySection([run("eigenda")]);
    const half = [...notes].find(([section]) => section.includes("half peak"));
    assert.match(half?.[1] ?? "", /^EigenDA: 700 of 1800000 sends rejected in the run \(first: txpool is full\)/);
  });
});
