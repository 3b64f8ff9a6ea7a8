/**
 * Attestations gathered for each claimed output, from this prover and its peers (p2p), each signer once and only
 * registered provers counted: once `quorum` distinct provers signed the same output root for a block, the set can go
 * to L1 (`MachOutputGame.attest` takes them in one call). Pure bookkeeping, bounded to the newest blocks.
 */
import type { Address, Hash, Hex } from "../chain/types.ts";

export interface SignedClaim {
  readonly l2BlockNumber: bigint;
  readonly outputRoot: Hash;
  readonly prover: Address;
  readonly signature: Hex;
}

/** Blocks whose attestations are kept. */
const KEPT_BLOCKS = 1024n;

export class AttestationPool {
  readonly #provers: ReadonlySet<Address>;
  readonly #quorum: number;
  /** block → output root → prover → signature. */
  readonly #claims = new Map<bigint, Map<Hash, Map<Address, Hex>>>();
  #newest = 0n;

  constructor(provers: readonly Address[], quorum: number) {
    this.#provers = new Set(provers.map((prover) => prover.toLowerCase() as Address));
    this.#quorum = quorum;
  }

  /** Adds a verified attestation; false when its signer is not a registered prover (or it is known already). */
  add(claim: SignedClaim): boolean {
    const prover = claim.prover.toLowerCase() as Address;
    if (!this.#provers.has(prover)) return false;
    let roots = this.#claims.get(claim.l2BlockNumber);
    if (roots === undefined) {
      roots = new Map();
      this.#claims.set(claim.l2BlockNumber, roots);
    }
    let signers = roots.get(claim.outputRoot);
    if (signers === undefined) {
      signers = new Map();
      roots.set(claim.outputRoot, signers);
    }
    if (signers.has(prover)) return false;
    signers.set(prover, claim.signature);
    if (claim.l2BlockNumber > this.#newest) {
      this.#newest = claim.l2BlockNumber;
      for (const block of this.#claims.keys()) if (block + KEPT_BLOCKS < this.#newest) this.#claims.delete(block);
    }
    return true;
  }

  /** The signatures of `outputRoot` at the block, when a quorum of distinct provers signed it. */
  quorumFor(l2BlockNumber: bigint, outputRoot: Hash): { prover: Address; signature: Hex }[] | undefined {
    const signers = this.#claims.get(l2BlockNumber)?.get(outputRoot);
    if (signers === undefined || signers.size < this.#quorum) return undefined;
    return [...signers].map(([prover, signature]) => ({ prover, signature }));
  }

  /** How many provers signed `outputRoot` at the block. */
  count(l2BlockNumber: bigint, outputRoot: Hash): number {
    return this.#claims.get(l2BlockNumber)?.get(outputRoot)?.size ?? 0;
  }
}
