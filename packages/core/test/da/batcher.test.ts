import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { type BatchBlock, batchBlockSize, decodeBatch, toBatchBlock } from "../../src/da/batch.ts";
import {
  BATCH_HELD_MESSAGE,
  type BatcherMetrics,
  type CreateBatcherParameters,
  createBatcher,
} from "../../src/da/batcher.ts";
import { type BatcherPolicyInput, batcherPolicySchema } from "../../src/da/batcherPolicy.ts";
import {
  type BatchRecord,
  type BatchRecordStore,
  createMemoryBatchRecordStore,
  formatBatchRecord,
  type MemoryBatchRecordStore,
} from "../../src/da/batchRecord.ts";
import { BatcherHaltedError } from "../../src/da/errors.ts";
import { joinFrames } from "../../src/da/frame.ts";
import { createMemoryDa, createMemoryDaStore, type MemoryDa } from "../../src/da/memory.ts";
import type { DataAvailability } from "../../src/da/types.ts";
import type { BatchRecorder, BatchToRecord } from "../../src/settlement/ports.ts";
import { capturingLogger } from "../capturingLogger.ts";
import { createChainSource } from "./fixtures.ts";

const chainId = 901n;

/** A batcher with a controllable clock and instant, recorded backoff sleeps. */
function setup(
  overrides: Partial<Omit<CreateBatcherParameters, "policy">> & {
    da?: DataAvailability;
    policy?: BatcherPolicyInput;
  } = {},
) {
  const chain = createChainSource();
  const da = (overrides.da as MemoryDa | undefined) ?? createMemoryDa({ maxBlobBytes: 64 * 1024 });
  const pointers = (overrides.pointers as MemoryBatchRecordStore | undefined) ?? createMemoryBatchRecordStore();
  const clock = { ms: 1_000_000 };
  const sleeps: number[] = [];
  const updates: BatchRecord[] = [];
  const parameters: CreateBatcherParameters = {
    chainId,
    da,
    source: chain.source,
    pointers,
    now: () => clock.ms,
    sleep: async (ms, signal) => {
      sleeps.push(ms);
      signal.throwIfAborted();
    },
    onBatchUpdated: (record) => updates.push(record),
    ...overrides,
    policy: batcherPolicySchema.parse({
      maxBlocksPerBatch: 4,
      maxBatchAgeMs: 5_000,
      retryInitialDelayMs: 100,
      ...overrides.policy,
    }),
  };
  return { chain, da, pointers, clock, sleeps, updates, parameters, batcher: createBatcher(parameters) };
}

/**
 * An L1 inbox as BatchInbox behaves: ranges must continue the last one (`NonContiguousRange` otherwise, a permanent
 * error), and recording a batch already on L1 returns where it landed.
 */
function createInbox() {
  const ranges: BatchToRecord[] = [];
  const failures: { count: number } = { count: 0 };
  const recorder: BatchRecorder = {
    async recordBatch(batch) {
      const known = ranges.findIndex((r) => r.firstBlock === batch.firstBlock);
      if (known >= 0) {
        assert.equal(ranges[known]!.lastBlock, batch.lastBlock, "a range recorded twice with other bounds");
        return { l1BlockNumber: BigInt(known + 1) };
      }
      if (failures.count > 0) {
        failures.count--;
        throw new Error("L1 node unreachable");
      }
      const last = ranges[ranges.length - 1];
      if (last && batch.firstBlock !== last.lastBlock + 1n) {
        throw Object.assign(new Error(`NonContiguousRange(${batch.firstBlock}, ${last.lastBlock + 1n})`), {
          kind: "permanent",
        });
      }
      ranges.push(batch);
      return { l1BlockNumber: BigInt(ranges.length) };
    },
  };
  return { recorder, ranges, failures, firsts: () => ranges.map((r) => r.firstBlock) };
}

/** Metrics that remember every value they were given. */
function recordingMetrics() {
  const seen = {
    statuses: [] as string[],
    retries: [] as string[],
    bytes: [] as number[],
    seconds: [] as number[],
    unbatched: [] as number[],
    inFlight: [] as number[],
    pendingBytes: [] as number[],
    backPressure: [] as number[],
    engaged: [] as string[],
  };
  const metrics: BatcherMetrics = {
    batches: { inc: ({ status }) => seen.statuses.push(status) },
    retries: { inc: ({ operation }) => seen.retries.push(operation) },
    batchBytes: { observe: (v) => seen.bytes.push(v) },
    confirmSeconds: { observe: (v) => seen.seconds.push(v) },
    pendingBlocks: { set: (v) => seen.unbatched.push(v) },
    inFlightBatches: { set: (v) => seen.inFlight.push(v) },
    pendingBytes: { set: (v) => seen.pendingBytes.push(v) },
    backPressure: { set: (v) => seen.backPressure.push(v) },
    backPressureEngaged: { inc: ({ reason }) => seen.engaged.push(reason) },
  };
  return { seen, metrics, last: (values: readonly number[]) => values[values.length - 1] };
}

/** Resolves once `predicate` holds, looking again after each turn of the event loop. */
async function until(predicate: () => boolean, what: string): Promise<void> {
  for (let turns = 0; !predicate(); turns++) {
    if (turns > 200_000) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The blocks a record's pointers lead to, read back from DA. */
async function readBack(da: DataAvailability, record: BatchRecord): Promise<readonly BatchBlock[]> {
  const frames = await Promise.all(record.pointers.map((pointer) => da.retrieve(pointer)));
  return decodeBatch(joinFrames(frames), { chainId }).blocks;
}

/** Asserts the confirmed records cover `first..last` contiguously, in order, and hold exactly the sealed blocks. */
async function assertCovered(
  da: DataAvailability,
  records: readonly BatchRecord[],
  chain: ReturnType<typeof createChainSource>,
  first: bigint,
  last: bigint,
) {
  let expected = first;
  for (const record of records) {
    assert.ok(
      record.status === "confirmed" || record.status === "recorded",
      `record ${record.firstBlock} ${record.status}`,
    );
    assert.equal(record.firstBlock, expected, "ranges are contiguous");
    const blocks = await readBack(da, record);
    assert.deepEqual(
      blocks,
      blocks.map((b) => toBatchBlock(chain.block(b.number))),
    );
    assert.equal(blocks.length, Number(record.lastBlock - record.firstBlock + 1n));
    expected = record.lastBlock + 1n;
  }
  assert.equal(expected, last + 1n, `covered up to ${expected - 1n}`);
}

const rangesOf = (records: readonly BatchRecord[]) => records.map((r) => [r.firstBlock, r.lastBlock]);

/** Asserts L1 holds `first..last` as contiguous ranges in order (what BatchInbox would hold). */
function assertRecordedInOrder(ranges: readonly BatchToRecord[], first: bigint, last: bigint) {
  let expected = first;
  for (const range of ranges) {
    assert.equal(range.firstBlock, expected, `L1 range starting at ${range.firstBlock}`);
    assert.ok(range.lastBlock >= range.firstBlock);
    expected = range.lastBlock + 1n;
  }
  assert.equal(expected, last + 1n, `L1 covers up to ${expected - 1n}`);
}

describe("batcher", () => {
  it("packs sealed blocks into batches by count, then by age, and the pointers lead back to the blocks", async () => {
    const { chain, da, batcher, clock, pointers } = setup();
    chain.seal(10);
    assert.equal((await batcher.runOnce())?.lastBlock, 4n, "the oldest batch in flight");
    while (await batcher.runOnce()) {}
    assert.deepEqual(rangesOf(pointers.list()), [
      [1n, 4n],
      [5n, 8n],
    ]);
    assert.equal(await batcher.runOnce(), undefined, "blocks 9-10 are neither a full batch nor old enough");
    clock.ms += 5_000;
    const last = await batcher.runOnce();
    assert.equal(last?.firstBlock, 9n);
    assert.equal(last?.lastBlock, 10n);
    await assertCovered(da, pointers.list(), chain, 1n, 10n);
    assert.equal(batcher.status().nextBlock, 11n);
    assert.equal(await batcher.runOnce({ force: true }), undefined, "nothing pending");
  });

  it("closes a batch before its uncompressed body would pass maxBatchBytes", async () => {
    const { chain, da, batcher, pointers } = setup({ policy: { maxBlocksPerBatch: 100, maxBatchBytes: 4096 } });
    chain.seal(12, 5, 200); // ~1.4 KB per block
    while (await batcher.runOnce()) {}
    await batcher.runOnce({ force: true });
    const records = pointers.list();
    assert.ok(records.length >= 4, `${records.length} batches`);
    for (const record of records) assert.ok(record.uncompressedBytes <= 4096, `${record.uncompressedBytes} bytes`);
    await assertCovered(da, records, chain, 1n, 12n);
  });

  it("sends a single block larger than maxBatchBytes as a batch of its own", async () => {
    const { chain, batcher } = setup({ policy: { maxBatchBytes: 1024 } });
    chain.seal(2, 10, 200);
    const record = await batcher.runOnce();
    assert.equal(record?.firstBlock, 1n);
    assert.equal(record?.lastBlock, 1n);
  });

  it("splits a batch larger than maxBlobBytes into frames, one pointer each", async () => {
    const da = createMemoryDa({ maxBlobBytes: 1024 });
    const { chain, batcher, pointers } = setup({ da });
    chain.seal(4, 20, 150);
    const record = await batcher.runOnce();
    assert.ok(record && record.frameCount > 1 && record.pointers.length === record.frameCount);
    await assertCovered(da, pointers.list(), chain, 1n, 4n);
  });

  it("retries transient submit failures with exponential backoff and drops nothing", async () => {
    const { chain, da, batcher, sleeps, pointers } = setup();
    chain.seal(4);
    da.failNextSubmits(3);
    const record = await batcher.runOnce();
    assert.equal(record?.status, "confirmed");
    assert.deepEqual(sleeps, [100, 200, 400]);
    await assertCovered(da, pointers.list(), chain, 1n, 4n);
  });

  it("reports retries, batch transitions, sizes, unbatched blocks and the pipeline through its metrics", async () => {
    const { seen, metrics, last } = recordingMetrics();
    const { chain, da, parameters } = setup();
    const batcher = createBatcher({ ...parameters, metrics });
    chain.seal(6);
    da.failNextSubmits(2);
    const record = await batcher.runOnce();
    assert.deepEqual(seen.statuses, ["submitting", "confirmed"]);
    assert.deepEqual(seen.retries, ["submit", "submit"]);
    assert.deepEqual(seen.bytes, [record?.encodedBytes]);
    assert.deepEqual(seen.seconds, [0]);
    assert.equal(last(seen.unbatched), 2, "blocks 5-6 wait in the open batch");
    assert.equal(last(seen.inFlight), 0);
    assert.ok((last(seen.pendingBytes) ?? 0) > 0, "the open batch's bytes");
    assert.equal(last(seen.backPressure), 0);
    chain.seal(3);
    assert.equal(last(seen.unbatched), 2, "a gauge moves when the batcher looks at the head, not before");
    await batcher.runOnce();
    assert.equal(last(seen.unbatched), 1, "blocks 5-8 went out; block 9 waits");
    assert.deepEqual(seen.engaged, []);
  });

  it("caps the backoff at retryMaxDelayMs", async () => {
    const { chain, da, batcher, sleeps } = setup({ policy: { retryMaxDelayMs: 300 } });
    chain.seal(4);
    da.failNextSubmits(4);
    await batcher.runOnce();
    assert.deepEqual(sleeps, [100, 200, 300, 300]);
  });

  it("resubmits when DA reports a transient failure while confirming", async () => {
    const { chain, da, batcher, pointers } = setup();
    chain.seal(4);
    da.failNextConfirmations(2);
    assert.equal((await batcher.runOnce())?.status, "confirmed");
    assert.equal(da.submitCount, 3);
    await assertCovered(da, pointers.list(), chain, 1n, 4n);
  });

  it("halts on a permanent DA error instead of skipping the range, and a restarted batcher redoes it", async () => {
    const { chain, da, batcher, pointers, parameters } = setup();
    chain.seal(4);
    await batcher.runOnce();
    chain.seal(4);
    da.failNextSubmits(1, "permanent");
    await assert.rejects(batcher.runOnce(), (e) => e instanceof BatcherHaltedError && e.firstBlock === 5n);
    const status = batcher.status();
    assert.equal(status.state, "halted");
    assert.equal(status.nextBlock, 5n);
    assert.ok(status.error instanceof BatcherHaltedError);
    await assert.rejects(batcher.runOnce(), BatcherHaltedError, "stays halted");
    const failed = pointers.list()[1]!;
    assert.equal(failed.status, "failed");
    assert.match(failed.error ?? "", /DA submission of blocks 5..8 failed/);

    const restarted = createBatcher(parameters);
    assert.equal((await restarted.runOnce())?.firstBlock, 5n);
    await assertCovered(da, pointers.list(), chain, 1n, 8n);
  });

  it("halts after retryMaxAttempts transient failures", async () => {
    const { chain, da, batcher } = setup({ policy: { retryMaxAttempts: 3 } });
    chain.seal(4);
    da.failNextSubmits(5);
    await assert.rejects(batcher.runOnce(), (e) => e instanceof BatcherHaltedError && /3 transient/.test(e.message));
  });

  it("halts when the block source has lost a sealed block rather than skip it", async () => {
    const { chain, batcher } = setup();
    chain.seal(6);
    chain.drop(3n);
    await assert.rejects(
      batcher.runOnce({ force: true }),
      (e) => e instanceof BatcherHaltedError && e.firstBlock === 3n,
    );
    assert.equal(batcher.status().nextBlock, 1n);
  });

  it("halts when a block does not extend the chain already batched", async () => {
    const store = createMemoryBatchRecordStore();
    const { chain, batcher } = setup({ pointers: store });
    chain.seal(4);
    await batcher.runOnce();
    const other = createChainSource(5n, "fork-");
    other.seal(4);
    const forked = setup({ pointers: store, source: other.source }).batcher;
    await assert.rejects(forked.runOnce(), (e) => e instanceof BatcherHaltedError && /does not extend/.test(e.message));
  });

  it("resumes after a restart from the last range it holds pointers for", async () => {
    const daStore = createMemoryDaStore();
    const store = createMemoryBatchRecordStore();
    const da = createMemoryDa({ store: daStore });
    const first = setup({ da, pointers: store });
    first.chain.seal(9);
    await first.batcher.runOnce();
    await first.batcher.runOnce();
    await first.batcher.stop();

    const da2 = createMemoryDa({ store: daStore });
    const second = createBatcher({ ...first.parameters, da: da2 });
    first.chain.seal(3);
    assert.equal((await second.runOnce())?.firstBlock, 9n);
    assert.equal(second.status().nextBlock, 13n);
    await assertCovered(da2, store.list(), first.chain, 1n, 12n);
  });

  it("redoes a range whose submission a stop interrupted", async () => {
    const daStore = createMemoryDaStore();
    const slow = createMemoryDa({ store: daStore, confirmationDelayMs: 60_000 });
    const { chain, batcher, pointers, parameters } = setup({ da: slow });
    chain.seal(4);
    const running = batcher.runOnce();
    await until(() => pointers.list().length > 0, "the batch is submitted");
    assert.equal(pointers.list()[0]?.status, "submitting");
    await batcher.stop();
    await assert.rejects(running);
    await slow.close();

    const fast = createMemoryDa({ store: daStore });
    const restarted = createBatcher({ ...parameters, da: fast });
    const record = await restarted.runOnce();
    assert.equal(record?.firstBlock, 1n);
    await assertCovered(fast, pointers.list(), chain, 1n, 4n);
  });

  it("hands every confirmed batch to the recorder in order and marks it recorded", async () => {
    const inbox = createInbox();
    inbox.failures.count = 1;
    const { chain, batcher, pointers, sleeps } = setup({ recorder: inbox.recorder });
    chain.seal(8);
    const first = await batcher.runOnce();
    await batcher.runOnce();
    assert.deepEqual(inbox.firsts(), [1n, 5n]);
    assert.deepEqual(sleeps, [100], "the failed L1 write was retried once");
    assert.equal(first?.status, "recorded");
    assert.equal(first?.recording?.l1BlockNumber, 1n);
    assert.deepEqual(
      pointers.list().map((r) => r.status),
      ["recorded", "recorded"],
    );
  });

  it("records on L1, after a restart, a batch confirmed on DA but not yet recorded", async () => {
    const store = createMemoryBatchRecordStore();
    const recorded: bigint[] = [];
    const permanent = Object.assign(new Error("BatchInbox rejects"), { kind: "permanent" });
    let fail = true;
    const recorder: BatchRecorder = {
      async recordBatch(record) {
        if (fail) throw permanent;
        recorded.push(record.firstBlock);
        return undefined;
      },
    };
    const first = setup({ pointers: store, recorder });
    first.chain.seal(4);
    await assert.rejects(first.batcher.runOnce(), BatcherHaltedError);
    const failed = store.list()[0]!;
    assert.equal(failed.status, "failed");
    assert.equal(failed.pointers.length, 1, "the batch made it to DA; only L1 failed");

    // The range is on DA already: a restarted batcher records it without resubmitting.
    fail = false;
    const da = first.da as MemoryDa;
    const submitsBefore = da.submitCount;
    const second = createBatcher(first.parameters);
    assert.equal((await second.runOnce())?.status, "recorded");
    assert.deepEqual(recorded, [1n]);
    assert.equal(da.submitCount, submitsBefore);
    assert.equal(store.list()[0]?.status, "recorded");
    assert.equal(store.list()[0]?.error, undefined);
    assert.equal(await second.runOnce(), undefined, "nothing else to do");

    // A record left `confirmed` (crash between DA and L1) is recorded before anything else.
    const crashed = createMemoryBatchRecordStore();
    crashed.put({ ...store.list()[0]!, status: "confirmed" });
    const third = createBatcher({ ...first.parameters, pointers: crashed });
    assert.equal((await third.runOnce())?.firstBlock, 1n);
    assert.deepEqual(recorded, [1n, 1n]);
    assert.equal(crashed.list()[0]?.status, "recorded");

    first.chain.seal(4);
    assert.equal((await second.runOnce())?.firstBlock, 5n);
    assert.deepEqual(recorded, [1n, 1n, 5n]);
  });

  for (const holdBatchAt of ["daConfirmed", "l1Recorded"] as const) {
    it(`holds the first batch at ${holdBatchAt} when the test fault asks, until stopped; a restart records it once`, async () => {
      const inbox = createInbox();
      const writes: bigint[] = [];
      const recorder: BatchRecorder = {
        recordBatch: (batch) => {
          writes.push(batch.firstBlock);
          return inbox.recorder.recordBatch(batch);
        },
      };
      const { logger, lines } = capturingLogger();
      const { chain, pointers, parameters } = setup({ recorder, holdBatchAt, logger });
      const held = createBatcher(parameters);
      chain.seal(4);
      const step = held.runOnce();
      await until(() => lines.some((line) => line.message === BATCH_HELD_MESSAGE), "the hold");
      const hold = lines.find((line) => line.message === BATCH_HELD_MESSAGE)!;
      assert.equal(hold.level, "warn");
      assert.deepEqual(hold.fields, { at: holdBatchAt, firstBlock: 1n, lastBlock: 4n });
      assert.deepEqual(inbox.firsts(), holdBatchAt === "daConfirmed" ? [] : [1n], "L1 holds the batch iff past it");
      assert.equal(pointers.list()[0]?.status, "confirmed", "the node's record is not `recorded` while held");
      await held.stop();
      await assert.rejects(step, /batcher stopped/);

      // A batcher without the fault, on the same store: records the batch, once.
      const { holdBatchAt: _hold, ...clean } = parameters;
      const restarted = createBatcher(clean);
      assert.equal((await restarted.runOnce())?.status, "recorded");
      assert.deepEqual(inbox.firsts(), [1n], "BatchInbox holds the batch once");
      // Past `l1Recorded` the restart asks L1 again, and the idempotent recorder finds the batch there.
      assert.deepEqual(writes, holdBatchAt === "daConfirmed" ? [1n] : [1n, 1n]);
      assert.equal(pointers.list()[0]?.status, "recorded");
    });
  }

  it("runs as a loop until stopped, batching blocks sealed while it runs", async () => {
    const { chain, da, pointers, parameters } = setup();
    let onBatchUpdated: (record: BatchRecord) => void = () => {};
    const allBatched = new Promise<void>((resolve) => {
      onBatchUpdated = (record) => {
        if (record.status === "confirmed" && record.lastBlock === 8n) resolve();
      };
    });
    const batcher = createBatcher({
      ...parameters,
      onBatchUpdated,
      sleep: (ms, signal) => realSleep(Math.min(ms, 2), signal),
    });
    batcher.start();
    assert.equal(batcher.status().state, "running");
    chain.seal(5);
    chain.seal(3);
    await allBatched;
    await batcher.stop();
    assert.equal(batcher.status().state, "stopped");
    assert.equal((await batcher.done()).state, "stopped");
    await assertCovered(da, pointers.list(), chain, 1n, 8n);
  });

  it("exits the loop with status halted on a permanent error", async () => {
    const { chain, da, parameters } = setup();
    const batcher = createBatcher({ ...parameters, sleep: (ms, signal) => realSleep(Math.min(ms, 2), signal) });
    da.failNextSubmits(1, "permanent");
    chain.seal(4);
    batcher.start();
    const status = await batcher.done();
    assert.equal(status.state, "halted");
    assert.equal(status.error?.firstBlock, 1n);
  });

  it("lists batches for mach_getBatches and formats them as JSON-RPC values", async () => {
    const { chain, batcher } = setup();
    chain.seal(12);
    while (await batcher.runOnce()) {}
    const all = await batcher.listBatches();
    assert.deepEqual(
      all.map((r) => [r.firstBlock, r.lastBlock]),
      [
        [1n, 4n],
        [5n, 8n],
        [9n, 12n],
      ],
    );
    const page = await batcher.listBatches({ fromBlock: 6n, limit: 1 });
    assert.deepEqual(
      page.map((r) => r.firstBlock),
      [5n],
    );
    const rpc = formatBatchRecord(all[0]!);
    assert.equal(rpc.firstBlock, "0x1");
    assert.equal(rpc.lastBlock, "0x4");
    assert.equal(rpc.status, "confirmed");
    assert.equal(rpc.provider, "memory");
    assert.match(rpc.pointers[0]!, /^0x01[0-9a-f]{64}$/);
    assert.equal(rpc.txCount, 12);
    assert.equal(rpc.recordedAt, null);
    assert.doesNotThrow(() => JSON.stringify(rpc));
  });

  describe("pipeline", () => {
    it("keeps up to maxInFlightBatches in flight and records them on L1 in order when DA confirms out of order", async () => {
      const inbox = createInbox();
      const { chain, da, batcher, pointers } = setup({ recorder: inbox.recorder, policy: { maxInFlightBatches: 3 } });
      da.holdConfirmations(true);
      chain.seal(16);
      const firstDone = batcher.runOnce();
      await until(() => da.heldSubmissions.length === 3, "three batches in flight");
      assert.equal(batcher.status().inFlightBatches, 3);
      assert.equal(batcher.status().pendingBlocks, 4, "the fourth batch waits for a slot");

      const [b1, b2, b3] = da.heldSubmissions;
      b3!.confirm();
      b2!.confirm();
      await until(() => pointers.list().filter((r) => r.status === "confirmed").length === 2, "2 and 3 confirmed");
      assert.deepEqual(inbox.firsts(), [], "nothing reaches L1 before the first batch");
      assert.equal(batcher.status().nextBlock, 1n);

      b1!.confirm();
      assert.equal((await firstDone)?.firstBlock, 1n);
      await until(() => inbox.ranges.length === 3, "all three recorded");
      assert.deepEqual(inbox.firsts(), [1n, 5n, 9n]);

      da.holdConfirmations(false);
      for (const held of da.heldSubmissions) held.confirm();
      while (await batcher.runOnce()) {}
      assertRecordedInOrder(inbox.ranges, 1n, 16n);
      await assertCovered(da, pointers.list(), chain, 1n, 16n);
    });

    it("stops reading sealed blocks when every slot is taken and reports back-pressure until the backlog drains", async () => {
      const { seen, metrics, last } = recordingMetrics();
      const log = capturingLogger();
      const inbox = createInbox();
      const { chain, da, parameters, pointers, clock } = setup({
        recorder: inbox.recorder,
        policy: { maxInFlightBatches: 2 },
      });
      const read: bigint[] = [];
      const source = {
        headBlockNumber: chain.source.headBlockNumber,
        getBlockByNumber: (number: bigint) => {
          read.push(number);
          return chain.source.getBlockByNumber(number);
        },
      };
      const batcher = createBatcher({ ...parameters, source, metrics, logger: log.logger });
      da.holdConfirmations(true);
      chain.seal(40);
      const firstDone = batcher.runOnce();
      await until(() => da.heldSubmissions.length === 2, "two batches in flight");

      const status = batcher.status();
      assert.equal(status.backPressure, true);
      assert.equal(status.backPressureReason, "inFlight");
      assert.equal(status.backPressureSince, clock.ms);
      assert.equal(status.unbatchedBlocks, 32, "blocks 9-40 are not in a submitted batch");
      assert.equal(status.pendingBlocks, 4, "only the open batch is in memory");
      const highestRead = read.reduce((a, b) => (a > b ? a : b), 0n);
      assert.ok(highestRead <= 13n, `read up to block ${highestRead}: the rest stays in the store`);
      assert.equal(last(seen.backPressure), 1);
      assert.deepEqual(seen.engaged, ["inFlight"]);
      const engaged = log.lines.filter((line) => line.message.startsWith("DA back-pressure engaged"));
      assert.equal(engaged.length, 1);
      assert.equal(engaged[0]?.level, "warn");
      assert.equal(engaged[0]?.fields.reason, "inFlight");

      // DA confirms one batch at a time: the batcher stays behind, still engaged, one engagement only.
      da.holdConfirmations(false);
      for (const held of da.heldSubmissions) held.confirm();
      assert.equal((await firstDone)?.firstBlock, 1n);
      assert.equal(batcher.status().backPressure, true);
      while (await batcher.runOnce()) {}
      assert.equal(batcher.status().backPressure, false, "released once the batcher reads up to the head");
      assert.equal(last(seen.backPressure), 0);
      assert.deepEqual(seen.engaged, ["inFlight"]);
      assert.equal(log.messages().filter((m) => m === "DA back-pressure released").length, 1);
      assert.equal(batcher.status().unbatchedBlocks, 0);
      assertRecordedInOrder(inbox.ranges, 1n, 40n);
      await assertCovered(da, pointers.list(), chain, 1n, 40n);
    });

    it("stops reading at maxPendingBytes, holding at most the bound plus one block", async () => {
      const { seen, metrics } = recordingMetrics();
      const maxPendingBytes = 64 * 1024;
      const { chain, da, parameters, pointers } = setup({
        da: createMemoryDa({ maxBlobBytes: 16 * 1024 }),
        policy: {
          maxBlocksPerBatch: 1000,
          maxBatchBytes: 24 * 1024,
          maxInFlightBatches: 8,
          maxPendingBytes,
          compression: "none",
        },
      });
      const batcher = createBatcher({ ...parameters, metrics });
      da.holdConfirmations(true);
      const blocks = chain.seal(200, 8, 120); // ~1 KB per block: ~200 KB sealed
      const blockBytes = Math.max(...blocks.map((b) => toBatchBlock(b)).map((b) => batchBlockSize(b)));
      const firstDone = batcher.runOnce();
      await until(() => batcher.status().backPressure, "back-pressure engages");
      const status = batcher.status();
      assert.equal(status.backPressureReason, "bytes");
      assert.ok(status.inFlightBatches < 8, "the bytes bound, not the slots, stopped it");
      assert.ok(status.unbatchedBlocks > 100, `${status.unbatchedBlocks} blocks wait in the store`);
      // Frames carry a little framing beyond the batch body; one block may be read past the bound.
      const slack = blockBytes + 1024 * status.inFlightBatches;
      for (const bytes of seen.pendingBytes) assert.ok(bytes <= maxPendingBytes + slack, `${bytes} bytes held`);
      assert.deepEqual(seen.engaged, ["bytes"]);

      da.holdConfirmations(false);
      for (const held of da.heldSubmissions) held.confirm();
      await firstDone;
      while (await batcher.runOnce({ force: true })) {}
      for (const bytes of seen.pendingBytes) assert.ok(bytes <= maxPendingBytes + slack, `${bytes} bytes held`);
      assert.equal(batcher.status().backPressure, false);
      await assertCovered(da, pointers.list(), chain, 1n, 200n);
    });

    it("on a permanent failure mid-pipeline, finishes the batches before it, abandons those after and halts on it", async () => {
      const inbox = createInbox();
      const daStore = createMemoryDaStore();
      const da = createMemoryDa({ store: daStore, maxBlobBytes: 64 * 1024 });
      const { chain, batcher, pointers, parameters } = setup({
        da,
        recorder: inbox.recorder,
        policy: { maxInFlightBatches: 4 },
      });
      da.holdConfirmations(true);
      chain.seal(16);
      const firstDone = batcher.runOnce();
      await until(() => da.heldSubmissions.length === 4, "four batches in flight");
      const [b1, b2, b3] = da.heldSubmissions;
      b3!.confirm(); // 9-12 confirms before the failure behind it
      await until(() => pointers.list()[2]?.status === "confirmed", "9-12 confirmed");
      b2!.fail("permanent"); // 5-8
      await until(() => pointers.list()[1]?.status === "failed", "5-8 failed");
      assert.equal(batcher.status().state, "idle", "not halted while 1-4 is still in flight");
      b1!.confirm();
      assert.equal((await firstDone)?.firstBlock, 1n, "the batch before the failure still finishes");
      await assert.rejects(batcher.runOnce(), (e) => e instanceof BatcherHaltedError && e.firstBlock === 5n);
      assert.equal(batcher.status().state, "halted");
      assert.equal(batcher.status().nextBlock, 5n);
      assert.deepEqual(inbox.firsts(), [1n], "nothing after the failed range reaches L1");
      assert.deepEqual(
        pointers.list().map((r) => r.status),
        ["recorded", "failed", "confirmed", "submitting"],
      );

      // The operator restarts: the failed range and the abandoned one are redone, the confirmed one only recorded.
      const da2 = createMemoryDa({ store: daStore, maxBlobBytes: 64 * 1024 });
      const restarted = createBatcher({ ...parameters, da: da2 });
      while (await restarted.runOnce()) {}
      assert.equal(da2.submitCount, 2, "5-8 and 13-16 resubmitted, 9-12 kept its pointers");
      assertRecordedInOrder(inbox.ranges, 1n, 16n);
      await assertCovered(da2, pointers.list(), chain, 1n, 16n);
    });

    it("after a restart with several batches in flight, resumes every range in order without overlaps", async () => {
      const inbox = createInbox();
      const daStore = createMemoryDaStore();
      const da = createMemoryDa({ store: daStore, maxBlobBytes: 64 * 1024 });
      const { chain, batcher, pointers, parameters } = setup({ da, recorder: inbox.recorder });
      da.holdConfirmations(true);
      chain.seal(18);
      const running = batcher.runOnce();
      await until(() => da.heldSubmissions.length === 4, "four batches in flight");
      const [, b2, , b4] = da.heldSubmissions;
      b2!.confirm();
      b4!.confirm();
      await until(() => pointers.list().filter((r) => r.status === "confirmed").length === 2, "2 and 4 confirmed");
      await batcher.stop();
      await assert.rejects(running);
      assert.deepEqual(
        pointers.list().map((r) => r.status),
        ["submitting", "confirmed", "submitting", "confirmed"],
      );
      assert.deepEqual(inbox.firsts(), []);

      chain.seal(6);
      const da2 = createMemoryDa({ store: daStore, maxBlobBytes: 64 * 1024 });
      const restarted = createBatcher({ ...parameters, da: da2, policy: batcherPolicySchema.parse({}) });
      assert.equal((await restarted.runOnce({ force: true }))?.firstBlock, 1n, "the oldest range first");
      while (await restarted.runOnce({ force: true })) {}
      assert.deepEqual(
        rangesOf(pointers.list()),
        [
          [1n, 4n],
          [5n, 8n],
          [9n, 12n],
          [13n, 16n],
          [17n, 24n],
        ],
        "the old ranges redone with their bounds, then a new batch",
      );
      assert.equal(da2.submitCount, 3, "1-4 and 9-12 redone, then 17-24 as a new batch");
      assertRecordedInOrder(inbox.ranges, 1n, 24n);
      await assertCovered(da2, pointers.list(), chain, 1n, 24n);
    });

    it("keeps several slow confirmations in flight in the background loop", async () => {
      const { seen, metrics } = recordingMetrics();
      const inbox = createInbox();
      const da = createMemoryDa({ maxBlobBytes: 64 * 1024, confirmationDelayMs: 20 });
      const { chain, parameters, pointers } = setup({ da, recorder: inbox.recorder });
      const batcher = createBatcher({
        ...parameters,
        metrics,
        sleep: (ms, signal) => realSleep(Math.min(ms, 2), signal),
      });
      chain.seal(16);
      batcher.start();
      await until(() => inbox.ranges.length === 4, "four batches recorded");
      await batcher.stop();
      assert.equal(Math.max(...seen.inFlight), 4, "all four went out before the first confirmed");
      assertRecordedInOrder(inbox.ranges, 1n, 16n);
      await assertCovered(da, pointers.list(), chain, 1n, 16n);
    });
  });

  it("never skips, reorders or overlaps a range under any interleaving of faults, slow and out-of-order confirmations, permanent failures and restarts", async () => {
    const often = (arbitrary: fc.Arbitrary<unknown>) => ({ arbitrary, weight: 4 });
    const sometimes = (arbitrary: fc.Arbitrary<unknown>) => ({ arbitrary, weight: 1 });
    const op = fc.oneof(
      often(fc.record({ kind: fc.constant("seal" as const), count: fc.integer({ min: 1, max: 10 }) })),
      often(fc.record({ kind: fc.constant("step" as const), force: fc.boolean() })),
      often(
        fc.record({
          kind: fc.constant("settleHeld" as const),
          pick: fc.nat(),
          outcome: fc.constantFrom("confirm", "confirm", "confirm", "transient", "permanent"),
        }),
      ),
      sometimes(fc.record({ kind: fc.constant("hold" as const), on: fc.boolean() })),
      sometimes(fc.record({ kind: fc.constant("failSubmits" as const), count: fc.integer({ min: 1, max: 3 }) })),
      sometimes(fc.record({ kind: fc.constant("failConfirmations" as const), count: fc.integer({ min: 1, max: 3 }) })),
      sometimes(fc.record({ kind: fc.constant("failRecordings" as const), count: fc.integer({ min: 1, max: 2 }) })),
      sometimes(fc.record({ kind: fc.constant("age" as const) })),
      sometimes(fc.record({ kind: fc.constant("restart" as const) })),
    ) as fc.Arbitrary<
      | { kind: "seal"; count: number }
      | { kind: "step"; force: boolean }
      | { kind: "settleHeld"; pick: number; outcome: "confirm" | "transient" | "permanent" }
      | { kind: "hold"; on: boolean }
      | { kind: "failSubmits" | "failConfirmations" | "failRecordings"; count: number }
      | { kind: "age" | "restart" }
    >;
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 10, maxLength: 40 }),
        fc.integer({ min: 300, max: 4096 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        async (ops, blob, maxInFlightBatches, holdAtStart) => {
          const daStore = createMemoryDaStore();
          const store: BatchRecordStore = createMemoryBatchRecordStore();
          const inbox = createInbox();
          let da = createMemoryDa({ store: daStore, maxBlobBytes: blob });
          const env = setup({ da, pointers: store, recorder: inbox.recorder, policy: { maxInFlightBatches } });
          let batcher = env.batcher;
          let holding = holdAtStart;
          da.holdConfirmations(holding);
          /** A step may wait on held confirmations: it runs in the background until they settle. */
          let running: Promise<unknown> = Promise.resolve();
          /** Steps queued behind a held one never reach a batcher that was replaced meanwhile. */
          let generation = 0;
          const restart = async () => {
            generation++;
            await batcher.stop();
            await running;
            await da.close();
            da = createMemoryDa({ store: daStore, maxBlobBytes: blob });
            da.holdConfirmations(holding);
            batcher = createBatcher({ ...env.parameters, da });
          };
          for (const o of ops) {
            if (o.kind === "seal") env.chain.seal(o.count, 2);
            else if (o.kind === "failSubmits") da.failNextSubmits(o.count);
            else if (o.kind === "failConfirmations") da.failNextConfirmations(o.count);
            else if (o.kind === "failRecordings") inbox.failures.count = o.count;
            else if (o.kind === "hold") {
              holding = o.on;
              da.holdConfirmations(holding);
            } else if (o.kind === "settleHeld") {
              const held = da.heldSubmissions;
              const target = held[o.pick % Math.max(1, held.length)];
              if (o.outcome === "confirm") target?.confirm();
              else target?.fail(o.outcome);
            } else if (o.kind === "step") {
              const current = { batcher, generation };
              running = running
                .then(() =>
                  current.generation === generation ? current.batcher.runOnce({ force: o.force }) : undefined,
                )
                .catch(() => undefined);
            } else if (o.kind === "age") env.clock.ms += 10_000;
            else await restart();
            // Let what the op set off (confirmations, recordings, halts) run before the next one.
            await new Promise((resolve) => setImmediate(resolve));
          }
          // Drain: no more faults, a fresh process, every batch through to L1.
          holding = false;
          da.holdConfirmations(false);
          for (const held of da.heldSubmissions) held.confirm();
          await restart();
          const head = env.chain.source.headBlockNumber();
          while (await batcher.runOnce({ force: true })) {}
          assert.equal(batcher.status().state, "idle");
          await assertCovered(da, await store.list(), env.chain, 1n, head);
          assertRecordedInOrder(inbox.ranges, 1n, head);
        },
      ),
      { numRuns: 60 },
    );
  });
});

function realSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
