/**
 * Each derivation rule (src/derivation/index.ts) rejects the batch that breaks it, and the deriver goes on: the bad
 * record is followed by the good ones, and the chain derived in the end is the sequencer's.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { keccak256 } from "../../src/chain/hash.ts";
import { l1AttributesDeposit, l1BlockInfoOfBlock } from "../../src/chain/l1BlockInfo.ts";
import type { Block } from "../../src/chain/types.ts";
import { type BatchBlock, encodeBatch, toBatchBlock } from "../../src/da/batch.ts";
import { splitIntoFrames } from "../../src/da/frame.ts";
import { encodeMemoryPointer } from "../../src/da/memory.ts";
import type { RejectionReason } from "../../src/derivation/index.ts";
import {
  aliceTransfer,
  CHAIN_ID,
  deposit,
  handInbox,
  type Rollup,
  startDeriver,
  startRollup,
  submitFrames,
  syncAll,
} from "./harness.ts";

describe("derivation rules", () => {
  let rollup: Rollup;
  /** The sequencer's blocks 1..6 as batches carry them; block 2 starts an epoch with two deposits. */
  let good: BatchBlock[];
  let sealed: Block[];

  before(async () => {
    rollup = await startRollup();
    await rollup.nextBlock([await aliceTransfer(0)]);
    rollup.l1.deposit(deposit(10n ** 18n));
    rollup.l1.deposit(deposit(5n));
    rollup.l1.mine();
    await rollup.nextBlock([await aliceTransfer(1)]);
    await rollup.nextBlock([await aliceTransfer(2), await aliceTransfer(3)]);
    await rollup.nextBlock();
    await rollup.nextBlock([await aliceTransfer(4)]);
    await rollup.nextBlock();
    sealed = rollup.sealed().map(({ block }) => block);
    good = sealed.map(toBatchBlock);
    assert.equal(good[1]?.transactions.length, 4, "block 2: attributes, two deposits, a transfer");
  });
  after(async () => {
    await rollup.close();
  });

  const blocks = (first: number, last: number) => good.slice(first - 1, last);

  /**
   * Records `bad` (a function of the hand inbox), then the good batches from where derivation must go on; the
   * deriver must reject exactly `reasons`, in order, and end on the sequencer's head.
   */
  async function expectRejected(
    reasons: readonly RejectionReason[],
    bad: (inbox: ReturnType<typeof handInbox>) => Promise<void>,
    options: { before?: [number, number][]; after?: [number, number][] } = {},
  ) {
    const inbox = handInbox(rollup);
    for (const [first, last] of options.before ?? []) await inbox.recordBlocks(blocks(first, last));
    await bad(inbox);
    for (const [first, last] of options.after ?? [
      [1, 3],
      [4, 6],
    ])
      await inbox.recordBlocks(blocks(first, last));
    const { deriver, derived, rejections } = await startDeriver(rollup, { batches: inbox.reader });
    await syncAll(deriver);
    assert.deepEqual(
      rejections.map((r) => r.reason),
      reasons,
      rejections.map((r) => r.detail).join("\n"),
    );
    assert.deepEqual(
      derived.map(({ block }) => block.hash),
      sealed.map((block) => block.hash),
      "the deriver goes on and derives the sequencer's chain",
    );
    return rejections;
  }

  it("ignores a record whose blocks are all derived already (duplicate)", async () => {
    const [rejection] = await expectRejected(
      ["duplicate"],
      async (inbox) => {
        await inbox.recordBlocks(blocks(1, 2));
      },
      { before: [[1, 3]], after: [[4, 6]] },
    );
    assert.equal(rejection?.firstBlock, 1n);
  });

  it("rejects a record that starts past the next block (outOfOrder)", async () => {
    await expectRejected(["outOfOrder"], async (inbox) => {
      await inbox.recordBlocks(blocks(4, 6));
    });
  });

  it("derives the new blocks of a record that overlaps the derived chain exactly", async () => {
    await expectRejected([], async () => {}, {
      after: [
        [1, 3],
        [2, 6],
      ],
    });
  });

  it("rejects a record that overlaps the derived chain with other blocks (conflict)", async () => {
    const [rejection] = await expectRejected(
      ["conflict"],
      async (inbox) => {
        const [two, three, four] = blocks(2, 4) as [BatchBlock, BatchBlock, BatchBlock];
        const otherHash = keccak256Hex("another block 2");
        await inbox.recordBlocks([{ ...two, hash: otherHash }, { ...three, parentHash: otherHash }, four]);
      },
      { before: [[1, 3]], after: [[4, 6]] },
    );
    assert.equal(rejection?.atBlock, 2n);
  });

  it("rejects a record whose pointer names no blob on DA (daUnavailable)", async () => {
    await expectRejected(["daUnavailable"], async (inbox) => {
      inbox.record(1n, 3n, [encodeMemoryPointer(keccak256(Uint8Array.of(1, 2, 3)))]);
    });
  });

  it("rejects DA data that is not the batch the record names (daMismatch)", async () => {
    await expectRejected(["daMismatch", "daMismatch", "daMismatch"], async (inbox) => {
      // The pointers of blocks 4..6 under a record of 1..3.
      const other = await submitFrames(
        rollup.da,
        splitIntoFrames(encodeBatch({ chainId: CHAIN_ID, blocks: blocks(4, 6) }), 4096),
      );
      inbox.record(1n, 3n, other);
      // A batch in several frames, its pointers out of order.
      const frames = splitIntoFrames(encodeBatch({ chainId: CHAIN_ID, blocks: blocks(1, 3) }), 300);
      assert.ok(frames.length > 1);
      const pointers = await submitFrames(rollup.da, frames);
      inbox.record(1n, 3n, [...pointers].reverse());
      // A blob that is no frame at all.
      inbox.record(1n, 3n, await submitFrames(rollup.da, [new TextEncoder().encode("not a frame")]));
    });
  });

  it("rejects frames that carry no decodable batch of this chain (malformed)", async () => {
    await expectRejected(["malformed", "malformed"], async (inbox) => {
      inbox.record(1n, 3n, await submitFrames(rollup.da, splitIntoFrames(Uint8Array.of(9, 9, 9, 9, 9), 4096)));
      const otherChain = encodeBatch({ chainId: CHAIN_ID + 1n, blocks: blocks(1, 3) });
      inbox.record(1n, 3n, await submitFrames(rollup.da, splitIntoFrames(otherChain, 4096)));
    });
  });

  it("rejects a block that does not build on the derived head (parentMismatch)", async () => {
    await expectRejected(["parentMismatch", "parentMismatch"], async (inbox) => {
      const [one, ...rest] = blocks(1, 3) as [BatchBlock, ...BatchBlock[]];
      await inbox.recordBlocks([{ ...one, parentHash: keccak256Hex("elsewhere") }, ...rest]);
      await inbox.recordBlocks([{ ...one, timestamp: sealed[0]!.header.timestamp - 10n }]);
    });
  });

  it("rejects a block whose mini-block span does not continue its parent's (miniBlockSpan)", async () => {
    await expectRejected(["miniBlockSpan"], async (inbox) => {
      const [one, ...rest] = blocks(1, 3) as [BatchBlock, ...BatchBlock[]];
      await inbox.recordBlocks([{ ...one, miniBlockOffset: one.miniBlockOffset + 1n }, ...rest]);
    });
  });

  it("rejects a block whose L1 origin skips an L1 block (l1Origin)", async () => {
    await expectRejected(["l1Origin"], async (inbox) => {
      const [one] = blocks(1, 1) as [BatchBlock];
      const info = l1BlockInfoOfBlock(sealed[0]!);
      const skipping = l1AttributesDeposit({ ...info, number: info.number + 2n });
      await inbox.recordBlocks([{ ...one, transactions: [skipping.raw, ...one.transactions.slice(1)] }]);
    });
  });

  it("rejects a block that omits, reorders or alters its epoch's deposits (blockStart)", async () => {
    const rejections = await expectRejected(
      ["blockStart", "blockStart", "blockStart"],
      async (inbox) => {
        const two = good[1] as BatchBlock;
        const [attributes, first, second, transfer] = two.transactions as [
          Uint8Array,
          Uint8Array,
          Uint8Array,
          Uint8Array,
        ];
        await inbox.recordBlocks([{ ...two, transactions: [attributes, first, transfer] }]);
        await inbox.recordBlocks([{ ...two, transactions: [attributes, second, first, transfer] }]);
        // Another L1-attributes deposit (wrong sequence number) in place of the right one.
        const info = l1BlockInfoOfBlock(sealed[1]!);
        const wrong = l1AttributesDeposit({ ...info, sequenceNumber: 3n });
        await inbox.recordBlocks([{ ...two, transactions: [wrong.raw, first, second, transfer] }]);
      },
      {
        before: [[1, 1]],
        after: [
          [2, 3],
          [4, 6],
        ],
      },
    );
    assert.ok(rejections.every((r) => r.atBlock === 2n));
  });

  it("rejects user transactions that do not decode, are deposits, or are invalid here (invalidTransaction)", async () => {
    await expectRejected(["invalidTransaction", "invalidTransaction", "invalidTransaction"], async (inbox) => {
      const [one] = blocks(1, 1) as [BatchBlock];
      await inbox.recordBlocks([{ ...one, transactions: [...one.transactions, Uint8Array.of(0x02, 0xc0)] }]);
      const invented = (good[1] as BatchBlock).transactions[1] as Uint8Array;
      await inbox.recordBlocks([{ ...one, transactions: [...one.transactions, invented] }]);
      // Alice's transfer twice: the second has a used nonce.
      await inbox.recordBlocks([{ ...one, transactions: [...one.transactions, one.transactions[1] as Uint8Array] }]);
    });
  });

  it("rejects a block that re-executes to another state root or hash (blockMismatch)", async () => {
    await expectRejected(["blockMismatch", "blockMismatch"], async (inbox) => {
      const [one] = blocks(1, 1) as [BatchBlock];
      await inbox.recordBlocks([{ ...one, stateRoot: keccak256Hex("another root") }]);
      await inbox.recordBlocks([{ ...one, beneficiary: "0x00000000000000000000000000000000000000fe" }]);
    });
  });

  it("derives the good blocks of a batch before a bad one and waits for a record of the rest", async () => {
    const [rejection] = await expectRejected(
      ["blockMismatch"],
      async (inbox) => {
        const [one, two, three] = blocks(1, 3) as [BatchBlock, BatchBlock, BatchBlock];
        await inbox.recordBlocks([one, two, { ...three, stateRoot: keccak256Hex("wrong") }]);
      },
      {
        after: [
          [3, 3],
          [4, 6],
        ],
      },
    );
    assert.equal(rejection?.atBlock, 3n);
  });
});

function keccak256Hex(text: string): `0x${string}` {
  return `0x${Buffer.from(keccak256(new TextEncoder().encode(text))).toString("hex")}`;
}
