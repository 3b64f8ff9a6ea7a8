/**
 * What a sequencer node reports through `mach_status` (`rpc/statusSource.ts`): pool counts, DA batches from the
 * batcher's record updates, the batcher's pipeline and back-pressure (also in `mach_syncStatus`), the proposer's
 * outputs on L1, the attester's signed outputs and the provers' attestations seen on p2p, the replicas' lag
 * (`status/`), and the ABIs of the OP predeploys at genesis and of contracts matched to build artifacts. Absent parts
 * answer empty lists.
 */
import { gasPriceOracleArtifact, l1BlockArtifact, l2ToL1MessagePasserArtifact, predeploys } from "@mach/contracts";
import type { Address } from "../chain/types.ts";
import type { BatchTally } from "../rpc/batchTally.ts";
import type {
  DaBatcherStatus,
  KnownContract,
  PoolCounts,
  StatusAttestation,
  StatusOutput,
  StatusReplica,
  StatusSource,
} from "../rpc/statusSource.ts";
import type { CheckedGame } from "../settlement/attester.ts";
import type { OutputProposal } from "../settlement/proposals.ts";

const PREDEPLOY_CONTRACTS: readonly KnownContract[] = [
  [predeploys.l2ToL1MessagePasser, l2ToL1MessagePasserArtifact] as const,
  [predeploys.l1Block, l1BlockArtifact] as const,
  [predeploys.gasPriceOracle, gasPriceOracleArtifact] as const,
].map(([address, artifact]) => ({
  address: address.toLowerCase() as Address,
  name: artifact.contractName,
  abi: artifact.abi,
}));

export interface NodeStatusSourceOptions {
  readonly pool: { counts(): PoolCounts };
  readonly batches: BatchTally;
  /** The batcher's pipeline (`da/`'s `Batcher.status` fits); absent when the batcher is off. */
  readonly batcher?: { status(): DaBatcherStatus };
  /** The proposer's proposals, lowest block first. */
  readonly proposals?: () => readonly OutputProposal[];
  /** The attester's checked games, newest first. */
  readonly checkedGames?: () => readonly CheckedGame[];
  /** Provers' attestations seen on p2p, newest first. */
  readonly seenAttestations?: () => readonly StatusAttestation[];
  /** The configured replicas and their lag. */
  readonly replicas?: () => readonly StatusReplica[];
  /** Contracts created on the chain and matched to a build artifact. */
  readonly deployedContracts?: () => readonly KnownContract[];
}

/** Outputs shown by `mach_status`: the newest proposals first. */
const STATUS_OUTPUTS = 32;

function statusOutputOf(proposal: OutputProposal): StatusOutput {
  const resolved = proposal.status === "defenderWins" || proposal.status === "challengerWins";
  return {
    l2BlockNumber: proposal.l2BlockNumber,
    outputRoot: proposal.outputRoot,
    status: resolved ? "resolved" : proposal.attestedAt !== undefined ? "attested" : "proposed",
    ...(proposal.game ? { game: proposal.game } : {}),
    attestations: proposal.attestedAt !== undefined ? 1 : 0,
    ...(proposal.proposedAtMs !== undefined ? { proposedAt: proposal.proposedAtMs } : {}),
    ...(proposal.resolvedAtMs !== undefined ? { resolvedAt: proposal.resolvedAtMs } : {}),
  };
}

/** The attester's own signed outputs as attestations, newest first. */
function ownAttestationsOf(checked: readonly CheckedGame[]): StatusAttestation[] {
  return checked.flatMap((game): StatusAttestation[] =>
    game.attestation && game.signer && game.verdict !== "refused"
      ? [
          {
            prover: game.signer,
            blockNumber: game.l2BlockNumber,
            blockHash: game.attestation.blockHash,
            stateRoot: game.attestation.stateRoot,
            outputRoot: game.attestation.outputRoot,
            receivedAt: game.checkedAtMs,
          },
        ]
      : [],
  );
}

export function createNodeStatusSource(options: NodeStatusSourceOptions): StatusSource {
  const { pool, batches, batcher, proposals, checkedGames, seenAttestations, replicas, deployedContracts } = options;
  return {
    pool: () => pool.counts(),
    daBatches: () => batches.snapshot(),
    ...(batcher ? { batcher: () => batcher.status() } : {}),
    contracts: deployedContracts ? () => [...PREDEPLOY_CONTRACTS, ...deployedContracts()] : () => PREDEPLOY_CONTRACTS,
    ...(proposals
      ? {
          outputs: () =>
            proposals()
              .filter((proposal) => proposal.status !== "pending")
              .slice(-STATUS_OUTPUTS)
              .reverse()
              .map(statusOutputOf),
        }
      : {}),
    ...(checkedGames || seenAttestations
      ? {
          attestations: () =>
            [...ownAttestationsOf(checkedGames?.() ?? []), ...(seenAttestations?.() ?? [])].sort(
              (a, b) => b.receivedAt - a.receivedAt,
            ),
        }
      : {}),
    ...(replicas ? { replicas } : {}),
  };
}
