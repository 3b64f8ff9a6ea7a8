/**
 * The DA sustained run's figures, from what the bench saw of the node (pure: no I/O). The node is polled with
 * `mach_syncStatus` (head, safe, the batcher's backlog) and `mach_status` (the newest batches with their submit,
 * confirm and record times); from those samples:
 *
 * - the lag of `safe` behind the head, per block: from the first sample that shows it as the head to the first that
 *   shows it safe (recorded on L1 in a DA batch); a block not safe by the end of observation counts with its lag so
 *   far (a lower bound) and is counted apart;
 * - batch submit → confirm (DA certificate) and confirm → recorded (L1) latencies, for batches submitted in a phase;
 * - the batcher's backlog: the most unbatched blocks, in-flight batches and pending bytes it reported, and how long
 *   its back-pressure was engaged;
 * - the chain's compressed batch rate and included transactions, for batches whose first block was sealed in the
 *   phase.
 *
 * Times are Unix ms on the machine's clock (the node and the bench share it).
 */
import { percentile } from "../report/stats.ts";

export interface SyncSample {
  readonly atMs: number;
  readonly head: number;
  readonly safe: number;
  /** `mach_syncStatus.batcher`; null when the node has none. */
  readonly batcher: {
    readonly unbatchedBlocks: number;
    readonly inFlightBatches: number;
    readonly pendingBytes: number;
    readonly backPressure: boolean;
  } | null;
}

export interface SeenBatch {
  readonly fromBlock: number;
  readonly toBlock: number;
  readonly status: string;
  readonly txCount: number;
  readonly encodedBytes: number;
  readonly submittedAt: number;
  readonly confirmedAt: number | null;
  readonly recordedAt: number | null;
}

export interface PhaseWindow {
  readonly name: string;
  readonly startMs: number;
  readonly endMs: number;
}

export interface SecondsSummary {
  readonly count: number;
  readonly p50Seconds: number;
  readonly p99Seconds: number;
  readonly maxSeconds: number;
}

export interface PhaseAnalysis {
  readonly name: string;
  readonly seconds: number;
  /** Blocks that became the head during the phase. */
  readonly blocks: number;
  /** Lag of `safe` behind the head over those blocks; null when the phase sealed none. */
  readonly safeLag: (SecondsSummary & { readonly notSafeByEnd: number }) | null;
  readonly maxSafeLagBlocks: number;
  readonly submitToConfirm: SecondsSummary | null;
  readonly confirmToRecord: SecondsSummary | null;
  readonly batches: number;
  readonly compressedBytesPerSecond: number;
  readonly includedTxPerSecond: number;
  readonly maxUnbatchedBlocks: number;
  readonly maxInFlightBatches: number;
  readonly maxPendingBytes: number;
  /** Time between samples that both showed back-pressure engaged. */
  readonly backPressureSeconds: number;
}

export interface DrainAnalysis {
  /** The head when the load stopped. */
  readonly headAtLoadEnd: number;
  /**
   * Seconds from the end of the load until `safe` reached that head (everything sealed under load is on DA and
   * recorded on L1: the backlog drained); null if it did not while observed.
   */
  readonly safeCaughtUpSeconds: number | null;
}

function summarize(samplesSeconds: readonly number[]): SecondsSummary | null {
  if (samplesSeconds.length === 0) return null;
  return {
    count: samplesSeconds.length,
    p50Seconds: percentile(samplesSeconds, 50),
    p99Seconds: percentile(samplesSeconds, 99),
    maxSeconds: percentile(samplesSeconds, 100),
  };
}

/** When each block number was first seen at or below `value(sample)`, from the first sample's value + 1 on. */
function firstSeen(
  samples: readonly SyncSample[],
  value: (s: SyncSample) => number,
  from: number,
): Map<number, number> {
  const seen = new Map<number, number>();
  let reached = from - 1;
  for (const sample of samples) {
    const v = value(sample);
    for (let n = reached + 1; n <= v; n++) seen.set(n, sample.atMs);
    if (v > reached) reached = v;
  }
  return seen;
}

export function analyzePhases(
  samples: readonly SyncSample[],
  batches: readonly SeenBatch[],
  phases: readonly PhaseWindow[],
): PhaseAnalysis[] {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (first === undefined || last === undefined) throw new RangeError("no samples");
  const from = first.head + 1;
  const headAt = firstSeen(samples, (s) => s.head, from);
  const safeAt = firstSeen(samples, (s) => s.safe, from);
  const inPhase = (ms: number | undefined, phase: PhaseWindow) =>
    ms !== undefined && ms >= phase.startMs && ms < phase.endMs;

  return phases.map((phase) => {
    const seconds = (phase.endMs - phase.startMs) / 1000;
    const lags: number[] = [];
    let notSafeByEnd = 0;
    for (const [block, sealedAt] of headAt) {
      if (!inPhase(sealedAt, phase)) continue;
      const safeSince = safeAt.get(block);
      if (safeSince === undefined) notSafeByEnd++;
      lags.push(((safeSince ?? last.atMs) - sealedAt) / 1000);
    }
    const lag = summarize(lags);
    const window = samples.filter((s) => inPhase(s.atMs, phase));
    let backPressureMs = 0;
    window.forEach((sample, i) => {
      const next = window[i + 1];
      if (next && sample.batcher?.backPressure && next.batcher?.backPressure) backPressureMs += next.atMs - sample.atMs;
    });
    const submitted = batches.filter((b) => inPhase(b.submittedAt, phase));
    const sealedInPhase = batches.filter((b) => inPhase(headAt.get(b.fromBlock), phase));
    const max = (values: readonly number[]) => values.reduce((a, b) => Math.max(a, b), 0);
    return {
      name: phase.name,
      seconds,
      blocks: lags.length,
      safeLag: lag === null ? null : { ...lag, notSafeByEnd },
      maxSafeLagBlocks: max(window.map((s) => s.head - s.safe)),
      submitToConfirm: summarize(
        submitted.flatMap((b) => (b.confirmedAt === null ? [] : [(b.confirmedAt - b.submittedAt) / 1000])),
      ),
      confirmToRecord: summarize(
        submitted.flatMap((b) =>
          b.confirmedAt === null || b.recordedAt === null ? [] : [(b.recordedAt - b.confirmedAt) / 1000],
        ),
      ),
      batches: submitted.length,
      compressedBytesPerSecond: sealedInPhase.reduce((sum, b) => sum + b.encodedBytes, 0) / seconds,
      includedTxPerSecond: sealedInPhase.reduce((sum, b) => sum + b.txCount, 0) / seconds,
      maxUnbatchedBlocks: max(window.map((s) => s.batcher?.unbatchedBlocks ?? 0)),
      maxInFlightBatches: max(window.map((s) => s.batcher?.inFlightBatches ?? 0)),
      maxPendingBytes: max(window.map((s) => s.batcher?.pendingBytes ?? 0)),
      backPressureSeconds: backPressureMs / 1000,
    };
  });
}

/** How long after the load `safe` caught up with the head of that moment (the node keeps sealing blocks after it). */
export function analyzeDrain(samples: readonly SyncSample[], loadEndMs: number): DrainAnalysis {
  const before = samples.filter((s) => s.atMs <= loadEndMs);
  const after = samples.filter((s) => s.atMs > loadEndMs);
  const headAtLoadEnd = before[before.length - 1]?.head ?? samples[0]?.head ?? 0;
  const caughtUp = after.find((s) => s.safe >= headAtLoadEnd);
  return {
    headAtLoadEnd,
    safeCaughtUpSeconds: caughtUp === undefined ? null : (caughtUp.atMs - loadEndMs) / 1000,
  };
}
