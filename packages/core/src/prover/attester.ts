/**
 * From proven blocks to attestations on L1: for each output proposed at a proven block, attest it when its root is
 * the one re-execution gave (sign the EIP-712 claim, publish it to peers, count it), never when it differs; with the
 * peers' verified attestations (`receive`), submit the game's quorum once. The L1 side comes in as two narrow ports
 * (settlement's `OutputSource` and `AttestationSink` fit them), peers as `publish`.
 */
import type { Address, Hash, Hex } from "../chain/types.ts";
import type { Logger } from "../telemetry.ts";
import type { AttestationSigner } from "./attestation.ts";
import type { Prover } from "./prover.ts";
import type { AttestationPool, SignedClaim } from "./quorum.ts";
import type { ProvenBlock } from "./statelessBlock.ts";
import type { ProposedOutput } from "./types.ts";

/** An attestation as it goes to L1 and to peers: the claim and what the prover checked behind it. */
export interface OutputAttestationClaim {
  readonly chainId: bigint;
  readonly l2BlockNumber: bigint;
  readonly blockHash: Hash;
  readonly stateRoot: Hash;
  readonly outputRoot: Hash;
}

export interface OutputAttesterOptions {
  readonly chainId: bigint;
  readonly prover: Prover;
  readonly signer: AttestationSigner;
  readonly pool: AttestationPool;
  /** Proposals on L1 (absent: nothing to attest). */
  readonly proposals?: { proposedOutputs(fromBlock: bigint): Promise<readonly ProposedOutput[]> } | undefined;
  /** Submits a quorum's signatures to the game (absent: attest on p2p only). */
  readonly submit?:
    | ((
        game: Address,
        attestation: OutputAttestationClaim,
        signatures: readonly { prover: Address; signature: Hex }[],
      ) => Promise<void>)
    | undefined;
  /** Gossips this prover's signed attestation. */
  readonly publish: (attestation: OutputAttestationClaim & { prover: Address; signature: Hex }) => Promise<unknown>;
  readonly logger?: Logger | undefined;
}

const claimKey = (block: bigint, root: Hash) => `${block}:${root}`;

export class OutputAttester {
  readonly #options: OutputAttesterOptions;
  readonly #confirmed = new Map<string, { output: ProposedOutput; proven: ProvenBlock }>();
  readonly #submitted = new Set<Address>();
  readonly #refused = new Set<string>();
  #next = 1n;

  constructor(options: OutputAttesterOptions) {
    this.#options = options;
  }

  /** Reads new proposals and attests those at proven blocks whose roots re-execution confirms. */
  async check(): Promise<void> {
    const { proposals, prover, logger } = this.#options;
    if (proposals === undefined) return;
    for (const output of await proposals.proposedOutputs(this.#next)) {
      const proven = prover.proven(output.l2BlockNumber);
      if (proven === undefined) {
        if (output.l2BlockNumber > prover.tip.number) return;
        logger?.warn({ block: output.l2BlockNumber.toString() }, "output proposed for a block no longer kept: skipped");
        this.#next = output.l2BlockNumber + 1n;
        continue;
      }
      if (proven.outputRoot !== output.outputRoot) {
        this.#refuse(output, proven);
        continue;
      }
      await this.#attest(output, proven);
    }
  }

  /** A peer's verified attestation (or this prover's): counted, and the game submitted once a quorum signed. */
  async receive(claim: SignedClaim): Promise<void> {
    this.#options.pool.add(claim);
    await this.#submitIfQuorum(claim.l2BlockNumber, claim.outputRoot);
  }

  #refuse(output: ProposedOutput, proven: ProvenBlock): void {
    const key = claimKey(output.l2BlockNumber, output.outputRoot);
    if (this.#refused.has(key)) return;
    this.#refused.add(key);
    this.#options.logger?.error(
      { block: output.l2BlockNumber.toString(), proposed: output.outputRoot, reExecuted: proven.outputRoot },
      "REFUSED OUTPUT: the proposed root is not the one re-execution gives; not attesting",
    );
  }

  async #attest(output: ProposedOutput, proven: ProvenBlock): Promise<void> {
    const key = claimKey(output.l2BlockNumber, output.outputRoot);
    if (this.#confirmed.has(key)) return this.#submitIfQuorum(output.l2BlockNumber, output.outputRoot);
    this.#confirmed.set(key, { output, proven });
    const { signer, chainId, logger } = this.#options;
    const signature = await signer.sign({
      chainId,
      l2BlockNumber: output.l2BlockNumber,
      outputRoot: output.outputRoot,
    });
    this.#options.pool.add({
      l2BlockNumber: output.l2BlockNumber,
      outputRoot: output.outputRoot,
      prover: signer.address,
      signature,
    });
    await this.#options
      .publish({ ...this.#claim(output, proven), prover: signer.address, signature })
      .catch((error: unknown) => logger?.warn({ err: error }, "attestation not gossiped"));
    logger?.info(
      { block: output.l2BlockNumber.toString(), outputRoot: output.outputRoot },
      "output confirmed and signed",
    );
    await this.#submitIfQuorum(output.l2BlockNumber, output.outputRoot);
  }

  #claim(output: ProposedOutput, proven: ProvenBlock): OutputAttestationClaim {
    return {
      chainId: this.#options.chainId,
      l2BlockNumber: output.l2BlockNumber,
      blockHash: proven.blockHash,
      stateRoot: proven.stateRoot,
      outputRoot: output.outputRoot,
    };
  }

  async #submitIfQuorum(block: bigint, root: Hash): Promise<void> {
    const { submit, pool, logger } = this.#options;
    const entry = this.#confirmed.get(claimKey(block, root));
    const signatures = pool.quorumFor(block, root);
    if (entry === undefined || signatures === undefined || submit === undefined) return;
    const { game } = entry.output;
    if (this.#submitted.has(game)) return;
    this.#submitted.add(game);
    try {
      await submit(game, this.#claim(entry.output, entry.proven), signatures);
      logger?.info({ block: block.toString(), game, provers: signatures.length }, "output attested on L1");
    } catch (error) {
      // Another prover of the quorum got there first: the game is attested either way.
      if ((error as { revertName?: unknown }).revertName === "AlreadyAttested") return;
      this.#submitted.delete(game);
      logger?.warn({ block: block.toString(), game, err: error }, "attestation not submitted; will retry");
    }
  }
}
