/**
 * One `--quick` run of the whole harness, as CI runs it: asserts only that every figure was produced (finite, for
 * Mach and for its peer, or missing with a note that says why: a node that stalled under the half-peak load), that
 * no transaction was rejected, lost or failed in the throughput and light-load phases, that both DA providers ran
 * their sustained load with every send accepted and `safe` caught up after it, that a derive node reached the
 * sequencer's head hash from L1 + DA, and that the JSON, SVG and tables were written. No timing thresholds.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { BenchResults } from "../src/report/results.ts";
import { resultRows } from "../src/report/rows.ts";

const MAIN = new URL("../src/main.ts", import.meta.url).pathname;

describe("pnpm bench --quick", () => {
  let outDir: string;
  let exitCode: number | null;
  let stdout = "";
  let stderr = "";
  let results: BenchResults & { errors: Record<string, string> };

  before(async () => {
    outDir = mkdtempSync(join(tmpdir(), "mach-bench-test-"));
    const child = spawn(process.execPath, [MAIN, "--quick", "--out", outDir], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    exitCode = await new Promise((resolve) => child.once("exit", (code) => resolve(code)));
    results = JSON.parse(readFileSync(join(outDir, "quick", "results.json"), "utf8"));
  });

  after(() => {
    rmSync(outDir, { recursive: true, force: true });
  });

  it("exits 0 with no suite errors", () => {
    assert.deepEqual(results.errors, {}, stderr);
    assert.equal(exitCode, 0, stderr);
  });

  it("records the machine and the plan", () => {
    assert.ok(results.machine.cores > 0);
    assert.match(results.machine.node, /^v\d+/);
    assert.equal(results.mode, "quick");
    assert.ok(results.signing.txPerSecond > 0);
  });

  it("produces every figure, for Mach and for each peer", () => {
    const rows = resultRows(results);
    const sections = new Set(rows.map((r) => r.section));
    for (const section of [
      "execution",
      "end to end",
      "latency, one at a time",
      "latency, half of Mach's peak",
      "state root",
      "memory",
      "state diff",
      "replica",
      "DA commitment",
      "witness",
      "derivation",
    ]) {
      assert.ok(sections.has(section), `missing section ${section}`);
    }
    assert.ok([...sections].some((section) => section.startsWith("DA sustained, peak")));
    for (const row of rows) {
      const stalled = row.note?.includes(" stalled: ") === true;
      // A DA backlog figure may be 0 (nothing waited, no back-pressure); every other figure is a positive rate or time.
      const floor = row.section.startsWith("DA sustained") ? 0 : Number.MIN_VALUE;
      const present = (value: number | null | undefined) => value != null && Number.isFinite(value) && value >= floor;
      assert.ok(present(row.mach) || stalled, `${row.section} ${row.figure}: Mach figure ${row.mach}`);
      if (row.peer !== undefined)
        assert.ok(present(row.peerValue) || stalled, `${row.section} ${row.figure}: ${row.peer} ${row.peerValue}`);
    }
    assert.deepEqual(
      results.endToEnd?.targets.map((t) => t.target),
      ["mach", "anvil-interval", "anvil-automine", "hardhat-automine", "hardhat-interval"],
    );
    assert.equal(results.stateRoot?.blocks.length, 3);
    assert.equal(results.stateRoot?.singleThreadBlocks.length, 3);
    assert.ok(results.stateRoot?.peer.rootsMatch, "@ethereumjs/mpt's root differs from Mach's");
  });

  it("ran every transaction successfully on every target", () => {
    for (const w of results.execution?.workloads ?? []) {
      for (const [name, run] of Object.entries(w.runs)) assert.equal(run.failed, 0, `${w.workload} on ${name}`);
      assert.ok(w.gasUsedMatches, `${w.workload}: the executor configurations used different gas`);
    }
    for (const w of results.stateDiff?.workloads ?? []) assert.ok(w.rootsMatch, `${w.workload}: replica root differs`);
    for (const target of results.endToEnd?.targets ?? []) {
      for (const transport of ["http", "ws"] as const) {
        for (const kind of ["native", "erc20"] as const) {
          const f = target[transport]?.[kind];
          if (f === undefined) continue;
          assert.deepEqual(
            [f.rejected, f.missingReceipts, f.failedReceipts],
            [0, 0, 0],
            `${target.target} ${transport} ${kind}: ${f.firstError}`,
          );
        }
      }
      for (const f of target.latency.filter((l) => l.load === "light")) {
        assert.deepEqual([f.rejected, f.answered], [0, f.transactions], `${target.target} ${f.method} ${f.workload}`);
      }
    }
  });

  it("runs the sustained DA load on EigenDA and Celestia, every send accepted, and safe catches up after it", () => {
    assert.deepEqual(
      results.da?.providers.map((p) => p.provider),
      ["eigenda", "celestia"],
    );
    for (const run of results.da?.providers ?? []) {
      assert.deepEqual([run.sent.rejected, run.sent.accepted], [0, run.sent.transactions], run.provider);
      assert.equal(run.batchesFailed, 0, run.provider);
      assert.notEqual(run.batcherState, "halted", `${run.provider}: ${run.batcherError}`);
      assert.notEqual(run.drain.safeCaughtUpSeconds, null, `${run.provider}: safe caught up after the load`);
    }
  });

  it("derives the sequencer's chain from L1 + DA (the suite fails on another head hash or a rejected batch)", () => {
    const d = results.derivation;
    assert.ok(d, `the derivation suite gave no result: ${results.errors.derivation}`);
    assert.ok(d.derive.blocks > 0 && d.batches > 0, `${d.derive.blocks} blocks in ${d.batches} batches`);
  });

  it("writes the chart, the tables and prints the table", () => {
    const svg = readFileSync(join(outDir, "quick", "chart.svg"), "utf8");
    assert.ok(svg.startsWith("<svg") && svg.trimEnd().endsWith("</svg>"));
    assert.ok((svg.match(/<title>/g) ?? []).length > 20);
    assert.ok(readFileSync(join(outDir, "quick", "table.md"), "utf8").startsWith("| section |"));
    assert.ok(stdout.includes("Mach/peer"));
    assert.ok(readFileSync(join(outDir, "quick", "table.txt"), "utf8").includes("[execution]"));
    assert.ok(readFileSync(join(outDir, "quick", "headline.md"), "utf8").startsWith("| figure |"));
    assert.ok(stdout.includes("headline (quick run)"));
  });
});
