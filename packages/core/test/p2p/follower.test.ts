import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hashHeader } from "../../src/chain/header.ts";
import type { SignedBlock } from "../../src/p2p/blockMessage.ts";
import { sealBlock } from "../../src/p2p/blockMessage.ts";
import { defaultP2pConfig } from "../../src/p2p/config.ts";
import { BLOCK_RULES, type FetchRange, Follower, type FollowPosition } from "../../src/p2p/follower.ts";
import type { SignedMiniBlock } from "../../src/p2p/miniBlockMessage.ts";
import { CHAIN_ID, chain, header, MemoryBlockSource, sequencer } from "./fixtures.ts";
import { waitFor } from "./harness.ts";

interface Harness {
  readonly follower: Follower;
  readonly delivered: string[];
  /** What the follower logged at info and above: message and fields. */
  readonly logged: { message: string; fields: Record<string, unknown> }[];
  readonly fetches: { kind: string; from: bigint; count: number; hint: string | undefined }[];
}

function harness(position: FollowPosition, source: MemoryBlockSource, options: { failOn?: bigint } = {}): Harness {
  const delivered: string[] = [];
  const logged: Harness["logged"] = [];
  const log = (fields: object, message: string) => logged.push({ message, fields: fields as Record<string, unknown> });
  const fetches: Harness["fetches"] = [];
  const fetchRange: FetchRange = async (kind, from, count, hint) => {
    fetches.push({ kind, from, count, hint });
    const items = kind === "miniBlocks" ? source.miniBlocksByRange(from, count) : source.blocksByRange(from, count);
    return items as never;
  };
  const follower = new Follower({
    position,
    limits: { ...defaultP2pConfig, rangeRetryMs: 10 },
    fetchRange,
    deliverMiniBlock: (signed: SignedMiniBlock) => {
      if (signed.miniBlock.number === options.failOn) throw new Error("replica could not apply");
      delivered.push(`m${signed.miniBlock.number}`);
    },
    deliverBlock: (signed: SignedBlock) => {
      delivered.push(`b${signed.header.number}`);
    },
    now: Date.now,
    logger: { debug: () => {}, info: log, warn: log, error: log },
  });
  return { follower, delivered, logged, fetches };
}

/**
 * A mini-block follower (ranges of 3, two in flight) whose range requests are held until the test answers them:
 * `answers[i](count)` answers request i with the first `count` items of its range (all by default).
 */
function heldRanges(source: MemoryBlockSource) {
  const delivered: string[] = [];
  const asked: { from: bigint; count: number }[] = [];
  const answers: ((count?: number) => void)[] = [];
  const fetchRange: FetchRange = (kind, from, count) => {
    assert.equal(kind, "miniBlocks", "only mini-blocks are followed");
    asked.push({ from, count });
    return new Promise((resolve) =>
      answers.push((answered = count) => resolve(source.miniBlocksByRange(from, answered) as never)),
    );
  };
  const follower = new Follower({
    position: { nextMiniBlock: 0n },
    limits: { ...defaultP2pConfig, maxRangeMiniBlocks: 3, rangeRequestsInFlight: 2, gapGraceMs: 0 },
    fetchRange,
    deliverMiniBlock: (signed: SignedMiniBlock) => {
      delivered.push(`m${signed.miniBlock.number}`);
    },
    deliverBlock: () => {},
    now: Date.now,
  });
  return { follower, delivered, asked, answers };
}

const linkOf = (block: SignedBlock) => BLOCK_RULES.link(block);

describe("follower", () => {
  it("delivers in order and fetches a gap by range, from the peer that revealed it first", async () => {
    const fixture = chain(2, 3, 1);
    const { follower, delivered, fetches } = harness({ nextMiniBlock: 0n }, new MemoryBlockSource(fixture));
    const verdict = follower.receiveMiniBlock(fixture.miniBlocks[4] as SignedMiniBlock, "peerA");
    assert.deepEqual(verdict, { outcome: "accept" });
    await waitFor(() => delivered.length === 5);
    assert.deepEqual(delivered, ["m0", "m1", "m2", "m3", "m4"]);
    assert.deepEqual(fetches[0], { kind: "miniBlocks", from: 0n, count: 4, hint: "peerA" });
    await follower.stop();
  });

  it("keeps consecutive ranges in flight and delivers in order when a later range answers first", async () => {
    const fixture = chain(1, 9, 0);
    const { follower, delivered, asked, answers } = heldRanges(new MemoryBlockSource(fixture));
    follower.receiveMiniBlock(fixture.miniBlocks[8] as SignedMiniBlock, "peerA");
    await waitFor(() => asked.length === 2);
    assert.deepEqual(asked, [
      { from: 0n, count: 3 },
      { from: 3n, count: 3 },
    ]);
    answers[1]?.();
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(delivered, [], "nothing is handed over past a gap");
    answers[0]?.();
    await waitFor(() => asked.length === 3);
    assert.deepEqual(asked[2], { from: 6n, count: 2 });
    answers[2]?.();
    await waitFor(() => delivered.length === 9);
    assert.deepEqual(delivered, ["m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8"]);
    await follower.stop();
  });

  it("asks for the next range as soon as one is answered, not when the whole window is", async () => {
    const fixture = chain(1, 12, 0);
    const { follower, delivered, asked, answers } = heldRanges(new MemoryBlockSource(fixture));
    follower.receiveMiniBlock(fixture.miniBlocks[11] as SignedMiniBlock, "peerA");
    await waitFor(() => asked.length === 2);
    assert.deepEqual(asked, [
      { from: 0n, count: 3 },
      { from: 3n, count: 3 },
    ]);
    // The first range answered: the next one is asked for while the second is still in flight.
    answers[0]?.();
    await waitFor(() => asked.length === 3);
    assert.deepEqual(asked[2], { from: 6n, count: 3 });
    // A range answered short: its tail is asked for again, up to the range in flight after it.
    answers[1]?.(1);
    await waitFor(() => asked.length === 4);
    assert.deepEqual(asked[3], { from: 4n, count: 2 });
    answers[3]?.();
    await waitFor(() => asked.length === 5);
    assert.deepEqual(asked[4], { from: 9n, count: 2 });
    answers[2]?.();
    answers[4]?.();
    await waitFor(() => delivered.length === 12);
    assert.deepEqual(
      delivered,
      Array.from({ length: 12 }, (_, i) => `m${i}`),
    );
    await follower.stop();
  });

  it("pauses between rounds of requests whose answers move nothing, instead of asking again in a loop", async () => {
    const fixture = chain(1, 6, 0);
    let asked = 0;
    const follower = new Follower({
      position: { nextMiniBlock: 0n },
      limits: {
        ...defaultP2pConfig,
        maxRangeMiniBlocks: 2,
        rangeRequestsInFlight: 2,
        gapGraceMs: 0,
        rangeRetryMs: 200,
      },
      // Every answer is a mini-block that does not continue the chain (one of a later range), so nothing moves.
      fetchRange: async () => {
        asked++;
        return [fixture.miniBlocks[4]] as never;
      },
      deliverMiniBlock: () => {},
      deliverBlock: () => {},
      now: Date.now,
    });
    follower.receiveMiniBlock(fixture.miniBlocks[5] as SignedMiniBlock, "peerA");
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Two rounds of two requests in 300 ms, a 200 ms pause after each (a loop without pauses asks thousands of times).
    assert.ok(asked >= 2 && asked <= 6, `asked ${asked} times`);
    await follower.stop();
  });

  it("logs each catch-up run that fetched something once, with where it started and what it fetched", async () => {
    const fixture = chain(2, 3, 1);
    const { follower, delivered, logged } = harness({ nextMiniBlock: 0n }, new MemoryBlockSource(fixture));
    const before = Date.now();
    follower.receiveMiniBlock(fixture.miniBlocks[4] as SignedMiniBlock, "peerA");
    await waitFor(() => delivered.length === 5);
    await waitFor(() => logged.some((entry) => entry.message === "p2p caught up by range"));
    const runs = logged.filter((entry) => entry.message === "p2p caught up by range");
    assert.equal(runs.length, 1);
    const { startedAtMs, ...fields } = runs[0]?.fields ?? {};
    assert.ok(typeof startedAtMs === "number" && startedAtMs >= before);
    assert.equal(fields.kind, "miniBlocks");
    assert.equal(fields.from, "0");
    assert.equal(fields.to, "5");
    assert.equal(fields.items, 4);
    assert.equal(fields.ranges, 1);
    await follower.stop();
  });

  it("hands a block over only after all of its mini-blocks, and learns missing mini-blocks from a block", async () => {
    const fixture = chain(2, 3, 0);
    const { follower, delivered } = harness({ nextMiniBlock: 0n, nextBlock: 1n }, new MemoryBlockSource(fixture));
    follower.receiveBlock(fixture.blocks[1] as SignedBlock, "peerB");
    await waitFor(() => delivered.length === 8);
    assert.deepEqual(delivered, ["m0", "m1", "m2", "b1", "m3", "m4", "m5", "b2"]);
    await follower.stop();
  });

  it("holds a later block's mini-blocks until the earlier block is handed over", async () => {
    const fixture = chain(2, 2, 0);
    const { follower, delivered } = harness({ nextMiniBlock: 0n, nextBlock: 1n }, new MemoryBlockSource(fixture));
    // No block message yet: block 2's first mini-block shows that block 1 is sealed, which is fetched by range.
    for (const item of fixture.miniBlocks) follower.receiveMiniBlock(item, "p");
    await waitFor(() => delivered.length === 5);
    follower.receiveBlock(fixture.blocks[1] as SignedBlock, "p");
    await waitFor(() => delivered.length === 6);
    assert.deepEqual(delivered, ["m0", "m1", "b1", "m2", "m3", "b2"]);
    await follower.stop();
  });

  it("follows blocks alone when mini-blocks are not followed (a prover)", async () => {
    const fixture = chain(3, 2, 0);
    const { follower, delivered } = harness({ nextBlock: 1n }, new MemoryBlockSource(fixture));
    assert.equal(follower.receiveMiniBlock(fixture.miniBlocks[0] as SignedMiniBlock, "p").outcome, "ignore");
    follower.receiveBlock(fixture.blocks[2] as SignedBlock, "p");
    await waitFor(() => delivered.length === 3);
    assert.deepEqual(delivered, ["b1", "b2", "b3"]);
    await follower.stop();
  });

  it("asks again after a pause while no peer has the range, then catches up", async () => {
    const fixture = chain(1, 4, 0);
    const source = new MemoryBlockSource();
    const { follower, delivered, fetches } = harness({ nextMiniBlock: 0n }, source);
    follower.receiveMiniBlock(fixture.miniBlocks[3] as SignedMiniBlock, "p");
    await waitFor(() => fetches.length >= 3);
    assert.deepEqual(delivered, []);
    for (const item of fixture.miniBlocks) source.addMiniBlock(item);
    await waitFor(() => delivered.length === 4);
    await follower.stop();
  });

  it("goes on delivering after a handler throws", async () => {
    const fixture = chain(1, 3, 0);
    const { follower, delivered } = harness({ nextMiniBlock: 0n }, new MemoryBlockSource(fixture), { failOn: 1n });
    for (const item of fixture.miniBlocks) follower.receiveMiniBlock(item, "p");
    await follower.stop();
    assert.deepEqual(delivered, ["m0", "m2"]);
  });

  it("drops a sealed mini-block that contradicts the position it is given", async () => {
    const fixture = chain(2, 2, 0);
    const position = { nextMiniBlock: 2n, previousMiniBlock: { blockNumber: 2n, index: 0 } };
    const { follower, delivered } = harness(position, new MemoryBlockSource());
    follower.receiveMiniBlock(fixture.miniBlocks[2] as SignedMiniBlock, "p");
    await follower.stop();
    assert.deepEqual(delivered, []);
    assert.equal(follower.nextMiniBlock, 2n);
  });

  it("resumes from the position it is reset to", async () => {
    const fixture = chain(2, 2, 0);
    const { follower, delivered } = harness({ nextMiniBlock: 0n }, new MemoryBlockSource(fixture));
    for (const item of fixture.miniBlocks) follower.receiveMiniBlock(item, "p");
    await waitFor(() => delivered.length === 4);
    follower.reset({ nextMiniBlock: 1n, previousMiniBlock: { blockNumber: 1n, index: 0 } });
    follower.receiveMiniBlock(fixture.miniBlocks[3] as SignedMiniBlock, "p");
    await waitFor(() => delivered.length === 7);
    assert.deepEqual(delivered.slice(4), ["m1", "m2", "m3"]);
    await follower.stop();
  });

  it("shows every verified block to the observer, also those in-order delivery ignores or drops", async () => {
    const fixture = chain(3, 1, 0);
    const observed: string[] = [];
    const follower = new Follower({
      position: { nextBlock: 3n, previousBlock: linkOf(fixture.blocks[1] as SignedBlock) },
      limits: { ...defaultP2pConfig, gapGraceMs: 0 },
      fetchRange: async () => [],
      deliverMiniBlock: () => {},
      deliverBlock: () => {},
      observeBlock: (signed, fromPeer) =>
        observed.push(`b${signed.header.number}:${signed.hash.slice(0, 6)}@${fromPeer}`),
      now: Date.now,
    });
    const duplicate = fixture.blocks[0] as SignedBlock;
    assert.equal(follower.receiveBlock(duplicate, "p").outcome, "ignore");
    // Block 3 of another chain: accepted by gossip (it is the next number), dropped at its turn (wrong parent).
    const replacing = header(3n, `0x${"11".repeat(32)}`);
    const broken = sealBlock({
      chainId: CHAIN_ID,
      block: { header: replacing, hash: hashHeader(replacing), miniBlockCount: 1, miniBlockOffset: 2n },
      signer: sequencer,
    });
    assert.equal(follower.receiveBlock(broken, "q").outcome, "accept");
    await follower.stop();
    assert.equal(follower.nextBlock, 3n);
    assert.deepEqual(observed, [`b1:${duplicate.hash.slice(0, 6)}@p`, `b3:${broken.hash.slice(0, 6)}@q`]);
  });

  it("fetches at once from a reset position when told a later block exists", async () => {
    const fixture = chain(3, 1, 0);
    const { follower, delivered, fetches } = harness({ nextBlock: 1n }, new MemoryBlockSource(fixture));
    follower.reset({ nextBlock: 1n }, 3n);
    await waitFor(() => delivered.length === 3);
    assert.deepEqual(delivered, ["b1", "b2", "b3"]);
    assert.equal(fetches[0]?.from, 1n);
    await follower.stop();
  });
});
