/**
 * Figures for the EigenDA adapter:
 *   1. KZG commitment time (G1 commitment alone, and the full BlobCommitment = G1 + length commitment + length proof)
 *      for a 128 KiB blob (4,096 symbols) and, with --big, a 2 MiB blob (65,536 symbols);
 *   2. submit-to-certificate latency against the stand-in over gRPC on localhost.
 *
 *   node scripts/measure.ts [--big] [--kzg-only | --latency-only] [--srs-cache DIR] [--runs N] [--status-interval-ms MS]
 *
 * The dev SRS is generated once per size and cached in --srs-cache (default: the OS temp dir); generating 65,536
 * points takes minutes in pure JS.
 */
import { access, mkdir, mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  computeBlobCommitment,
  computeG1Commitment,
  createEigenDaClient,
  encodePayloadToBlob,
  generateInsecureDevSrs,
  maxPayloadBytesForSymbols,
  readMachSrsFile,
  type Srs,
  startEigenDaStandIn,
  writeMachSrsFile,
} from "../src/index.ts";

const { values } = parseArgs({
  options: {
    big: { type: "boolean", default: false },
    "srs-cache": { type: "string", default: join(tmpdir(), "mach-eigenda-srs") },
    runs: { type: "string", default: "5" },
    "status-interval-ms": { type: "string", default: "10" },
    "kzg-only": { type: "boolean", default: false },
    "latency-only": { type: "boolean", default: false },
  },
});
const runs = Number(values.runs);
const skipLatency = values["kzg-only"];

async function devSrs(points: number): Promise<Srs> {
  const dir = values["srs-cache"];
  await mkdir(dir, { recursive: true });
  const path = join(dir, `insecure-dev-${points}.srs`);
  try {
    await access(path);
    return await readMachSrsFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const started = performance.now();
  const srs = generateInsecureDevSrs({ numPoints: points });
  console.log(`generated dev SRS of ${points} points in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await writeMachSrsFile(path, srs);
  return srs;
}

/** Wall and CPU milliseconds of a synchronous call; CPU time is what matters on a shared, loaded machine. */
function time<T>(fn: () => T): [T, number, number] {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = fn();
  const used = process.cpuUsage(cpu);
  return [result, performance.now() - started, (used.user + used.system) / 1000];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function payloadFor(symbols: number): Uint8Array {
  const payload = new Uint8Array(maxPayloadBytesForSymbols(symbols));
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 2654435761) >>> 24;
  return payload;
}

async function measureCommitments(symbols: number, label: string, repeats: number): Promise<void> {
  const srs = await devSrs(symbols);
  const blob = encodePayloadToBlob(payloadFor(symbols));
  const g1: number[] = [];
  const g1Cpu: number[] = [];
  const full: number[] = [];
  const fullCpu: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const [, wall, cpu] = time(() => computeG1Commitment(srs, blob));
    g1.push(wall);
    g1Cpu.push(cpu);
    const [, fullWall, fullCpuMs] = time(() => computeBlobCommitment(srs, blob));
    full.push(fullWall);
    fullCpu.push(fullCpuMs);
  }
  console.log(
    `KZG ${label} blob (${symbols} symbols, ${blob.length} bytes): G1 commitment median ${median(g1).toFixed(0)} ms ` +
      `(cpu ${median(g1Cpu).toFixed(0)} ms), full BlobCommitment (G1 + 2 G2 MSMs) median ${median(full).toFixed(0)} ms ` +
      `(cpu ${median(fullCpu).toFixed(0)} ms) (n=${repeats})`,
  );
}

async function measureLatency(symbols: number, label: string): Promise<void> {
  const srs = await devSrs(Math.max(symbols, 64));
  const dataDir = await mkdtemp(join(tmpdir(), "mach-eigenda-measure-"));
  const statusIntervalMs = Number(values["status-interval-ms"]);
  const standIn = await startEigenDaStandIn({ port: 0, dataDir, statusIntervalMs, srs });
  const da = createEigenDaClient(
    {
      disperser: standIn.disperserUrl,
      relays: { "0": standIn.relayUrl },
      signerPrivateKey: `0x${"42".repeat(32)}`,
      srs: { format: "mach", path: "injected" },
      statusPollIntervalMs: 5,
    },
    { srs },
  );
  try {
    const payload = payloadFor(symbols);
    await (await da.submit(payload.subarray(0, 10))).wait(); // warm up the channel
    const submit: number[] = [];
    const total: number[] = [];
    const retrieve: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const handle = await da.submit(payload);
      submit.push(performance.now() - started);
      const pointer = await handle.wait();
      total.push(performance.now() - started);
      const fetchStarted = performance.now();
      await da.retrieve(pointer);
      retrieve.push(performance.now() - fetchStarted);
    }
    console.log(
      `stand-in latency, ${label} payload (${payload.length} bytes, status every ${statusIntervalMs} ms): ` +
        `submit() median ${median(submit).toFixed(0)} ms, submit→certificate median ${median(total).toFixed(0)} ms, ` +
        `retrieve median ${median(retrieve).toFixed(0)} ms (n=${runs})`,
    );
  } finally {
    await da.close();
    await standIn.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

console.log(
  `node ${process.version}, ${new Date().toISOString()}, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
if (!skipLatency) {
  await measureLatency(64, "small");
  await measureLatency(4096, "128 KiB-blob");
}
if (!values["latency-only"]) await measureCommitments(4096, "128 KiB", 3);
if (values.big && !values["latency-only"]) await measureCommitments(65_536, "2 MiB", 1);
