/**
 * A prover following a sequencer that went back: it proved chain A (to block 5, with an open block), the sequencer
 * replaced A's blocks after block 2 by chain B (sealed later, same key). Through the node's `RewindWatch` it finds the
 * fork point by range requests, goes back to block 2 and proves B from block 3; it never attests a dropped block's
 * output afterwards.
 */
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import type { Address, Hash, Hex } from "../../src/chain/types.ts";
import { RewindWatch } from "../../src/node/network/rewindWatch.ts";
import type { SignedBlock } from "../../src/p2p/index.ts";
import { type AttestationDomain, createAttestationSigner } from "../../src/prover/attestation.ts";
import { OutputAttester } from "../../src/prover/attester.ts";
import { ProverRewindError, proverForkUnreachableError } from "../../src/prover/errors.ts";
import type { Prover, ProverRewind } from "../../src/prover/prover.ts";
import { AttestationPool } from "../../src/prover/quorum.ts";
import { createMemorySettlement } from "../../src/settlement/memory.ts";
import { proposedOutputsFrom, submitQuorumTo } from "../../src/settlement/proverPorts.ts";
import { blockRangesOf, CHAIN_ID, FORK_KEPT_BLOCK, type SequencerFeed, startForkedFeeds } from "../replica/feed.ts";
import { addOpenMiniBlocks, proveBlocks, proverOf } from "./follow.ts";

const PROVER_KEYS: Hex[] = [
  "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
  "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
];
const domain: AttestationDomain = { l1ChainId: 31_337n, verifier: "0x000000000000000000000000000000000000b0b0" };

describe("Prover following a sequencer that replaced blocks", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function forked(options: { keepProvenBlocks?: number } = {}) {
    const { a, b } = await startForkedFeeds({ witnesses: true });
    cleanups.push(
      () => a.close(),
      () => b.close(),
    );
    const prover = await proverOf([a, b], options.keepProvenBlocks);
    return { a, b, prover };
  }

  function watchOf(prover: Prover, sequencer: SequencerFeed) {
    const { fetchBlocks, fetches } = blockRangesOf(sequencer);
    const rewinds: ProverRewind[] = [];
    const fatal: Error[] = [];
    const watch = new RewindWatch({
      follower: prover,
      fetchBlocks,
      maxRangeBlocks: 2,
      onRewound: (rewind) => rewinds.push(rewind),
      onFatal: (error) => fatal.push(error),
      unreachable: proverForkUnreachableError,
    });
    return { watch, rewinds, fatal, fetches };
  }

  it("goes back to the fork point when a proven height shows another block, then proves the new chain", async () => {
    const { a, b, prover } = await forked();
    await proveBlocks(prover, a, 1n, 5n);
    addOpenMiniBlocks(prover, a);
    const keptEnd = a.store.getBlock(FORK_KEPT_BLOCK);
    assert.ok(keptEnd);
    assert.ok(prover.position.nextMiniBlock > keptEnd.miniBlockOffset + BigInt(keptEnd.miniBlockCount));
    const { watch, rewinds, fatal, fetches } = watchOf(prover, b);
    const announced: ProverRewind[] = [];
    prover.on("rewound", (rewind) => announced.push(rewind));

    watch.observe(b.blocks.at(-1) as SignedBlock, "sequencer");
    await watch.settled;

    assert.deepEqual(fatal, []);
    assert.equal(rewinds.length, 1);
    assert.equal(announced[0], rewinds[0]);
    assert.equal(rewinds[0]?.from.number, 5n);
    assert.equal(rewinds[0]?.from.hash, a.sequencer.head.hash);
    assert.equal(rewinds[0]?.to.number, FORK_KEPT_BLOCK);
    assert.equal(rewinds[0]?.droppedBlocks, 3n);
    assert.ok((rewinds[0]?.droppedOpenMiniBlocks ?? 0) > 0);
    // Ranges of two walking back from block 4: blocks 3..4 differ, block 3's parent is ours.
    assert.deepEqual(fetches, [[3n, 2n]]);
    assert.equal(prover.tip.number, FORK_KEPT_BLOCK);
    assert.equal(prover.tip.hash, keptEnd.hash);
    for (const n of [3n, 4n, 5n]) assert.equal(prover.proven(n), undefined, `block ${n} dropped`);
    assert.equal(prover.position.nextBlock, FORK_KEPT_BLOCK + 1n);
    assert.equal(prover.position.nextMiniBlock, keptEnd.miniBlockOffset + BigInt(keptEnd.miniBlockCount));

    await proveBlocks(prover, b, 3n, 4n);
    assert.equal(prover.tip.hash, b.sequencer.head.hash);
    for (let n = 1n; n <= 4n; n++) {
      assert.equal(prover.proven(n)?.blockHash, b.store.getBlock(n)?.hash, `block ${n}`);
      assert.equal(prover.proven(n)?.stateRoot, b.store.getBlock(n)?.header.stateRoot, `block ${n}`);
    }
  });

  it("goes back when the block at its next height does not continue its tip", async () => {
    const { a, b, prover } = await forked();
    await proveBlocks(prover, a, 1n, 3n);
    const { watch, rewinds, fatal } = watchOf(prover, b);
    // B's block 4 follows B's block 3, not A's block 3 the prover proved.
    watch.observe(b.blocks.at(-1) as SignedBlock, undefined);
    await watch.settled;
    assert.deepEqual(fatal, []);
    assert.equal(rewinds[0]?.to.number, FORK_KEPT_BLOCK);
    assert.equal(rewinds[0]?.droppedBlocks, 1n);
    await proveBlocks(prover, b, 3n, 4n);
    assert.equal(prover.tip.hash, b.sequencer.head.hash);
  });

  it("keeps its chain when the differing blocks were sealed before its own (a peer serving the replaced chain)", async () => {
    const { a, b, prover } = await forked();
    await proveBlocks(prover, b, 1n, 4n);
    const { watch, rewinds, fatal } = watchOf(prover, a);
    // A's block 5 is the next height and does not continue B's block 4, but A was sealed before B.
    watch.observe(a.blocks.at(-1) as SignedBlock, undefined);
    await watch.settled;
    assert.deepEqual(fatal, []);
    assert.deepEqual(rewinds, []);
    assert.equal(prover.tip.hash, b.sequencer.head.hash);
    assert.equal(prover.proven(3n)?.blockHash, b.store.getBlock(3n)?.hash);
  });

  it("stops with a clear error when the fork is older than the blocks it keeps", async () => {
    const { a, b, prover } = await forked({ keepProvenBlocks: 2 });
    await proveBlocks(prover, a, 1n, 5n);
    assert.equal(prover.oldestRewindBlock, 4n);
    const tip = prover.tip;
    const { watch, rewinds, fatal } = watchOf(prover, b);
    watch.observe(b.blocks.at(-1) as SignedBlock, undefined);
    await watch.settled;
    assert.deepEqual(rewinds, []);
    assert.equal(fatal.length, 1);
    assert.ok(fatal[0] instanceof ProverRewindError);
    assert.match(fatal[0].message, /cannot go back past/);
    assert.match(fatal[0].message, /history kept reaches back to block 4/);
    assert.equal(prover.tip, tip);
    // Asked directly, it refuses the same way and stays where it is.
    await assert.rejects(
      prover.rewindTo(FORK_KEPT_BLOCK, a.store.getBlock(FORK_KEPT_BLOCK)?.hash as Hash),
      (error: Error) => error instanceof ProverRewindError && /older than the blocks kept/.test(error.message),
    );
    assert.equal(await prover.rewindTo(4n, "0x01" as Hash), undefined, "a block it does not hold is nothing to undo");
    assert.equal(prover.tip, tip);
  });

  it("never attests a dropped block's output afterwards", async () => {
    const { a, b, prover } = await forked();
    await proveBlocks(prover, a, 1n, 5n);
    const settlement = createMemorySettlement({ games: { quorum: 2 } });
    const [mine, peer] = PROVER_KEYS.map((key) => createAttestationSigner(key, domain)) as [
      ReturnType<typeof createAttestationSigner>,
      ReturnType<typeof createAttestationSigner>,
    ];
    const published: { l2BlockNumber: bigint; outputRoot: Hash; prover: Address }[] = [];
    const attester = new OutputAttester({
      chainId: CHAIN_ID,
      prover,
      signer: mine,
      pool: new AttestationPool([mine.address, peer.address], 2),
      proposals: proposedOutputsFrom(settlement.games),
      submit: submitQuorumTo(settlement.attestations),
      publish: async (attestation) => published.push(attestation),
    });
    // Before the rewind: the output at A's block 4 is attested by this prover (one signature, no quorum yet).
    const a4 = prover.proven(4n);
    assert.ok(a4);
    await settlement.proposer.proposeOutput({ l2BlockNumber: 4n, outputRoot: a4.outputRoot });
    await attester.check();
    assert.deepEqual(
      published.map((p) => p.outputRoot),
      [a4.outputRoot],
    );
    const a3 = prover.proven(3n);
    assert.ok(a3);

    const { watch, rewinds } = watchOf(prover, b);
    watch.observe(b.blocks.at(-1) as SignedBlock, undefined);
    await watch.settled;
    assert.equal(rewinds.length, 1);

    // The peer's signature completes A4's quorum, but A4 is dropped: nothing is submitted.
    const signature = await peer.sign({ chainId: CHAIN_ID, l2BlockNumber: 4n, outputRoot: a4.outputRoot });
    await attester.receive({ l2BlockNumber: 4n, outputRoot: a4.outputRoot, prover: peer.address, signature });
    // A dropped block's output proposed now is waited for, then refused once B's block holds that height.
    await settlement.proposer.proposeOutput({ l2BlockNumber: 3n, outputRoot: a3.outputRoot });
    await attester.check();
    await proveBlocks(prover, b, 3n, 4n);
    await attester.check();
    assert.deepEqual(settlement.attestationsSubmitted, []);
    assert.deepEqual(
      published.map((p) => p.outputRoot),
      [a4.outputRoot],
      "nothing of chain A signed after the rewind",
    );
  });
});
