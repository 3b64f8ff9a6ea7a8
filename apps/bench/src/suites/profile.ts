/**
 * Where the sequencer spends its time: `--profile` runs a Mach node under `--cpu-prof`, drives the ERC-20 load
 * at it over HTTP batches, stops it (SIGTERM, so V8 writes the .cpuprofile), and ranks functions by self time.
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Progress } from "../report/progress.ts";
import { startMachNode } from "../targets/machNode.ts";
import type { SignedWorkload } from "../workloads/signing.ts";
import type { Alloc } from "../workloads/world.ts";
import type { LoadSettings, ThroughputFigure } from "./endToEnd.ts";
import { measureHttpThroughput } from "./endToEndThroughput.ts";

/** The subset of V8's .cpuprofile format the summary reads. */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

export interface ProfileEntry {
  readonly functionName: string;
  /** File relative to the repo (or the URL as V8 gives it), with the 1-based line. */
  readonly location: string;
  readonly selfMs: number;
  readonly selfPercent: number;
}

export interface ProfileSummary {
  readonly workload: string;
  readonly load?: ThroughputFigure;
  readonly profileFile: string;
  /** Which samples were counted. */
  readonly window: string;
  readonly totalMs: number;
  /** Share of samples outside JS: idle, GC, program (native). */
  readonly idlePercent: number;
  readonly top: ProfileEntry[];
  /** Self time by area: a folder of packages/core/src, a dependency, or a V8 bucket (GC, idle, native). */
  readonly areas: { readonly area: string; readonly selfMs: number; readonly selfPercent: number }[];
}

/** The area a location belongs to: `core/<folder>`, the npm package, or the V8 bucket for native frames. */
export function areaOf(functionName: string, location: string): string {
  if (location === "(native)") {
    if (functionName === "(garbage collector)" || functionName === "(idle)" || functionName === "(program)")
      return functionName;
    return "(native: I/O, regexps, builtins)";
  }
  const core = /^packages\/core\/src\/([^/]+)\//.exec(location);
  if (core) return `core/${core[1]}`;
  if (location.startsWith("packages/") || location.startsWith("apps/"))
    return location.split("/").slice(0, 2).join("/");
  if (location.startsWith("node:")) return "node internals";
  if (location.startsWith("wasm://")) return "wasm (hash-wasm keccak)";
  const pkg = /^(@[^/]+\/[^/]+|[^/]+)\//.exec(location);
  return pkg ? (pkg[1] as string) : location;
}

function shortLocation(url: string, line: number): string {
  if (url === "") return "(native)";
  const path = url.replace(/^file:\/\//, "");
  const at = path.lastIndexOf("/node_modules/");
  const short =
    at >= 0
      ? path.slice(at + "/node_modules/".length).replace(/^\.pnpm\/[^/]+\/node_modules\//, "")
      : path.replace(/^.*?\/(packages|apps)\//, "$1/");
  return `${short}:${line + 1}`;
}

/** A time window in the profile's clock (µs of the monotonic clock, as `process.hrtime` reads it on Linux). */
export interface ProfileWindow {
  readonly startUs: number;
  readonly endUs: number;
}

/**
 * Ranks functions of a profile by self time (samples landing in them), top `limit`. With `window`, only samples
 * taken inside it count (the load, not the node's start-up and shutdown).
 */
export function summarizeProfile(
  profile: CpuProfile,
  limit = 20,
  window?: ProfileWindow,
): Omit<ProfileSummary, "workload" | "profileFile" | "window"> {
  const nodeById = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (window !== undefined && (at < window.startUs || at > window.endUs)) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  });
  const byFunction = new Map<string, { functionName: string; location: string; us: number }>();
  let totalUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const node = nodeById.get(id);
    if (node === undefined) continue;
    totalUs += us;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === "(idle)") idleUs += us;
    const name = functionName === "" ? "(anonymous)" : functionName;
    const location = shortLocation(url, lineNumber);
    const key = `${name}@${location}`;
    const entry = byFunction.get(key) ?? { functionName: name, location, us: 0 };
    entry.us += us;
    byFunction.set(key, entry);
  }
  const top = [...byFunction.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, limit)
    .map((e) => ({
      functionName: e.functionName,
      location: e.location,
      selfMs: e.us / 1000,
      selfPercent: totalUs === 0 ? 0 : (100 * e.us) / totalUs,
    }));
  const byArea = new Map<string, number>();
  for (const e of byFunction.values()) {
    const area = areaOf(e.functionName, e.location);
    byArea.set(area, (byArea.get(area) ?? 0) + e.us);
  }
  const areas = [...byArea.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([area, us]) => ({ area, selfMs: us / 1000, selfPercent: totalUs === 0 ? 0 : (100 * us) / totalUs }));
  return { totalMs: totalUs / 1000, idlePercent: totalUs === 0 ? 0 : (100 * idleUs) / totalUs, top, areas };
}

/**
 * The main thread's profile among the files `--cpu-prof` wrote: worker threads (read workers, sender recovery) write
 * their own, named `CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile`, and the main thread's id is 0.
 */
export function mainThreadProfile(files: readonly string[]): string | undefined {
  const profiles = files.filter((f) => f.endsWith(".cpuprofile"));
  return profiles.find((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f)) ?? profiles[0];
}

export interface ProfileParameters {
  readonly alloc: Alloc;
  readonly workload: SignedWorkload;
  readonly load: LoadSettings;
  readonly outDir: string;
  readonly progress?: Progress;
}

export async function runProfile(parameters: ProfileParameters): Promise<ProfileSummary> {
  const profileDir = mkdtempSync(join(parameters.outDir, "cpuprofile-"));
  parameters.progress?.status("profile: starting Mach under --cpu-prof");
  const node = await startMachNode({ alloc: parameters.alloc, cpuProfDir: profileDir });
  let load: ThroughputFigure;
  const nowUs = () => Number(process.hrtime.bigint() / 1000n);
  const loadWindow = { startUs: nowUs(), endUs: 0 };
  try {
    parameters.progress?.status("profile: ERC-20 load over HTTP batches");
    load = await measureHttpThroughput(
      { name: "mach", rpcUrl: node.rpcUrl, wsUrl: node.wsUrl },
      parameters.workload,
      parameters.load,
      parameters.progress,
    );
    loadWindow.endUs = nowUs();
  } finally {
    await node.close();
  }
  const file = mainThreadProfile(readdirSync(profileDir));
  if (file === undefined) throw new Error(`the node wrote no .cpuprofile into ${profileDir} (did it exit cleanly?)`);
  const profileFile = join(profileDir, file);
  const profile = JSON.parse(readFileSync(profileFile, "utf8")) as CpuProfile;
  // Both processes read CLOCK_MONOTONIC on Linux, so the load's window can be cut out of the node's profile; if the
  // clocks do not line up (the window misses the profile), the whole process is summarised and says so.
  const aligned = loadWindow.startUs > profile.startTime && loadWindow.endUs < profile.endTime;
  return {
    workload: "erc20",
    load,
    profileFile,
    window: aligned ? "the load only (start-up and shutdown excluded)" : "the whole node process",
    ...summarizeProfile(profile, 20, aligned ? loadWindow : undefined),
  };
}
