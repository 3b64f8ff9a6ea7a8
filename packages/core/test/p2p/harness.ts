/** Harness for the p2p tests that run real libp2p nodes on loopback: start and stop nodes, wait, record metrics. */
import { setTimeout as sleep } from "node:timers/promises";
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { gossipsub } from "@libp2p/gossipsub";
import { identify } from "@libp2p/identify";
import { tcp } from "@libp2p/tcp";
import { createLibp2p } from "libp2p";
import { type P2pConfigInput, p2pConfigSchema } from "../../src/p2p/config.ts";
import type { FollowPosition } from "../../src/p2p/follower.ts";
import type { P2pMetrics } from "../../src/p2p/metrics.ts";
import { createP2pNode, type P2pNode, type P2pNodeParameters } from "../../src/p2p/network.ts";
import { CHAIN_ID, expectSequencer } from "./fixtures.ts";

/** Polls `predicate` until it holds; fails after `timeoutMs` (a hang guard, not a timing assertion). */
export async function waitFor(predicate: () => boolean, timeoutMs = 20_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** Nodes started by a test, all stopped by `stopAll` (in an `after`/`finally`). */
export class Nodes {
  readonly #nodes: { stop(): unknown }[] = [];

  /** A plain libp2p node with gossipsub and nothing of Mach: a peer that sends whatever bytes a test likes. */
  async startRaw() {
    const node = await createLibp2p({
      addresses: { listen: ["/ip4/127.0.0.1/tcp/0"] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: {
        identify: identify(),
        pubsub: gossipsub({ globalSignaturePolicy: "StrictNoSign", allowPublishToZeroTopicPeers: true }),
      },
    });
    this.#nodes.push(node);
    return node;
  }

  async start(
    config: P2pConfigInput,
    options: Partial<Omit<P2pNodeParameters, "config">> & { follow?: FollowPosition } = {},
  ): Promise<P2pNode> {
    const node = await createP2pNode({
      config: p2pConfigSchema.parse({ heartbeatMs: 100, rangeRetryMs: 50, ...config }),
      chainId: CHAIN_ID,
      expectedSigner: expectSequencer,
      ...options,
    });
    this.#nodes.push(node);
    await node.start();
    return node;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.#nodes.splice(0).map((node) => node.stop()));
  }
}

/** Waits until `publisher` sees `count` subscribers of mini-blocks (the mesh is usable for publishing). */
export async function waitForPeers(node: P2pNode, count: number): Promise<void> {
  await waitFor(() => node.connectedPeers().length >= count, 20_000, `${count} peers`);
}

/** A `P2pMetrics` that records every call, for assertions. */
export function recordingMetrics(): P2pMetrics & {
  readonly messages: { kind: string; outcome: string; reason: string }[];
} {
  const messages: { kind: string; outcome: string; reason: string }[] = [];
  const noop = { inc() {}, observe() {}, set() {} };
  return {
    messages,
    messagesTotal: { inc: (labels) => messages.push(labels) },
    messageBytes: noop,
    publishedTotal: noop,
    gossipDelaySeconds: noop,
    rangeRequestsTotal: noop,
    rangeServedTotal: noop,
    rangeItemsTotal: noop,
    deliveredTotal: noop,
    handlerErrorsTotal: noop,
    peers: noop,
    nextMiniBlock: noop,
    nextBlock: noop,
  };
}
