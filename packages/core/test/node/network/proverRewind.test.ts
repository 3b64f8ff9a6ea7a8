import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parseNodeConfig } from "../../../src/node/config.ts";
import { createLogger } from "../../../src/node/logger.ts";
import { createMetricsRegistry } from "../../../src/node/metrics.ts";
import { type ProverNetwork, startProverNetwork } from "../../../src/node/network/prover.ts";
import type { SignedBlock } from "../../../src/p2p/index.ts";
import type { Prover, ProverRewind } from "../../../src/prover/prover.ts";
import { LmdbChainStore } from "../../../src/state/store/lmdbStore.ts";
import { Nodes, waitFor } from "../../p2p/harness.ts";
import { addOpenMiniBlocks, proveBlocks, proverOf } from "../../prover/follow.ts";
import { CHAIN_ID, FORK_KEPT_BLOCK, type SequencerFeed, startForkedFeeds } from "../../replica/feed.ts";
import { followerP2pConfig, startRewoundSequencer } from "./rewoundSequencer.ts";

const PROVER_KEY = "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a";

describe("a prover on p2p when the sequencer replaces blocks", () => {
  const nodes = new Nodes();
  let a: SequencerFeed;
  let b: SequencerFeed;
  let prover: Prover;
  let dir: string;
  let store: LmdbChainStore;
  let network: ProverNetwork | undefined;

  before(async () => {
    ({ a, b } = await startForkedFeeds({ witnesses: true }));
    prover = await proverOf([a, b]);
    await proveBlocks(prover, a, 1n, 5n);
    addOpenMiniBlocks(prover, a);
    // The prover's node keeps its peer key there, and serves ranges from a store holding genesis only.
    dir = mkdtempSync(join(tmpdir(), "mach-prover-rewind-"));
    store = new LmdbChainStore({ path: join(dir, "chain") });
    await store.putGenesis(a.genesis);
  });
  after(async () => {
    await network?.stop();
    await nodes.stopAll();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    await a.close();
    await b.close();
  });

  it("sees a replaced block in gossip, goes back to the fork point and proves the new chain", async () => {
    assert.equal(prover.tip.number, 5n);
    const sequencer = await startRewoundSequencer(nodes, b);
    const domain = { l1ChainId: 31_337n, verifier: "0x000000000000000000000000000000000000b0b0" } as const;
    const config = parseNodeConfig(
      {
        chain: { chainId: Number(CHAIN_ID), genesisTimestamp: Number(b.genesis.header.timestamp) },
        node: { role: "prover" },
        store: { path: dir },
        metrics: { enabled: false },
        prover: {
          signerPrivateKey: PROVER_KEY,
          witnessRpcUrl: "http://127.0.0.1:1",
          attestationDomain: { l1ChainId: "31337", verifier: domain.verifier },
        },
        p2p: followerP2pConfig(sequencer, b),
      },
      { da: {}, settlement: {} },
    );
    const fatal: Error[] = [];
    const rewinds: ProverRewind[] = [];
    prover.on("rewound", (rewind) => rewinds.push(rewind));
    network = await startProverNetwork({
      config,
      logger: createLogger("silent"),
      metrics: createMetricsRegistry().factory,
      store,
      prover,
      domain,
      provers: [],
      onAttestation: () => {},
      onFatal: (error) => fatal.push(error),
    });
    await network.start();
    await waitFor(() => sequencer.subscribers("blocks").length > 0, 20_000, "the prover subscribed to blocks");

    // Block 4 of the new chain: below the prover's next block, so in-order delivery ignores it as a duplicate.
    await sequencer.publishBlock(b.blocks.at(-1) as SignedBlock);
    const newHead = b.sequencer.head;
    await waitFor(() => prover.tip.hash === newHead.hash, 20_000, "the prover on the new chain");

    assert.deepEqual(fatal, []);
    assert.equal(rewinds.length, 1);
    assert.equal(rewinds[0]?.from.number, 5n);
    assert.equal(rewinds[0]?.to.number, FORK_KEPT_BLOCK);
    for (let n = 1n; n <= newHead.header.number; n++) {
      assert.equal(prover.proven(n)?.blockHash, b.store.getBlock(n)?.hash, `block ${n}`);
    }
    assert.equal(prover.proven(5n), undefined);
    assert.equal(network.node.nextBlock, newHead.header.number + 1n);
  });
});
