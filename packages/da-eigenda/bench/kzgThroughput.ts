/**
 * KZG commitment throughput and latency, the native (C addon) and mcl-wasm engines and the pure-JS reference, for 128 KiB and 2 MiB blobs
 * (by default). For each engine and blob size it times the G1 commitment alone (what a reader checks after fetching a
 * blob) and the full BlobCommitment (G1 + length commitment + length proof, what a dispersal needs), one blob at a
 * time on the calling thread (one core), and reports the median (and least) wall and CPU time and MB/s = blob bytes /
 * wall time. The engines take turns on each blob size (same blob, same SRS), so an A/B pair sees the same machine.
 *
 * With `poolWorkers` it also times the worker committer (the client's path) with pools of that many workers of the
 * default engine: one blob at a time (latency: with two or more workers the two G2 MSMs run in parallel) and as many blobs at once as
 * there are workers (throughput: MB/s = blobs × bytes / wall time). CPU time is the whole process's, all threads.
 *
 * The SRS is a benchmark one: points P_i = a·G + i·k·G for random a, k (a random walk, built by additions in seconds
 * where the dev SRS of 65,536 points takes minutes to generate). MSM cost does not depend on which points they are;
 * commitments over it prove nothing. Where both engines run, their commitments are compared byte for byte.
 *
 *   node packages/da-eigenda/bench/kzgThroughput.ts [--runs N] [--reference-max-bytes B] [--pool-workers 2,…]
 *                                                   [--engines native,mcl,reference] [--blob-bytes 131072,…] [--json]
 *                                                   [--native-tables auto|off|BITS]
 *
 * `apps/bench` calls `measureKzgCommitmentThroughput`.
 */
import { randomBytes } from "node:crypto";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { normalizeZ } from "@noble/curves/abstract/curve.js";
import { bn254 } from "@noble/curves/bn254.js";
import {
  type BlobCommitment,
  blobCommitmentToBytes,
  createKzgEngine,
  createWorkerCommitter,
  defaultKzgEngine,
  encodePayloadToBlob,
  KZG_ENGINE_NAMES,
  type KzgEngine,
  type KzgEngineName,
  maxPayloadBytesForSymbols,
  type NativeKzgTables,
  type Srs,
} from "../src/index.ts";

export interface MeasureKzgCommitmentThroughputParameters {
  /** Blob sizes in bytes, each a power of two times 32 (default 128 KiB and 2 MiB). */
  readonly blobBytes?: readonly number[];
  /** Timed runs per WebAssembly-engine measurement after one warm-up (default 3); the median is reported. */
  readonly runs?: number;
  /** Timed runs per reference measurement (default 1: a 128 KiB full commitment takes seconds). */
  readonly referenceRuns?: number;
  /** The pure-JS reference runs on blobs up to this size only (default 128 KiB; a 2 MiB full one takes minutes). */
  readonly referenceMaxBlobBytes?: number;
  /** Engines timed on the calling thread (default all). */
  readonly engines?: readonly KzgEngineName[];
  /** The native engine's fixed-base tables on the calling thread (default "auto", as the client has them). */
  readonly nativeTables?: NativeKzgTables;
  /** Sizes of worker pools (default engine) to time through the worker committer (default none). */
  readonly poolWorkers?: readonly number[];
  /** Progress lines (default: none). */
  readonly log?: (line: string) => void;
}

/** "g1": the G1 commitment alone; "full": commitment + length commitment + length proof. */
export type KzgCommitmentOperation = "g1" | "full";

export interface KzgThroughputRow {
  readonly engine: KzgEngineName;
  readonly blobBytes: number;
  readonly operation: KzgCommitmentOperation;
  /** 0: on the calling thread; n: through the worker committer with a pool of n workers. */
  readonly workers: number;
  /** Blobs committed at once (1, or the pool size for the pool's throughput rows). */
  readonly blobsInFlight: number;
  readonly runs: number;
  readonly medianWallMs: number;
  readonly medianCpuMs: number;
  readonly minWallMs: number;
  readonly minCpuMs: number;
  /** blobsInFlight × blobBytes / median wall time, in 10^6 bytes per second. */
  readonly megabytesPerSecond: number;
  /** blobsInFlight × blobBytes / median CPU time (all threads): the rate per core. */
  readonly megabytesPerCpuSecond: number;
}

export interface KzgThroughputReport {
  readonly rows: readonly KzgThroughputRow[];
  /** Points of the benchmark SRS (the largest blob's symbols). */
  readonly srsPoints: number;
  /** Building each engine timed on the calling thread: the SRS into its point format, once per process (or worker). */
  readonly setupMs: Partial<Record<KzgEngineName, number>>;
  /** What each engine says of how it holds the SRS (KzgEngine.details), where it says. */
  readonly engineDetails: Partial<Record<KzgEngineName, string>>;
  /** Blob sizes the reference was skipped on (too slow), in bytes. */
  readonly referenceSkippedBlobBytes: readonly number[];
  /** Every blob both engines committed to gave the same bytes (vacuously true when none did). */
  readonly enginesAgree: boolean;
  readonly nodeVersion: string;
  /** 1-minute load average when the measurement started and ended: figures on a loaded machine are noisy. */
  readonly loadAverage: readonly [number, number];
}

export const KZG_BENCH_DEFAULT_BLOB_BYTES: readonly number[] = [128 * 1024, 2 * 1024 * 1024];

export async function measureKzgCommitmentThroughput(
  parameters: MeasureKzgCommitmentThroughputParameters = {},
): Promise<KzgThroughputReport> {
  const blobSizes = parameters.blobBytes ?? KZG_BENCH_DEFAULT_BLOB_BYTES;
  const runs = parameters.runs ?? 3;
  const referenceRuns = parameters.referenceRuns ?? 1;
  const referenceMax = parameters.referenceMaxBlobBytes ?? 128 * 1024;
  const engineNames = parameters.engines ?? KZG_ENGINE_NAMES;
  const poolSizes = parameters.poolWorkers ?? [];
  /** What the client's worker committer would use here: native, or mcl when the addon cannot be had. */
  const poolEngine = defaultKzgEngine();
  const log = parameters.log ?? (() => {});
  const loadBefore = loadavg()[0] as number;

  const symbolsOf = (bytes: number) => {
    const symbols = bytes / 32;
    if (!Number.isInteger(symbols) || symbols < 2 || (symbols & (symbols - 1)) !== 0) {
      throw new RangeError(`blob size ${bytes} is not 32 bytes times a power of two (≥ 2)`);
    }
    return symbols;
  };
  const srsPoints = Math.max(...blobSizes.map(symbolsOf));
  log(`building a benchmark SRS of ${srsPoints} points`);
  const srs = benchmarkSrs(srsPoints);
  const setupMs: Partial<Record<KzgEngineName, number>> = {};
  const engineDetails: Partial<Record<KzgEngineName, string>> = {};
  const built: KzgEngine[] = [];
  for (const name of engineNames) {
    const start = performance.now();
    const engine = await createKzgEngine(
      name,
      srs,
      parameters.nativeTables === undefined ? {} : { nativeTables: parameters.nativeTables },
    );
    built.push(engine);
    setupMs[name] = performance.now() - start;
    if (engine.details !== undefined) engineDetails[name] = engine.details;
    log(
      `${name} engine ready in ${(setupMs[name] as number).toFixed(0)} ms${engine.details ? ` (${engine.details})` : ""}`,
    );
  }

  const rows: KzgThroughputRow[] = [];
  const skipped: number[] = [];
  let enginesAgree = true;
  for (const blobBytes of blobSizes) {
    const blob = encodePayloadToBlob(randomBytes(maxPayloadBytesForSymbols(symbolsOf(blobBytes))));
    const engines: [KzgEngine, number][] = [];
    for (const engine of built) {
      if (engine.name !== "reference") engines.push([engine, runs]);
      else if (blobBytes <= referenceMax) engines.push([engine, referenceRuns]);
      else skipped.push(blobBytes);
    }
    const outputs: string[] = [];
    for (const [engine, engineRuns] of engines) {
      const g1 = timeRuns(() => engine.computeG1Commitment(blob), engineRuns, engine.name !== "reference");
      rows.push(row(engine.name, blobBytes, "g1", 0, 1, g1));
      log(describe(rows.at(-1) as KzgThroughputRow));
      const full = timeRuns(() => engine.computeBlobCommitment(blob), engineRuns, engine.name !== "reference");
      rows.push(row(engine.name, blobBytes, "full", 0, 1, full));
      log(describe(rows.at(-1) as KzgThroughputRow));
      outputs.push(wireHex(full.result));
    }
    for (const workers of poolSizes) {
      const committer = createWorkerCommitter(async () => srs, { engine: poolEngine, workers });
      try {
        await Promise.all(Array.from({ length: workers }, () => committer.commit(blob))); // start and warm every worker
        for (const inFlight of workers > 1 ? [1, workers] : [1]) {
          const timed = await timeRunsAsync(async () => {
            const results = await Promise.all(Array.from({ length: inFlight }, () => committer.commit(blob)));
            return results[0] as BlobCommitment;
          }, runs);
          rows.push(row(poolEngine, blobBytes, "full", workers, inFlight, timed));
          log(describe(rows.at(-1) as KzgThroughputRow));
          outputs.push(wireHex(timed.result));
        }
      } finally {
        await committer.close();
      }
    }
    if (outputs.some((o) => o !== outputs[0])) enginesAgree = false;
  }
  return {
    rows,
    srsPoints,
    setupMs,
    engineDetails,
    referenceSkippedBlobBytes: skipped,
    enginesAgree,
    nodeVersion: process.version,
    loadAverage: [loadBefore, loadavg()[0] as number],
  };
}

/** A markdown table of the rows, for READMEs and logs. */
export function formatKzgThroughputTable(report: KzgThroughputReport): string {
  const lines = [
    "| engine | blob | commitment | where | runs | wall (median) | CPU (median) | CPU (least) | MB/s (wall) | MB/s (CPU) |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const r of report.rows) {
    lines.push(
      `| ${r.engine} | ${sizeLabel(r.blobBytes)} | ${r.operation === "g1" ? "G1 only" : "full"} | ${where(r)} | ${r.runs} | ` +
        `${seconds(r.medianWallMs)} | ${seconds(r.medianCpuMs)} | ${seconds(r.minCpuMs)} | ${r.megabytesPerSecond.toFixed(3)} | ` +
        `${r.megabytesPerCpuSecond.toFixed(3)} |`,
    );
  }
  return lines.join("\n");
}

/** Random-walk points a·G + i·k·G in G1 and G2, normalized to affine: valid curve points, no known structure. */
export function benchmarkSrs(numPoints: number): Srs {
  const Fr = bn254.fields.Fr;
  const random = () => Fr.create(BigInt(`0x${randomBytes(32).toString("hex")}`));
  const walk = <P extends { add(other: P): P }>(start: P, step: P): P[] => {
    const points = new Array<P>(numPoints);
    let current = start;
    for (let i = 0; i < numPoints; i++) {
      points[i] = current;
      current = current.add(step);
    }
    return points;
  };
  const G1 = bn254.G1.Point;
  const G2 = bn254.G2.Point;
  return {
    order: 2n ** 28n,
    g1: normalizeZ(G1, walk(G1.BASE.multiply(random()), G1.BASE.multiply(random()))),
    g2: normalizeZ(G2, walk(G2.BASE.multiply(random()), G2.BASE.multiply(random()))),
    g2Trailing: normalizeZ(G2, walk(G2.BASE.multiply(random()), G2.BASE.multiply(random()))),
    insecure: true,
  };
}

interface Timed<T> {
  readonly result: T;
  readonly wallMs: number[];
  readonly cpuMs: number[];
}

function timeRuns<T>(fn: () => T, runs: number, warmUp: boolean): Timed<T> {
  let result = warmUp ? fn() : undefined;
  const wallMs: number[] = [];
  const cpuMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cpuStart = process.cpuUsage();
    const wallStart = performance.now();
    result = fn();
    wallMs.push(performance.now() - wallStart);
    const cpu = process.cpuUsage(cpuStart);
    cpuMs.push((cpu.user + cpu.system) / 1000);
  }
  return { result: result as T, wallMs, cpuMs };
}

async function timeRunsAsync<T>(fn: () => Promise<T>, runs: number): Promise<Timed<T>> {
  let result: T | undefined;
  const wallMs: number[] = [];
  const cpuMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cpuStart = process.cpuUsage();
    const wallStart = performance.now();
    result = await fn();
    wallMs.push(performance.now() - wallStart);
    const cpu = process.cpuUsage(cpuStart);
    cpuMs.push((cpu.user + cpu.system) / 1000);
  }
  return { result: result as T, wallMs, cpuMs };
}

function row(
  engine: KzgEngineName,
  blobBytes: number,
  operation: KzgCommitmentOperation,
  workers: number,
  blobsInFlight: number,
  timed: Timed<unknown>,
): KzgThroughputRow {
  const medianWallMs = median(timed.wallMs);
  const medianCpuMs = median(timed.cpuMs);
  const megabytes = (blobsInFlight * blobBytes) / 1e6;
  return {
    engine,
    blobBytes,
    operation,
    workers,
    blobsInFlight,
    runs: timed.wallMs.length,
    medianWallMs,
    medianCpuMs,
    minWallMs: Math.min(...timed.wallMs),
    minCpuMs: Math.min(...timed.cpuMs),
    megabytesPerSecond: megabytes / (medianWallMs / 1000),
    megabytesPerCpuSecond: megabytes / (medianCpuMs / 1000),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function wireHex(c: BlobCommitment): string {
  const b = blobCommitmentToBytes(c);
  return [b.commitment, b.lengthCommitment, b.lengthProof].map((p) => Buffer.from(p).toString("hex")).join(":");
}

const sizeLabel = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : bytes >= 1024 ? `${bytes / 1024} KiB` : `${bytes} B`;
const seconds = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const where = (r: KzgThroughputRow) =>
  r.workers === 0
    ? "calling thread"
    : `${r.workers} worker${r.workers > 1 ? "s" : ""}, ${r.blobsInFlight} blob${r.blobsInFlight > 1 ? "s" : ""} at once`;
const describe = (r: KzgThroughputRow) =>
  `${r.engine} ${sizeLabel(r.blobBytes)} ${r.operation} (${where(r)}): wall ${seconds(r.medianWallMs)}, CPU ${seconds(r.medianCpuMs)}, ` +
  `${r.megabytesPerSecond.toFixed(3)} MB/s (wall), ${r.megabytesPerCpuSecond.toFixed(3)} MB/s (CPU)`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "3" },
      "reference-max-bytes": { type: "string", default: String(128 * 1024) },
      "pool-workers": { type: "string", default: "" },
      engines: { type: "string", default: KZG_ENGINE_NAMES.join(",") },
      "native-tables": { type: "string", default: "auto" },
      "blob-bytes": { type: "string", default: KZG_BENCH_DEFAULT_BLOB_BYTES.join(",") },
      json: { type: "boolean", default: false },
    },
  });
  const list = (value: string) => value.split(",").filter((v) => v !== "");
  const report = await measureKzgCommitmentThroughput({
    runs: Number(values.runs),
    referenceMaxBlobBytes: Number(values["reference-max-bytes"]),
    blobBytes: list(values["blob-bytes"]).map(Number),
    engines: list(values.engines) as KzgEngineName[],
    nativeTables: /^\d+$/.test(values["native-tables"])
      ? Number(values["native-tables"])
      : (values["native-tables"] as "auto" | "off"),
    poolWorkers: list(values["pool-workers"]).map(Number),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(
    values.json
      ? `${JSON.stringify(report, null, 2)}\n`
      : `${formatKzgThroughputTable(report)}\n\nSRS ${report.srsPoints} points, setup ${Object.entries(report.setupMs)
          .map(([name, ms]) => `${name} ${seconds(ms)}`)
          .join(", ")}, ` +
          `engines agree: ${report.enginesAgree}, reference skipped on: ${report.referenceSkippedBlobBytes.map(sizeLabel).join(", ") || "none"}, ` +
          `node ${report.nodeVersion}, load average ${report.loadAverage.map((l) => l.toFixed(2)).join(" → ")}\n`,
  );
}
