/**
 * A Hardhat 3 node (EDR) as a child process (`hardhat node` with `apps/bench/hardhat/hardhat.config.ts`): the
 * bench chain id, Mach's block gas limit and base fee, its request logging switched off. The bench world is written
 * over RPC (hardhat_setBalance / hardhat_setCode / hardhat_setStorageAt in batches), so it starts from the same
 * state as the Mach node; `intervalMs` switches automine off and mines every `intervalMs`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type Alloc, slotKey } from "../workloads/world.ts";
import { type ManagedProcess, spawnUntilReady } from "./process.ts";
import { createHttpRpcClient, type RpcCall, RpcError } from "./rpcClient.ts";

const CONFIG = new URL("../../hardhat/hardhat.config.ts", import.meta.url).pathname;

export interface HardhatNode {
  readonly rpcUrl: string;
  readonly wsUrl: string;
  readonly process: ManagedProcess;
  close(): Promise<void>;
}

export interface StartHardhatNodeParameters {
  readonly alloc: Alloc;
  /** Interval mining period; undefined = automine. */
  readonly intervalMs?: number;
}

function hardhatCli(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("hardhat/package.json")), "dist/src/cli.js");
}

export async function startHardhatNode(parameters: StartHardhatNodeParameters): Promise<HardhatNode> {
  const dir = mkdtempSync(join(tmpdir(), "mach-bench-hardhat-"));
  const { process: child, ready } = await spawnUntilReady({
    name: "hardhat node",
    command: process.execPath,
    args: [hardhatCli(), "--config", CONFIG, "node", "--hostname", "127.0.0.1", "--port", "0"],
    env: { ...process.env, MACH_BENCH_HARDHAT_DIR: dir, FORCE_COLOR: "0", NO_COLOR: "1" },
    cwd: dirname(CONFIG),
    timeoutMs: 120_000,
    ready(line) {
      const match = /JSON-RPC server at (http:\/\/[^\s/]+)\/?/.exec(line);
      return match ? (match[1] as string) : undefined;
    },
  }).catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  const rpcUrl = ready;
  const node: HardhatNode = {
    rpcUrl,
    wsUrl: rpcUrl.replace(/^http/, "ws"),
    process: child,
    async close() {
      await child.stop("SIGTERM", 10_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    const client = createHttpRpcClient(rpcUrl, 4);
    try {
      await client.call("hardhat_setLoggingEnabled", [false]);
      await writeAlloc(client, parameters.alloc);
      if (parameters.intervalMs !== undefined) {
        await client.call("evm_setAutomine", [false]);
        await client.call("evm_setIntervalMining", [parameters.intervalMs]);
      }
    } finally {
      client.close();
    }
  } catch (error) {
    await node.close();
    throw error;
  }
  return node;
}

async function writeAlloc(client: ReturnType<typeof createHttpRpcClient>, alloc: Alloc): Promise<void> {
  const calls: RpcCall[] = [];
  for (const [address, entry] of Object.entries(alloc)) {
    calls.push({ method: "hardhat_setBalance", params: [address, entry.balance] });
    if (entry.code !== undefined) calls.push({ method: "hardhat_setCode", params: [address, entry.code] });
    for (const [slot, value] of Object.entries(entry.storage ?? {})) {
      calls.push({ method: "hardhat_setStorageAt", params: [address, slotKey(slot as `0x${string}`), slotKey(value)] });
    }
  }
  for (let i = 0; i < calls.length; i += 2000) {
    const results = await client.batch(calls.slice(i, i + 2000));
    const failed = results.find((r) => r instanceof RpcError);
    if (failed !== undefined) throw failed;
  }
}
