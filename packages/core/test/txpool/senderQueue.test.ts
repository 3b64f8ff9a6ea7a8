import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { cost, effectiveTip, type PoolEntry, type PoolTransaction, SenderQueue } from "../../src/txpool/senderQueue.ts";

/** An entry with what the queue reads: nonce, fees, gas, value and the in-flight mark. */
function entry(nonce: bigint, feeLevel: bigint, inFlight = false, value = 0n): PoolEntry {
  const tx = {
    type: 2,
    nonce,
    gasLimit: 21_000n,
    maxFeePerGas: 10n * feeLevel,
    maxPriorityFeePerGas: feeLevel,
    value,
  } as unknown as PoolTransaction;
  return { tx, arrival: 0, addedMs: 0, inFlight };
}

describe("SenderQueue", () => {
  it("keeps its pending run and cost sum through puts, removals and nonce moves", () => {
    const queue = new SenderQueue(3n);
    const dropped: bigint[] = [];
    const drop = (e: PoolEntry) => dropped.push(e.tx.nonce);
    const at3 = entry(3n, 1n);
    queue.put(at3);
    queue.put(entry(5n, 1n));
    assert.equal(queue.runEnd, 4n);
    assert.equal(queue.statusOf(5n), "queued");
    queue.put(entry(4n, 1n));
    assert.equal(queue.runEnd, 6n);
    assert.equal(queue.pendingCount, 3);
    assert.equal(queue.costSum, 3n * 210_000n);
    // A replacement at a held nonce swaps its cost.
    queue.put(entry(4n, 2n, false, 7n));
    assert.equal(queue.costSum, 2n * 210_000n + 420_000n + 7n);
    assert.equal(queue.remove(entry(3n, 1n)), false, "only the entry held at its nonce is removed");
    queue.advanceNonce(5n, drop);
    assert.deepEqual(dropped, [3n, 4n]);
    assert.equal(queue.nonce, 5n);
    assert.equal(queue.runEnd, 6n);
    assert.equal(queue.costSum, 210_000n);
    assert.equal(queue.remove(queue.get(5n) as PoolEntry), true);
    assert.equal(queue.runEnd, 5n);
    assert.equal(queue.size, 0);
  });

  it("names the evictable tail: the highest nonce not in flight, with nothing held above it", () => {
    const queue = new SenderQueue(0n);
    queue.put(entry(0n, 1n, true));
    assert.equal(queue.evictableTail(), undefined, "in flight");
    queue.put(entry(1n, 1n));
    queue.put(entry(2n, 1n, true));
    assert.equal(queue.evictableTail(), undefined, "nonce 1 has nonce 2 above it");
    queue.put(entry(3n, 1n));
    assert.equal(queue.evictableTail()?.tx.nonce, 3n);
  });

  it("computes the effective tip at a base fee as min(tip cap, fee cap − base fee)", () => {
    const tx = entry(0n, 2n).tx; // fee cap 20, tip cap 2
    assert.equal(effectiveTip(tx, 10n), 2n);
    assert.equal(effectiveTip(tx, 19n), 1n);
  });

  it("agrees with a model recomputed from its entries under random puts, removals and nonce moves", () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant("put" as const), nonce: fc.nat(9), level: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant("remove" as const), nonce: fc.nat(9) }),
      fc.record({ kind: fc.constant("advance" as const), by: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ kind: fc.constant("flight" as const), nonce: fc.nat(9) }),
    );
    fc.assert(
      fc.property(fc.nat(3), fc.array(op, { maxLength: 40 }), fc.nat(12), (start, ops, probe) => {
        const queue = new SenderQueue(BigInt(start));
        const model = new Map<bigint, PoolEntry>();
        let nonce = BigInt(start);
        for (const o of ops) {
          if (o.kind === "put") {
            const n = BigInt(o.nonce);
            if (n < nonce) continue; // the pool never places a nonce below the sender's
            const e = entry(n, BigInt(o.level));
            queue.put(e);
            model.set(n, e);
          } else if (o.kind === "remove") {
            const held = model.get(BigInt(o.nonce));
            if (held === undefined) continue;
            assert.equal(queue.remove(held), true);
            model.delete(BigInt(o.nonce));
          } else if (o.kind === "flight") {
            const held = model.get(BigInt(o.nonce));
            if (held !== undefined) held.inFlight = !held.inFlight;
          } else {
            const to = nonce + BigInt(o.by);
            const dropped: bigint[] = [];
            queue.advanceNonce(to, (e) => dropped.push(e.tx.nonce));
            const expected = [...model.keys()].filter((n) => n < to).sort((a, b) => (a < b ? -1 : 1));
            assert.deepEqual(
              dropped.sort((a, b) => (a < b ? -1 : 1)),
              expected,
            );
            for (const n of expected) model.delete(n);
            nonce = to;
          }
          let runEnd = nonce;
          while (model.has(runEnd)) runEnd++;
          assert.equal(queue.nonce, nonce);
          assert.equal(queue.runEnd, runEnd);
          assert.equal(queue.size, model.size);
          assert.equal(queue.pendingCount, Number(runEnd - nonce));
          assert.equal(
            queue.costSum,
            [...model.values()].reduce((sum, e) => sum + cost(e.tx), 0n),
          );
        }
        // Reads at a state nonce the queue was not told of (`probe`), as admission makes them.
        const stateNonce = BigInt(probe);
        const from = stateNonce > nonce ? stateNonce : nonce;
        let end = from;
        while (model.has(end)) end++;
        assert.equal(queue.runEndFrom(from), end);
        const live = [...model.keys()].filter((n) => n >= stateNonce);
        const stale = [...model.entries()].filter(([n]) => n < stateNonce);
        if (stateNonce >= nonce) {
          assert.equal(queue.queuedCount(stateNonce), live.filter((n) => n > end).length);
          assert.equal(queue.wouldQueue(stateNonce, end + 1n), true);
          assert.equal(queue.wouldQueue(stateNonce, end), false);
        }
        assert.equal(
          queue.staleCost(stateNonce),
          stateNonce > nonce ? stale.reduce((sum, [, e]) => sum + cost(e.tx), 0n) : 0n,
        );
        let available: PoolEntry | undefined;
        for (let n = nonce; model.has(n); n++) {
          if (!(model.get(n) as PoolEntry).inFlight) {
            available = model.get(n);
            break;
          }
        }
        assert.equal(queue.nextAvailable(nonce), available);
        const notInFlight = [...model.values()].filter((e) => !e.inFlight);
        const top = notInFlight.reduce<PoolEntry | undefined>(
          (t, e) => (t === undefined || e.tx.nonce > t.tx.nonce ? e : t),
          undefined,
        );
        assert.equal(queue.evictableTail(), top !== undefined && !model.has(top.tx.nonce + 1n) ? top : undefined);
      }),
      { numRuns: 1_000, seed: 7 },
    );
  });
});
