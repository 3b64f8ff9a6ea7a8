/**
 * Output games in RAM behind the settlement port's proposer, game reader, attestation sink, challenger and signer,
 * with the rules of `MachOutputGame` (contracts/README.md): attest until the attestation window ends, resolve
 * `defenderWins` once attested and past the challenge window, lapse to `challengerWins` when never attested and past
 * the attestation window, resolve `challengerWins` at once on a challenge (a quorum of signatures over another root
 * for the block, within the challenge window), one game per (root, block), the creator's bond credited back on
 * resolution (to the challenger when challenged). Time is the
 * memory L1's (`now`), so tests move it by mining L1 blocks.
 */
import { keccak256Hex } from "../chain/hash.ts";
import type { Address, Hash, Hex } from "../chain/types.ts";
import { MachError } from "../errors.ts";
import type {
  AttestationSink,
  OutputAttestation,
  OutputAttestationSigner,
  OutputChallenger,
  OutputGameReader,
  OutputGameState,
  OutputProposer,
  ProposedOutputRef,
} from "./ports.ts";

/** A call the memory L1 refuses, named like the contract's revert; `permanent` as a decoded revert is. */
export class MemoryGameRevertError extends MachError {
  override name = "MemoryGameRevertError";
  readonly kind = "permanent" as const;
  readonly revertName: string;
  constructor(revertName: string, operation: string) {
    super(`${operation} reverted with ${revertName}`);
    this.revertName = revertName;
  }
}

export interface MemoryOutputGamesOptions {
  /** L1 time, seconds. */
  readonly now: () => bigint;
  readonly challengeWindowSeconds?: bigint;
  readonly attestationWindowSeconds?: bigint;
  /** Distinct signatures an attestation needs (default 1). */
  readonly quorum?: number;
  readonly bond?: bigint;
}

export interface MemoryOutputGames {
  readonly proposer: OutputProposer;
  readonly games: OutputGameReader;
  readonly attestations: AttestationSink;
  readonly challenger: OutputChallenger;
  readonly attester: OutputAttestationSigner;
  /** Every game created, in factory order. */
  readonly proposals: readonly ProposedOutputRef[];
  readonly attestationsSubmitted: readonly { game: Address; attestation: OutputAttestation; signature: Hex }[];
  /** Challenges that resolved a game, in order. */
  readonly challenges: readonly { game: Address; attestation: OutputAttestation; signatures: readonly Hex[] }[];
  /** Resolves the game of `l2BlockNumber` in its favour now, whatever the windows say (tests). */
  forceResolve(l2BlockNumber: bigint): void;
  /** Bonds paid out by `claimOutputGameCredit`, in total. */
  readonly claimed: () => bigint;
}

interface MemoryGame {
  readonly ref: ProposedOutputRef;
  readonly createdAt: bigint;
  attestedAt: bigint;
  resolvedAt: bigint;
  status: OutputGameState["status"];
  readonly signatures: Set<Hex>;
  credit: bigint;
}

const hashOf = (tag: string): Hash => keccak256Hex(new TextEncoder().encode(tag));

export function createMemoryOutputGames(options: MemoryOutputGamesOptions): MemoryOutputGames {
  const challengeWindow = options.challengeWindowSeconds ?? 12n;
  const attestationWindow = options.attestationWindowSeconds ?? 36n;
  const quorum = options.quorum ?? 1;
  const bond = options.bond ?? 0n;
  const games: MemoryGame[] = [];
  const proposals: ProposedOutputRef[] = [];
  const attestationsSubmitted: { game: Address; attestation: OutputAttestation; signature: Hex }[] = [];
  const challenges: { game: Address; attestation: OutputAttestation; signatures: readonly Hex[] }[] = [];
  let claimed = 0n;

  const find = (address: Address): MemoryGame => {
    const game = games.find((g) => g.ref.game === address);
    if (!game) throw new MemoryGameRevertError("GameNotFound", `game ${address}`);
    return game;
  };
  const stateOf = (game: MemoryGame): OutputGameState => ({
    game: game.ref.game,
    l2BlockNumber: game.ref.l2BlockNumber,
    rootClaim: game.ref.outputRoot,
    status: game.status,
    attestedAt: game.attestedAt,
    resolvedAt: game.resolvedAt,
    attestationWindowEndsAt: game.createdAt + attestationWindow,
    resolvableAfter: game.createdAt + (game.attestedAt > 0n ? challengeWindow : attestationWindow),
    l1Timestamp: options.now(),
  });
  const resolveAs = (game: MemoryGame, status: OutputGameState["status"]) => {
    game.status = status;
    game.resolvedAt = options.now();
    game.credit += game.ref.bond;
  };

  return {
    proposals,
    attestationsSubmitted,
    challenges,
    claimed: () => claimed,
    forceResolve(l2BlockNumber) {
      const game = games.find((g) => g.ref.l2BlockNumber === l2BlockNumber && g.status === "inProgress");
      if (!game) throw new Error(`no open game for L2 block ${l2BlockNumber}`);
      game.attestedAt ||= options.now();
      resolveAs(game, "defenderWins");
    },
    proposer: {
      async proposeOutput({ l2BlockNumber, outputRoot }) {
        const existing = games.find((g) => g.ref.l2BlockNumber === l2BlockNumber && g.ref.outputRoot === outputRoot);
        if (existing) return existing.ref;
        const ref: ProposedOutputRef = {
          l2BlockNumber,
          outputRoot,
          game: `0x${hashOf(`memory-game:${l2BlockNumber}:${outputRoot}`).slice(26)}`,
          gameIndex: BigInt(games.length),
          bond,
          l1TransactionHash: hashOf(`memory-create:${games.length}`),
        };
        games.push({
          ref,
          createdAt: options.now(),
          attestedAt: 0n,
          resolvedAt: 0n,
          status: "inProgress",
          signatures: new Set(),
          credit: 0n,
        });
        proposals.push(ref);
        return ref;
      },
      async resolveOutputGame(address) {
        const game = find(address);
        if (game.status !== "inProgress") return stateOf(game);
        const state = stateOf(game);
        if (state.l1Timestamp <= state.resolvableAfter) {
          throw new MemoryGameRevertError(game.attestedAt > 0n ? "ChallengeWindowOpen" : "NotAttested", "resolve");
        }
        resolveAs(game, game.attestedAt > 0n ? "defenderWins" : "challengerWins");
        return stateOf(game);
      },
      async claimOutputGameCredit(address) {
        const game = find(address);
        const amount = game.credit;
        game.credit = 0n;
        claimed += amount;
        return amount;
      },
    },
    games: {
      outputGameCount: async () => BigInt(games.length),
      outputGameAt: async (index) => games[Number(index)]?.ref,
      getOutputGame: async (address) => stateOf(find(address)),
      l1Timestamp: async () => options.now(),
    },
    attestations: {
      async submitAttestation(address, attestation, signature) {
        const game = find(address);
        attestationsSubmitted.push({ game: address, attestation, signature });
        if (game.attestedAt > 0n) return "alreadyAttested";
        if (game.status !== "inProgress") throw new MemoryGameRevertError("GameNotInProgress", "attest");
        if (options.now() > game.createdAt + attestationWindow) {
          throw new MemoryGameRevertError("AttestationWindowClosed", "attest");
        }
        if (attestation.outputRoot !== game.ref.outputRoot || attestation.l2BlockNumber !== game.ref.l2BlockNumber) {
          throw new MemoryGameRevertError("InvalidAttestation", "attest");
        }
        game.signatures.add(signature);
        if (game.signatures.size < quorum) return "collecting";
        game.attestedAt = options.now();
        return "attested";
      },
    },
    challenger: {
      async challengeOutput(address, attestation, signatures) {
        const game = find(address);
        if (game.status !== "inProgress") return "alreadyResolved";
        if (options.now() > game.createdAt + challengeWindow) return "windowClosed";
        if (attestation.outputRoot === game.ref.outputRoot) {
          throw new MemoryGameRevertError("SameOutputRoot", "challenge");
        }
        if (attestation.l2BlockNumber !== game.ref.l2BlockNumber || new Set(signatures).size < quorum) {
          throw new MemoryGameRevertError("InvalidAttestation", "challenge");
        }
        challenges.push({ game: address, attestation, signatures });
        resolveAs(game, "challengerWins");
        // The bond goes to the challenger, not back to the creator.
        game.credit = 0n;
        return "challenged";
      },
    },
    attester: {
      address: "0x000000000000000000000000000000000000a77e",
      async signAttestation(address, attestation) {
        return hashOf(`memory-attestation:${address}:${attestation.l2BlockNumber}:${attestation.outputRoot}`);
      },
    },
  };
}
