/**
 * The node's one configuration schema, composed from each module's own schema (Lodestar's options habit): `chain`
 * (chain/), `sequencer` (sequencer/), `txpool` (txpool/), `store` (state/store/), `rpc` (rpc/), `batcher` and `da`
 * (da/), `settlement`, `outputs`, `proposer` and `attester` (settlement/); node/ owns only `node` (the role),
 * `genesis`, `metrics`, `log` and `status` (what a sequencer's mach_status reports beyond its roles). Parsed once at the edge (`loadNodeConfig`); errors name the key path from the root;
 * modules receive their parsed section.
 *
 * Core depends on no adapter: the composition root passes the DA and settlement providers it links, and the `da` and
 * `settlement` sections are validated by the chosen provider's own options schema.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { addressSchema, chainConfigSchema, hexDataSchema, privateKeySchema } from "../chain/config.ts";
import { BATCH_HOLD_POINTS } from "../da/batcher.ts";
import { batcherConfigSchema, type DaProviderRegistry, daConfigSchema, memoryDaProvider } from "../da/config.ts";
import { derivationConfigSchema } from "../derivation/config.ts";
import { MachError } from "../errors.ts";
import { executionConfigSchema } from "../execution/config.ts";
import { proverConfigSchema } from "../prover/config.ts";
import { replicaConfigSchema } from "../replica/config.ts";
import { rpcConfigSchema } from "../rpc/config.ts";
import { sequencerConfigSchema } from "../sequencer/config.ts";
import { type SettlementProviderRegistry, settlementConfigSchema } from "../settlement/config.ts";
import { attesterConfigSchema, outputsConfigSchema, proposerConfigSchema } from "../settlement/outputConfig.ts";
import { storeConfigSchema } from "../state/store/config.ts";
import { trieHashingConfigSchema } from "../state/trie/keccakBatch.ts";
import { witnessConfigSchema } from "../state/witness/config.ts";
import { txPoolConfigSchema } from "../txpool/config.ts";
import { statusConfigSchema } from "./status/config.ts";

/** The standard Hardhat/Anvil development mnemonic: its accounts are public, never use them for value. */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";

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
        addressSchema,
        z
          .object({
            balance: z.coerce.bigint().nonnegative().default(0n),
            nonce: z.coerce.bigint().nonnegative().default(0n),
            code: hexDataSchema.optional(),
            storage: z.record(z.string(), z.string()).optional(),
          })
          .strict(),
      )
      .default({}),
  })
  .strict();
export type GenesisConfig = z.output<typeof genesisConfigSchema>;

/** What this process does (`derive`: rebuild the chain from L1 + DA alone and serve it). */
export const NODE_ROLES = ["sequencer", "replica", "prover", "derive"] as const;
export type NodeRole = (typeof NODE_ROLES)[number];

export const nodeRoleConfigSchema = z.object({ role: z.enum(NODE_ROLES).default("sequencer") }).strict();

export const metricsConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    host: z.string().default("127.0.0.1"),
    port: z.number().int().min(0).max(65535).default(9545),
  })
  .strict();

/**
 * Test-only faults. Of a sequencer's published messages (what replicas and provers must catch): the sequencer's own
 * chain, log and store stay right; only what it gossips is wrong, and range requests serve the right messages, so a
 * replica that refuses a faulty block and refetches it converges. And censorship (`holdL1OriginAt`), which force
 * inclusion must overcome. Each is logged loudly at start.
 */
export const sequencerTestFaultsSchema = z
  .object({
    /**
     * Censor L1: never take an L1 origin after this L1 block, so later deposits are ignored (no catch-up either).
     * Once the next epoch's sequencing window passes, derivation includes its deposits itself; the sequencer stops
     * with `SequencingWindowPassedError` and starts again in the same process without the fault, back on the derived
     * chain (`restart.ts`): a sequencer that censored until the window passed.
     */
    holdL1OriginAt: z.coerce.bigint().nonnegative().optional(),
    /** Gossip block N's header with a wrong `stateRoot` (its hash changes with it). */
    wrongStateRootAtBlock: z.coerce.bigint().positive().optional(),
    /** Gossip block N's first mini-block with a wrong state diff (it credits an account nothing touched). */
    wrongDiffAtBlock: z.coerce.bigint().positive().optional(),
    /**
     * Serve `wrongDiffAtBlock`'s wrong mini-block in range responses too (the log keeps the right one): a peer that
     * keeps serving a block replicas refuse, so they derive it from L1 + DA instead.
     */
    serveWrongDiff: z.boolean().optional(),
  })
  .strict();
export type SequencerTestFaults = z.output<typeof sequencerTestFaultsSchema>;

/**
 * The `sequencer` section: the sequencer module's own schema plus what node/ does around it: the key that signs every
 * mini-block (MegaETH Rex5) and seals every p2p message, and test faults.
 */
export const sequencerNodeConfigSchema = sequencerConfigSchema
  .extend({
    /** The sequencer's signing key (32-byte hex); required when it publishes over p2p. */
    signerPrivateKey: privateKeySchema.optional(),
    testFaults: sequencerTestFaultsSchema.optional(),
  })
  .strict();

/**
 * Test-only faults of the batcher, to kill the node inside a window of a batch's L1 recording (end-to-end crash
 * tests). `holdBatchAt`: the first batch to reach that point stays there until the node stops (`daConfirmed`: on DA,
 * not yet recorded on L1; `l1Recorded`: recorded on L1, the node's own record not yet updated).
 */
export const batcherTestFaultsSchema = z.object({ holdBatchAt: z.enum(BATCH_HOLD_POINTS).optional() }).strict();
export type BatcherTestFaults = z.output<typeof batcherTestFaultsSchema>;

/** The `batcher` section: the da module's batcher config plus test faults. */
export const batcherNodeConfigSchema = batcherConfigSchema
  .extend({ testFaults: batcherTestFaultsSchema.optional() })
  .strict();

/**
 * Test-only fault of the proposer (end-to-end challenge tests): the first output at or after L2 block
 * `wrongOutputRootAtBlock` is posted with a wrong root (the keccak256 of its own), which the provers must refuse and
 * challenge. Logged loudly at start.
 */
export const proposerTestFaultsSchema = z
  .object({ wrongOutputRootAtBlock: z.coerce.bigint().positive().optional() })
  .strict();
export type ProposerTestFaults = z.output<typeof proposerTestFaultsSchema>;

/** The `proposer` section: the settlement module's proposer config plus test faults. */
export const proposerNodeConfigSchema = proposerConfigSchema
  .extend({ testFaults: proposerTestFaultsSchema.optional() })
  .strict();

/**
 * The `p2p` section: whether the node joins the network and whose signature it expects, beside the p2p module's own
 * options (listen, bootstrap, peerKey, limits: `p2pConfigSchema`). Those are checked when the network starts, since
 * loading the p2p module loads libp2p (`node/network/config.ts`), which no other entry point may do.
 */
export const nodeP2pConfigSchema = z
  .object({
    enabled: z.boolean().default(false),
    /**
     * The sequencer's signing address: every received mini-block and block must be sealed by it (what the L1
     * `SequencerRegistry` names, in time). A sequencer defaults it to its own key's address.
     */
    sequencerAddress: addressSchema.optional(),
  })
  .catchall(z.unknown());

/**
 * Development methods (`evm_mine`, `anvil_*`, `hardhat_*`, the node's own accounts): off unless configured
 * (`pnpm devnet` turns them on). `mode`: `rollup` on the full devnet (state edits become block content, time only
 * moves forward, no history rewrites), `standalone` for `pnpm devnet --dev` (the node alone: everything goes).
 */
export const devConfigSchema = z
  .object({
    enabled: z.boolean().default(false),
    mode: z.enum(["rollup", "standalone"]).default("rollup"),
    /** anvil's automine: seal a block right after each mini-block. */
    automine: z.boolean().default(false),
    /** Seal a block every `sequencer.blockMs` too (interval mining; `evm_setIntervalMining` changes it). */
    intervalMining: z.boolean().default(true),
    /** Log each executed transaction, as anvil prints them (`anvil_setLoggingEnabled` toggles it). */
    logTransactions: z.boolean().default(true),
  })
  .strict();
export type DevConfig = z.output<typeof devConfigSchema>;

export const logConfigSchema = z
  .object({ level: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info") })
  .strict();

/** The providers a binary links, by config section (core's own `memory` DA provider is always there). */
export interface NodeProviders {
  readonly da: DaProviderRegistry;
  readonly settlement: SettlementProviderRegistry;
}

/** The DA providers a node can use: the linked ones and core's `memory`. */
export function daProvidersOf(providers: NodeProviders): DaProviderRegistry {
  return { memory: memoryDaProvider, ...providers.da };
}

const withDefaults = <T extends z.ZodType>(schema: T) => schema.default(schema.parse({}) as never);

function providerCheck(
  section: "da" | "settlement",
  registry: Readonly<Record<string, { readonly optionsSchema: z.ZodType }>>,
  provider: string,
  options: unknown,
  ctx: z.RefinementCtx,
  builtIn: readonly string[] = [],
): void {
  if (builtIn.includes(provider)) return;
  const entry = registry[provider];
  if (!entry) {
    ctx.addIssue({
      code: "custom",
      path: [section, "provider"],
      message: `unknown ${section === "da" ? "DA" : "settlement"} provider "${provider}" (expected one of: ${[...builtIn, ...Object.keys(registry)].join(", ")})`,
    });
    return;
  }
  const parsed = entry.optionsSchema.safeParse(options ?? {});
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      ctx.addIssue({ ...issue, path: [section, "options", ...issue.path] } as never);
  }
}

/** What each role needs that its sections leave optional. */
function roleCheck(
  config: {
    readonly node: { readonly role: NodeRole };
    readonly chain: { readonly genesisTimestamp: bigint };
    readonly settlement: { readonly provider: string };
    readonly sequencer: { readonly signerPrivateKey?: unknown };
    readonly p2p: { readonly enabled: boolean; readonly sequencerAddress?: unknown };
    readonly replica: { readonly sequencerRpcUrl?: unknown };
    readonly prover: {
      readonly signerPrivateKey?: unknown;
      readonly witnessRpcUrl?: unknown;
      readonly attestationDomain?: unknown;
    };
  },
  ctx: z.RefinementCtx,
): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
  const { role } = config.node;
  if (role === "sequencer" && config.p2p.enabled && config.sequencer.signerPrivateKey === undefined) {
    issue(["sequencer", "signerPrivateKey"], "a sequencer on p2p signs its mini-blocks: give its key");
  }
  if (role === "replica" || role === "prover") {
    if (!config.p2p.enabled) issue(["p2p", "enabled"], `a ${role} follows the sequencer over p2p: enable it`);
    if (config.p2p.sequencerAddress === undefined) {
      issue(["p2p", "sequencerAddress"], `a ${role} checks the sequencer's signature: give its address`);
    }
    if (config.chain.genesisTimestamp === 0n) {
      issue(["chain", "genesisTimestamp"], `a ${role} must rebuild the sequencer's genesis: give its timestamp`);
    }
  }
  if (role === "replica" && config.replica.sequencerRpcUrl === undefined) {
    issue(["replica", "sequencerRpcUrl"], "a replica forwards transactions to the sequencer: give its RPC URL");
  }
  if (role === "derive") {
    if (config.settlement.provider === "none") {
      issue(["settlement", "provider"], "a derive node reads batch records and deposits from L1: configure it");
    }
    if (config.chain.genesisTimestamp === 0n) {
      issue(["chain", "genesisTimestamp"], "a derive node must rebuild the sequencer's genesis: give its timestamp");
    }
  }
  if (role === "prover") {
    if (config.prover.signerPrivateKey === undefined) {
      issue(["prover", "signerPrivateKey"], "a prover signs its attestations: give its key");
    }
    if (config.prover.witnessRpcUrl === undefined) {
      issue(["prover", "witnessRpcUrl"], "a prover fetches block witnesses: give a sequencer's or replica's RPC URL");
    }
    if (config.prover.attestationDomain === undefined) {
      issue(["prover", "attestationDomain"], "attestations are signed under the verifier's EIP-712 domain: give it");
    }
  }
}

export function nodeConfigSchema(providers: NodeProviders) {
  return z
    .object({
      node: withDefaults(nodeRoleConfigSchema),
      chain: withDefaults(chainConfigSchema),
      sequencer: withDefaults(sequencerNodeConfigSchema),
      execution: withDefaults(executionConfigSchema),
      txpool: withDefaults(txPoolConfigSchema.strict()),
      /** How state roots hash trie nodes: hashing worker threads beside the sequencer's (0: its thread only). */
      trieHashing: withDefaults(trieHashingConfigSchema.strict()),
      genesis: withDefaults(genesisConfigSchema),
      store: withDefaults(storeConfigSchema),
      rpc: withDefaults(rpcConfigSchema),
      metrics: withDefaults(metricsConfigSchema),
      batcher: withDefaults(batcherNodeConfigSchema),
      da: withDefaults(daConfigSchema),
      settlement: withDefaults(settlementConfigSchema),
      outputs: withDefaults(outputsConfigSchema),
      proposer: withDefaults(proposerNodeConfigSchema),
      attester: withDefaults(attesterConfigSchema),
      dev: withDefaults(devConfigSchema),
      p2p: withDefaults(nodeP2pConfigSchema),
      replica: withDefaults(replicaConfigSchema),
      witness: withDefaults(witnessConfigSchema),
      prover: withDefaults(proverConfigSchema),
      derivation: withDefaults(derivationConfigSchema),
      /** What a sequencer's mach_status reports beyond its roles: replica lag, provers' attestations, artifact ABIs. */
      status: withDefaults(statusConfigSchema),
      log: withDefaults(logConfigSchema),
    })
    .strict()
    .superRefine((config, ctx) => {
      providerCheck("da", daProvidersOf(providers), config.da.provider, config.da.options, ctx);
      providerCheck("settlement", providers.settlement, config.settlement.provider, config.settlement.options, ctx, [
        "none",
      ]);
      roleCheck(config, ctx);
      if (config.status.attestations !== undefined && !config.p2p.enabled) {
        ctx.addIssue({
          code: "custom",
          path: ["status", "attestations"],
          message: "provers' attestations are read off p2p: enable it (p2p.enabled)",
        });
      }
    });
}
export type NodeConfig = z.output<ReturnType<typeof nodeConfigSchema>>;

/** The node configuration is invalid; the message lists every bad key by its path. */
export class InvalidConfigError extends MachError {
  override name = "InvalidConfigError";
}

/** Parses a config object; throws InvalidConfigError naming each bad key (`da.options.disperserUrl: …`). */
export function parseNodeConfig(input: unknown, providers: NodeProviders): NodeConfig {
  const result = nodeConfigSchema(providers).safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  throw new InvalidConfigError(`invalid node config:\n${lines.join("\n")}`);
}

/** Reads a JSON config file and applies `MACH_*` environment overrides (`MACH_RPC_PORT=8546` → rpc.port). */
export function loadNodeConfig(
  path: string | undefined,
  providers: NodeProviders,
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
  return parseNodeConfig(applyEnvOverrides(input, env), providers);
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
  MACH_ROLE: { path: ["node", "role"], kind: "string" },
  MACH_SENDER_RECOVERY_WORKERS: { path: ["txpool", "senderRecovery", "workers"], kind: "number" },
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
