/**
 * The node's p2p node: the module's options from the `p2p` section (peer key kept in the data directory), the
 * sequencer's address every message must be sealed by, range requests served from the store, metrics and logger.
 * Returned unstarted, so the role attaches its handlers first.
 */
import type { Address } from "../../chain/types.ts";
import {
  type Attestation,
  type BlockSource,
  createP2pNode,
  type FollowPosition,
  type P2pNode,
} from "../../p2p/index.ts";
import type { ChainStoreReader } from "../../state/store/chainStore.ts";
import type { Logger, MetricsFactory } from "../../telemetry.ts";
import type { NodeConfig } from "../config.ts";
import { p2pMetrics } from "../metrics.ts";
import { parseP2pOptions, persistentPeerKey } from "./config.ts";
import { createStoreBlockSource } from "./storeBlockSource.ts";

export interface CreateNodeNetworkParameters {
  readonly config: NodeConfig;
  readonly logger: Logger;
  readonly metrics: MetricsFactory;
  /** Range requests are served from it. */
  readonly store: ChainStoreReader;
  /** Whose seal every message carries. */
  readonly sequencerAddress: Address;
  /** What to follow (absent: nothing, as the sequencer). */
  readonly follow?: FollowPosition;
  /** Accepts a prover's attestation (absent: the attestations topic is not followed). */
  readonly verifyAttestation?: (attestation: Attestation) => boolean;
  /** Wraps the store's range source (a sequencer's test faults). */
  readonly serving?: (source: BlockSource) => BlockSource;
}

export async function createNodeNetwork(parameters: CreateNodeNetworkParameters): Promise<P2pNode> {
  const { config, logger, metrics, store, sequencerAddress } = parameters;
  const options = await persistentPeerKey(parseP2pOptions(config.p2p), config.store.path);
  const chainId = config.chain.chainId;
  return createP2pNode({
    config: options,
    chainId,
    expectedSigner: () => sequencerAddress,
    ...(parameters.follow === undefined ? {} : { follow: parameters.follow }),
    ...(parameters.verifyAttestation === undefined ? {} : { verifyAttestation: parameters.verifyAttestation }),
    blockSource: (parameters.serving ?? ((source) => source))(createStoreBlockSource(store, chainId)),
    logger: logger.child({ module: "p2p" }),
    metrics: p2pMetrics(metrics),
  });
}
