import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { QUICK_PLAN } from "../../src/plan.ts";
import { chartPanels, renderChart } from "../../src/report/chart.ts";
import { renderBar } from "../../src/report/progress.ts";
import type { BenchResults } from "../../src/report/results.ts";
import { renderMarkdown, renderTable, resultRows } from "../../src/report/rows.ts";
import type { EndToEndTargetResult, LatencyFigure, ThroughputFigure } from "../../src/suites/endToEnd.ts";

const throughput = (txPerSecond: number): ThroughputFigure => ({
  transactions: 100,
  seconds: 100 / txPerSecond,
  txPerSecond,
  acceptedPerSecond: txPerSecond * 2,
  rejected: 0,
  failedReceipts: 0,
  missingReceipts: 0,
});
const latency = (p50Ms: number, method: LatencyFigure["method"] = "eth_sendRawTransaction+poll"): LatencyFigure => ({
  method,
  ratePerSecond: 50,
  samples: 10,
  p50Ms,
  p95Ms: p50Ms * 2,
  p99Ms: p50Ms * 3,
  maxMs: p50Ms * 4,
  rejected: 0,
});
const target = (name: EndToEndTargetResult["target"], tps: number, ms: number): EndToEndTargetResult => ({
  target: name,
  http: { native: throughput(tps), erc20: throughput(tps / 2) },
  ws: { native: throughput(tps), erc20: throughput(tps / 2) },
  latency: {
    native: latency(ms),
    erc20: latency(ms),
    ...(name === "mach"
      ? {
          realtimeNative: latency(ms / 2, "realtime_sendRawTransaction"),
          realtimeErc20: latency(ms / 2, "realtime_sendRawTransaction"),
        }
      : {}),
  },
});
const run = (txPerSecond: number, mgas: number) => ({
  transactions: 10,
  seconds: 10 / txPerSecond,
  txPerSecond,
  mgasPerSecond: mgas,
  gasUsed: "210000",
  failed: 0,
});

const results: BenchResults = {
  version: 1,
  mode: "quick",
  seed: 1,
  suites: ["execution", "state", "e2e"],
  startedAt: "2026-11-25T00:00:00.000Z",
  durationSeconds: 1,
  machine: {
    cores: 2,
    cpuModel: "test cpu",
    totalMemoryBytes: 1,
    platform: "linux",
    arch: "x64",
    node: "v22",
    loadAverage1m: 0.5,
  },
  plan: QUICK_PLAN,
  signing: { backend: "native", transactions: 10, seconds: 1, txPerSecond: 10 },
  execution: {
    configuration: { mach: "m", ethereumjs: "e" },
    setupSeconds: { mach: 1, ethereumjs: 2 },
    workloads: [
      { workload: "native", mach: run(4000, 84), ethereumjs: run(400, 8.4), ratio: 10, gasUsedMatches: true },
    ],
    admission: { transactions: 10, machTxPerSecond: 3000, ethereumjsTxPerSecond: 150, ratio: 20 },
  },
  stateRoot: {
    accounts: 1000,
    buildSeconds: 1,
    initialCommitSeconds: 1,
    hashWorkers: 1,
    blocks: [{ touchedKeys: 1000, seconds: 0.1, keysPerSecond: 10_000, cpuSeconds: 0.125 }],
    singleThreadBlocks: [{ touchedKeys: 1000, seconds: 0.2, keysPerSecond: 5_000, cpuSeconds: 0.2 }],
    workerHashShare: 0.4,
    rssBytesPerMillionAccounts: 2 ** 30,
    heapBytesPerMillionAccounts: 2 ** 29,
    peakRssBytes: 2 ** 28,
    peer: {
      name: "mpt",
      accounts: 1000,
      setup: "filled",
      setupSeconds: 1,
      buildKeysPerSecond: 3000,
      buildSampleKeys: 100,
      blocks: [{ touchedKeys: 1000, seconds: 0.5, keysPerSecond: 2000 }],
      rootsMatch: true,
    },
  },
  stateDiff: {
    miniBlockSize: 10,
    blockMiniBlocks: 2,
    compression: "zstd",
    workloads: (["native", "erc20"] as const).map((workload) => ({
      workload,
      transactions: 10,
      singleTxRawBytes: 100,
      singleTxZstdBytes: 90,
      miniBlockRawBytesPerTx: 60,
      miniBlockZstdBytesPerTx: 50,
      sequencerTxPerSecond: 1000,
      replicaApplyTxPerSecond: 5000,
      replicaToSequencerRatio: 5,
      rootsMatch: true,
    })),
  },
  endToEnd: {
    settings: { ...QUICK_PLAN.endToEnd.load, hardhatIntervalMs: 1000 },
    targets: [target("mach", 2000, 10), target("hardhat-automine", 1000, 5), target("hardhat-interval", 500, 500)],
  },
  unavailable: {},
};

describe("resultRows", () => {
  it("computes ratios so that above 1 means Mach is better, for rates and latencies alike", () => {
    const rows = resultRows(results);
    const exec = rows.find((r) => r.figure === "native tx/s");
    assert.equal(exec?.ratio, 10);
    const http = rows.find((r) => r.figure === "native over HTTP batches tx/s" && r.peer === "Hardhat automine");
    assert.equal(http?.ratio, 2);
    const lat = rows.find((r) => r.figure === "native p50, both send+poll" && r.peer === "Hardhat interval");
    assert.equal(lat?.ratio, 50);
    const automine = rows.find((r) => r.figure === "native p50, both send+poll" && r.peer === "Hardhat automine");
    assert.equal(automine?.ratio, 0.5);
    assert.equal(rows.find((r) => r.figure === "RSS per 1M accounts")?.mach, 1024);
    assert.equal(rows.find((r) => r.section === "state root")?.ratio, 5);
    assert.equal(rows.find((r) => r.figure === "block of 1,000 keys, 1 thread")?.mach, 5_000);
    assert.equal(rows.find((r) => r.figure === "block of 1,000 keys, per CPU-second (all threads)")?.mach, 8_000);
    assert.equal(rows.find((r) => r.section === "replica")?.ratio, 5);
    const realtime = rows.find((r) => r.figure === "native p50, Mach realtime_sendRawTransaction");
    assert.deepEqual([realtime?.mach, realtime?.peerValue, realtime?.ratio], [5, 5, 1]);
  });

  it("groups rows by section, each section once", () => {
    const sections = resultRows(results).map((r) => r.section);
    const order = sections.filter((s, i) => s !== sections[i - 1]);
    assert.equal(new Set(order).size, order.length);
  });
});

describe("renderTable and renderMarkdown", () => {
  it("aligns every line of the table to the same column positions", () => {
    const table = renderTable(resultRows(results));
    const lines = table.split("\n");
    assert.match(lines[0] ?? "", /^figure\s+unit\s+Mach\s+peer\s+peer value\s+Mach\/peer$/);
    assert.ok(lines.includes("[execution]"));
    assert.ok(table.includes("10.00x"));
    assert.ok(table.includes("4,000"));
  });

  it("renders one Markdown row per figure", () => {
    const rows = resultRows(results);
    const md = renderMarkdown(rows).split("\n");
    assert.equal(md.length, rows.length + 2);
    for (const line of md) assert.match(line, /^\|.*\|$/);
  });
});

describe("renderChart", () => {
  it("draws one bar per figure with its value in a title, in well-formed SVG", () => {
    const panels = chartPanels(results);
    assert.deepEqual(
      panels.map((p) => p.title),
      ["Throughput", "Send → receipt latency"],
    );
    const bars = panels.flatMap((p) => p.groups.flatMap((g) => g.bars));
    const svg = renderChart(panels, "subtitle <&>");
    assert.ok(svg.startsWith("<svg"));
    assert.ok(svg.trimEnd().endsWith("</svg>"));
    assert.equal((svg.match(/<rect [^>]*><title>/g) ?? []).length, bars.length);
    assert.ok(svg.includes("subtitle &lt;&amp;&gt;"));
    assert.ok(svg.includes("exec native Mach: 4000.0 tx/s"));
  });

  it("places a larger value higher on the log scale", () => {
    const svg = renderChart(
      [
        {
          title: "t",
          unit: "u",
          groups: [
            {
              name: "g",
              bars: [
                { label: "a", value: 10, series: "Mach" },
                { label: "b", value: 1000, series: "Mach" },
              ],
            },
          ],
        },
      ],
      "s",
    );
    const ys = [...svg.matchAll(/<rect x="[\d.]+" y="([\d.]+)" [^>]*><title>/g)].map((m) => Number(m[1]));
    assert.equal(ys.length, 2);
    assert.ok((ys[1] as number) < (ys[0] as number));
  });
});

describe("renderBar", () => {
  it("fills in proportion and clamps to [0, 100%]", () => {
    assert.equal(renderBar(0.5, 10), "[#####-----]  50%");
    assert.equal(renderBar(2, 4), "[####] 100%");
    assert.equal(renderBar(-1, 4), "[----]   0%");
  });
});
