/**
 * The deriver against a real sequencer and batcher over the in-memory L1 and DA: from genesis and L1 + DA alone it
 * rebuilds the sequencer's blocks byte for byte (headers, hashes, state roots, receipts, mini-block spans), deposits
 * included, and follows as new batches are recorded.
 */
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import {
  devStateEditTransaction,
  isDevStateEditTransaction,
  withDevStateEdits,
} from "../../src/execution/devStateEdits.ts";
import { createEthereumJsExecutor } from "../../src/execution/ethereumjsExecutor.ts";
import { encodeBlockRecord, encodeReceiptsRecord } from "../../src/state/records.ts";
import {
  aliceTransfer,
  BOB,
  buildGenesis,
  CHAIN_ID,
  deposit,
  type Rollup,
  startDeriver,
  startRollup,
  syncAll,
} from "./harness.ts";

describe("Deriver", () => {
  const rollups: Rollup[] = [];
  afterEach(async () => {
    for (const rollup of rollups.splice(0)) await rollup.close();
  });

  /** Eight blocks: transfers, deposits over several L1 epochs, empty blocks; all batched and recorded. */
  async function busyRollup(): Promise<Rollup> {
    const rollup = await startRollup();
    rollups.push(rollup);
    let nonce = 0;
    await rollup.nextBlock([await aliceTransfer(nonce++)]);
    rollup.l1.deposit(deposit(10n ** 18n));
    rollup.l1.deposit(deposit(2n * 10n ** 18n, "0x000000000000000000000000000000000000c0de"));
    rollup.l1.mine();
    await rollup.nextBlock([await aliceTransfer(nonce++), await aliceTransfer(nonce++)]);
    await rollup.nextBlock();
    rollup.l1.deposit(deposit(3n));
    rollup.l1.mine();
    await rollup.nextBlock([await aliceTransfer(nonce++)]);
    await rollup.batchAll();
    for (let i = 0; i < 4; i++) await rollup.nextBlock(i % 2 === 0 ? [await aliceTransfer(nonce++, 7n)] : []);
    await rollup.batchAll();
    return rollup;
  }

  it("rebuilds the sequencer's blocks from L1 and DA alone, byte for byte, deposits included", async () => {
    const rollup = await busyRollup();
    const sealed = rollup.sealed();
    assert.equal(sealed.length, 8);
    const withDeposits = sealed.filter(({ block }) => block.transactions.slice(1).some((tx) => tx.type === 0x7e));
    assert.equal(withDeposits.length, 2, "two blocks start epochs with user deposits");
    const { deriver, derived, rejections } = await startDeriver(rollup);
    await syncAll(deriver);
    assert.deepEqual(rejections, []);
    assert.equal(derived.length, sealed.length);
    for (const [i, { block, receipts }] of sealed.entries()) {
      const rebuilt = derived[i];
      assert.ok(rebuilt);
      assert.equal(rebuilt.block.hash, block.hash);
      assert.equal(rebuilt.block.header.stateRoot, block.header.stateRoot);
      assert.deepEqual(encodeBlockRecord(rebuilt.block), encodeBlockRecord(block), `block ${i + 1}, byte for byte`);
      assert.deepEqual(encodeReceiptsRecord(rebuilt.receipts), encodeReceiptsRecord(receipts));
      assert.deepEqual(rebuilt.receipts, receipts);
    }
    assert.equal(deriver.head.hash, rollup.sequencer.head.hash);
  });

  it("reaches the sequencer's state, account for account", async () => {
    const rollup = await busyRollup();
    const genesis = buildGenesis();
    const { deriver } = await startDeriver(rollup, { state: genesis.state, head: genesis.block });
    await syncAll(deriver);
    const balance = (address: `0x${string}`) => genesis.state.latest.getAccount(address)?.balance;
    assert.ok((balance(BOB) ?? 0n) > 10n ** 18n / 2n);
    assert.equal(genesis.state.world.stateRoot, rollup.sequencer.head.header.stateRoot);
  });

  it("follows new batch records after catching up", async () => {
    const rollup = await busyRollup();
    const { deriver, derived } = await startDeriver(rollup);
    await syncAll(deriver);
    assert.equal(derived.length, 8);
    rollup.l1.deposit(deposit(5n));
    rollup.l1.mine();
    await rollup.nextBlock([await aliceTransfer(6)]);
    await rollup.nextBlock();
    await rollup.batchAll();
    await syncAll(deriver);
    assert.equal(derived.length, 10);
    assert.equal(deriver.head.hash, rollup.sequencer.head.hash);
    assert.equal(deriver.progress.headBlock, 10n);
  });

  it("retries a transient DA failure from the same record, without rejecting it", async () => {
    const rollup = await busyRollup();
    const { deriver, derived, rejections } = await startDeriver(rollup);
    rollup.da.failNextRetrieves(1, "transient");
    await assert.rejects(deriver.syncOnce(), { name: "DaError" });
    await syncAll(deriver);
    assert.deepEqual(rejections, []);
    assert.equal(derived.length, 8);
    assert.equal(deriver.head.hash, rollup.sequencer.head.hash);
  });

  it("runs as a loop: start catches up and follows, stop waits for work in flight", async () => {
    const rollup = await busyRollup();
    const { deriver } = await startDeriver(rollup, {
      config: { l1ConfirmationDepth: 0, pollIntervalMs: 10, maxL1BlocksPerRead: 2, retryDelayMs: 10 },
    });
    const reached = new Promise<void>((resolve) => {
      deriver.on("block", (block) => {
        if (block.hash === rollup.sequencer.head.hash) resolve();
      });
    });
    deriver.start();
    await reached;
    await deriver.stop();
    assert.equal(deriver.head.hash, rollup.sequencer.head.hash);
  });

  it("derives a development chain's dev state edits and dev block environment only as a dev node", async () => {
    const rollup = await startRollup({ dev: true });
    rollups.push(rollup);
    assert.ok(rollup.devTxs);
    const edited = "0x00000000000000000000000000000000000ed17e";
    const edit = rollup.devTxs.submit(devStateEditTransaction({ kind: "balance", address: edited, balance: 42n }, 0n));
    await rollup.nextBlock([await aliceTransfer(0)]);
    await edit;
    await rollup.nextBlock([await aliceTransfer(1)]);
    await rollup.batchAll();
    const sealed = rollup.sealed();
    assert.ok(
      sealed.some(({ block }) => block.transactions.some(isDevStateEditTransaction)),
      "a block carries the dev state edit",
    );

    const dev = await startDeriver(rollup, {
      devChain: true,
      executor: withDevStateEdits(await createEthereumJsExecutor({ chainId: CHAIN_ID })),
    });
    await syncAll(dev.deriver);
    assert.deepEqual(dev.rejections, []);
    assert.deepEqual(
      dev.derived.map(({ block }) => block.hash),
      sealed.map(({ block }) => block.hash),
    );

    assert.equal(dev.deriver.head.hash, rollup.sequencer.head.hash);
    const strict = await startDeriver(rollup);
    await syncAll(strict.deriver);
    assert.deepEqual(strict.derived, []);
    assert.ok(strict.rejections.length > 0);
  });
});
