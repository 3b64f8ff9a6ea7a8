/**
 * The prover on p2p: follows mini-blocks (for transactions) and blocks from the prover's position, proves each block
 * as it arrives, moves back to its own position after a refusal (the follower fetches the block again by range), and
 * exchanges attestations on the attestations topic: its own published, its peers' verified (a registered prover's
 * EIP-712 signature over the claimed output) and handed to the node. Every verified block is also shown to a
 * `RewindWatch`: when the sequencer replaced blocks the prover proved, the prover goes back to the fork point and the
 * follow position with it, so the new chain is proven from the block after the fork.
 */
import type { Address } from "../../chain/types.ts";
import type { Attestation, P2pNode } from "../../p2p/index.ts";
import type { AttestationDomain } from "../../prover/attestation.ts";
import { proverForkUnreachableError } from "../../prover/errors.ts";
import type { Prover } from "../../prover/prover.ts";
import type { ChainStoreReader } from "../../state/store/chainStore.ts";
import type { Logger, MetricsFactory } from "../../telemetry.ts";
import { InvalidConfigError, type NodeConfig } from "../config.ts";
import { registeredProverCheck } from "./attestationCheck.ts";
import { createNodeNetwork } from "./node.ts";
import { watchSequencerRewinds } from "./rewindWatch.ts";

export interface ProverNetwork {
  readonly node: P2pNode;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startProverNetwork(parameters: {
  readonly config: NodeConfig;
  readonly logger: Logger;
  readonly metrics: MetricsFactory;
  readonly store: ChainStoreReader;
  readonly prover: Prover;
  readonly domain: AttestationDomain;
  readonly provers: readonly Address[];
  /** A verified attestation from a registered prover (this one's included). */
  readonly onAttestation: (attestation: Attestation) => void;
  readonly onFatal: (error: Error) => void;
}): Promise<ProverNetwork> {
  const { config, prover, domain, onFatal } = parameters;
  const sequencerAddress = config.p2p.sequencerAddress;
  if (sequencerAddress === undefined) {
    throw new InvalidConfigError("invalid node config:\n  p2p.sequencerAddress: a prover checks the sequencer's seal");
  }
  const log = parameters.logger.child({ module: "prover" });
  const node = await createNodeNetwork({
    ...parameters,
    sequencerAddress,
    follow: prover.position,
    verifyAttestation: registeredProverCheck(domain, parameters.provers),
  });
  watchSequencerRewinds({ node, follower: prover, onFatal, unreachable: proverForkUnreachableError, logger: log });
  node.onMiniBlock((signed) => prover.addMiniBlock(signed.miniBlock));
  node.onBlock(async (signed) => {
    try {
      const outcome = await prover.addBlock(signed);
      if ("reason" in outcome) {
        log.warn({ block: outcome.blockNumber.toString() }, "prover refetching from its own position");
        node.resetFollow(prover.position);
      }
    } catch (error) {
      onFatal(error instanceof Error ? error : new Error(String(error)));
    }
  });
  node.onAttestation((attestation) => parameters.onAttestation(attestation));
  return { node, start: () => node.start(), stop: () => node.stop() };
}
