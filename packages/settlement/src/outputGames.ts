/**
 * Provers' side of the output games: the games proposed on the `DisputeGameFactory` (core's `OutputSource`) and the
 * submission of a quorum's attestations to one (core's `AttestationSink`, through `submitAttestation`). Games are
 * read by index (`gameCount`, `gameAtIndex`) and each Mach game's block and root claim read once.
 */
import { disputeGameFactoryAbi, machOutputGameAbi, machOutputGameType } from "@mach/contracts";
import type { AttestationSink, OutputSource, ProposedOutputRef } from "@mach/core/settlement";
import { type Address, getAddress, type PublicClient } from "viem";
import { submitAttestation } from "./attestation.ts";
import { toSettlementError } from "./errors.ts";
import type { L1WalletClient } from "./write.ts";

export function createOutputSource(parameters: {
  readonly publicClient: PublicClient;
  readonly disputeGameFactory: Address;
  readonly gameType?: number;
}): OutputSource {
  const { publicClient, disputeGameFactory } = parameters;
  const gameType = parameters.gameType ?? machOutputGameType;
  const known: ProposedOutputRef[] = [];
  let scanned = 0n;
  return {
    async proposedOutputs(fromBlock) {
      try {
        const count = await publicClient.readContract({
          address: disputeGameFactory,
          abi: disputeGameFactoryAbi,
          functionName: "gameCount",
        });
        for (; scanned < count; scanned++) {
          const [type, , proxy] = await publicClient.readContract({
            address: disputeGameFactory,
            abi: disputeGameFactoryAbi,
            functionName: "gameAtIndex",
            args: [scanned],
          });
          if (Number(type) !== gameType) continue;
          const game = getAddress(proxy);
          const [l2BlockNumber, outputRoot] = await Promise.all([
            publicClient.readContract({ address: game, abi: machOutputGameAbi, functionName: "l2BlockNumber" }),
            publicClient.readContract({ address: game, abi: machOutputGameAbi, functionName: "rootClaim" }),
          ]);
          known.push({ l2BlockNumber, outputRoot, game: game.toLowerCase() as Address });
        }
      } catch (error) {
        throw toSettlementError("reading the proposed output games", error);
      }
      return known
        .filter((output) => output.l2BlockNumber >= fromBlock)
        .sort((a, b) => (a.l2BlockNumber < b.l2BlockNumber ? -1 : a.l2BlockNumber > b.l2BlockNumber ? 1 : 0));
    },
  };
}

export function createAttestationSink(parameters: {
  readonly walletClient: L1WalletClient;
  readonly publicClient: PublicClient;
  readonly confirmations: number;
}): AttestationSink {
  return {
    async submitAttestations(game, _attestation, signatures) {
      await submitAttestation({
        walletClient: parameters.walletClient,
        publicClient: parameters.publicClient,
        game,
        attestations: signatures.map(({ prover, signature }) => ({ signer: getAddress(prover), signature })),
        confirmations: parameters.confirmations,
      });
    },
  };
}
