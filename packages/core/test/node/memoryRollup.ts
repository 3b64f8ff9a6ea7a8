/**
 * Nodes over one memory L1 and one memory DA network, for in-process tests of roles that meet on L1 (a sequencer and
 * a derive node): `start(role, extra)` parses the shared config (`extra` merged over it) and starts the node.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPublicClient, http, type PublicClient } from "viem";
import { z } from "zod";
import { createMemoryDa, createMemoryDaStore, type MemoryDaStore } from "../../src/da/memory.ts";
import { type MachNode, parseNodeConfig, startNode } from "../../src/node/index.ts";
import { createMemorySettlement, type MemorySettlement } from "../../src/settlement/index.ts";
import { silentLogger } from "../../src/telemetry.ts";

/** Polls `probe` until it answers a value. */
export async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (let i = 0; i < 1200; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export interface MemoryRollup {
  readonly dir: string;
  readonly l1: MemorySettlement;
  readonly daStore: MemoryDaStore;
  start(role: "sequencer" | "derive", extra?: Record<string, unknown>): Promise<MachNode>;
  /** Newest block of a batch recorded on L1. */
  recordedThrough(): bigint;
  /** Removes the data directory (close the nodes first). */
  remove(): void;
}

export function createMemoryRollup(options: {
  readonly name: string;
  /** Merged over the shared config (whole sections). */
  readonly config?: Record<string, unknown>;
  /** Merged into `store` (its path is the role's folder in `dir`). */
  readonly store?: Record<string, unknown>;
}): MemoryRollup {
  const dir = mkdtempSync(join(tmpdir(), `mach-${options.name}-`));
  const l1 = createMemorySettlement();
  const daStore = createMemoryDaStore();
  const genesisTimestamp = BigInt(Math.floor(Date.now() / 1000)) - 60n;
  const providers = {
    da: { memory: { optionsSchema: z.object({}).strict(), create: () => createMemoryDa({ store: daStore }) } },
    settlement: { memory: { optionsSchema: z.object({}).strict(), create: () => l1 } },
  };
  return {
    dir,
    l1,
    daStore,
    start(role, extra = {}) {
      const config = parseNodeConfig(
        {
          node: { role },
          chain: { chainId: "901901", genesisTimestamp: genesisTimestamp.toString() },
          sequencer: { blockMs: 100, l1ConfirmationDepth: 0, l1PollIntervalMs: 20 },
          rpc: { host: "127.0.0.1", port: 0 },
          metrics: { enabled: false },
          store: { path: join(dir, role), ...options.store },
          batcher: { maxBatchAgeMs: 100, maxBlocksPerBatch: 5 },
          settlement: { provider: "memory" },
          // The memory L1 mines a block per recorded batch only: derive each as soon as it is recorded.
          derivation: { l1ConfirmationDepth: 0, pollIntervalMs: 20, retryDelayMs: 20 },
          log: { level: "silent" },
          ...options.config,
          ...extra,
        },
        providers,
      );
      return startNode({ config, providers, logger: silentLogger });
    },
    recordedThrough: () => l1.recorded.reduce((max, r) => (r.lastBlock > max ? r.lastBlock : max), 0n),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A viem client of `node`'s JSON-RPC. */
export function clientOf(node: MachNode): PublicClient {
  assert.ok(node.rpcUrl);
  return createPublicClient({ transport: http(node.rpcUrl), pollingInterval: 20 }) as PublicClient;
}
