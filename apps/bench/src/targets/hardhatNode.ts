/**
 * A Hardhat 3 node (EDR) as a child process (`hardhat node` with `apps/bench/hardhat/hardhat.config.ts`): the
 * bench chain id, the bench block gas limit and base fee (passed in the environment), its request logging off. The bench world is written
 * over RPC (hardhat_setBalance / hardhat_setCode / hardhat_setStorageAt in batches), so it starts from the same
 * state as the Mach node; `intervalMs` switches automine off and mines every `intervalMs`.
 */
import { mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type Alloc, BENCH_BASE_FEE_PER_GAS, BENCH_BLOCK_GAS_LIMIT, slotKey } from "../workloads/world.ts";
import { type RunningNode, startRpcNode } from "./process.ts";
import { createHttpRpcClient, type RpcCall, RpcError } from "./rpcClient.ts";

const CONFIG = new URL("../../hardhat/hardhat.config.ts", import.meta.url).pathname;

export type HardhatNode = RunningNode;

export interface StartHardhatNodeParameters {
  readonly alloc: Alloc;
  /** Interval mining period; undefined = automine. */
  readonly intervalMs?: number;
  /** Chain id; default the bench chain's (the DA suite's L1 takes another). */
  readonly chainId?: number;
}

function hardhatCli(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("hardhat/package.json")), "dist/src/cli.js");
}

export async function startHardhatNode(parameters: StartHardhatNodeParameters): Promise<HardhatNode> {
  const dir = mkdtempSync(join(tmpdir(), "mach-bench-hardhat-"));
  return await startRpcNode({
    name: "hardhat node",
    command: process.execPath,
    args: [hardhatCli(), "--config", CONFIG, "node", "--hostname", "127.0.0.1", "--port", "0"],
    dataDir: dir,
    env: {
      ...process.env,
      MACH_BENCH_HARDHAT_DIR: dir,
      MACH_BENCH_BLOCK_GAS_LIMIT: BENCH_BLOCK_GAS_LIMIT.toString(),
      MACH_BENCH_BASE_FEE_PER_GAS: BENCH_BASE_FEE_PER_GAS.toString(),
      ...(parameters.chainId === undefined ? {} : { MACH_BENCH_CHAIN_ID: String(parameters.chainId) }),
      FORCE_COLOR: "0",
      NO_COLOR: "1",
    },
    cwd: dirname(CONFIG),
    timeoutMs: 120_000,
    ready(line) {
      const match = /JSON-RPC server at (http:\/\/[^\s/]+)\/?/.exec(line);
      return match ? (match[1] as string) : undefined;
    },
    async setup(rpcUrl) {
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
    },
  });
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
