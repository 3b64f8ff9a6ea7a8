/**
 * The `status` section: what a sequencer's `mach_status` reports beyond its own roles, each value with its named
 * default. Replicas are polled over their JSON-RPC (`mach_status`) for their heads; provers' attestations are read
 * off the p2p attestations topic (checked against the registered provers under the verifier's EIP-712 domain);
 * contracts created on the chain are named from the developer's build artifacts (Hardhat `artifacts/`, Foundry
 * `out/`) so the dashboard decodes their logs.
 */
import { z } from "zod";
import { addressSchema } from "../../chain/config.ts";
import { attestationDomainSchema } from "../../prover/config.ts";

/** How often each replica is asked for its head. */
export const DEFAULT_REPLICA_POLL_MS = 1_000;
/** Longest wait for a replica's answer before the poll counts as failed. */
export const DEFAULT_REPLICA_TIMEOUT_MS = 2_000;
/** Attestations seen on p2p kept for `mach_status` (newest first). */
export const DEFAULT_KEPT_ATTESTATIONS = 64;
/** Contracts matched to an artifact kept for `mach_status` (the first ones deployed; a factory's children past it are not). */
export const DEFAULT_MAX_KNOWN_CONTRACTS = 1_024;

export const statusConfigSchema = z
  .object({
    /** Replicas of this sequencer, by the name the dashboard shows and their JSON-RPC URL. */
    replicas: z
      .array(z.object({ id: z.string().min(1), rpcUrl: z.url({ protocol: /^https?$/ }) }).strict())
      .default([]),
    replicaPollMs: z.number().int().positive().default(DEFAULT_REPLICA_POLL_MS),
    replicaTimeoutMs: z.number().int().positive().default(DEFAULT_REPLICA_TIMEOUT_MS),
    /** Follow the p2p attestations topic (needs `p2p.enabled`): the registered provers and their signing domain. */
    attestations: z
      .object({ attestationDomain: attestationDomainSchema, provers: z.array(addressSchema).min(1) })
      .strict()
      .optional(),
    keptAttestations: z.number().int().positive().default(DEFAULT_KEPT_ATTESTATIONS),
    /** Directories of build artifacts (Hardhat `artifacts/`, Foundry `out/`), read once at start. */
    artifacts: z.array(z.string().min(1)).default([]),
    maxKnownContracts: z.number().int().positive().default(DEFAULT_MAX_KNOWN_CONTRACTS),
  })
  .strict();
export type StatusConfig = z.output<typeof statusConfigSchema>;
