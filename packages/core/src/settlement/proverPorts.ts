/**
 * The two narrow ports a prover's attester takes (`prover/attester.ts`), over the settlement port's parts:
 *
 *   proposedOutputsFrom(games)  the factory's output games, read once each in factory order, answered in L2 block
 *                               order from a block on (what the attester has not looked at yet)
 *   submitQuorumTo(sink)        a quorum's signatures, gathered over p2p, handed to the sink one by one until the
 *                               game is attested (the L1 sink collects them and calls `MachOutputGame.attest` once)
 *   challengeWithQuorumTo(c)     a quorum's signatures of another root for a game's block, handed to the challenger
 *                               in one call (`MachOutputGame.challenge`)
 */
import type { Address, Hex } from "../chain/types.ts";
import type {
  AttestationSink,
  ChallengeOutcome,
  OutputAttestation,
  OutputChallenger,
  OutputGameReader,
  ProposedOutputRef,
} from "./ports.ts";

export interface ProposedOutputs {
  /** Proposals for L2 blocks ≥ `fromBlock`, in L2 block order (several per block when roots compete). */
  proposedOutputs(fromBlock: bigint): Promise<readonly ProposedOutputRef[]>;
}

export function proposedOutputsFrom(games: OutputGameReader): ProposedOutputs {
  let nextIndex = 0n;
  /** Games read and not yet behind the attester's cursor. */
  let pending: ProposedOutputRef[] = [];
  return {
    async proposedOutputs(fromBlock) {
      const count = await games.outputGameCount();
      for (; nextIndex < count; nextIndex++) {
        const game = await games.outputGameAt(nextIndex);
        if (game !== undefined) pending.push(game);
      }
      pending = pending
        .filter((game) => game.l2BlockNumber >= fromBlock)
        .sort((a, b) => (a.l2BlockNumber < b.l2BlockNumber ? -1 : a.l2BlockNumber > b.l2BlockNumber ? 1 : 0));
      return [...pending];
    },
  };
}

export type SubmitQuorum = (
  game: Address,
  attestation: OutputAttestation,
  signatures: readonly { readonly prover: Address; readonly signature: Hex }[],
) => Promise<void>;

export function submitQuorumTo(sink: AttestationSink): SubmitQuorum {
  return async (game, attestation, signatures) => {
    for (const { signature } of signatures) {
      const outcome = await sink.submitAttestation(game, attestation, signature);
      if (outcome !== "collecting") return;
    }
  };
}

export type ChallengeWithQuorum = (
  game: Address,
  attestation: OutputAttestation,
  signatures: readonly { readonly prover: Address; readonly signature: Hex }[],
) => Promise<ChallengeOutcome>;

export function challengeWithQuorumTo(challenger: OutputChallenger): ChallengeWithQuorum {
  return (game, attestation, signatures) =>
    challenger.challengeOutput(
      game,
      attestation,
      signatures.map(({ signature }) => signature),
    );
}
