/**
 * The sequencer after it went back, on loopback p2p for follower tests: its store holds the new chain (chain B of
 * `startForkedFeeds`), which it serves by range and gossips; and the `p2p` config section of a node following it.
 */

import { createStoreBlockSource } from "../../../src/node/network/storeBlockSource.ts";
import type { P2pNode } from "../../../src/p2p/index.ts";
import type { Nodes } from "../../p2p/harness.ts";
import { CHAIN_ID, type SequencerFeed } from "../../replica/feed.ts";

const LOOPBACK = ["/ip4/127.0.0.1/tcp/0"];
/** The feeds seal on a test clock in 2027: accept their messages as fresh on the wall clock. */
const TEST_CLOCK_TOLERANCE_MS = 10 * 365 * 24 * 3600 * 1000;
const tolerance = { maxClockSkewMs: TEST_CLOCK_TOLERANCE_MS, maxMessageAgeMs: TEST_CLOCK_TOLERANCE_MS };

export function startRewoundSequencer(nodes: Nodes, chain: SequencerFeed): Promise<P2pNode> {
  return nodes.start(
    { listen: LOOPBACK, ...tolerance },
    {
      chainId: CHAIN_ID,
      expectedSigner: () => chain.signerAddress,
      blockSource: createStoreBlockSource(chain.store, CHAIN_ID),
    },
  );
}

/** The `p2p` section of a follower bootstrapping from `sequencer`, which seals with `chain`'s key. */
export function followerP2pConfig(sequencer: P2pNode, chain: SequencerFeed) {
  return {
    enabled: true,
    sequencerAddress: chain.signerAddress,
    listen: LOOPBACK,
    bootstrap: sequencer.multiaddrs(),
    heartbeatMs: 100,
    rangeRetryMs: 50,
    ...tolerance,
  };
}
