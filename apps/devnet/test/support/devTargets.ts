/**
 * The dev nodes the dev-tool suites run against, side by side: Mach's standalone dev node (`pnpm devnet --dev`'s
 * config: automine, no interval mining) as a real `mach node` process, and anvil (the pinned
 * `@foundry-rs/anvil-linux-amd64` binary) with the same chain id, so a difference between them is Mach's.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { devNodeConfig } from "../../src/devConfig.ts";
import { startMach } from "./machProcess.ts";

export const DEV_CHAIN_ID = 901901;

export interface DevTarget {
  readonly name: "mach" | "anvil";
  readonly rpcUrl: string;
  /** Mach's log lines (JSON, parsed, newest last); anvil's are not read. */
  readonly logs?: readonly Record<string, unknown>[];
  stop(): Promise<void>;
}

export async function startMachDev(): Promise<DevTarget> {
  const mach = await startMach({ config: devNodeConfig({ chainId: DEV_CHAIN_ID, port: 0, accountCount: 10 }) });
  return {
    name: "mach",
    rpcUrl: mach.rpcUrl,
    logs: mach.logs,
    async stop() {
      await mach.stop();
      mach.cleanup();
    },
  };
}

/** Path of a Foundry binary from its pinned npm package (Linux x64 only). */
export function foundryBinary(tool: "anvil" | "cast" | "forge"): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve(`@foundry-rs/${tool}-linux-amd64/package.json`)), "bin", tool);
}

export async function startAnvil(): Promise<DevTarget> {
  const child: ChildProcess = spawn(
    foundryBinary("anvil"),
    ["--port", "0", "--chain-id", String(DEV_CHAIN_ID), "--host", "127.0.0.1"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const rpcUrl = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error("anvil did not start within 30 s")), 30_000);
    lines.on("line", (line) => {
      const match = /Listening on (\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(`http://${match[1]}`);
      }
    });
    void exited.then(() => reject(new Error("anvil exited while starting")));
  });
  return {
    name: "anvil",
    rpcUrl,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Both targets, for `for (const start of DEV_TARGETS)` suites. */
export const DEV_TARGETS = [
  { name: "mach", start: startMachDev },
  { name: "anvil", start: startAnvil },
] as const;
