/**
 * What each DA provider's client computes over a blob before it can submit it, on one core: EigenDA's KZG
 * commitments (G1 commitment + length commitment + length proof over BN254; the default engine, native C or mcl-wasm as its fallback, beside the
 * pure-JS reference, through `measureKzgCommitmentThroughput` of `@mach/da-eigenda/bench`), and Celestia's share commitment
 * (namespaced Merkle subtree roots over the blob's shares, SHA-256 in JS). MB/s = blob bytes / CPU time of the
 * calling thread's process (the one-core rate; on a loaded machine wall time is longer, both are kept).
 */
import { randomBytes } from "node:crypto";
import { computeShareCommitment, namespaceFromUserBytes } from "@mach/da-celestia";
import { defaultKzgEngine } from "@mach/da-eigenda";
import { type KzgThroughputReport, measureKzgCommitmentThroughput } from "@mach/da-eigenda/bench";
import { median } from "../report/stats.ts";

export interface DaCommitmentSettings {
  /** Blob sizes, bytes (powers of two × 32). */
  readonly blobBytes: readonly number[];
  /** Timed runs per figure after a warm-up; the median is kept. */
  readonly runs: number;
  /** The pure-JS KZG reference runs on blobs up to this size (0: not at all; a 2 MiB full commitment takes minutes). */
  readonly referenceMaxBlobBytes: number;
}

export interface TimedCommitment {
  readonly blobBytes: number;
  readonly runs: number;
  readonly medianWallMs: number;
  readonly medianCpuMs: number;
  readonly megabytesPerSecond: number;
  readonly megabytesPerCpuSecond: number;
}

export interface DaCommitmentResult {
  readonly eigenda: KzgThroughputReport;
  readonly celestia: readonly TimedCommitment[];
}

export async function measureDaCommitments(
  settings: DaCommitmentSettings,
  log: (line: string) => void = () => {},
): Promise<DaCommitmentResult> {
  const eigenda = await measureKzgCommitmentThroughput({
    blobBytes: settings.blobBytes,
    runs: settings.runs,
    referenceRuns: 1,
    referenceMaxBlobBytes: settings.referenceMaxBlobBytes,
    engines: settings.referenceMaxBlobBytes > 0 ? [defaultKzgEngine(), "reference"] : [defaultKzgEngine()],
    log,
  });
  const namespace = namespaceFromUserBytes(new TextEncoder().encode("mach"));
  const celestia = settings.blobBytes.map((blobBytes) => {
    const blob = new Uint8Array(randomBytes(blobBytes));
    computeShareCommitment(namespace, blob); // warm-up
    const wallMs: number[] = [];
    const cpuMs: number[] = [];
    for (let i = 0; i < settings.runs; i++) {
      const cpuStart = process.cpuUsage();
      const wallStart = performance.now();
      computeShareCommitment(namespace, blob);
      wallMs.push(performance.now() - wallStart);
      const cpu = process.cpuUsage(cpuStart);
      cpuMs.push((cpu.user + cpu.system) / 1000);
    }
    const medianWallMs = median(wallMs);
    const medianCpuMs = median(cpuMs);
    log(
      `celestia share commitment ${blobBytes} B: wall ${medianWallMs.toFixed(1)} ms, CPU ${medianCpuMs.toFixed(1)} ms`,
    );
    return {
      blobBytes,
      runs: settings.runs,
      medianWallMs,
      medianCpuMs,
      megabytesPerSecond: blobBytes / 1e6 / (medianWallMs / 1000),
      megabytesPerCpuSecond: blobBytes / 1e6 / (Math.max(medianCpuMs, 0.001) / 1000),
    };
  });
  return { eigenda, celestia };
}
