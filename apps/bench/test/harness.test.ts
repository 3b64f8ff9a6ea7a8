/**
 * One `--quick` run of the whole harness, as CI runs it: asserts only that every figure was produced (finite, for
 * Mach and for its peer), that no transaction was rejected, lost or failed, and that the JSON, SVG and tables were
 * written. No timing thresholds.
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
    for (const section of ["execution", "end to end", "latency", "state root", "memory", "state diff", "replica"]) {
      assert.ok(sections.has(section), `missing section ${section}`);
    }
    for (const row of rows) {
      assert.ok(
        row.mach !== null && Number.isFinite(row.mach) && row.mach > 0,
        `${row.section} ${row.figure}: Mach figure ${row.mach}`,
      );
      if (row.peer !== undefined) {
        assert.ok(
          row.peerValue != null && Number.isFinite(row.peerValue) && row.peerValue > 0,
          `${row.section} ${row.figure}: ${row.peer} figure ${row.peerValue}`,
        );
      }
    }
    assert.equal(results.endToEnd?.targets.length, 3);
    assert.equal(results.stateRoot?.blocks.length, 3);
    assert.equal(results.stateRoot?.singleThreadBlocks.length, 3);
    assert.ok(results.stateRoot?.peer.rootsMatch, "@ethereumjs/mpt's root differs from Mach's");
  });

  it("ran every transaction successfully on every target", () => {
    for (const w of results.execution?.workloads ?? []) {
      assert.equal(w.mach.failed, 0, `${w.workload} on Mach`);
      assert.equal(w.ethereumjs.failed, 0, `${w.workload} on @ethereumjs`);
      assert.ok(w.gasUsedMatches, `${w.workload}: Mach and @ethereumjs used different gas`);
    }
    for (const w of results.stateDiff?.workloads ?? []) assert.ok(w.rootsMatch, `${w.workload}: replica root differs`);
    for (const target of results.endToEnd?.targets ?? []) {
      for (const transport of ["http", "ws"] as const) {
        for (const kind of ["native", "erc20"] as const) {
          const f = target[transport][kind];
          assert.deepEqual(
            [f.rejected, f.missingReceipts, f.failedReceipts],
            [0, 0, 0],
            `${target.target} ${transport} ${kind}: ${f.firstError}`,
          );
        }
      }
      assert.equal(target.latency.native.rejected + target.latency.erc20.rejected, 0, target.target);
    }
  });

  it("writes the chart, the tables and prints the table", () => {
    const svg = readFileSync(join(outDir, "quick", "chart.svg"), "utf8");
    assert.ok(svg.startsWith("<svg") && svg.trimEnd().endsWith("</svg>"));
    assert.ok((svg.match(/<title>/g) ?? []).length > 20);
    assert.ok(readFileSync(join(outDir, "quick", "table.md"), "utf8").startsWith("| section |"));
    assert.ok(stdout.includes("Mach/peer"));
    assert.ok(readFileSync(join(outDir, "quick", "table.txt"), "utf8").includes("[execution]"));
  });
});
