/**
 * The DA suite's rows. Commitments: EigenDA's default KZG engine (native C, or mcl-wasm as its fallback) in the Mach
 * column beside its pure-JS reference as the peer (ratio > 1: the engine faster), and Celestia's share commitment alone. Sustained runs: EigenDA in the Mach
 * column and Celestia beside it as the peer, per phase (no ratio: both are Mach, on two providers); zero is a
 * figure here (no back-pressure, nothing in flight), a missing one says why in its note.
 */

import { DEFAULT_KZG_ENGINE, type KzgEngineName } from "@mach/da-eigenda";
import type { PhaseAnalysis } from "../suites/daLag.ts";
import type { DaProviderRun } from "../suites/daSustained.ts";
import type { BenchResults } from "./results.ts";
import { formatNumber, type Row } from "./row.ts";
import { ratio } from "./stats.ts";

/** How each engine computes, for the rows' configuration text. */
const ENGINE_DESCRIPTIONS: Record<KzgEngineName, string> = {
  native: "C addon, batch-affine bucket MSMs",
  mcl: "mcl-wasm point additions, bucket MSMs",
  reference: "@noble/curves Pippenger",
};

/** The engine the run measured besides the reference (the default, or its fallback). */
function measuredEngine(rows: readonly { readonly engine: KzgEngineName }[]): KzgEngineName {
  return rows.find((r) => r.engine !== "reference")?.engine ?? DEFAULT_KZG_ENGINE;
}

const sizeLabel = (bytes: number) => (bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${bytes / 1024} KiB`);

/** The issue's goal: commitments at ≥ 5× the chain's compressed batch rate at peak. */
const COMMITMENT_HEADROOM_GOAL = 5;

function commitmentRows(results: BenchResults): Row[] {
  const commitment = results.da?.commitment;
  if (!commitment) return [];
  const rows: Row[] = [];
  const { eigenda } = commitment;
  const find = (engine: string, blobBytes: number, operation: string) =>
    eigenda.rows.find(
      (r) => r.engine === engine && r.blobBytes === blobBytes && r.operation === operation && r.workers === 0,
    );
  const engineName = measuredEngine(eigenda.rows);
  const sizes = [...new Set(eigenda.rows.map((r) => r.blobBytes))];
  for (const blobBytes of sizes) {
    const size = sizeLabel(blobBytes);
    const engine = find(engineName, blobBytes, "full");
    const reference = find("reference", blobBytes, "full");
    const engineG1 = find(engineName, blobBytes, "g1");
    const details = eigenda.engineDetails?.[engineName];
    const machConfiguration = `Mach's EigenDA KZG, ${engineName} engine (${ENGINE_DESCRIPTIONS[engineName]}${details ? `; ${details}` : ""}), one blob at a time on one thread, median of ${engine?.runs ?? 0} runs after a warm-up, benchmark SRS of ${eigenda.srsPoints.toLocaleString("en-US")} points; MB/s = blob bytes / CPU time`;
    const peer = reference
      ? {
          peer: "pure-JS reference",
          peerConfiguration: `Mach's EigenDA KZG, pure-JS reference engine (@noble/curves Pippenger), ${reference.runs} run, same blob and SRS`,
        }
      : {};
    const noReference = reference
      ? {}
      : {
          note: `pure-JS reference not run on ${size} in the ${results.mode} plan (a 128 KiB full commitment takes ~7 s of CPU, a 2 MiB one ~90 s)`,
        };
    rows.push({
      section: "DA commitment",
      figure: `EigenDA KZG full commitment (G1 + length commitment + proof), ${size} blob`,
      unit: "MB/s per core",
      mach: engine?.megabytesPerCpuSecond ?? null,
      machConfiguration,
      ...peer,
      ...(reference
        ? {
            peerValue: reference.megabytesPerCpuSecond,
            ratio: ratio(engine?.megabytesPerCpuSecond, reference.megabytesPerCpuSecond),
          }
        : noReference),
    });
    rows.push({
      section: "DA commitment",
      figure: `EigenDA KZG full commitment, ${size} blob, CPU time (wall ${formatNumber((engine?.medianWallMs ?? 0) / 1000)} s)`,
      unit: "s",
      mach: engine === undefined ? null : engine.medianCpuMs / 1000,
      machConfiguration,
      ...peer,
      ...(reference
        ? { peerValue: reference.medianCpuMs / 1000, ratio: ratio(reference.medianCpuMs, engine?.medianCpuMs) }
        : noReference),
    });
    rows.push({
      section: "DA commitment",
      figure: `EigenDA KZG G1 commitment alone (a reader's check), ${size} blob`,
      unit: "MB/s per core",
      mach: engineG1?.megabytesPerCpuSecond ?? null,
      machConfiguration,
    });
  }
  for (const c of commitment.celestia) {
    rows.push({
      section: "DA commitment",
      figure: `Celestia share commitment, ${sizeLabel(c.blobBytes)} blob`,
      unit: "MB/s per core",
      mach: c.megabytesPerCpuSecond,
      machConfiguration: `Mach's Celestia client: go-square v4 share commitment (NMT subtree roots, SHA-256 in JS), one thread, median of ${c.runs} runs after a warm-up`,
    });
  }
  return rows;
}

type PhaseFigure = (phase: PhaseAnalysis) => number | null | undefined;

const PHASE_FIGURES: readonly (readonly [string, string, PhaseFigure])[] = [
  ["safe lag behind the head, p50", "s", (p) => p.safeLag?.p50Seconds],
  ["safe lag behind the head, p99", "s", (p) => p.safeLag?.p99Seconds],
  ["safe lag behind the head, max", "s", (p) => p.safeLag?.maxSeconds],
  ["batch submit → confirmed on DA, p50", "s", (p) => p.submitToConfirm?.p50Seconds],
  ["batch submit → confirmed on DA, p99", "s", (p) => p.submitToConfirm?.p99Seconds],
  ["batch confirmed → recorded on L1, p50", "s", (p) => p.confirmToRecord?.p50Seconds],
  ["batcher backlog: unbatched blocks, max", "blocks", (p) => p.maxUnbatchedBlocks],
  ["batcher backlog: in-flight batches, max", "batches", (p) => p.maxInFlightBatches],
  ["batcher backlog: pending bytes, max", "KiB", (p) => p.maxPendingBytes / 1024],
  ["batcher back-pressure engaged", "s", (p) => p.backPressureSeconds],
  ["compressed batch data", "KB/s", (p) => p.compressedBytesPerSecond / 1000],
  ["ERC-20 transfers included in batches", "tx/s", (p) => p.includedTxPerSecond],
];

/** Why a provider's figure is missing or qualified, for its row's note. */
function phaseNote(provider: string, run: DaProviderRun | undefined, phase: PhaseAnalysis | undefined): string[] {
  if (run === undefined) return [`${provider}: run failed (see the errors in results.json)`];
  if (phase === undefined) return [`${provider}: phase not run`];
  const notes: string[] = [];
  if (phase.safeLag && phase.safeLag.notSafeByEnd > 0)
    notes.push(
      `${provider}: ${phase.safeLag.notSafeByEnd} of ${phase.blocks} blocks not safe by the end of the run (their lag so far counts: a lower bound)`,
    );
  if (run.batcherError) notes.push(`${provider}: batcher ${run.batcherState}: ${run.batcherError}`);
  const sends = run.sendsByPhase?.find((p) => p.name === phase.name);
  if (sends !== undefined) {
    // Per phase: a refusal at peak is not a note on the half-peak figures (those senders had sent all they were given).
    if (sends.rejected > 0 || sends.skipped > 0)
      notes.push(
        `${provider}: ${sends.rejected} of this phase's ${sends.sent} sends rejected (first: ${sends.firstError ?? "stopped earlier"}); ${sends.stoppedSenders} senders stopped in it sent nothing more (${sends.skipped} of its sends skipped)`,
      );
  } else if (run.sent.rejected > 0) {
    // Results from before sends were told per phase: the run's refusals, phase unknown.
    notes.push(
      `${provider}: ${run.sent.rejected} of ${run.sent.transactions} sends rejected in the run (first: ${run.sent.firstError}); their ${run.sent.stoppedSenders} senders sent nothing more (${run.sent.skipped} sends skipped)`,
    );
  }
  return notes;
}

function sustainedRows(results: BenchResults): Row[] {
  const da = results.da;
  if (!da) return [];
  const eigenda = da.providers.find((p) => p.provider === "eigenda");
  const celestia = da.providers.find((p) => p.provider === "celestia");
  const phaseNames = (eigenda ?? celestia)?.phases.map((p) => p.name) ?? [];
  const rows: Row[] = [];
  const probed = da.providers.find((p) => p.capacity !== undefined);
  if (probed?.capacity) {
    rows.push({
      section: "DA sustained, the peak offered",
      figure: `ERC-20 rate the ${probed.provider === "eigenda" ? "EigenDA" : "Celestia"} node sustained with its DA client, batcher and L1 (capacity steps; the peak both providers are offered)`,
      unit: "tx/s",
      mach: probed.capacity.peakTxPerSecond,
      note: da.offered.peakSource,
    });
  }
  for (const name of phaseNames) {
    const e = eigenda?.phases.find((p) => p.name === name);
    const c = celestia?.phases.find((p) => p.name === name);
    const rate = name === "peak" ? da.offered.peakTxPerSecond : da.offered.halfPeakTxPerSecond;
    const notes = [...new Set([...phaseNote("EigenDA", eigenda, e), ...phaseNote("Celestia", celestia, c)])];
    for (const [figure, unit, value] of PHASE_FIGURES) {
      rows.push({
        section: `DA sustained, ${name} (${Math.round(rate).toLocaleString("en-US")} ERC-20 tx/s offered for ${formatNumber((e ?? c)?.seconds)} s)`,
        figure: `EigenDA: ${figure} (Celestia beside)`,
        unit,
        mach: e ? (value(e) ?? null) : null,
        ...(eigenda ? { machConfiguration: `EigenDA: ${eigenda.configuration}` } : {}),
        peer: "Celestia",
        ...(celestia ? { peerConfiguration: `Celestia: ${celestia.configuration}` } : {}),
        peerValue: c ? (value(c) ?? null) : null,
        ...(notes.length > 0 ? { note: notes.join("; ") } : {}),
      });
    }
  }
  if (eigenda || celestia) {
    rows.push({
      section: "DA sustained, after the load",
      figure: "EigenDA: safe caught up with the head of the end of the load, after (Celestia beside)",
      unit: "s",
      mach: eigenda?.drain.safeCaughtUpSeconds ?? null,
      peer: "Celestia",
      peerValue: celestia?.drain.safeCaughtUpSeconds ?? null,
      note: `offered load: ${da.offered.peakSource}; a missing value: safe had not caught up when the drain timeout passed`,
    });
  }
  const kzgRows = da.commitment?.eigenda.rows ?? [];
  const engine128 = kzgRows.find(
    (r) =>
      r.engine === measuredEngine(kzgRows) && r.operation === "full" && r.workers === 0 && r.blobBytes === 128 * 1024,
  );
  const peakPhase = eigenda?.phases.find((p) => p.name === "peak");
  const peakBatchRate = peakPhase?.compressedBytesPerSecond;
  // Against the batch rate of the peak as it went: a phase that included far less than was offered gives a headroom
  // against a collapsed load, which the note says.
  const peakLoad =
    eigenda && peakPhase
      ? `at the peak phase's ${formatNumber(peakBatchRate)} B/s of compressed batches, ${Math.round(peakPhase.includedTxPerSecond).toLocaleString("en-US")} of ${Math.round(eigenda.offered.peakTxPerSecond).toLocaleString("en-US")} tx/s offered included`
      : undefined;
  if (engine128 && peakBatchRate !== undefined && peakBatchRate > 0) {
    rows.push({
      section: "DA sustained, after the load",
      figure: `EigenDA commitment headroom at peak: one core's full-commitment rate (128 KiB blobs) ÷ compressed batch rate (goal ≥ ${COMMITMENT_HEADROOM_GOAL}×)`,
      unit: "×",
      mach: (engine128.megabytesPerCpuSecond * 1e6) / peakBatchRate,
      ...(peakLoad === undefined ? {} : { note: peakLoad }),
    });
  }
  const peakWork = eigenda?.commitmentWork?.find((w) => w.name === "peak");
  if (peakWork?.cpuSeconds) {
    rows.push({
      section: "DA sustained, after the load",
      figure: `EigenDA commitment headroom at peak, in the node: seconds of peak ÷ CPU seconds its client spent committing the blobs the batcher sent meanwhile (goal ≥ ${COMMITMENT_HEADROOM_GOAL}×)`,
      unit: "×",
      mach: peakWork.seconds / peakWork.cpuSeconds,
      note: `${formatNumber(peakWork.cpuSeconds)} CPU s of commitments in ${formatNumber(peakWork.seconds)} s; blob sizes as the batcher's frames came (≤ the SRS: see the configuration)${peakLoad === undefined ? "" : `; ${peakLoad}`}`,
    });
  }
  return rows;
}

export function daRows(results: BenchResults): Row[] {
  return [...commitmentRows(results), ...sustainedRows(results)];
}
