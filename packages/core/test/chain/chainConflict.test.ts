import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type BlockIdentity, forkPointIn, type LocalChain, replacedHeight } from "../../src/chain/chainConflict.ts";
import { findForkPoint } from "../../src/chain/forkSearch.ts";
import type { Hash } from "../../src/chain/types.ts";

const hash = (chain: string, number: bigint) => `0x${chain}${number.toString(16).padStart(63, "0")}` as Hash;

/** Chain `chain` up to `head`, its blocks sharing chain `base`'s up to `forkAfter`, sealed at `sealedAtMs` + number. */
function chainOf(chain: string, head: bigint, forkAfter: bigint, base = "a", sealedAtMs = 1_000n) {
  const id = (number: bigint) => hash(number <= forkAfter ? base : chain, number);
  const blocks: BlockIdentity[] = [];
  for (let number = 1n; number <= head; number++) {
    blocks.push({
      header: { number, parentHash: id(number - 1n) },
      hash: id(number),
      sealedAtMs: number <= forkAfter ? number : sealedAtMs + number,
    });
  }
  const local: LocalChain = {
    headNumber: head,
    hashAt: (number) => (number <= head ? id(number) : undefined),
    sealedAtMsAt: (number) => blocks[Number(number) - 1]?.sealedAtMs,
  };
  return { blocks, local };
}

describe("chain conflict", () => {
  const ours = chainOf("a", 10n, 10n);
  const theirs = chainOf("b", 12n, 6n);
  const block = (number: bigint) => theirs.blocks[Number(number) - 1] as BlockIdentity;

  it("sees a replaced height in a block at or below the head that differs, or a next block off the head", () => {
    assert.equal(replacedHeight(block(8n), ours.local), 8n);
    assert.equal(replacedHeight(block(11n), ours.local), 10n);
    assert.equal(replacedHeight(block(5n), ours.local), undefined);
    assert.equal(replacedHeight(block(12n), ours.local), undefined);
    const continuing = chainOf("a", 11n, 11n);
    assert.equal(replacedHeight(continuing.blocks[10] as BlockIdentity, ours.local), undefined);
  });

  it("finds the kept block from the first differing block's parent, in any range reaching it", () => {
    assert.deepEqual(forkPointIn(theirs.blocks.slice(6, 9), ours.local), {
      kind: "kept",
      keptBlock: 6n,
      keptHash: hash("a", 6n),
    });
    assert.deepEqual(forkPointIn(theirs.blocks.slice(2, 9), ours.local), {
      kind: "kept",
      keptBlock: 6n,
      keptHash: hash("a", 6n),
    });
    assert.deepEqual(forkPointIn(theirs.blocks.slice(7, 9), ours.local), { kind: "earlier", before: 8n });
    assert.equal(forkPointIn(theirs.blocks.slice(0, 6), ours.local).kind, "none");
  });

  it("takes no block sealed before ours as a replacement (a peer serving the replaced chain)", () => {
    const older = chainOf("b", 12n, 6n, "a", 0n);
    const newer = chainOf("c", 10n, 6n, "a", 5_000n);
    const step = forkPointIn(older.blocks.slice(6, 9), newer.local);
    assert.equal(step.kind, "none");
  });

  it("walks back range by range to the fork point", async () => {
    const fetched: [bigint, number][] = [];
    const search = await findForkPoint({
      replacedAt: 10n,
      local: ours.local,
      oldestKeptBlock: 0n,
      maxRangeBlocks: 2,
      fetchBlocks: async (from, count) => {
        fetched.push([from, count]);
        return theirs.blocks.slice(Number(from) - 1, Number(from) - 1 + count);
      },
    });
    assert.deepEqual(search, { outcome: "fork", keptBlock: 6n, keptHash: hash("a", 6n) });
    assert.deepEqual(fetched, [
      [9n, 2],
      [7n, 2],
    ]);
  });

  it("does nothing when no peer serves the range", async () => {
    const search = await findForkPoint({
      replacedAt: 10n,
      local: ours.local,
      oldestKeptBlock: 0n,
      maxRangeBlocks: 4,
      fetchBlocks: async () => [],
    });
    assert.equal(search.outcome, "none");
  });

  it("gives up past the state history, and on a chain that shares no block but genesis", async () => {
    const fetchFrom = (blocks: readonly BlockIdentity[]) => async (from: bigint, count: number) =>
      blocks.slice(Number(from) - 1, Number(from) - 1 + count);
    const beyond = await findForkPoint({
      replacedAt: 10n,
      local: ours.local,
      oldestKeptBlock: 8n,
      maxRangeBlocks: 2,
      fetchBlocks: fetchFrom(theirs.blocks),
    });
    assert.deepEqual(beyond, {
      outcome: "unreachable",
      detail: "the chains fork after block 7 or earlier; the history kept reaches back to block 8",
    });
    const other = chainOf("d", 10n, 0n, "e");
    const foreign = await findForkPoint({
      replacedAt: 10n,
      local: ours.local,
      oldestKeptBlock: 0n,
      maxRangeBlocks: 4,
      fetchBlocks: fetchFrom(other.blocks),
    });
    assert.equal(foreign.outcome, "unreachable");
  });
});
