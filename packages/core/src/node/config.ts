/**
 * The node's one configuration schema, composed from each module's own schema (Lodestar's options habit). Parsed
 * once at the edge (`loadNodeConfig`); errors name the key path from the root.
 *
 * Core depends on no DA adapter: the composition root passes the providers it links (`DaProviderRegistry`), and the
 * `da` section is validated by the chosen provider's own schema.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { createMemoryDa } from "../da/memory.ts";
import type { DataAvailability } from "../da/types.ts";
import { MachError } from "../errors.ts";
import { rpcLimitsSchema } from "../rpc/config.ts";
import { chainConfigSchema, sequencerConfigSchema } from "../sequencer/config.ts";
import { trieHashingConfigSchema } from "../state/trie/keccakBatch.ts";
import { txPoolConfigSchema } from "../txpool/config.ts";

/** The standard Hardhat/Anvil development mnemonic: its accounts are public, never use them for value. */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 20-byte 0x-hex address")
  .transform((value) => value.toLowerCase() as `0x${string}`);
const hexData = z.string().regex(/^0x([0-9a-fA-F]{2})*$/, "expected 0x-prefixed hex bytes");

export const genesisConfigSchema = z
  .object({
    /** Accounts derived from this mnemonic (m/44'/60'/0'/0/i) are prefunded. */
    mnemonic: z.string().min(1).default(DEV_MNEMONIC),
    accountCount: z.number().int().min(0).max(1000).default(20),
    /** Balance of each derived account, wei. */
    accountBalance: z.coerce
      .bigint()
      .nonnegative()
      .default(10_000n * 10n ** 18n),
    /** Extra allocations (geth genesis `alloc` style). */
    alloc: z
      .record(
        address,
        z
          .object({
            balance: z.coerce.bigint().nonnegative().default(0n),
            nonce: z.coerce.bigint().nonnegative().default(0n),
            code: hexData.optional(),
            storage: z.record(z.string(), z.string()).optional(),
          })
          .strict(),
      )
      .default({}),
  })
  .strict();
export type GenesisConfig = z.output<typeof genesisConfigSchema>;

export const storeConfigSchema = z
  .object({
    /** Data directory (LMDB environment). */
    path: z.string().min(1).default(".mach-data/node"),
    /** `commit`: a receipt means the mini-block survives a process crash; `flush`: also a power loss. */
    durability: z.enum(["commit", "flush"]).default("commit"),
  })
  .strict();

export const rpcConfigSchema = z
  .object({
    host: z.string().default("127.0.0.1"),
    port: z.number().int().min(0).max(65535).default(8545),
    limits: rpcLimitsSchema.default(rpcLimitsSchema.parse({})),
  })
  .strict();

export const metricsConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    host: z.string().default("127.0.0.1"),
    port: z.number().int().min(0).max(65535).default(9545),
  })
  .strict();

export const batcherConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Close a batch after this many blocks, or when its oldest block is this old. */
    maxBlocksPerBatch: z.number().int().min(1).default(60),
    maxBatchAgeMs: z.number().int().min(100).default(10_000),
  })
  .strict();

/**
 * Where the node records DA batches on L1 (BatchInbox). The composition root turns it into a `BatchRecorder` with
 * an L1 client; without it batches stop at `confirmed` on DA and the `safe` tag stays at genesis.
 */
export const settlementConfigSchema = z
  .object({
    l1RpcUrl: z.url({ protocol: /^https?$/ }),
    /** Signs `BatchInbox.submitBatch`; must be the inbox's configured batcher. */
    batcherPrivateKey: z.string().regex(/^0x[0-9a-fA-F]{64}$/, "expected a 32-byte 0x-hex private key"),
    batchInbox: address,
    /** L1 confirmations before a batch counts as recorded. */
    confirmations: z.number().int().min(1).default(1),
  })
  .strict();
export type SettlementConfig = z.output<typeof settlementConfigSchema>;

/**
 * A DA provider the composition root links in: its options schema (validated with the node config) and a factory
 * that takes the raw options and parses them with that schema itself.
 */
export interface DaProviderEntry<Options = unknown> {
  readonly optionsSchema: z.ZodType;
  readonly create: (options: Options) => Promise<DataAvailability> | DataAvailability;
}
export type DaProviderRegistry = Readonly<Record<string, DaProviderEntry<never>>>;

export function nodeConfigSchema(daProviders: DaProviderRegistry) {
  const names = Object.keys(daProviders);
  return z
    .object({
      chain: chainConfigSchema.default(chainConfigSchema.parse({})),
      sequencer: sequencerConfigSchema.default(sequencerConfigSchema.parse({})),
      txpool: txPoolConfigSchema.strict().default(txPoolConfigSchema.parse({})),
      /** How state roots hash trie nodes: hashing worker threads beside the sequencer's (0: its thread only). */
      trieHashing: trieHashingConfigSchema.strict().default(trieHashingConfigSchema.parse({})),
      genesis: genesisConfigSchema.default(genesisConfigSchema.parse({})),
      store: storeConfigSchema.default(storeConfigSchema.parse({})),
      rpc: rpcConfigSchema.default(rpcConfigSchema.parse({})),
      metrics: metricsConfigSchema.default(metricsConfigSchema.parse({})),
      batcher: batcherConfigSchema.default(batcherConfigSchema.parse({})),
      settlement: settlementConfigSchema.optional(),
      da: z
        .object({
          provider: z.string().default("memory"),
          options: z.unknown().optional(),
        })
        .strict()
        .default({ provider: "memory" }),
      log: z
        .object({ level: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info") })
        .strict()
        .default({ level: "info" }),
    })
    .strict()
    .superRefine((config, ctx) => {
      const entry = daProviders[config.da.provider];
      if (!entry) {
        ctx.addIssue({
          code: "custom",
          path: ["da", "provider"],
          message: `unknown DA provider "${config.da.provider}" (expected one of: ${names.join(", ")})`,
        });
        return;
      }
      const parsed = entry.optionsSchema.safeParse(config.da.options ?? {});
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          ctx.addIssue({ ...issue, path: ["da", "options", ...issue.path] } as never);
        }
      }
    });
}
export type NodeConfig = z.output<ReturnType<typeof nodeConfigSchema>>;

/** The node configuration is invalid; the message lists every bad key by its path. */
export class InvalidConfigError extends MachError {
  override name = "InvalidConfigError";
}

/** Parses a config object; throws InvalidConfigError naming each bad key (`da.options.disperserUrl: …`). */
export function parseNodeConfig(input: unknown, daProviders: DaProviderRegistry): NodeConfig {
  const result = nodeConfigSchema(daProviders).safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  throw new InvalidConfigError(`invalid node config:\n${lines.join("\n")}`);
}

/** Reads a JSON config file and applies `MACH_*` environment overrides (`MACH_RPC_PORT=8546` → rpc.port). */
export function loadNodeConfig(
  path: string | undefined,
  daProviders: DaProviderRegistry,
  env: Readonly<Record<string, string | undefined>> = process.env,
): NodeConfig {
  let input: Record<string, unknown> = {};
  if (path) {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      throw new InvalidConfigError(`cannot read config file ${path}`, { cause: error });
    }
    try {
      input = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw new InvalidConfigError(`config file ${path} is not valid JSON: ${(error as Error).message}`);
    }
  }
  return parseNodeConfig(applyEnvOverrides(input, env), daProviders);
}

const ENV_OVERRIDES: Readonly<Record<string, { path: readonly string[]; kind: "string" | "number" | "boolean" }>> = {
  MACH_RPC_HOST: { path: ["rpc", "host"], kind: "string" },
  MACH_RPC_PORT: { path: ["rpc", "port"], kind: "number" },
  MACH_METRICS_PORT: { path: ["metrics", "port"], kind: "number" },
  MACH_DATA_DIR: { path: ["store", "path"], kind: "string" },
  MACH_CHAIN_ID: { path: ["chain", "chainId"], kind: "string" },
  MACH_MINI_BLOCK_MS: { path: ["sequencer", "miniBlockMs"], kind: "number" },
  MACH_BLOCK_MS: { path: ["sequencer", "blockMs"], kind: "number" },
  MACH_DA_PROVIDER: { path: ["da", "provider"], kind: "string" },
  MACH_LOG_LEVEL: { path: ["log", "level"], kind: "string" },
};

function applyEnvOverrides(input: Record<string, unknown>, env: Readonly<Record<string, string | undefined>>) {
  const output = structuredClone(input);
  for (const [name, { path, kind }] of Object.entries(ENV_OVERRIDES)) {
    const raw = env[name];
    if (raw === undefined) continue;
    const value = kind === "number" ? Number(raw) : kind === "boolean" ? raw === "true" : raw;
    let target = output as Record<string, unknown>;
    for (const key of path.slice(0, -1)) {
      if (typeof target[key] !== "object" || target[key] === null) target[key] = {};
      target = target[key] as Record<string, unknown>;
    }
    target[path.at(-1) as string] = value;
  }
  return output;
}

/** The in-memory DA provider (tests, and a devnet without a DA service). */
const memoryDaOptionsSchema = z
  .object({
    maxBlobBytes: z.number().int().positive().optional(),
    confirmationDelayMs: z.number().int().nonnegative().default(0),
  })
  .strict();
export const memoryDaProvider: DaProviderEntry<unknown> = {
  optionsSchema: memoryDaOptionsSchema,
  create: (input) => {
    const options = memoryDaOptionsSchema.parse(input);
    return createMemoryDa({
      confirmationDelayMs: options.confirmationDelayMs,
      ...(options.maxBlobBytes !== undefined ? { maxBlobBytes: options.maxBlobBytes } : {}),
    });
  },
};
