/**
 * Figure: submit-to-certificate latency of the Celestia adapter against the stand-in, over real HTTP on localhost.
 * "Certificate" = `wait()` resolved: blob.Submit returned the inclusion height, and GetProof + Included + Get confirmed
 * the blob under the locally computed commitment. Each submission starts at a random phase of the block interval
 * (seeded), so the figure averages over where in the interval a batch arrives, as a batcher's would.
 *
 *   node bench/inclusionLatency.ts [--block-time-ms 1000] [--count 40] [--size 131072] [--seed 1]
 *
 * Prints one JSON line: percentiles in ms of (a) submit → node reports inclusion height, (b) height → confirmed,
 * (c) total. Expected total ≈ blockTime/2 (mean wait for the next block) + confirmation round trips.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createCelestiaClient, startCelestiaStandIn } from "../src/index.ts";

const { values } = parseArgs({
  options: {
    "block-time-ms": { type: "string", default: "1000" },
    count: { type: "string", default: "40" },
    size: { type: "string", default: String(128 * 1024) },
    seed: { type: "string", default: "1" },
  },
});
const blockTimeMs = Number(values["block-time-ms"]);
const count = Number(values.count);
const size = Number(values.size);
let state = Number(values.seed) >>> 0 || 1;
const random = (): number => {
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state / 2 ** 32;
};

const dataDir = mkdtempSync(join(tmpdir(), "mach-celestia-bench-"));
const node = await startCelestiaStandIn({ port: 0, dataDir, blockTimeMs });
const da = createCelestiaClient({
  rpcUrl: node.rpcUrl,
  authToken: node.authToken,
  namespace: "6d616368000000000001",
  pollIntervalMs: 5,
});
const included: number[] = [];
const confirmed: number[] = [];
const total: number[] = [];
try {
  for (let i = 0; i < count; i++) {
    await new Promise((resolve) => setTimeout(resolve, random() * blockTimeMs));
    const data = new Uint8Array(size).map(() => (random() * 256) | 0);
    const t0 = performance.now();
    const handle = await da.submit(data);
    let tIncluded: number | undefined;
    const waiting = handle.wait().then(() => performance.now());
    // Sample the status to split the total at "node reported the height".
    for (let done = false; !done; ) {
      const status = await handle.status();
      if (tIncluded === undefined && (status.state !== "pending" || status.detail?.startsWith("included at height"))) {
        tIncluded = performance.now();
      }
      done = status.state !== "pending";
      if (!done) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const t1 = await waiting;
    included.push(tIncluded! - t0);
    confirmed.push(t1 - tIncluded!);
    total.push(t1 - t0);
  }
} finally {
  await da.close();
  await node.close();
  rmSync(dataDir, { recursive: true, force: true });
}

const summary = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    mean: round(s.reduce((a, b) => a + b, 0) / s.length),
    p50: round(at(0.5)),
    p90: round(at(0.9)),
    p99: round(at(0.99)),
    min: round(s[0]!),
    max: round(s[s.length - 1]!),
  };
};
process.stdout.write(
  `${JSON.stringify({
    figure: "celestia submit-to-certificate latency (stand-in, localhost)",
    blockTimeMs,
    count,
    payloadBytes: size,
    submitToInclusionHeightMs: summary(included),
    heightToConfirmedMs: summary(confirmed),
    submitToCertificateMs: summary(total),
  })}\n`,
);
