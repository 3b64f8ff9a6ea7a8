/**
 * From proven blocks to attestations on L1: for each output proposed at a proven block, attest it when its root is
 * the one re-execution gave (sign the EIP-712 claim, publish it to peers, count it), never when it differs; with the
 * peers' verified attestations (`receive`), submit the game's quorum once.
 *
 * A proposal whose root differs is refused and disputed: the prover signs the root re-execution gave for that block
 * instead and publishes it; once a quorum of provers signed that conflicting root, the wrong game is challenged with
 * their signatures (`MachOutputGame.challenge`: it resolves against its claim at once). The L1 side comes in as narrow
 * ports (settlement's proposed outputs, `submitQuorumTo` and `challengeWithQuorumTo` fit them), peers as `publish`.
 *
 * A block the prover dropped going back with the sequencer (`Prover.rewindTo`) is no longer proven: its output is
 * never signed, published, submitted or used to challenge afterwards; what was signed before stays signed.
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
  /** Challenges a game with a quorum's signatures of another root for its block (absent: refuse only). */
  readonly challenge?:
    | ((
        game: Address,
        attestation: OutputAttestationClaim,
        signatures: readonly { prover: Address; signature: Hex }[],
      ) => Promise<"challenged" | "alreadyResolved" | "windowClosed">)
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
  /** Roots this prover signed, by block (`claimKey`): each at most once. */
  readonly #signed = new Set<string>();
  /** By (block, re-executed root): the wrong games proposed at that block, waiting for the root's quorum. */
  readonly #disputes = new Map<string, { proven: ProvenBlock; games: Map<Address, ProposedOutput> }>();
  /** Games challenged (by this prover or found resolved): never challenged again. */
  readonly #settled = new Set<Address>();
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
        await this.#dispute(output, proven);
        continue;
      }
      await this.#attest(output, proven);
    }
  }

  /** A peer's verified attestation (or this prover's): counted, and the game submitted once a quorum signed. */
  async receive(claim: SignedClaim): Promise<void> {
    this.#options.pool.add(claim);
    await this.#submitIfQuorum(claim.l2BlockNumber, claim.outputRoot);
    await this.#challengeIfQuorum(claim.l2BlockNumber, claim.outputRoot);
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
    if (await this.#sign(proven, output.outputRoot)) {
      this.#options.logger?.info(
        { block: output.l2BlockNumber.toString(), outputRoot: output.outputRoot },
        "output confirmed and signed",
      );
    }
    await this.#submitIfQuorum(output.l2BlockNumber, output.outputRoot);
    await this.#challengeIfQuorum(output.l2BlockNumber, output.outputRoot);
  }

  /** Signs `outputRoot` at the proven block, counts it and gossips it; false when signed before. */
  async #sign(proven: ProvenBlock, outputRoot: Hash): Promise<boolean> {
    const key = claimKey(proven.blockNumber, outputRoot);
    if (this.#signed.has(key)) return false;
    const { signer, chainId, logger } = this.#options;
    if (this.#dropped(proven)) return false;
    this.#signed.add(key);
    const signature = await signer.sign({ chainId, l2BlockNumber: proven.blockNumber, outputRoot });
    // The prover may have gone back past the block while signing: the signature is then never used.
    if (this.#dropped(proven)) return false;
    this.#options.pool.add({ l2BlockNumber: proven.blockNumber, outputRoot, prover: signer.address, signature });
    await this.#options
      .publish({ ...this.#claim(proven, outputRoot), prover: signer.address, signature })
      .catch((error: unknown) => logger?.warn({ err: error }, "attestation not gossiped"));
    return true;
  }

  /**
   * A game whose root re-execution contradicts: the root re-execution gave is signed and gossiped (once per block),
   * and the game challenged once a quorum signed it, here or when the missing signatures arrive (`receive`).
   */
  async #dispute(output: ProposedOutput, proven: ProvenBlock): Promise<void> {
    if (this.#options.challenge === undefined || this.#settled.has(output.game)) return;
    const key = claimKey(proven.blockNumber, proven.outputRoot);
    let dispute = this.#disputes.get(key);
    if (dispute === undefined) {
      dispute = { proven, games: new Map() };
      this.#disputes.set(key, dispute);
    }
    dispute.games.set(output.game, output);
    if (await this.#sign(proven, proven.outputRoot)) {
      this.#options.logger?.warn(
        { block: proven.blockNumber.toString(), outputRoot: proven.outputRoot, disputed: output.outputRoot },
        "re-executed output signed to challenge a wrong proposal",
      );
    }
    await this.#challengeIfQuorum(proven.blockNumber, proven.outputRoot);
  }

  /** Whether the prover's chain no longer holds the block (a rewind dropped it); one no longer kept still counts. */
  #dropped(proven: ProvenBlock): boolean {
    const { prover } = this.#options;
    if (proven.blockNumber > prover.tip.number) return true;
    const current = prover.proven(proven.blockNumber);
    return current !== undefined && current.blockHash !== proven.blockHash;
  }

  #claim(proven: ProvenBlock, outputRoot: Hash): OutputAttestationClaim {
    return {
      chainId: this.#options.chainId,
      l2BlockNumber: proven.blockNumber,
      blockHash: proven.blockHash,
      stateRoot: proven.stateRoot,
      outputRoot,
    };
  }

  async #challengeIfQuorum(block: bigint, root: Hash): Promise<void> {
    const { challenge, pool, logger } = this.#options;
    const dispute = this.#disputes.get(claimKey(block, root));
    const signatures = pool.quorumFor(block, root);
    if (dispute === undefined || signatures === undefined || challenge === undefined) return;
    if (this.#dropped(dispute.proven)) return;
    for (const [game, output] of dispute.games) {
      if (this.#settled.has(game)) continue;
      this.#settled.add(game);
      try {
        const outcome = await challenge(game, this.#claim(dispute.proven, root), signatures);
        const fields = { block: block.toString(), game, claimed: output.outputRoot, outputRoot: root, outcome };
        if (outcome === "challenged")
          logger?.warn(fields, "wrong output challenged on L1: the game resolved against it");
        else logger?.info(fields, "wrong output not challenged: the game is no longer open to a challenge");
      } catch (error) {
        if ((error as { kind?: unknown }).kind === "permanent") {
          logger?.error({ block: block.toString(), game, err: error }, "challenge refused by L1; not retried");
          continue;
        }
        this.#settled.delete(game);
        logger?.warn({ block: block.toString(), game, err: error }, "challenge not submitted; will retry");
      }
    }
  }

  async #submitIfQuorum(block: bigint, root: Hash): Promise<void> {
    const { submit, pool, logger } = this.#options;
    const entry = this.#confirmed.get(claimKey(block, root));
    const signatures = pool.quorumFor(block, root);
    if (entry === undefined || signatures === undefined || submit === undefined) return;
    if (this.#dropped(entry.proven)) return;
    const { game } = entry.output;
    if (this.#submitted.has(game)) return;
    this.#submitted.add(game);
    try {
      await submit(game, this.#claim(entry.proven, root), signatures);
      logger?.info({ block: block.toString(), game, provers: signatures.length }, "output attested on L1");
    } catch (error) {
      // Another prover of the quorum got there first: the game is attested either way.
      if ((error as { revertName?: unknown }).revertName === "AlreadyAttested") return;
      this.#submitted.delete(game);
      logger?.warn({ block: block.toString(), game, err: error }, "attestation not submitted; will retry");
    }
  }
}
