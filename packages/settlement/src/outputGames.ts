/**
 * Core's output ports over L1 (the `l1` provider's `proposer`, `games`, `attester` and `attestations` parts):
 *
 *   createOutputGameReader   the factory's games in index order (Mach's type only) and each game's state with the L1
 *                            head's timestamp
 *   createL1OutputProposer   `DisputeGameFactory.create` (idempotent), `resolve`, `claimCredit` from the proposer's key
 *   createL1AttestationSigner  the attester's EIP-712 signature under the game's verifier domain
 *   createL1AttestationSink  collects signatures per game and calls `attest` once a registered quorum signed
 *   createL1OutputChallenger  `challenge(conflictingOutputRoot, proof)` with a quorum's signatures of another root
 */
import { disputeGameFactoryAbi, machOutputGameAbi, proverRegistryAbi, quorumOutputVerifierAbi } from "@mach/contracts";
import type {
  AttestationSink,
  OutputAttestation,
  OutputAttestationSigner,
  OutputChallenger,
  OutputGameReader,
  OutputGameState,
  OutputProposer,
} from "@mach/core/settlement";
import { type Address, getAddress, type Hex, type LocalAccount, type PublicClient } from "viem";
import {
  challengeOutputGame,
  claimOutputGameCredit,
  getOutputGame,
  recoverOutputAttestationSigner,
  resolveOutputGame,
  signOutputAttestation,
  submitAttestation,
} from "./attestation.ts";
import { SettlementError, toSettlementError } from "./errors.ts";
import { createOutputProposer } from "./proposer.ts";
import type { L1WalletClient } from "./write.ts";

/** Core's convention: addresses lowercase. */
const lower = (address: Address): Address => address.toLowerCase() as Address;

async function l1Timestamp(publicClient: PublicClient): Promise<bigint> {
  try {
    return (await publicClient.getBlock({ blockTag: "latest" })).timestamp;
  } catch (error) {
    throw toSettlementError("reading the L1 head", error);
  }
}

async function readGameState(publicClient: PublicClient, game: Address): Promise<OutputGameState> {
  const [state, now] = await Promise.all([getOutputGame({ publicClient, game }), l1Timestamp(publicClient)]);
  return {
    game: lower(state.game),
    l2BlockNumber: state.l2BlockNumber,
    rootClaim: state.rootClaim,
    status: state.status,
    attestedAt: state.attestedAt,
    resolvedAt: state.resolvedAt,
    attestationWindowEndsAt: state.attestationWindowEndsAt,
    resolvableAfter: state.attestedAt > 0n ? state.challengeWindowEndsAt : state.attestationWindowEndsAt,
    l1Timestamp: now,
  };
}

export interface OutputGamesConfig {
  readonly publicClient: PublicClient;
  readonly disputeGameFactory: Address;
  /** Mach's output game type (`MachL1Addresses.gameType`). */
  readonly gameType: number;
}

export function createOutputGameReader({
  publicClient,
  disputeGameFactory,
  gameType,
}: OutputGamesConfig): OutputGameReader {
  const factory = { address: disputeGameFactory, abi: disputeGameFactoryAbi } as const;
  return {
    async outputGameCount() {
      try {
        return await publicClient.readContract({ ...factory, functionName: "gameCount" });
      } catch (error) {
        throw toSettlementError("DisputeGameFactory.gameCount", error);
      }
    },
    async outputGameAt(index) {
      try {
        const [type, , proxy] = await publicClient.readContract({
          ...factory,
          functionName: "gameAtIndex",
          args: [index],
        });
        if (type !== gameType) return undefined;
        const game = { address: getAddress(proxy), abi: machOutputGameAbi } as const;
        const [outputRoot, l2BlockNumber, bond] = await Promise.all([
          publicClient.readContract({ ...game, functionName: "rootClaim" }),
          publicClient.readContract({ ...game, functionName: "l2BlockNumber" }),
          publicClient.readContract({ ...game, functionName: "creatorBond" }),
        ]);
        return { l2BlockNumber, outputRoot, game: lower(game.address), gameIndex: index, bond };
      } catch (error) {
        throw toSettlementError(`DisputeGameFactory.gameAtIndex(${index})`, error);
      }
    },
    getOutputGame: (game) => readGameState(publicClient, game),
    l1Timestamp: () => l1Timestamp(publicClient),
  };
}

export function createL1OutputProposer(
  config: OutputGamesConfig & { readonly walletClient: L1WalletClient; readonly confirmations: number },
): OutputProposer {
  const { publicClient, walletClient, confirmations } = config;
  const proposer = createOutputProposer({ ...config, walletClient, confirmations });
  return {
    async proposeOutput(output) {
      const proposed = await proposer.proposeOutput(output);
      return {
        l2BlockNumber: output.l2BlockNumber,
        outputRoot: output.outputRoot,
        game: lower(proposed.game),
        gameIndex: proposed.index,
        bond: proposed.bond,
        ...(proposed.l1TransactionHash ? { l1TransactionHash: proposed.l1TransactionHash } : {}),
      };
    },
    async resolveOutputGame(game) {
      try {
        await resolveOutputGame({ walletClient, publicClient, game, confirmations });
      } catch (error) {
        // Someone else resolved it first: its state says how.
        if (!(error instanceof SettlementError && error.revertName === "GameNotInProgress")) throw error;
      }
      return readGameState(publicClient, game);
    },
    async claimOutputGameCredit(game) {
      try {
        const { amount } = await claimOutputGameCredit({
          walletClient,
          publicClient,
          game,
          recipient: walletClient.account.address,
          confirmations,
        });
        return amount;
      } catch (error) {
        if (error instanceof SettlementError && error.revertName === "NoCredit") return 0n;
        throw error;
      }
    },
  };
}

/** The verifier (the EIP-712 domain's contract) each game names, cached: games of one type share it. */
function createVerifierLookup(publicClient: PublicClient): (game: Address) => Promise<Address> {
  const cache = new Map<Address, Address>();
  return async (game) => {
    const cached = cache.get(game);
    if (cached) return cached;
    try {
      const verifier = getAddress(
        await publicClient.readContract({ address: game, abi: machOutputGameAbi, functionName: "verifier" }),
      );
      cache.set(game, verifier);
      return verifier;
    } catch (error) {
      throw toSettlementError(`MachOutputGame(${game}).verifier`, error);
    }
  };
}

export function createL1AttestationSigner(config: {
  readonly publicClient: PublicClient;
  readonly account: Pick<LocalAccount, "address" | "signTypedData">;
  readonly l1ChainId: number;
}): OutputAttestationSigner {
  const verifierOf = createVerifierLookup(config.publicClient);
  return {
    address: lower(config.account.address),
    async signAttestation(game, attestation) {
      const { signature } = await signOutputAttestation({
        account: config.account,
        l1ChainId: config.l1ChainId,
        verifier: await verifierOf(game),
        l2ChainId: attestation.chainId,
        l2BlockNumber: attestation.l2BlockNumber,
        outputRoot: attestation.outputRoot,
      });
      return signature;
    },
  };
}

/** Who signed `signature` over the attestation under the verifier's EIP-712 domain. */
function signerOf(l1ChainId: number, verifier: Address, attestation: OutputAttestation, signature: Hex) {
  return recoverOutputAttestationSigner({
    l1ChainId,
    verifier,
    l2ChainId: attestation.chainId,
    l2BlockNumber: attestation.l2BlockNumber,
    outputRoot: attestation.outputRoot,
    signature,
  });
}

/**
 * Collects signatures per game (by recovered signer; only registered provers count) and calls the game's `attest`
 * with them once `ProverRegistry.quorum()` distinct provers signed, from `walletClient`.
 */
export function createL1AttestationSink(config: {
  readonly publicClient: PublicClient;
  readonly walletClient: L1WalletClient;
  readonly l1ChainId: number;
  readonly confirmations: number;
}): AttestationSink {
  const { publicClient, walletClient, l1ChainId, confirmations } = config;
  const verifierOf = createVerifierLookup(publicClient);
  const collected = new Map<Address, Map<Address, Hex>>();
  const registryOf = async (verifier: Address) => {
    try {
      return getAddress(
        await publicClient.readContract({ address: verifier, abi: quorumOutputVerifierAbi, functionName: "registry" }),
      );
    } catch (error) {
      throw toSettlementError(`QuorumOutputVerifier(${verifier}).registry`, error);
    }
  };
  return {
    async submitAttestation(game, attestation, signature) {
      const verifier = await verifierOf(game);
      const signer = await signerOf(l1ChainId, verifier, attestation, signature);
      const registry = { address: await registryOf(verifier), abi: proverRegistryAbi } as const;
      let isProver: boolean;
      let quorum: bigint;
      try {
        [isProver, quorum] = await Promise.all([
          publicClient.readContract({ ...registry, functionName: "isProver", args: [signer] }),
          publicClient.readContract({ ...registry, functionName: "quorum" }),
        ]);
      } catch (error) {
        throw toSettlementError("ProverRegistry.isProver/quorum", error);
      }
      if (!isProver) {
        throw new SettlementError("permanent", `attestation signer ${signer} is not a registered prover`, {
          revertName: "NotProver",
        });
      }
      const signatures = collected.get(game) ?? new Map<Address, Hex>();
      collected.set(game, signatures);
      signatures.set(signer, signature);
      if (BigInt(signatures.size) < quorum) return "collecting";
      try {
        await submitAttestation({
          walletClient,
          publicClient,
          game,
          attestations: [...signatures].map(([address, sig]) => ({ signer: address, signature: sig })),
          confirmations,
        });
        collected.delete(game);
        return "attested";
      } catch (error) {
        if (error instanceof SettlementError && error.revertName === "AlreadyAttested") {
          collected.delete(game);
          return "alreadyAttested";
        }
        throw error;
      }
    },
  };
}

/**
 * Challenges a game with a quorum's signatures of another root for its block, from `walletClient` (credited the
 * game's bond). The signers are recovered to order the proof as the verifier wants it. A game no longer in progress
 * answers `alreadyResolved` (another prover's challenge came first), a closed window `windowClosed`; other reverts
 * (`SameOutputRoot`, `InvalidAttestation`, `ClaimantCannotChallenge`, …) are permanent errors.
 */
export function createL1OutputChallenger(config: {
  readonly publicClient: PublicClient;
  readonly walletClient: L1WalletClient;
  readonly l1ChainId: number;
  readonly confirmations: number;
}): OutputChallenger {
  const { publicClient, walletClient, l1ChainId, confirmations } = config;
  const verifierOf = createVerifierLookup(publicClient);
  return {
    async challengeOutput(game, attestation, signatures) {
      const verifier = await verifierOf(game);
      const attestations = await Promise.all(
        signatures.map(async (signature) => ({
          signature,
          signer: await signerOf(l1ChainId, verifier, attestation, signature),
        })),
      );
      try {
        await challengeOutputGame({
          walletClient,
          publicClient,
          game,
          conflictingOutputRoot: attestation.outputRoot,
          attestations,
          confirmations,
        });
        return "challenged";
      } catch (error) {
        if (error instanceof SettlementError && error.revertName === "GameNotInProgress") return "alreadyResolved";
        if (error instanceof SettlementError && error.revertName === "ChallengeWindowClosed") return "windowClosed";
        throw error;
      }
    },
  };
}
