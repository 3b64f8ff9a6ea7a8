import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { encodeHeader } from "../../src/chain/header.ts";
import { decodeRlp, encodeRlp, type RlpInput } from "../../src/chain/rlp.ts";
import { blockSize, formatStateChanges, toQuantity, toWord } from "../../src/rpc/format.ts";
import { type Harness, seedChain, startHarness } from "./harness.ts";

describe("rpc formatters", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    await seedChain(h);
  });
  after(() => h.close());

  it("renders quantities without leading zeros and words as 32 bytes", () => {
    assert.equal(toQuantity(0n), "0x0");
    assert.equal(toQuantity(255), "0xff");
    assert.equal(toWord(1n), `0x${"0".repeat(63)}1`);
  });

  it("computes block size equal to the length of the block's full RLP", () => {
    for (const block of h.backend.blocks) {
      const txs = block.transactions.map((tx) => ((tx.raw[0] ?? 0) >= 0xc0 ? decodeRlp(tx.raw) : tx.raw));
      const full = encodeRlp([decodeRlp(encodeHeader(block.header)), txs, [], []] as RlpInput);
      assert.equal(blockSize(block), full.length, `block ${block.header.number}`);
    }
  });

  it("renders stateChanges for deleted accounts with zero nonce and balance", () => {
    const address = "0x00000000000000000000000000000000000000aa";
    const changes = formatStateChanges(
      {
        accounts: [
          { address, account: null, storageCleared: true, storage: new Map([[`0x${"0".repeat(64)}` as const, 5n]]) },
        ],
      },
      undefined,
    );
    assert.deepEqual(changes, [
      { address, nonce: 0, balance: "0x0", storage: { [`0x${"0".repeat(64)}`]: toWord(5n) } },
    ]);
  });
});
