/**
 * `pnpm devnet` as a child process on free ports in a temporary directory, for the end-to-end tests: waits for
 * "Mach devnet is up", reads `devnet.json`; `stop()` sends SIGTERM and waits for the launcher to exit.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { freePorts } from "./ports.ts";

const launcher = new URL("../../src/main.ts", import.meta.url).pathname;

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function runDevnet(da: "eigenda" | "celestia" | "memory") {
  const dir = mkdtempSync(join(tmpdir(), `mach-devnet-${da}-`));
  const base = await freePorts(11);
  const child = spawn(
    process.execPath,
    [
      launcher,
      "--da",
      da,
      "--dir",
      dir,
      "--l1-port",
      `${base}`,
      "--l2-port",
      `${base + 1}`,
      "--metrics-port",
      `${base + 2}`,
      "--da-port",
      `${base + 3}`,
      "--replica-port",
      `${base + 6}`,
      "--p2p-port",
      `${base + 8}`,
      "--derive-port",
      `${base + 9}`,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const deadline = Date.now() + 180_000;
  while (!output.includes("Mach devnet is up")) {
    if (child.exitCode !== null) throw new Error(`devnet exited early:\n${output}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`devnet did not come up:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    dir,
    child,
    exited,
    output: () => output,
    /** `devnet.json` as the launcher wrote it. */
    info: () => JSON.parse(readFileSync(join(dir, "devnet.json"), "utf8")) as Record<string, never>,
    /** SIGTERM, wait for the launcher, remove the directory; answers the exit code. */
    async stop(): Promise<number | null> {
      child.kill("SIGTERM");
      const code = await exited;
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}

export type RunningDevnet = Awaited<ReturnType<typeof runDevnet>>;
