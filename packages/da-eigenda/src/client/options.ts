/**
 * Configuration of the EigenDA adapter. Parsed once at the edge (node/ composes it into the node config).
 */
import { z } from "zod";
import { KZG_ENGINE_NAMES } from "../kzg/engine.ts";
import { NATIVE_MAX_TABLE_BITS, NATIVE_MIN_TABLE_BITS } from "../kzg/nativeAddon.ts";

const hostPort = z.string().regex(/^[^\s:/]+:\d{1,5}$/, "expected host:port");
const privateKeyHex = z.string().regex(/^(0x)?[0-9a-fA-F]{64}$/, "expected a 32-byte hex private key");

export const tlsOptionsSchema = z.object({
  enabled: z.boolean().default(false),
  /** PEM file of the CA that signs the server's certificate; system roots when absent. */
  caPath: z.string().optional(),
});

export const retryPolicySchema = z.object({
  /** Attempts per RPC (1 = no retry). Only UNAVAILABLE (and DEADLINE_EXCEEDED for idempotent reads) is retried. */
  maxAttempts: z.number().int().min(1).default(5),
  initialBackoffMs: z.number().int().min(0).default(100),
  maxBackoffMs: z.number().int().min(0).default(5_000),
  backoffMultiplier: z.number().min(1).default(2),
});

export const srsOptionsSchema = z.discriminatedUnion("format", [
  /** Mach's own SRS file (the insecure dev SRS written by `writeMachSrsFile` or the stand-in bin). */
  z.object({ format: z.literal("mach"), path: z.string().min(1) }),
  /** EigenDA's resources/srs files (gnark-compressed points). */
  z.object({
    format: z.literal("gnark"),
    g1Path: z.string().min(1),
    g2Path: z.string().min(1),
    g2TrailingPath: z.string().min(1),
    /** Points to load: the largest blob in symbols (power of two). 65,536 = 2 MiB blobs. */
    numPoints: z.number().int().positive(),
  }),
]);

export const eigenDaOptionsSchema = z.object({
  /** Disperser gRPC endpoint, `host:port` (mainnet: disperser.eigenda.xyz:443 with TLS). */
  disperser: hostPort,
  /**
   * Relay endpoints by relay key (the certificate's `relay_keys`), each `host:port`. On-chain these come from
   * EigenDARelayRegistry.relayKeyToUrl; Mach takes them from config.
   */
  relays: z.record(z.string().regex(/^\d+$/), hostPort).refine((r) => Object.keys(r).length > 0, "at least one relay"),
  tls: tlsOptionsSchema.default({ enabled: false }),
  /** gRPC metadata sent with every call (e.g. an API key header). */
  metadata: z.record(z.string(), z.string()).default({}),
  /** Hex private key that signs blob keys; its address is the payment account id. */
  signerPrivateKey: privateKeyHex,
  srs: srsOptionsSchema,
  /** BlobParams version (0 in practice). */
  blobVersion: z.number().int().min(0).max(0xffff).default(0),
  quorumNumbers: z.array(z.number().int().min(0).max(255)).min(1).default([0, 1]),
  /** "reservation" sends cumulative_payment = 0; "on-demand" tracks it from GetPaymentState. */
  paymentMode: z.enum(["reservation", "on-demand"]).default("reservation"),
  /** Deadline of one RPC. */
  rpcTimeoutMs: z.number().int().positive().default(30_000),
  /** Interval between GetBlobStatus polls. */
  statusPollIntervalMs: z.number().int().positive().default(1_000),
  /** Default bound of `SubmissionHandle.wait` (EigenDA proxy default: 15 min). */
  certificateTimeoutMs: z
    .number()
    .int()
    .positive()
    .default(15 * 60_000),
  retry: retryPolicySchema.default({
    maxAttempts: 5,
    initialBackoffMs: 100,
    maxBackoffMs: 5_000,
    backoffMultiplier: 2,
  }),
  /** Compute KZG commitments in a worker thread (default), so seconds of MSM never block the event loop. */
  commitInWorker: z.boolean().default(true),
  /**
   * KZG engine: "native" (MSMs in C, a Node-API addon built with gcc), "mcl" (MSMs in WebAssembly, mcl-wasm) or
   * "reference" (pure JS, ~8× slower than mcl). Unset: native, or mcl when the addon cannot be built or loaded.
   */
  kzgEngine: z.enum(KZG_ENGINE_NAMES).optional(),
  /**
   * The native engine's fixed-base tables: "auto" (the width of least estimated cost, ≤ 15 bits, within 512 MiB: 178
   * MB for an SRS of 32,768 points, ~1.5× faster commitments), "off" (the SRS alone), or a width in bits (2–16).
   * Each commitment worker builds its own, in seconds, when it starts.
   */
  kzgTables: z
    .union([z.enum(["auto", "off"]), z.number().int().min(NATIVE_MIN_TABLE_BITS).max(NATIVE_MAX_TABLE_BITS)])
    .default("auto"),
  /**
   * Worker threads for commitments (with commitInWorker). Two or more run a blob's two G2 MSMs in parallel and
   * several blobs at once; each holds a copy of the SRS. One keeps a core free for the sequencer on small machines.
   */
  commitWorkers: z.number().int().min(1).max(64).default(1),
  /** Upper bound on gRPC messages (a 16 MiB blob plus headers). */
  maxMessageBytes: z
    .number()
    .int()
    .positive()
    .default(32 * 1024 * 1024),
});

export type EigenDaOptions = z.output<typeof eigenDaOptionsSchema>;
export type EigenDaOptionsInput = z.input<typeof eigenDaOptionsSchema>;
export type RetryPolicy = z.output<typeof retryPolicySchema>;
