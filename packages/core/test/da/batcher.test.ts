import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { type BatchBlock, decodeBatch, toBatchBlock } from "../../src/da/batch.ts";
import { type CreateBatcherParameters, createBatcher } from "../../src/da/batcher.ts";
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
import type { BatchRecorder } from "../../src/settlement/ports.ts";
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

describe("batcher", () => {
  it("packs sealed blocks into batches by count, then by age, and the pointers lead back to the blocks", async () => {
    const { chain, da, batcher, clock, pointers } = setup();
    chain.seal(10);
    assert.equal((await batcher.runOnce())?.lastBlock, 4n);
    assert.equal((await batcher.runOnce())?.lastBlock, 8n);
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

  it("reports retries, batch transitions, sizes and pending blocks through its metrics", async () => {
    const seen = {
      statuses: [] as string[],
      retries: [] as string[],
      bytes: [] as number[],
      seconds: [] as number[],
      pending: [] as number[],
    };
    const { chain, da, parameters } = setup();
    const batcher = createBatcher({
      ...parameters,
      metrics: {
        batches: { inc: ({ status }) => seen.statuses.push(status) },
        retries: { inc: ({ operation }) => seen.retries.push(operation) },
        batchBytes: { observe: (v) => seen.bytes.push(v) },
        confirmSeconds: { observe: (v) => seen.seconds.push(v) },
        pendingBlocks: { set: (v) => seen.pending.push(v) },
      },
    });
    chain.seal(6);
    da.failNextSubmits(2);
    const record = await batcher.runOnce();
    assert.deepEqual(seen.statuses, ["submitting", "confirmed"]);
    assert.deepEqual(seen.retries, ["submit", "submit"]);
    assert.deepEqual(seen.bytes, [record?.encodedBytes]);
    assert.deepEqual(seen.seconds, [0]);
    assert.deepEqual(seen.pending, [4, 0]);
    await batcher.runOnce();
    assert.deepEqual(seen.pending, [4, 0, 2]);
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
    chain.seal(8);
    await batcher.runOnce();
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
    const submitted = new Promise<void>((resolve) => {
      const poll = () => (pointers.list().length > 0 ? resolve() : setImmediate(poll));
      poll();
    });
    const running = batcher.runOnce();
    await submitted;
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
    const recorded: bigint[] = [];
    let failures = 1;
    const recorder: BatchRecorder = {
      async recordBatch(record) {
        if (failures-- > 0) throw new Error("L1 node unreachable");
        recorded.push(record.firstBlock);
        return { l1TransactionHash: `0x${"ab".repeat(32)}`, l1BlockNumber: 77n };
      },
    };
    const { chain, batcher, pointers, sleeps } = setup({ recorder });
    chain.seal(8);
    const first = await batcher.runOnce();
    await batcher.runOnce();
    assert.deepEqual(recorded, [1n, 5n]);
    assert.deepEqual(sleeps, [100], "the failed L1 write was retried once");
    assert.equal(first?.status, "recorded");
    assert.equal(first?.recording?.l1BlockNumber, 77n);
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

    // The range is on DA already: a restarted batcher records it without resubmitting, then moves on.
    fail = false;
    const da = first.da as MemoryDa;
    const submitsBefore = da.submitCount;
    const second = createBatcher(first.parameters);
    assert.equal(await second.runOnce(), undefined);
    assert.deepEqual(recorded, [1n]);
    assert.equal(da.submitCount, submitsBefore);
    assert.equal(store.list()[0]?.status, "recorded");
    assert.equal(store.list()[0]?.error, undefined);

    // A record left `confirmed` (crash between DA and L1) is recorded before anything else.
    const crashed = createMemoryBatchRecordStore();
    crashed.put({ ...store.list()[0]!, status: "confirmed" });
    const third = createBatcher({ ...first.parameters, pointers: crashed });
    assert.equal(await third.runOnce(), undefined);
    assert.deepEqual(recorded, [1n, 1n]);
    assert.equal(crashed.list()[0]?.status, "recorded");

    first.chain.seal(4);
    assert.equal((await second.runOnce())?.firstBlock, 5n);
    assert.deepEqual(recorded, [1n, 1n, 5n]);
  });

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

  it("never skips or reorders a range under any interleaving of faults, new blocks and restarts", async () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant("seal" as const), count: fc.integer({ min: 1, max: 6 }) }),
      fc.record({ kind: fc.constant("failSubmits" as const), count: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant("failConfirmations" as const), count: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant("step" as const), force: fc.boolean() }),
      fc.record({ kind: fc.constant("age" as const) }),
      fc.record({ kind: fc.constant("restart" as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 25 }), fc.integer({ min: 300, max: 4096 }), async (ops, blob) => {
        const daStore = createMemoryDaStore();
        const store: BatchRecordStore = createMemoryBatchRecordStore();
        let da = createMemoryDa({ store: daStore, maxBlobBytes: blob });
        const env = setup({ da, pointers: store });
        let batcher = env.batcher;
        for (const o of ops) {
          if (o.kind === "seal") env.chain.seal(o.count, 2);
          else if (o.kind === "failSubmits") da.failNextSubmits(o.count);
          else if (o.kind === "failConfirmations") da.failNextConfirmations(o.count);
          else if (o.kind === "step") await batcher.runOnce({ force: o.force });
          else if (o.kind === "age") env.clock.ms += 10_000;
          else {
            await batcher.stop();
            da = createMemoryDa({ store: daStore, maxBlobBytes: blob });
            batcher = createBatcher({ ...env.parameters, da });
          }
        }
        const head = env.chain.source.headBlockNumber();
        while (await batcher.runOnce({ force: true })) {}
        await assertCovered(da, await store.list(), env.chain, 1n, head);
      }),
      { numRuns: 40 },
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
