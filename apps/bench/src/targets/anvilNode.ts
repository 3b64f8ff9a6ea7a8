/**
 * An anvil node (Foundry 1.7, Rust/revm) as a child process, from the binary inside the pinned npm package
 * `@foundry-rs/anvil-linux-amd64`: port 0 (anvil prints the port it bound), the bench world as `--init` genesis,
 * the bench chain id, Prague, Mach's block gas limit (anvil's own default, 30M, caps an interval-mined block at
 * ~1,430 native transfers) and Mach's initial base fee, its per-transaction log switched off over RPC
 * (`anvil_setLoggingEnabled`, as the Hardhat target does). `blockTimeSeconds` switches automine off and mines every
 * that many seconds.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import {
  type Alloc,
  BENCH_BASE_FEE_PER_GAS,
  BENCH_BLOCK_GAS_LIMIT,
  BENCH_CHAIN_ID,
  slotKey,
} from "../workloads/world.ts";
import { type RunningNode, startRpcNode } from "./process.ts";
import { createHttpRpcClient } from "./rpcClient.ts";

/** The npm package that ships the anvil binary for this platform (an optional dependency: Linux x64 only). */
export const ANVIL_PACKAGE = "@foundry-rs/anvil-linux-amd64";

export interface AnvilNode extends RunningNode {
  /** The temp folder holding the genesis file and anvil's home (removed by `close()`). */
  readonly dataDir: string;
}

export interface StartAnvilNodeParameters {
  readonly alloc: Alloc;
  /** Interval mining period in seconds; undefined = automine (a block per transaction). */
  readonly blockTimeSeconds?: number;
  readonly blockGasLimit?: bigint;
}

/** Path of the anvil binary inside its npm package; throws when the package is not installed (other platforms). */
export function anvilBinary(): string {
  const require = createRequire(import.meta.url);
  let manifest: string;
  try {
    manifest = require.resolve(`${ANVIL_PACKAGE}/package.json`);
  } catch (error) {
    throw new Error(`${ANVIL_PACKAGE} is not installed (it ships a Linux x64 binary only): ${String(error)}`, {
      cause: error,
    });
  }
  return join(dirname(manifest), "bin", "anvil");
}

/**
 * The world as an anvil (alloy) genesis file. anvil wants 32-byte storage keys and values; it takes the chain id and
 * base fee from here but the block gas limit only from `--gas-limit`.
 */
export function anvilGenesis(alloc: Alloc): object {
  const accounts: Record<string, object> = {};
  for (const [address, entry] of Object.entries(alloc)) {
    const storage: Record<string, string> = {};
    for (const [slot, value] of Object.entries(entry.storage ?? {}))
      storage[slotKey(slot as `0x${string}`)] = slotKey(value);
    accounts[address] = {
      balance: entry.balance,
      ...(entry.code === undefined ? {} : { code: entry.code }),
      ...(entry.storage === undefined ? {} : { storage }),
    };
  }
  return {
    config: { chainId: Number(BENCH_CHAIN_ID) },
    baseFeePerGas: `0x${BENCH_BASE_FEE_PER_GAS.toString(16)}`,
    difficulty: "0x0",
    alloc: accounts,
  };
}

export async function startAnvilNode(parameters: StartAnvilNodeParameters): Promise<AnvilNode> {
  const binary = anvilBinary();
  const dir = mkdtempSync(join(tmpdir(), "mach-bench-anvil-"));
  const genesisPath = join(dir, "genesis.json");
  writeFileSync(genesisPath, JSON.stringify(anvilGenesis(parameters.alloc)));
  const gasLimit = parameters.blockGasLimit ?? BENCH_BLOCK_GAS_LIMIT;
  const args = [
    "--host",
    "127.0.0.1",
    "--port",
    "0",
    "--accounts",
    "0",
    "--init",
    genesisPath,
    "--hardfork",
    "prague",
    "--gas-limit",
    gasLimit.toString(),
    "--block-base-fee-per-gas",
    BENCH_BASE_FEE_PER_GAS.toString(),
    "--color",
    "never",
    ...(parameters.blockTimeSeconds === undefined ? [] : ["--block-time", String(parameters.blockTimeSeconds)]),
  ];
  return await startRpcNode({
    name: "anvil",
    command: binary,
    args,
    dataDir: dir,
    // anvil keeps its cache and persisted states under the home folder: keep them in the temp dir.
    env: { ...process.env, HOME: dir, FOUNDRY_DIR: dir, NO_COLOR: "1" },
    cwd: dir,
    timeoutMs: 60_000,
    ready(line) {
      const match = /Listening on (\S+:\d+)/.exec(line);
      return match ? `http://${match[1] as string}` : undefined;
    },
    async setup(rpcUrl) {
      const client = createHttpRpcClient(rpcUrl, 1);
      try {
        await client.call("anvil_setLoggingEnabled", [false]);
      } finally {
        client.close();
      }
    },
  });
}
