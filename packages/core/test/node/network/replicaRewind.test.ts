import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import type { Block } from "../../../src/chain/types.ts";
import { parseNodeConfig } from "../../../src/node/config.ts";
import { createLogger } from "../../../src/node/logger.ts";
import { createMetricsRegistry } from "../../../src/node/metrics.ts";
import { type ReplicaNetwork, startReplicaNetwork } from "../../../src/node/network/replica.ts";
import type { SignedBlock } from "../../../src/p2p/index.ts";
import type { ReplicaRewind } from "../../../src/replica/types.ts";
import { Nodes, waitFor } from "../../p2p/harness.ts";
import {
  CHAIN_ID,
  FORK_KEPT_BLOCK,
  feed,
  type ReplicaUnderTest,
  type SequencerFeed,
  startForkedFeeds,
  startReplica,
} from "../../replica/feed.ts";
import { followerP2pConfig, startRewoundSequencer } from "./rewoundSequencer.ts";

describe("a replica on p2p when the sequencer replaces blocks", () => {
  const nodes = new Nodes();
  let a: SequencerFeed;
  let b: SequencerFeed;
  let replica: ReplicaUnderTest;
  let network: ReplicaNetwork | undefined;

  before(async () => {
    ({ a, b } = await startForkedFeeds());
    replica = await startReplica(a.clock);
    await feed(replica.replica, a);
  });
  after(async () => {
    await network?.stop();
    await nodes.stopAll();
    await replica.close();
    rmSync(replica.dir, { recursive: true, force: true });
    await a.close();
    await b.close();
  });

  it("sees a replaced block in gossip, goes back to the fork point and follows the new chain", async () => {
    assert.equal(replica.replica.head.header.number, 5n);
    const sequencer = await startRewoundSequencer(nodes, b);
    const config = parseNodeConfig(
      {
        chain: { chainId: Number(CHAIN_ID), genesisTimestamp: Number(b.genesis.header.timestamp) },
        node: { role: "replica" },
        store: { path: replica.dir },
        metrics: { enabled: false },
        replica: { sequencerRpcUrl: "http://127.0.0.1:1" },
        p2p: followerP2pConfig(sequencer, b),
      },
      { da: {}, settlement: {} },
    );
    const fatal: Error[] = [];
    const rewinds: ReplicaRewind[] = [];
    replica.replica.on("rewound", (rewind) => rewinds.push(rewind));
    network = await startReplicaNetwork({
      config,
      logger: createLogger("silent"),
      metrics: createMetricsRegistry().factory,
      store: replica.store,
      replica: replica.replica,
      onFatal: (error) => fatal.push(error),
    });
    await network.start();
    await waitFor(() => sequencer.subscribers("blocks").length > 0, 20_000, "the replica subscribed to blocks");

    // Block 4 of the new chain: below the replica's next block, so in-order delivery ignores it as a duplicate.
    await sequencer.publishBlock(b.blocks.at(-1) as SignedBlock);
    const newHead = b.sequencer.head;
    await waitFor(() => replica.replica.head.hash === newHead.hash, 20_000, "the replica on the new chain");

    assert.deepEqual(fatal, []);
    assert.equal(rewinds.length, 1);
    assert.equal(rewinds[0]?.from.header.number, 5n);
    assert.equal(rewinds[0]?.to.header.number, FORK_KEPT_BLOCK);
    assert.equal(replica.store.headBlockNumber(), newHead.header.number);
    for (let n = 1n; n <= newHead.header.number; n++) {
      assert.equal((replica.store.getBlock(n) as Block).hash, b.store.getBlock(n)?.hash, `block ${n}`);
    }
    assert.equal(replica.store.getBlock(5n), undefined);
    assert.equal(replica.state.world.stateRoot, newHead.header.stateRoot);
    assert.equal(network.node.nextBlock, newHead.header.number + 1n);
  });
});
