/** The prover role's configuration, each value with its named default. */
import { z } from "zod";
import { addressSchema, privateKeySchema } from "../chain/config.ts";

/** How often the prover looks for new output proposals on L1. */
export const DEFAULT_OUTPUT_POLL_MS = 1_000;
/** How often a block's witness is asked for again while the serving node has not stored it yet. */
export const DEFAULT_WITNESS_RETRY_MS = 200;
/** Proven blocks kept for the outputs still to be proposed. */
export const DEFAULT_KEEP_PROVEN_BLOCKS = 4_096;

/** EIP-712 domain of attestations: the L1 chain id and the `QuorumOutputVerifier` address. */
export const attestationDomainSchema = z
  .object({ l1ChainId: z.coerce.bigint().positive(), verifier: addressSchema })
  .strict();

export const proverConfigSchema = z
  .object({
    /** The prover's attestation key (a registered prover of the `ProverRegistry`). */
    signerPrivateKey: privateKeySchema.optional(),
    /** A node serving `mega_getBlockWitness` (the sequencer, or a replica). */
    witnessRpcUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** EIP-712 domain of attestations: the L1 chain id and the `QuorumOutputVerifier` address. */
    attestationDomain: attestationDomainSchema.optional(),
    /** The registered provers whose p2p attestations count, and how many make a quorum. */
    provers: z.array(addressSchema).default([]),
    quorum: z.number().int().positive().default(1),
    outputPollMs: z.number().int().positive().default(DEFAULT_OUTPUT_POLL_MS),
    witnessRetryMs: z.number().int().positive().default(DEFAULT_WITNESS_RETRY_MS),
    keepProvenBlocks: z.number().int().positive().default(DEFAULT_KEEP_PROVEN_BLOCKS),
  })
  .strict();
export type ProverConfig = z.output<typeof proverConfigSchema>;
