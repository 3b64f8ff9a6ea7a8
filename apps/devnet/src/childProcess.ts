/**
 * Child processes of the devnet: each logs to its own file under `.devnet/logs/`, and is started either until a
 * JSON line on stdout satisfies a predicate (the stand-ins, the node) or until a probe succeeds (the L1 node).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { createInterface } from "node:readline";

export interface DevnetChild {
  readonly name: string;
  readonly process: ChildProcess;
  readonly logFile: string;
  /** Sends SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnChildParameters {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly logFile: string;
}

export function spawnChild({ name, command, args, cwd, env, logFile }: SpawnChildParameters): DevnetChild {
  const log = createWriteStream(logFile, { flags: "a" });
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => log.end());
  return {
    name,
    process: child,
    logFile,
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resolves with the first JSON line on the child's stdout that `match` accepts; rejects if the child exits first. */
export function waitForJsonLine(
  child: DevnetChild,
  match: (entry: Record<string, unknown>) => boolean,
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.process.stdout! });
    const timer = setTimeout(() => {
      lines.close();
      reject(new Error(`${child.name} did not report ready within ${timeoutMs} ms (see ${child.logFile})`));
    }, timeoutMs);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`${child.name} exited with code ${code} while starting (see ${child.logFile})`));
    };
    child.process.once("exit", onExit);
    lines.on("line", (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      if (!match(entry)) return;
      clearTimeout(timer);
      child.process.off("exit", onExit);
      resolve(entry);
    });
  });
}

/** Polls `probe` until it resolves true; rejects when the child exits or the time is up. */
export async function waitUntil(child: DevnetChild, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) {
      throw new Error(`${child.name} exited with code ${child.process.exitCode} while starting (see ${child.logFile})`);
    }
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${child.name} did not answer within ${timeoutMs} ms (see ${child.logFile})`);
}
