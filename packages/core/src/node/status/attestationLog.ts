/**
 * Provers' attestations a sequencer has seen on p2p, newest first and bounded, each compared with the sequencer's
 * own output root at that block: an operator sees at a glance whether the provers agree with what it proposes.
 * One entry per prover and block (a prover gossiping again does not fill the list).
 */
import type { Hash } from "../../chain/types.ts";
import type { Attestation } from "../../p2p/attestationMessage.ts";
import type { StatusAttestation } from "../../rpc/statusSource.ts";

export class AttestationLog {
  readonly #capacity: number;
  readonly #ownOutputRoot: (blockNumber: bigint) => Hash | undefined;
  #entries: StatusAttestation[] = [];

  /** `ownOutputRoot`: the sequencer's output root at a block, when it recorded one. */
  constructor(capacity: number, ownOutputRoot: (blockNumber: bigint) => Hash | undefined) {
    this.#capacity = capacity;
    this.#ownOutputRoot = ownOutputRoot;
  }

  /** A verified attestation, received at `receivedAt` (Unix ms). */
  add(attestation: Attestation, receivedAt: number): void {
    const own = this.#ownOutputRoot(attestation.blockNumber);
    const entry: StatusAttestation = {
      prover: attestation.prover,
      blockNumber: attestation.blockNumber,
      blockHash: attestation.blockHash,
      stateRoot: attestation.stateRoot,
      outputRoot: attestation.outputRoot,
      receivedAt,
      ...(own === undefined ? {} : { matchesOwnOutput: own === attestation.outputRoot }),
    };
    const others = this.#entries.filter(
      (seen) => seen.prover !== entry.prover || seen.blockNumber !== entry.blockNumber,
    );
    this.#entries = [entry, ...others].slice(0, this.#capacity);
  }

  /** Newest first. */
  list(): readonly StatusAttestation[] {
    return this.#entries;
  }
}
