import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { BLOCK_RULES, MINI_BLOCK_RULES } from "../../src/p2p/follower.ts";
import { InOrderSequence, type SequenceLimits, type SequenceRules } from "../../src/p2p/sequence.ts";
import { chain } from "./fixtures.ts";

interface Item {
  readonly n: bigint;
  /** The number this item claims to follow (continuity), when it breaks the chain. */
  readonly after?: bigint;
}
const RULES: SequenceRules<Item, bigint> = {
  number: (item) => item.n,
  link: (item) => item.n,
  breaks: (previous, item) => (item.after === undefined || item.after === previous ? undefined : `after ${item.after}`),
};
const LIMITS: SequenceLimits = { maxPending: 8, maxMessageAgeMs: 60_000, maxClockSkewMs: 5_000 };
const NOW = 1_000_000_000;

function sequence(next = 0n): InOrderSequence<Item, bigint> {
  return new InOrderSequence(RULES, LIMITS, next);
}

describe("in-order sequence", () => {
  it("delivers any arrival order exactly once, in order", () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 7 }), { maxLength: 40 }), (arrivals) => {
        const s = sequence();
        const delivered: bigint[] = [];
        for (const n of arrivals) delivered.push(...s.offer({ n: BigInt(n) }).ready.map((item) => item.n));
        const expected: bigint[] = [];
        const seen = new Set(arrivals);
        for (let n = 0; seen.has(n); n++) expected.push(BigInt(n));
        assert.deepEqual(delivered, expected);
        assert.equal(s.next, BigInt(expected.length));
      }),
    );
  });

  it("judges gossip: future and replayed are rejected, duplicates, stale and far-ahead ignored", () => {
    const s = sequence(10n);
    s.offer({ n: 12n });
    const at = (ms: number) => BigInt(NOW + ms);
    assert.deepEqual(s.judge(10n, at(0), NOW), { outcome: "accept" });
    assert.deepEqual(s.judge(17n, at(0), NOW), { outcome: "accept" });
    const verdict = (n: bigint, ms: number) => {
      const v = s.judge(n, at(ms), NOW);
      return v.outcome === "accept" ? "accept" : `${v.outcome}:${v.reason}`;
    };
    assert.equal(verdict(11n, 5_001), "reject:future");
    assert.equal(verdict(11n, 5_000), "accept");
    assert.equal(verdict(9n, -60_001), "reject:replayed");
    assert.equal(verdict(9n, -1_000), "ignore:duplicate");
    assert.equal(verdict(12n, 0), "ignore:duplicate");
    assert.equal(verdict(11n, -60_001), "ignore:stale");
    assert.equal(verdict(18n, 0), "ignore:tooFarAhead");
  });

  it("bounds what it holds ahead of a gap, but remembers that the chain goes on", () => {
    const s = sequence();
    for (let n = 1n; n < 40n; n++) s.offer({ n });
    assert.equal(s.pendingCount, 7);
    assert.equal(s.knownHead, 39n);
    assert.deepEqual(s.gap(100), { from: 0n, count: 1 });
    assert.deepEqual(
      s.offer({ n: 0n }).ready.map((item) => item.n),
      [0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n],
    );
    assert.deepEqual(s.gap(100), { from: 8n, count: 32 });
    assert.deepEqual(s.gap(5), { from: 8n, count: 5 });
  });

  it("reports the gap up to the first pending item or the known head", () => {
    const s = sequence(5n);
    assert.equal(s.gap(10), undefined);
    s.noteExists(20n);
    assert.deepEqual(s.gap(100), { from: 5n, count: 16 });
    s.offer({ n: 9n });
    s.offer({ n: 7n });
    assert.deepEqual(s.gap(100), { from: 5n, count: 2 });
  });

  it("drops an item that does not continue the chain and keeps the gap open", () => {
    const s = new InOrderSequence(RULES, LIMITS, 3n, 2n);
    const { ready, broken } = s.offer({ n: 3n, after: 1n });
    assert.deepEqual(ready, []);
    assert.equal(broken.length, 1);
    assert.equal(s.next, 3n);
    assert.deepEqual(s.gap(10), { from: 3n, count: 1 });
    assert.deepEqual(
      s.offer({ n: 3n, after: 2n }).ready.map((item) => item.n),
      [3n],
    );
  });

  it("starts over where it is told, forgetting what was pending", () => {
    const s = sequence();
    s.offer({ n: 3n });
    s.reset(100n);
    assert.equal(s.next, 100n);
    assert.equal(s.pendingCount, 0);
    assert.equal(s.gap(10), undefined);
  });
});

describe("chain continuity rules", () => {
  it("mini-blocks: index + 1 within a block, index 0 in a later block", () => {
    const { miniBlocks } = chain(3, 2, 0);
    const link = (i: number) => MINI_BLOCK_RULES.link(miniBlocks[i] as (typeof miniBlocks)[number]);
    for (let i = 1; i < miniBlocks.length; i++) {
      assert.equal(MINI_BLOCK_RULES.breaks(link(i - 1), miniBlocks[i] as (typeof miniBlocks)[number]), undefined);
    }
    const second = miniBlocks[1] as (typeof miniBlocks)[number];
    assert.match(MINI_BLOCK_RULES.breaks({ blockNumber: 1n, index: 1 }, second) ?? "", /index 1 after 1/);
    assert.match(MINI_BLOCK_RULES.breaks({ blockNumber: 2n, index: 0 }, second) ?? "", /block 1 after block 2/);
    const third = miniBlocks[2] as (typeof miniBlocks)[number];
    assert.equal(MINI_BLOCK_RULES.breaks({ blockNumber: 1n, index: 5 }, third), undefined);
    assert.match(MINI_BLOCK_RULES.breaks({ blockNumber: 2n, index: 0 }, third) ?? "", /index 0 after 0/);
  });

  it("blocks: parent hash and mini-block offset follow the previous block", () => {
    const { blocks } = chain(3, 2, 0);
    const [first, second] = blocks;
    assert.ok(first !== undefined && second !== undefined);
    assert.equal(BLOCK_RULES.breaks(BLOCK_RULES.link(first), second), undefined);
    assert.match(BLOCK_RULES.breaks({ ...BLOCK_RULES.link(first), hash: second.hash }, second) ?? "", /parent/);
    assert.match(
      BLOCK_RULES.breaks({ ...BLOCK_RULES.link(first), miniBlockCount: 3 }, second) ?? "",
      /offset 2, expected 3/,
    );
  });
});
