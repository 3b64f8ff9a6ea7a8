import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type BenchPlan,
  buildRunWorkloads,
  endToEndSenderSets,
  FULL_PLAN,
  partitionSenders,
  QUICK_PLAN,
} from "../src/plan.ts";
import { createRng } from "../src/random.ts";
import { LATENCY_METHODS } from "../src/suites/endToEnd.ts";
import type { SignedWorkload } from "../src/workloads/signing.ts";
import { createWorld } from "../src/workloads/world.ts";

const senders = (w: SignedWorkload) => new Set(w.txs.map((t) => t.sender));

describe("partitionSenders", () => {
  it("draws disjoint sets of the requested sizes", () => {
    const sets = partitionSenders(50, [10, 5, 5, 20], createRng(1, "t"));
    assert.deepEqual(
      sets.map((s) => s.length),
      [10, 5, 5, 20],
    );
    const all = sets.flat();
    assert.equal(new Set(all).size, all.length);
    for (const i of all) assert.ok(i >= 0 && i < 50);
  });

  it("refuses sets that need more accounts than the world has", () => {
    assert.throws(() => partitionSenders(10, [6, 5], createRng(1, "t")), RangeError);
  });

  it("fits both plans' end-to-end sender sets into their worlds, with at least 1,000 throughput senders in full", () => {
    for (const plan of [QUICK_PLAN, FULL_PLAN]) {
      const total = endToEndSenderSets(plan).reduce((a, b) => a + b, 0);
      assert.ok(total <= plan.accounts, `${plan.mode}: ${total} senders for ${plan.accounts} accounts`);
    }
    assert.ok(FULL_PLAN.endToEnd.throughputSenders >= 1_000);
    assert.ok(FULL_PLAN.endToEnd.throughputTransactions >= 30_000);
  });
});

describe("buildRunWorkloads (end to end)", () => {
  const plan: BenchPlan = {
    ...QUICK_PLAN,
    accounts: 60,
    endToEnd: {
      ...QUICK_PLAN.endToEnd,
      throughputTransactions: 40,
      throughputSenders: 20,
      lightTransactions: 6,
      lightSenders: 3,
      halfPeakTransactions: 10,
      halfPeakSenders: 5,
    },
  };
  const world = createWorld(2, plan.accounts);
  const meter = { add() {} };
  const phases = buildRunWorkloads(world, plan, 9, meter, new Set(["e2e"])).endToEnd;

  it("gives every latency phase senders of its own, apart from the throughput senders", () => {
    assert.ok(phases !== undefined);
    const t = phases.throughput;
    const throughput = new Set([t.httpNative, t.httpErc20, t.wsNative, t.wsErc20].flatMap((w) => [...senders(w)]));
    assert.equal(throughput.size, 20);
    const latency = [
      ...LATENCY_METHODS.flatMap((m) => [phases.light[m].native, phases.light[m].erc20]),
      phases.halfPeak.native,
      phases.halfPeak.erc20,
    ];
    const seen = new Set(throughput);
    for (const workload of latency) {
      for (const sender of senders(workload)) {
        assert.equal(seen.has(sender), false, `sender ${sender} is in two phases`);
      }
      for (const sender of senders(workload)) seen.add(sender);
    }
  });

  it("starts every latency phase's nonces at 0, so a node can run it whatever it skipped before", () => {
    assert.ok(phases !== undefined);
    for (const workload of [phases.halfPeak.erc20, phases.light.eth_sendRawTransactionSync.erc20]) {
      const first = new Map<number, bigint>();
      for (const { sender, tx } of workload.txs) if (!first.has(sender)) first.set(sender, tx.nonce);
      assert.deepEqual(new Set(first.values()), new Set([0n]));
    }
    assert.equal(phases.halfPeak.native.raw.length, 10);
    assert.equal(phases.light.realtime_sendRawTransaction.native.raw.length, 6);
  });
});
