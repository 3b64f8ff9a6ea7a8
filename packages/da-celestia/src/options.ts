/**
 * Options of the Celestia adapter, one zod schema with named defaults (`node/` composes it into the node config).
 * Times are in milliseconds. `txConfig` is celestia-node's `TxConfig` (`state/txclient/tx_config.go`) in camelCase;
 * it goes to `blob.Submit` as the second parameter.
 */
import { z } from "zod";
import { InvalidNamespaceError } from "./errors.ts";
import { parseNamespace } from "./namespace.ts";

/** ev-node's `DefaultMaxBlobSize`: leaves room under celestia-app's MaxTxSize (2 MiB before app v7, 8 MiB since). */
export const DEFAULT_MAX_BLOB_BYTES = 5 * 1024 * 1024;
/** celestia-node's default RPC address. */
export const DEFAULT_CELESTIA_RPC_URL = "http://127.0.0.1:26658";
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** `blob.Submit` waits until the PFB lands in a block (~6 s on mainnet), so it gets a longer bound. */
export const DEFAULT_SUBMIT_TIMEOUT_MS = 60_000;
export const DEFAULT_POLL_INTERVAL_MS = 500;
export const DEFAULT_INCLUSION_TIMEOUT_MS = 120_000;

const namespaceHex = z.string().transform((text, ctx) => {
  try {
    return parseNamespace(text);
  } catch (error) {
    if (!(error instanceof InvalidNamespaceError)) throw error;
    ctx.addIssue({ code: "custom", message: error.shortMessage });
    return z.NEVER;
  }
});

export const celestiaTxConfigSchema = z
  .object({
    /** utia per gas unit; unset lets the node estimate. */
    gasPrice: z.number().positive().optional(),
    /** Upper bound on the node's estimate; the node refuses above it. */
    maxGasPrice: z.number().positive().optional(),
    gas: z.number().int().nonnegative().optional(),
    /** 1 low, 2 medium, 3 high: the percentile the node's gas-price estimate uses. */
    txPriority: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
    keyName: z.string().min(1).optional(),
    signerAddress: z.string().min(1).optional(),
    feeGranterAddress: z.string().min(1).optional(),
  })
  .strict();

export const celestiaRetrySchema = z
  .object({
    /** Attempts per call for transient failures, the first included. */
    attempts: z.number().int().min(1).default(5),
    initialDelayMs: z.number().int().nonnegative().default(250),
    maxDelayMs: z.number().int().nonnegative().default(10_000),
    /** Each delay is the previous one times this. */
    backoffFactor: z.number().min(1).default(2),
  })
  .strict();

export const celestiaOptionsSchema = z
  .object({
    rpcUrl: z.url({ protocol: /^https?$/ }).default(DEFAULT_CELESTIA_RPC_URL),
    /** JWT for `Authorization: Bearer`; omit when the node runs with `--rpc.skip-auth`. */
    authToken: z.string().min(1).optional(),
    /** Hex: the 29-byte namespace, or up to 10 user bytes of a version-0 namespace. */
    namespace: namespaceHex,
    txConfig: celestiaTxConfigSchema.default({}),
    maxBlobBytes: z.number().int().positive().default(DEFAULT_MAX_BLOB_BYTES),
    requestTimeoutMs: z.number().int().positive().default(DEFAULT_REQUEST_TIMEOUT_MS),
    submitTimeoutMs: z.number().int().positive().default(DEFAULT_SUBMIT_TIMEOUT_MS),
    /** How often to ask again while the node has not yet synced the inclusion height. */
    pollIntervalMs: z.number().int().positive().default(DEFAULT_POLL_INTERVAL_MS),
    /** Bound on submit → confirmed pointer, retries included, unless `wait({ timeoutMs })` says otherwise. */
    inclusionTimeoutMs: z.number().int().positive().default(DEFAULT_INCLUSION_TIMEOUT_MS),
    retry: celestiaRetrySchema.default({ attempts: 5, initialDelayMs: 250, maxDelayMs: 10_000, backoffFactor: 2 }),
  })
  .strict();

export type CelestiaOptionsInput = z.input<typeof celestiaOptionsSchema>;
export type CelestiaOptions = z.output<typeof celestiaOptionsSchema>;
export type CelestiaTxConfig = z.output<typeof celestiaTxConfigSchema>;
export type CelestiaRetryPolicy = z.output<typeof celestiaRetrySchema>;

/** celestia-node's `TxConfig` JSON (snake_case, `is_gas_price_set` beside `gas_price`), or null for node defaults. */
export function txConfigToJson(config: CelestiaTxConfig): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  if (config.gasPrice !== undefined) {
    out.gas_price = config.gasPrice;
    out.is_gas_price_set = true;
  }
  if (config.maxGasPrice !== undefined) out.max_gas_price = config.maxGasPrice;
  if (config.gas !== undefined) out.gas = config.gas;
  if (config.txPriority !== undefined) out.tx_priority = config.txPriority;
  if (config.keyName !== undefined) out.key_name = config.keyName;
  if (config.signerAddress !== undefined) out.signer_address = config.signerAddress;
  if (config.feeGranterAddress !== undefined) out.fee_granter_address = config.feeGranterAddress;
  return Object.keys(out).length === 0 ? null : out;
}
