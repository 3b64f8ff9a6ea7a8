/**
 * Child processes of the bench (a Mach node, an anvil node, a Hardhat node): spawned, watched for a start line,
 * stopped; and the shape every started node shares.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { createInterface } from "node:readline";

/** A node the end-to-end suite drives: its endpoints, its process, and how to stop it and remove its files. */
export interface RunningNode {
  readonly rpcUrl: string;
  readonly wsUrl: string;
  readonly process: ManagedProcess;
  /** Stops the process and removes its temporary files. */
  close(): Promise<void>;
}

export interface ManagedProcess {
  readonly child: ChildProcess;
  /** Everything the process wrote to stderr (the tail, for error reports). */
  stderr(): string;
  /** SIGTERM (or `signal`), then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>;
}

export interface SpawnUntilParameters<T> {
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Returns a value once a stdout line shows the process is ready. */
  readonly ready: (line: string) => T | undefined;
  readonly timeoutMs: number;
  readonly name: string;
}

export async function spawnUntilReady<T>(
  parameters: SpawnUntilParameters<T>,
): Promise<{ process: ManagedProcess; ready: T }> {
  const child = spawn(parameters.command, [...parameters.args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: parameters.env ?? process.env,
    cwd: parameters.cwd,
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-20_000);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const managed: ManagedProcess = {
    child,
    stderr: () => stderr,
    async stop(signal = "SIGTERM", graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  let lines: ReturnType<typeof createInterface> | undefined;
  try {
    const ready = await new Promise<T>((resolve, reject) => {
      lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
      lines.on("line", (line) => {
        const value = parameters.ready(line);
        if (value !== undefined) resolve(value);
      });
      void exited.then((code) =>
        reject(new Error(`${parameters.name} exited (${code}) before it was ready:\n${stderr}`)),
      );
      setTimeout(
        () => reject(new Error(`${parameters.name} not ready within ${parameters.timeoutMs} ms:\n${stderr}`)),
        parameters.timeoutMs,
      ).unref();
    });
    // Keep draining stdout so a chatty process never blocks on a full pipe.
    child.stdout?.resume();
    return { process: managed, ready };
  } catch (error) {
    await managed.stop("SIGKILL");
    throw error;
  }
}

export interface StartRpcNodeParameters extends SpawnUntilParameters<string> {
  /** The temp folder the node keeps its files in: removed when it stops, or when it fails to start. */
  readonly dataDir: string;
  /** Runs once the node answers at its RPC URL (`ready` returns it); a failure stops the node. */
  readonly setup: (rpcUrl: string) => Promise<void>;
}

/** A node process with its RPC URL read from stdout, set up over RPC, stopped and cleaned by `close()`. */
export async function startRpcNode(
  parameters: StartRpcNodeParameters,
): Promise<RunningNode & { readonly dataDir: string }> {
  const { dataDir } = parameters;
  const { process: child, ready: rpcUrl } = await spawnUntilReady(parameters).catch((error: unknown) => {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  });
  const node = {
    dataDir,
    rpcUrl,
    wsUrl: rpcUrl.replace(/^http/, "ws"),
    process: child,
    async close() {
      await child.stop("SIGTERM", 10_000);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    await parameters.setup(rpcUrl);
  } catch (error) {
    await node.close();
    throw error;
  }
  return node;
}
