/**
 * prover/: proves each block by re-executing it from its witness alone (no database, no state beyond the witness)
 * with the same executor and chain/ rules as every role, from a trusted anchor on; signs the EIP-712 attestation of
 * the outputs it confirmed. node/ feeds it (p2p, witnesses over RPC) and connects attestations to L1 and p2p.
 *
 *   statelessBlock.ts  executeBlockStatelessly: one block from its witness → its roots and output root, or an error
 *   prover.ts          Prover: blocks in order from the anchor; proven blocks kept, refusals reported; goes back
 *                      to a kept block when the sequencer replaced the blocks after it (rewindTo)
 *   attestation.ts     the EIP-712 OutputAttestation: sign, recover (QuorumOutputVerifier's typed data)
 *   quorum.ts          AttestationPool: signatures per output from registered provers, until a quorum
 *   attester.ts        OutputAttester: proposals at proven blocks → sign, publish, submit a quorum; never a wrong root
 *   types.ts           ProposedOutput (what L1 asks provers to attest)
 *   config.ts          the `prover` config section
 *   errors.ts          BlockMismatchError (the block is wrong: never attest); ProverRewindError (fork out of reach)
 */
export {
  type AttestationDomain,
  type AttestationSigner,
  createAttestationSigner,
  type OutputClaim,
  recoverAttestationSigner,
} from "./attestation.ts";
export { type OutputAttestationClaim, OutputAttester, type OutputAttesterOptions } from "./attester.ts";
export {
  DEFAULT_KEEP_PROVEN_BLOCKS,
  DEFAULT_OUTPUT_POLL_MS,
  DEFAULT_WITNESS_RETRY_MS,
  type ProverConfig,
  proverConfigSchema,
} from "./config.ts";
export { BlockMismatchError, ProverError, ProverRewindError, proverForkUnreachableError } from "./errors.ts";
export {
  Prover,
  type ProverChainLink,
  type ProverMetrics,
  type ProverOptions,
  type ProverRefusal,
  type ProverRewind,
  type ReceivedBlockHeader,
} from "./prover.ts";
export { AttestationPool, type SignedClaim } from "./quorum.ts";
export {
  type BlockToProve,
  type ExecuteBlockStatelesslyParameters,
  executeBlockStatelessly,
  type ProvenBlock,
} from "./statelessBlock.ts";
export type { ProposedOutput } from "./types.ts";
