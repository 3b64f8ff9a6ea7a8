/**
 * The deriver under L1 reorgs: one within the confirmation depth never touches what it derived; one deeper than the
 * depth, under L1 blocks it read or used, is logged as an error, reported in `progress.halted` with the first
 * derived block it puts in doubt, counted, emitted, and stops derivation for good, whether L1 replaced the blocks
 * after they were derived or while their records were being read. An L1 node behind the deriver is waited for.
 */
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { L1ReorgTooDeepError } from "../../src/chain/blockStart.ts";
import { l1BlockInfoOfBlock } from "../../src/chain/l1BlockInfo.ts";
import type { DeriverMetrics } from "../../src/derivation/index.ts";
import type { DepositSource, L1BatchReader } from "../../src/settlement/ports.ts";
import type { Logger } from "../../src/telemetry.ts";
import { aliceTransfer, deposit, type Rollup, startDeriver, startRollup, syncAll } from "./harness.ts";

/** A logger keeping what was logged at error level and above. */
function errorLog() {
  const errors: { fields: Record<string, unknown>; message: string }[] = [];
  const drop = () => {};
  const keep = (fields: object, message: string) => {
    errors.push({ fields: fields as Record<string, unknown>, message });
  };
  const logger: Logger = {
    trace: drop,
    debug: drop,
    info: drop,
    warn: drop,
    error: keep,
    fatal: keep,
    child: () => logger,
  };
  return { logger, errors };
}

/** Counts the halts the deriver reports to its metrics. */
function haltCounter() {
  const counts = { halts: 0, l1BlockRead: -1n };
  const metrics: DeriverMetrics = {
    blockDerived() {},
    batchRejected() {},
    l1BlockRead(l1BlockNumber) {
      counts.l1BlockRead = l1BlockNumber;
    },
    l1ReorgTooDeep() {
      counts.halts++;
    },
  };
  return { metrics, counts };
}

describe("Deriver under L1 reorgs", () => {
  const rollups: Rollup[] = [];
  afterEach(async () => {
    for (const rollup of rollups.splice(0)) await rollup.close();
  });

  /** Six blocks over several L1 epochs, in two batches recorded on L1. */
  async function rollupWithBatches(): Promise<Rollup> {
    const rollup = await startRollup();
    rollups.push(rollup);
    let nonce = 0;
    await rollup.nextBlock([await aliceTransfer(nonce++)]);
    rollup.l1.deposit(deposit(10n ** 18n));
    rollup.l1.mine();
    await rollup.nextBlock([await aliceTransfer(nonce++)]);
    await rollup.nextBlock();
    await rollup.batchAll();
    for (let i = 0; i < 3; i++) await rollup.nextBlock([await aliceTransfer(nonce++)]);
    await rollup.batchAll();
    return rollup;
  }

  /** The first derived block built on an L1 block numbered above `cut` (its L1 origin, or its record's L1 block). */
  function firstBuiltAbove(rollup: Rollup, cut: bigint): bigint | undefined {
    for (const { block } of rollup.sealed()) {
      const n = block.header.number;
      const record = rollup.l1.recorded.find((r) => r.firstBlock <= n && n <= r.lastBlock);
      if (l1BlockInfoOfBlock(block).number > cut || (record !== undefined && record.l1BlockNumber > cut)) return n;
    }
    return undefined;
  }

  it("derives on through a reorg no deeper than its confirmation depth", async () => {
    const rollup = await rollupWithBatches();
    rollup.l1.mine();
    rollup.l1.mine();
    const { deriver, derived } = await startDeriver(rollup, {
      config: { l1ConfirmationDepth: 2, pollIntervalMs: 3_600_000, maxL1BlocksPerRead: 4, retryDelayMs: 3_600_000 },
    });
    await syncAll(deriver);
    assert.equal(deriver.head.hash, rollup.sequencer.head.hash);
    rollup.l1.reorg(2);
    rollup.l1.mine();
    await syncAll(deriver);
    assert.equal(deriver.progress.halted, undefined);
    assert.equal(derived.length, rollup.sealed().length);
    const confirmed = (await rollup.l1.deposits.headNumber()) - 2n;
    assert.equal(deriver.progress.l1Block?.number, confirmed);
    assert.equal(deriver.progress.l1Block?.hash, (await rollup.l1.deposits.blockAt(confirmed))?.hash);
  });

  it("stops, loudly, when L1 replaces blocks it derived from, deeper than its confirmation depth", async () => {
    const rollup = await rollupWithBatches();
    const { logger, errors } = errorLog();
    const { metrics, counts } = haltCounter();
    const { deriver, derived } = await startDeriver(rollup, { logger, metrics });
    const halts: Error[] = [];
    deriver.on("halted", (error) => halts.push(error));
    await syncAll(deriver);
    assert.equal(deriver.head.hash, rollup.sequencer.head.hash);
    const l1Head = await rollup.l1.deposits.headNumber();
    assert.equal(counts.l1BlockRead, l1Head);
    const read = deriver.progress.l1Block;
    assert.equal(read?.number, l1Head);

    const depth = 3;
    const cut = l1Head - BigInt(depth);
    const expectedFirstAffected = firstBuiltAbove(rollup, cut);
    assert.ok(expectedFirstAffected !== undefined, "some derived blocks were built on the replaced L1 blocks");
    rollup.l1.reorg(depth);
    rollup.l1.mine();
    await assert.rejects(deriver.syncOnce(), L1ReorgTooDeepError);

    const halted = deriver.progress.halted;
    assert.ok(halted);
    assert.equal(halted.reason, "l1Reorg");
    assert.equal(halted.l1BlockNumber, l1Head);
    assert.equal(halted.derivedL1Hash, read?.hash);
    assert.equal(halted.l1Hash, (await rollup.l1.deposits.blockAt(l1Head))?.hash);
    assert.notEqual(halted.l1Hash, halted.derivedL1Hash);
    assert.equal(halted.firstAffectedL2Block, expectedFirstAffected);
    assert.equal(halted.oldestGoneL1Block, cut + 1n);
    assert.deepEqual(
      errors.map((e) => [e.message, e.fields.firstAffectedL2Block]),
      [["L1 reorg deeper than the confirmation depth: derivation stops", expectedFirstAffected.toString()]],
    );
    assert.equal(counts.halts, 1);
    assert.equal(halts.length, 1);

    // For good: L1 moving on changes nothing, and the halt is reported once.
    const before = derived.length;
    rollup.l1.mine();
    await assert.rejects(deriver.syncOnce(), L1ReorgTooDeepError);
    assert.equal(derived.length, before);
    assert.equal(counts.halts, 1);
    assert.equal(errors.length, 1);
  });

  it("stops before using a record whose L1 block was replaced while the window was read", async () => {
    const rollup = await rollupWithBatches();
    rollup.l1.mine();
    const recordBlock = rollup.l1.recorded.at(-1)?.l1BlockNumber;
    assert.ok(recordBlock !== undefined);
    const source = rollup.l1.deposits;
    const replaced = `0x${"ab".repeat(32)}` as const;
    // L1 as a node answers when a reorg lands right after `readBatches`: the window's ends are unchanged, the last
    // record's block is another.
    let read = false;
    const batches: L1BatchReader = {
      async readBatches(range) {
        const records = await rollup.l1.batches.readBatches(range);
        read = true;
        return records;
      },
    };
    const deposits: DepositSource = {
      headNumber: () => source.headNumber(),
      depositsIn: (block) => source.depositsIn(block),
      systemConfigAt: (block) => source.systemConfigAt(block),
      async blockAt(number) {
        const block = await source.blockAt(number);
        return block === undefined || number !== recordBlock || !read ? block : { ...block, hash: replaced };
      },
    };
    const { deriver, derived } = await startDeriver(rollup, {
      batches,
      deposits,
      config: { l1ConfirmationDepth: 0, pollIntervalMs: 3_600_000, maxL1BlocksPerRead: 1_000, retryDelayMs: 3_600_000 },
    });
    await assert.rejects(syncAll(deriver), L1ReorgTooDeepError);
    const last = rollup.l1.recorded.at(-1);
    assert.ok(last);
    assert.equal(derived.at(-1)?.block.header.number, last.firstBlock - 1n, "nothing of the record is derived");
    assert.equal(deriver.progress.halted?.l1BlockNumber, recordBlock);
    assert.equal(deriver.progress.halted?.l1Hash, replaced);
  });

  it("waits, without stopping, while L1 lacks the block it read up to", async () => {
    const rollup = await rollupWithBatches();
    const source = rollup.l1.deposits;
    let behind = false;
    const deposits: DepositSource = {
      headNumber: async () => (await source.headNumber()) - (behind ? 5n : 0n),
      depositsIn: (block) => source.depositsIn(block),
      systemConfigAt: (block) => source.systemConfigAt(block),
      async blockAt(number) {
        return behind && number > (await source.headNumber()) - 5n ? undefined : source.blockAt(number);
      },
    };
    const { deriver } = await startDeriver(rollup, { deposits });
    await syncAll(deriver);
    behind = true;
    assert.deepEqual(await deriver.syncOnce(), { caughtUp: true });
    behind = false;
    await rollup.nextBlock([await aliceTransfer(5)]);
    await rollup.batchAll();
    await syncAll(deriver);
    assert.equal(deriver.progress.halted, undefined);
    assert.equal(deriver.head.hash, rollup.sequencer.head.hash);
  });
});
