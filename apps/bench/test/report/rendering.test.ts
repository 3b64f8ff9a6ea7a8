import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { QUICK_PLAN } from "../../src/plan.ts";
import { chartPanels, renderChart } from "../../src/report/chart.ts";
import { headlineRows, renderHeadline } from "../../src/report/headline.ts";
import { renderBar } from "../../src/report/progress.ts";
import { renderMarkdown, renderTable } from "../../src/report/render.ts";
import type { BenchResults } from "../../src/report/results.ts";
import { resultRows } from "../../src/report/rows.ts";
import type {
  E2eTargetName,
  EndToEndTargetResult,
  LatencyFigure,
  LatencyMethod,
  ThroughputFigure,
} from "../../src/suites/endToEnd.ts";
import { executionConfigurations } from "../../src/suites/executors.ts";

const throughput = (txPerSecond: number): ThroughputFigure => ({
  transactions: 100,
  seconds: 100 / txPerSecond,
  txPerSecond,
  acceptedPerSecond: txPerSecond * 2,
  rejected: 0,
  failedReceipts: 0,
  missingReceipts: 0,
});
const latency = (
  p50Ms: number,
  method: LatencyMethod,
  workload: LatencyFigure["workload"],
  load: LatencyFigure["load"] = "light",
  answered = 10,
): LatencyFigure => ({
  method,
  workload,
  load,
  ratePerSecond: 50,
  transactions: 10,
  answered,
  seconds: 1,
  blocks: 4,
  ...(answered === 0
    ? {}
    : { latency: { samples: answered, p50Ms, p95Ms: p50Ms * 2, p99Ms: p50Ms * 3, maxMs: p50Ms * 4 } }),
  rejected: 0,
});
const both = (ms: number, method: LatencyMethod, load: LatencyFigure["load"] = "light", answered = 10) => [
  latency(ms, method, "native", load, answered),
  latency(ms, method, "erc20", load, answered),
];
const target = (
  name: E2eTargetName,
  label: string,
  tps: number | undefined,
  latencies: LatencyFigure[],
): EndToEndTargetResult => ({
  target: name,
  label,
  configuration: `${label} configuration`,
  ...(tps === undefined
    ? {}
    : {
        http: { native: throughput(tps), erc20: throughput(tps / 2) },
        ws: { native: throughput(tps), erc20: throughput(tps / 2) },
      }),
  latency: latencies,
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
  version: 2,
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
    configurations: executionConfigurations(100),
    blockTransactions: 100,
    setupSeconds: {
      mach: 1,
      "mach-ethereumjs": 1,
      "mach-root": 1,
      "ethereumjs-simple": 2,
      "ethereumjs-cached": 3,
      "ethereumjs-merkle": 3,
    },
    workloads: [
      {
        workload: "native",
        runs: {
          mach: run(4000, 84),
          "mach-ethereumjs": run(3000, 63),
          "mach-root": run(2000, 42),
          "ethereumjs-simple": run(400, 8.4),
          "ethereumjs-cached": run(800, 16.8),
          "ethereumjs-merkle": run(4000, 84),
        },
        gasUsedMatches: true,
      },
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
    settings: { ...QUICK_PLAN.endToEnd.load, intervalSeconds: 1, halfPeakGraceMs: 1000 },
    targets: [
      target("mach", "Mach", 2000, [
        ...both(10, "eth_sendRawTransaction+poll"),
        ...both(2, "realtime_sendRawTransaction"),
        ...both(3, "eth_sendRawTransactionSync"),
        ...both(4, "realtime_sendRawTransaction", "half-peak"),
      ]),
      target("anvil-interval", "anvil interval 1 s", 4000, []),
      target("anvil-automine", "anvil automine", undefined, [
        ...both(8, "eth_sendRawTransaction+poll"),
        ...both(1, "eth_sendRawTransactionSync"),
        latency(0, "eth_sendRawTransactionSync", "native", "half-peak", 0),
        { ...latency(0, "eth_sendRawTransactionSync", "erc20", "half-peak", 0), backlogAtStart: 5 },
      ]),
      target("hardhat-automine", "Hardhat automine", 1000, both(5, "eth_sendRawTransaction+poll")),
      target("hardhat-interval", "Hardhat interval 1 s", 500, []),
    ],
  },
  unavailable: {},
};

const isPoll = (text: string | undefined) => text?.includes("send + poll") === true;

describe("resultRows", () => {
  it("computes ratios so that above 1 means Mach is better, for rates and latencies alike", () => {
    const rows = resultRows(results);
    const noRoot = rows.filter((r) => r.figure === "native tx/s, execution only, no state root");
    assert.deepEqual(
      noRoot.map((r) => r.ratio),
      [10, 5, 3.75],
    );
    const withRoot = rows.find((r) => r.figure === "native tx/s, execution + state root per 100 txs");
    assert.equal(withRoot?.ratio, 0.5);
    const http = rows.find((r) => r.figure === "native over HTTP batches tx/s" && r.peer === "Hardhat automine");
    assert.equal(http?.ratio, 2);
    const anvil = rows.find((r) => r.figure === "native over HTTP batches tx/s" && r.peer === "anvil interval 1 s");
    assert.equal(anvil?.ratio, 0.5);
    const poll = rows.find((r) => r.figure === "native p50, Mach send + poll" && r.peer?.startsWith("Hardhat"));
    assert.equal(poll?.ratio, 0.5);
    const sync = rows.find(
      (r) => r.figure === "native p50, Mach realtime_sendRawTransaction" && r.peer?.startsWith("anvil automine"),
    );
    assert.deepEqual([sync?.mach, sync?.peerValue, sync?.ratio], [2, 1, 0.5]);
    assert.equal(rows.find((r) => r.figure === "RSS per 1M accounts")?.mach, 1024);
    assert.equal(rows.find((r) => r.section === "state root")?.ratio, 5);
    assert.equal(rows.find((r) => r.figure === "block of 1,000 keys, 1 thread")?.mach, 5_000);
    assert.equal(rows.find((r) => r.figure === "block of 1,000 keys, per CPU-second (all threads)")?.mach, 8_000);
    assert.equal(rows.find((r) => r.section === "replica")?.ratio, 5);
  });

  it("compares each abuse phase with the same variant's rest, latencies and gaps alike", () => {
    const phase = (variant: string, name: "rest" | "eth_call ×16", p99Ms: number, gapMs: number) => ({
      variant,
      phase: name,
      receipts: 10,
      failures: 0,
      p50Ms: 1,
      p99Ms,
      maxMiniBlockGapMs: gapMs,
      nodeRssMiB: 100,
      abuse: {},
    });
    const rows = resultRows({
      ...results,
      abuse: {
        configuration: "Mach default",
        settings: { phaseMs: 1, loadSenders: 1, flood: { senders: 1, parkedPerSender: 1 }, variants: [] },
        phases: [
          phase("default", "rest", 10, 20),
          phase("default", "eth_call ×16", 20, 80),
          phase("workers 0", "rest", 5, 10),
          phase("workers 0", "eth_call ×16", 50, 1000),
        ],
      },
    }).filter((r) => r.section === "abuse");
    const p99 = rows.find((r) => r.figure === "eth_call ×16: realtime send → receipt p99");
    assert.deepEqual([p99?.mach, p99?.peerValue, p99?.ratio], [20, 10, 0.5]);
    const gap = rows.find((r) => r.figure === "eth_call ×16 (workers 0): largest gap between mini-blocks");
    assert.deepEqual([gap?.mach, gap?.peerValue, gap?.ratio], [1000, 10, 0.01]);
    assert.equal(rows.find((r) => r.figure === "rest: realtime send → receipt p99")?.ratio, undefined);
  });

  it("sets the derive node's rate beside the sequencer's in the same run, its configuration named", () => {
    const rows = resultRows({
      ...results,
      derivation: {
        configuration: "quick: the test's chain",
        sequencer: { transactions: 2_000, txPerSecond: 400, seconds: 5 },
        derive: {
          blocks: 8,
          headHash: "0x01",
          transactions: 2_000,
          seconds: 4,
          startSeconds: 3,
          blocksPerSecond: 2,
          txPerSecond: 500,
          rejectedBatches: 0,
        },
        batches: 3,
      },
    }).filter((r) => r.section === "derivation");
    assert.deepEqual(
      rows.map((r) => [r.unit, r.mach, r.peerValue, r.ratio, r.machConfiguration]),
      [
        ["tx/s", 500, 400, 1.25, "quick: the test's chain"],
        ["blocks/s", 2, undefined, undefined, "quick: the test's chain"],
        ["s", 3, undefined, undefined, "quick: the test's chain"],
      ],
    );
    assert.equal(rows[0]?.peer, "Mach sequencer (same run)");
  });

  it("groups rows by section, each section once", () => {
    const sections = resultRows(results).map((r) => r.section);
    const order = sections.filter((s, i) => s !== sections[i - 1]);
    assert.equal(new Set(order).size, order.length);
  });

  it("names the configuration of both sides of every compared row", () => {
    for (const row of resultRows(results)) {
      if (row.peer === undefined) continue;
      assert.ok(row.peerConfiguration, `${row.section} ${row.figure}: the peer's configuration is unnamed`);
      if (["execution", "end to end", "latency, one at a time", "latency, half of Mach's peak"].includes(row.section))
        assert.ok(row.machConfiguration, `${row.section} ${row.figure}: Mach's configuration is unnamed`);
    }
  });

  it("compares execution with a state root only against execution with a state root", () => {
    const rows = resultRows(results).filter((r) => r.section === "execution" && r.figure.includes("execution"));
    assert.equal(rows.length, 8);
    for (const row of rows) {
      const machRoot = row.figure.includes("state root per");
      assert.equal(row.machConfiguration?.includes("no state root"), !machRoot, row.figure);
      assert.equal(row.peer?.includes("root per"), machRoot, `${row.figure} beside ${row.peer}`);
      assert.equal(row.peer?.includes("no trie"), !machRoot, `${row.figure} beside ${row.peer}`);
    }
  });

  it("compares send + poll only with send + poll, and one-call sends only with one-call sends", () => {
    const rows = resultRows(results).filter((r) => r.section.startsWith("latency"));
    assert.ok(rows.length > 0);
    for (const row of rows) assert.equal(isPoll(row.figure), isPoll(row.peer), `${row.figure} beside ${row.peer}`);
    // Hardhat has no one-call send: it appears only beside Mach's send + poll.
    for (const row of rows.filter((r) => r.peer?.startsWith("Hardhat"))) assert.ok(isPoll(row.figure), row.figure);
    // Both of Mach's one-call methods face anvil's.
    for (const method of ["realtime_sendRawTransaction", "eth_sendRawTransactionSync"]) {
      const row = rows.find((r) => r.figure.endsWith(`Mach ${method}`) && r.peer?.startsWith("anvil automine"));
      assert.equal(row?.peer, "anvil automine, eth_sendRawTransactionSync", method);
    }
  });

  it("reports a peer that did not answer every transaction as stalled, with no percentile", () => {
    const rows = resultRows(results).filter((r) => r.section === "latency, half of Mach's peak");
    assert.equal(rows.length, 4);
    for (const row of rows) {
      assert.equal(row.mach !== null, true);
      assert.equal(row.peerValue, null);
      assert.match(row.note ?? "", /^anvil automine stalled: 0 of 10 answered/);
      // A phase that began while the node still worked through the previous one says so.
      assert.equal(
        row.note?.includes("started with 5 transactions of the previous phase"),
        row.figure.startsWith("erc20"),
      );
    }
  });
});

describe("renderHeadline", () => {
  it("shows the rows where Mach loses as well as those where it wins, each peer with its configuration", () => {
    const rows = resultRows(results);
    const headline = headlineRows(rows);
    assert.ok(
      headline.some((r) => (r.ratio ?? 0) > 1),
      "a row Mach wins",
    );
    assert.ok(
      headline.some((r) => r.ratio !== null && r.ratio !== undefined && r.ratio < 1),
      "a row Mach loses",
    );
    const md = renderHeadline(rows);
    assert.match(md, /peer ahead, 2\.00×/);
    assert.match(md, /Mach ahead, 4\.00×/);
    assert.match(md, /peer stalled/);
    assert.ok(md.includes("anvil interval 1 s: anvil interval 1 s configuration"));
    assert.equal(
      md.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| figure")).length,
      headline.length + 1,
    );
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

  it("lists each note under the table and each configuration once", () => {
    const table = renderTable(resultRows(results));
    assert.match(table, /notes:\n {2}\[1\] anvil automine stalled/);
    const configurations = table.slice(table.indexOf("configurations:")).split("\n").slice(1);
    assert.ok(configurations.includes("  - anvil automine configuration"));
    assert.equal(new Set(configurations).size, configurations.length);
  });

  it("renders one Markdown row per figure", () => {
    const rows = resultRows(results);
    const md = renderMarkdown(rows)
      .split("\n")
      .filter((l) => l.startsWith("|"));
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
    assert.ok(svg.includes("exec native Mach EVM, no state root: 4000.0 tx/s"));
    assert.ok(svg.includes("http native anvil interval 1 s: 4000.0 tx/s"));
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
