/**
 * One bench run: builds the world and signs every workload (signing cost measured apart), runs the chosen suites,
 * and writes `results.json`, `chart.svg`, `table.txt`, `table.md` and `headline.md` into `<out>/<quick|full>/` (or
 * the profile summary into `<out>/profile/`).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { BenchOptions } from "./options.ts";
import { buildRunWorkloads, FULL_PLAN, QUICK_PLAN } from "./plan.ts";
import { chartPanels, renderChart } from "./report/chart.ts";
import { renderHeadline } from "./report/headline.ts";
import { renderProfile } from "./report/profileTable.ts";
import { createProgress, type Progress } from "./report/progress.ts";
import { renderMarkdown, renderTable } from "./report/render.ts";
import { type BenchResults, type EndToEndResult, machineInfo, RESULTS_VERSION } from "./report/results.ts";
import { resultRows } from "./report/rows.ts";
import { ABUSE_PHASES, READ_VARIANT_PHASES, runAbuseSuite } from "./suites/abuse.ts";
import { DA_PROVIDERS, runDaSuite } from "./suites/da.ts";
import { runDerivationSuite } from "./suites/derivation.ts";
import {
  type EndToEndTargetResult,
  type HalfPeakSettings,
  halfPeakRates,
  runEndToEndTarget,
} from "./suites/endToEnd.ts";
import { endToEndTargets } from "./suites/endToEndTargets.ts";
import { runExecutionSuite } from "./suites/execution.ts";
import { EXECUTION_CONFIGURATIONS } from "./suites/executors.ts";
import { runProfile } from "./suites/profile.ts";
import { runReplicaSuite } from "./suites/replica.ts";
import { runStateDiffSuite } from "./suites/stateDiff.ts";
import { runStateRootInChild } from "./suites/stateRoot.ts";
import { createSigningMeter } from "./workloads/signing.ts";
import { WORKLOADS } from "./workloads/transactions.ts";
import { createWorld } from "./workloads/world.ts";

export interface RunOutput {
  readonly results: BenchResults;
  readonly dir: string;
  /** `svg` and `markdown` are absent for a profile run. */
  readonly files: {
    readonly json: string;
    readonly table: string;
    readonly svg?: string;
    readonly markdown?: string;
    readonly headline?: string;
  };
  readonly table: string;
  /** The headline table (Markdown; absent for a profile run). */
  readonly headline?: string;
  /** Suites or targets that failed (their figures are missing from the results). */
  readonly errors: Readonly<Record<string, string>>;
}

/** Figures the bench does not measure yet, with why (none today). */
const UNAVAILABLE: Readonly<Record<string, string>> = {};

export async function runBench(options: BenchOptions, progress?: Progress): Promise<RunOutput> {
  const plan = options.quick ? QUICK_PLAN : FULL_PLAN;
  const suites = options.profile ? new Set<string>(["profile"]) : new Set<string>(options.suites);
  const e2eTargets = endToEndTargets(plan.endToEnd.intervalSeconds);
  // One progress step per status line: each node's start and each of its phases.
  const e2eSteps = e2eTargets
    .map((t) => 1 + (t.phases.throughput ? 4 : 0) + t.phases.light.length + (t.phases.halfPeak ? 2 : 0))
    .reduce((a, b) => a + b, 0);
  const steps =
    2 +
    (suites.has("execution") ? 1 + EXECUTION_CONFIGURATIONS.length * (1 + WORKLOADS.length) : 0) +
    (suites.has("state") ? 5 : 0) +
    (suites.has("e2e") ? e2eSteps : 0) +
    (suites.has("abuse") ? ABUSE_PHASES.length + plan.abuse.variants.length * READ_VARIANT_PHASES.length + 2 : 0) +
    (suites.has("da") ? 3 + 5 * DA_PROVIDERS.length : 0) +
    (suites.has("profile") ? 3 : 0) +
    (suites.has("replica") ? 8 : 0) +
    (suites.has("derivation") ? 6 : 0);
  const bar = progress ?? createProgress({ total: steps });
  const startedAt = new Date();
  const machine = machineInfo();
  const start = performance.now();
  const errors: Record<string, string> = {};
  bar.status(`building ${plan.accounts} accounts`);
  const world = createWorld(options.seed, plan.accounts);
  bar.status("signing workloads");
  const meter = createSigningMeter();
  const workloads = buildRunWorkloads(world, plan, options.seed, meter, suites);
  const signing = meter.result();

  let execution: BenchResults["execution"];
  let stateRoot: BenchResults["stateRoot"];
  let stateDiff: BenchResults["stateDiff"];
  let endToEnd: EndToEndResult | undefined;
  let profile: BenchResults["profile"];
  let abuse: BenchResults["abuse"];
  let da: BenchResults["da"];
  let replica: BenchResults["replica"];
  let derivation: BenchResults["derivation"];
  const loadAverages: Record<string, { readonly start: number; readonly end: number }> = {};
  const attempt = async <T>(name: string, fn: () => Promise<T>): Promise<T | undefined> => {
    const load = loadavg()[0] ?? 0;
    try {
      return await fn();
    } catch (error) {
      errors[name] = error instanceof Error ? (error.stack ?? error.message) : String(error);
      return undefined;
    } finally {
      loadAverages[name] = { start: load, end: loadavg()[0] ?? 0 };
    }
  };

  if (suites.has("execution")) {
    execution = await attempt("execution", () =>
      runExecutionSuite({
        world,
        workloads: workloads.execution,
        warmup: plan.execution.warmup,
        blockTransactions: plan.execution.blockTransactions,
        admissionCount: plan.execution.admission,
        progress: bar,
      }),
    );
  }
  if (suites.has("state")) {
    stateDiff = await attempt("stateDiff", () =>
      runStateDiffSuite({
        world,
        workloads: workloads.stateDiff,
        miniBlockSize: plan.stateDiff.miniBlockSize,
        blockMiniBlocks: plan.stateDiff.blockMiniBlocks,
        progress: bar,
      }),
    );
    bar.status(`state root: ${plan.stateRoot.accounts.toLocaleString("en-US")} accounts`);
    stateRoot = await attempt("stateRoot", () => runStateRootInChild({ ...plan.stateRoot, seed: options.seed }));
  }
  if (suites.has("replica") && workloads.replica !== undefined) {
    const loads = workloads.replica;
    replica = await attempt("replica", () =>
      runReplicaSuite({
        world,
        workloads: loads.workloads,
        blockTransactions: plan.replica.blockTransactions,
        miniBlockSize: plan.replica.miniBlockSize,
        processLoads: { burst: loads.burst, halfPeak: loads.halfPeak },
        load: plan.endToEnd.load,
        progress: bar,
      }),
    );
  }
  if (suites.has("e2e") && workloads.endToEnd !== undefined) {
    const phases = workloads.endToEnd;
    const e = plan.endToEnd;
    const targets: EndToEndTargetResult[] = [];
    // Mach runs first: its own half-peak phase uses its own peak, and the peers' use the same rates.
    let halfPeak: HalfPeakSettings = { graceMs: e.halfPeakGraceMs };
    for (const target of e2eTargets) {
      const result = await attempt(`e2e:${target.name}`, async () => {
        bar.status(`end to end: starting ${target.label}`);
        const node = await target.start(world.alloc);
        try {
          return await runEndToEndTarget({
            endpoint: { name: target.name, rpcUrl: node.rpcUrl, wsUrl: node.wsUrl },
            label: target.label,
            configuration: target.configuration,
            phases: target.phases,
            workloads: phases,
            settings: e.load,
            halfPeak,
            progress: bar,
          });
        } catch (error) {
          throw new Error(`${(error as Error).message}\n${target.label} stderr:\n${node.process.stderr()}`, {
            cause: error,
          });
        } finally {
          await node.close();
        }
      });
      if (result === undefined) continue;
      targets.push(result);
      if (result.target === "mach") {
        const rates = halfPeakRates(result);
        if (rates !== undefined) halfPeak = { ...halfPeak, ratePerSecond: rates };
      }
    }
    endToEnd = {
      settings: { ...e.load, intervalSeconds: e.intervalSeconds, halfPeakGraceMs: e.halfPeakGraceMs },
      targets,
    };
  }
  if (suites.has("abuse")) {
    abuse = await attempt("abuse", () => runAbuseSuite({ settings: plan.abuse, progress: bar }));
  }
  if (suites.has("da")) {
    // After e2e: the offered load is Mach's ERC-20 peak measured there.
    const mach = endToEnd?.targets.find((t) => t.target === "mach");
    const peaks = [mach?.http?.erc20.txPerSecond, mach?.ws?.erc20.txPerSecond].filter(
      (rate): rate is number => rate !== undefined && rate > 0,
    );
    const settings =
      options.daPeakTxPerSecond === undefined
        ? plan.da
        : { ...plan.da, defaultPeakTxPerSecond: options.daPeakTxPerSecond };
    da = await attempt("da", () =>
      runDaSuite({
        world,
        seed: options.seed,
        settings,
        ...(peaks.length > 0 ? { measuredPeakTxPerSecond: Math.max(...peaks) } : {}),
        // Outside the run's output: the CI harness writes each run to a fresh temp dir, the cache outlives it.
        cacheDir: join(tmpdir(), "mach-bench-cache"),
        progress: bar,
        onError(part, error) {
          errors[part] = error instanceof Error ? (error.stack ?? error.message) : String(error);
        },
      }),
    );
  }
  if (suites.has("derivation") && workloads.derivation !== undefined) {
    const workload = workloads.derivation;
    derivation = await attempt("derivation", () =>
      runDerivationSuite({
        world,
        workload,
        settings: plan.derivation,
        load: plan.endToEnd.load,
        cacheDir: join(tmpdir(), "mach-bench-cache"),
        progress: bar,
      }),
    );
  }
  const dir = resolve(options.outDir, options.profile ? "profile" : plan.mode);
  mkdirSync(dir, { recursive: true });
  if (suites.has("profile")) {
    profile = await attempt("profile", () =>
      runProfile({
        alloc: world.alloc,
        workload: workloads.profile,
        load: plan.endToEnd.load,
        outDir: dir,
        progress: bar,
      }),
    );
  }
  bar.done();
  const results: BenchResults = {
    version: RESULTS_VERSION,
    mode: plan.mode,
    seed: options.seed,
    suites: [...suites],
    startedAt: startedAt.toISOString(),
    durationSeconds: (performance.now() - start) / 1000,
    machine,
    plan,
    signing: { ...signing, txPerSecond: signing.transactions / signing.seconds },
    ...(execution ? { execution } : {}),
    ...(stateRoot ? { stateRoot } : {}),
    ...(stateDiff ? { stateDiff } : {}),
    ...(endToEnd ? { endToEnd } : {}),
    ...(profile ? { profile } : {}),
    ...(abuse ? { abuse } : {}),
    ...(da ? { da } : {}),
    ...(replica ? { replica } : {}),
    ...(derivation ? { derivation } : {}),
    loadAverages,
    unavailable: UNAVAILABLE,
  };
  const rows = resultRows(results);
  const table = renderTable(rows);
  const files = {
    json: join(dir, "results.json"),
    svg: join(dir, "chart.svg"),
    table: join(dir, "table.txt"),
    markdown: join(dir, "table.md"),
    headline: join(dir, "headline.md"),
  };
  writeFileSync(files.json, `${JSON.stringify({ ...results, errors }, null, 2)}\n`);
  if (results.profile) {
    // A profile run has no comparison figures: its table is the ranked functions and areas.
    const profileTable = renderProfile(results.profile);
    writeFileSync(files.table, `${profileTable}\n`);
    return { results, dir, files: { json: files.json, table: files.table }, table: profileTable, errors };
  }
  const m = results.machine;
  const subtitle = `${plan.mode} run, seed ${options.seed}, ${m.cores} cores (${m.cpuModel}), Node ${m.node}, load average ${m.loadAverage1m.toFixed(2)}, ${startedAt.toISOString()}`;
  writeFileSync(files.svg, renderChart(chartPanels(results), subtitle));
  writeFileSync(files.table, `${table}\n`);
  writeFileSync(files.markdown, `${renderMarkdown(rows)}\n`);
  const headline = renderHeadline(rows);
  writeFileSync(files.headline, `${headline}\n`);
  return { results, dir, files, table, headline, errors };
}
