/**
 * Starts the `mach node` CLI as a real child process on free ports with a temporary data directory, and reads its
 * endpoints from the structured "node started" log line. Every test that starts one must `stop()` it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { MACH_CLI as CLI } from "@mach/node";

export interface MachProcess {
  readonly rpcUrl: string;
  readonly wsUrl: string;
  readonly dataDir: string;
  readonly child: ChildProcess;
  /** Log lines the process printed (JSON, parsed), newest last. */
  readonly logs: Record<string, unknown>[];
  /** Stops the process (SIGTERM by default) and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Removes the data directory (after the last stop). */
  cleanup(): void;
}

export interface StartMachParameters {
  /** Config merged over the defaults below (port 0, temp store, memory DA). */
  readonly config?: Record<string, unknown>;
  /** Reuse a data directory (restart tests). */
  readonly dataDir?: string;
  readonly timeoutMs?: number;
}

export async function startMach(parameters: StartMachParameters = {}): Promise<MachProcess> {
  const dataDir = parameters.dataDir ?? mkdtempSync(join(tmpdir(), "mach-e2e-"));
  const config = {
    rpc: { host: "127.0.0.1", port: 0 },
    metrics: { enabled: false },
    log: { level: "info" },
    ...parameters.config,
    store: { path: join(dataDir, "node"), ...(parameters.config?.store as object | undefined) },
  };
  const configPath = join(dataDir, "config.json");
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const child = spawn(process.execPath, [CLI, "node", "--config", configPath], { stdio: ["ignore", "pipe", "pipe"] });
  const logs: Record<string, unknown>[] = [];
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const started = new Promise<{ rpcUrl: string; wsUrl: string }>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      logs.push(entry);
      if (entry.msg === "node started") resolve({ rpcUrl: String(entry.rpcUrl), wsUrl: String(entry.wsUrl) });
    });
    void exited.then((code) => reject(new Error(`mach exited (${code}) before starting:\n${stderr}`)));
    setTimeout(
      () => reject(new Error(`mach did not start within ${parameters.timeoutMs ?? 60_000} ms:\n${stderr}`)),
      parameters.timeoutMs ?? 60_000,
    ).unref();
  });
  let endpoints: { rpcUrl: string; wsUrl: string };
  try {
    endpoints = await started;
  } catch (error) {
    child.kill("SIGKILL");
    await exited;
    if (!parameters.dataDir) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    ...endpoints,
    dataDir,
    child,
    logs,
    async stop(signal = "SIGTERM") {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
    cleanup() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs a Node script to completion, collecting its output. */
export function runNodeScript(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<ProcessOutput> {
  return runProcess(process.execPath, args, options);
}

export interface ProcessOutput {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs an executable to completion, collecting its output (cast, forge, a Node script). */
export function runProcess(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<ProcessOutput> {
  return new Promise((resolve) => {
    // A variable set to undefined is removed (e.g. NODE_TEST_CONTEXT, which would make a child test runner report
    // to this one instead of running its own tests).
    const env = Object.fromEntries(
      Object.entries({ ...process.env, ...options.env }).filter(([, value]) => value !== undefined),
    );
    const child = spawn(command, args, {
      cwd: options.cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}
