/**
 * `pnpm devnet`'s options: one zod schema with named defaults, filled from `devnet.config.json` (for people who keep
 * a setup; `--config` names another file) and then from flags, which win. `--help` is generated from the same table,
 * so every flag is listed with its default.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DA_PROVIDER_NAMES } from "@mach/core/da";
import { z } from "zod";

const port = z.number().int().min(1).max(65535);

export const devnetOptionsSchema = z
  .object({
    /** `full`: L1, contracts, DA, the node with its roles. `dev`: the L2 node alone (like anvil). */
    mode: z.enum(["full", "dev"]).default("full"),
    da: z.enum(DA_PROVIDER_NAMES as unknown as [string, ...string[]]).default("eigenda"),
    l1RpcUrl: z.string().url().optional(),
    l1Port: port.default(8545),
    l2Port: port.default(9545),
    metricsPort: port.default(9546),
    /** The replica's JSON-RPC (HTTP + WS); its metrics on the next port. */
    replicaPort: port.default(9547),
    /** The derive node's JSON-RPC (HTTP + WS); its metrics on the next port. */
    derivePort: port.default(9549),
    /** The sequencer's libp2p TCP port (loopback); the replica and provers bootstrap to it. */
    p2pPort: port.default(9222),
    daPort: port.optional(),
    /** The L1 mines a block this often besides one per transaction (0: only per transaction). */
    l1BlockMs: z.number().int().min(0).default(2_000),
    chainId: z.number().int().positive().default(901901),
    accounts: z.number().int().min(1).max(1000).default(10),
    dir: z.string().min(1).default(".devnet"),
    /** What outlives every chain (the EigenDA stand-in's generated dev SRS); default `<dir>/cache`. */
    cacheDir: z.string().min(1).optional(),
    /** Build-artifact directories, comma-separated (Hardhat `artifacts/`, Foundry `out/`): logs decoded by their ABIs. */
    artifacts: z.string().min(1).optional(),
  })
  .strict();
export type DevnetOptions = z.output<typeof devnetOptionsSchema>;

interface Flag {
  readonly flag: string;
  readonly key: keyof DevnetOptions;
  readonly kind: "string" | "number" | "boolean";
  readonly help: string;
  readonly defaultText: string;
}

export const FLAGS: readonly Flag[] = [
  {
    flag: "dev",
    key: "mode",
    kind: "boolean",
    help: "the L2 node alone: no L1, DA or roles; ready in seconds, like anvil",
    defaultText: "off (full stack)",
  },
  {
    flag: "da",
    key: "da",
    kind: "string",
    help: `DA provider: ${DA_PROVIDER_NAMES.join(", ")}`,
    defaultText: "eigenda",
  },
  {
    flag: "l1-rpc-url",
    key: "l1RpcUrl",
    kind: "string",
    help: "fork this L1 instead of starting an empty one",
    defaultText: "none",
  },
  { flag: "l1-port", key: "l1Port", kind: "number", help: "L1 (Hardhat node) JSON-RPC port", defaultText: "8545" },
  {
    flag: "l2-port",
    key: "l2Port",
    kind: "number",
    help: "Mach JSON-RPC + WebSocket + dashboard port",
    defaultText: "9545",
  },
  { flag: "metrics-port", key: "metricsPort", kind: "number", help: "Prometheus metrics port", defaultText: "9546" },
  {
    flag: "replica-port",
    key: "replicaPort",
    kind: "number",
    help: "the replica's JSON-RPC + WebSocket port (its metrics on the next one)",
    defaultText: "9547",
  },
  {
    flag: "derive-port",
    key: "derivePort",
    kind: "number",
    help: "the derive node's JSON-RPC + WebSocket port (its metrics on the next one)",
    defaultText: "9549",
  },
  { flag: "p2p-port", key: "p2pPort", kind: "number", help: "the sequencer's libp2p TCP port", defaultText: "9222" },
  {
    flag: "da-port",
    key: "daPort",
    kind: "number",
    help: "first port of the DA stand-in",
    defaultText: "the provider's usual ports",
  },
  {
    flag: "l1-block-ms",
    key: "l1BlockMs",
    kind: "number",
    help: "the L1 mines a block this often besides one per transaction (0: only per transaction)",
    defaultText: "2000",
  },
  { flag: "chain-id", key: "chainId", kind: "number", help: "L2 chain id", defaultText: "901901" },
  {
    flag: "accounts",
    key: "accounts",
    kind: "number",
    help: "funded dev accounts printed (and held by --dev)",
    defaultText: "10",
  },
  { flag: "dir", key: "dir", kind: "string", help: "where devnet.json, data and logs go", defaultText: ".devnet" },
  {
    flag: "cache-dir",
    key: "cacheDir",
    kind: "string",
    help: "what outlives every chain (the EigenDA stand-in's generated dev SRS)",
    defaultText: "<dir>/cache",
  },
  {
    flag: "artifacts",
    key: "artifacts",
    kind: "string",
    help: "build artifacts (Hardhat, Foundry) whose ABIs decode logs, comma-separated directories",
    defaultText: "./artifacts,./out if present",
  },
];

export const CONFIG_FILE = "devnet.config.json";

export function usage(): string {
  const width = Math.max(...FLAGS.map((f) => f.flag.length + (f.kind === "boolean" ? 0 : 4))) + 4;
  const lines = FLAGS.map((f) => {
    const name = f.kind === "boolean" ? `--${f.flag}` : `--${f.flag} ${f.kind === "number" ? "N" : "X"}`;
    return `  ${name.padEnd(width)}${f.help} (default: ${f.defaultText})`;
  });
  return [
    "usage: pnpm devnet [options]",
    "",
    ...lines,
    `  ${"--config FILE".padEnd(width)}options file (default: ${CONFIG_FILE} in the working directory, if present)`,
    `  ${"-h, --help".padEnd(width)}this help`,
    "",
    `Every option can also be set in ${CONFIG_FILE} by its camelCase name ({"mode": "dev", "l2Port": 9545, …}); flags win.`,
  ].join("\n");
}

/** An option could not be read; the message names it and the fix. */
export class DevnetOptionsError extends Error {
  override name = "DevnetOptionsError";
}

export function parseDevnetOptions(argv: readonly string[], cwd: string): { help: boolean; options: DevnetOptions } {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      ...Object.fromEntries(FLAGS.map((f) => [f.flag, { type: f.kind === "boolean" ? "boolean" : "string" } as const])),
      config: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  const configPath = typeof values.config === "string" ? values.config : join(cwd, CONFIG_FILE);
  let file: Record<string, unknown> = {};
  if (typeof values.config === "string" || existsSync(configPath)) {
    try {
      file = JSON.parse(readFileSync(configPath, "utf8")) as Record<string, unknown>;
    } catch (error) {
      throw new DevnetOptionsError(`cannot read ${configPath}: ${(error as Error).message}`);
    }
  }
  const input: Record<string, unknown> = { ...file };
  for (const f of FLAGS) {
    const raw = (values as Record<string, string | boolean | undefined>)[f.flag];
    if (raw === undefined) continue;
    if (f.kind === "boolean") input.mode = raw ? "dev" : input.mode;
    else if (f.kind === "number") {
      const value = Number(raw);
      if (!Number.isInteger(value))
        throw new DevnetOptionsError(`--${f.flag} must be a whole number, got ${String(raw)}`);
      input[f.key] = value;
    } else input[f.key] = raw;
  }
  const parsed = devnetOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? "");
    const flag = FLAGS.find((f) => f.key === key)?.flag;
    throw new DevnetOptionsError(`${flag ? `--${flag}` : key || "options"}: ${issue?.message ?? "invalid"}`);
  }
  return { help: values.help === true, options: parsed.data };
}
