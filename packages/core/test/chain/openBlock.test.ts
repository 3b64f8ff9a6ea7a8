import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ZERO_HASH } from "../../src/chain/constants.ts";
import type { MiniBlock } from "../../src/chain/miniBlock.ts";
import { OpenBlock, type OpenBlockEnv } from "../../src/chain/openBlock.ts";
import {
  decodeMiniBlockRecordLazily,
  encodeMiniBlockRecord,
  readMiniBlockRecordParts,
} from "../../src/state/records.ts";
import { transferMiniBlock } from "../p2p/fixtures.ts";

const ENV: OpenBlockEnv = {
  number: 2n,
  timestamp: 1_800_000_002n,
  baseFeePerGas: 7n,
  gasLimit: 2_000_000_000n,
  parentHash: ZERO_HASH,
  coinbase: "0x4200000000000000000000000000000000000011",
  prevRandao: ZERO_HASH,
  miniBlockOffset: 10n,
};

/** `miniBlock` as a replica takes it over from its range verifier: transactions and receipts decoded when read. */
function lazily(miniBlock: MiniBlock, withReferences: boolean): MiniBlock {
  const record = encodeMiniBlockRecord(miniBlock);
  const lazy = decodeMiniBlockRecordLazily(record, readMiniBlockRecordParts(record));
  assert.ok(lazy.digest !== undefined, "a lazily decoded mini-block carries its digest");
  if (withReferences) return lazy;
  // A digest without leaf references (the open block hashes the leaves itself).
  const { transactionLeafReferences: _t, receiptLeafReferences: _r, ...digest } = lazy.digest;
  return { ...lazy, digest };
}

describe("OpenBlock", () => {
  it("seals and locates the same over mini-blocks with a digest as over decoded ones", () => {
    // 320 transactions: the roots hash complete groups past index 255 and a partial one.
    const sizes = [150, 0, 170];
    const miniBlocks = sizes.map((transfers, i) =>
      transferMiniBlock({ number: 10n + BigInt(i), blockNumber: 2n, index: i, transfers, senderOffset: 200 * i }),
    );
    for (const withReferences of [true, false]) {
      const decoded = new OpenBlock(ENV);
      const lazy = new OpenBlock(ENV);
      for (const miniBlock of miniBlocks) {
        decoded.add(miniBlock);
        lazy.add(lazily(miniBlock, withReferences));
      }
      assert.equal(lazy.logCount, decoded.logCount);
      assert.equal(lazy.gasUsed, decoded.gasUsed);
      assert.equal(lazy.transactions.length, 320);
      assert.deepEqual(lazy.locations, decoded.locations);
      for (const tx of decoded.transactions) {
        const expected = decoded.locate(tx.hash);
        const located = lazy.locate(tx.hash);
        assert.deepEqual(located?.location, expected?.location);
        assert.equal(located?.indexInMiniBlock, expected?.indexInMiniBlock);
        assert.equal(located?.miniBlock.number, expected?.miniBlock.number);
      }
      const stateRoot = `0x${"5a".repeat(32)}` as const;
      const expectedBlock = decoded.seal(stateRoot);
      const block = lazy.seal(stateRoot);
      assert.deepEqual(block.header, expectedBlock.header);
      assert.equal(block.hash, expectedBlock.hash);
    }
  });

  it("locates the transactions of mini-blocks added after it was last asked", () => {
    const open = new OpenBlock(ENV);
    const first = transferMiniBlock({ number: 10n, blockNumber: 2n, index: 0, transfers: 3 });
    const second = transferMiniBlock({ number: 11n, blockNumber: 2n, index: 1, transfers: 2, senderOffset: 10 });
    open.add(first);
    assert.equal(
      open.locate((first.transactions[2] as MiniBlock["transactions"][number]).hash)?.location.transactionIndex,
      2,
    );
    assert.equal(open.locate((second.transactions[0] as MiniBlock["transactions"][number]).hash), undefined);
    open.add({ ...second, firstTransactionIndex: 3, firstLogIndex: 3 });
    assert.equal(
      open.locate((second.transactions[1] as MiniBlock["transactions"][number]).hash)?.location.transactionIndex,
      4,
    );
    assert.equal(open.locations.length, 5);
  });
});
