import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MiniBlockEmissions, replicaLagOf } from "../../../src/node/status/index.ts";

describe("replicaLagOf", () => {
  const emissions = new MiniBlockEmissions(16);
  for (let n = 10n; n <= 20n; n++) emissions.record(n, 1_000 + Number(n - 10n) * 10);

  it("counts the mini-blocks the sequencer had emitted past the replica's newest, and how long the first had been out", () => {
    // Mini-block 16 was emitted at 1060; asked at 1100, the replica had applied up to 15.
    assert.deepEqual(replicaLagOf({ sequencerNewest: 20n, replicaMiniBlock: 15n, askedAtMs: 1_100, emissions }), {
      lagMiniBlocks: 5n,
      lagMs: 40,
    });
  });

  it("reports no lag when the replica holds the sequencer's newest (or more, applied after the ask)", () => {
    for (const replicaMiniBlock of [20n, 21n]) {
      assert.deepEqual(replicaLagOf({ sequencerNewest: 20n, replicaMiniBlock, askedAtMs: 5_000, emissions }), {
        lagMiniBlocks: 0n,
        lagMs: 0,
      });
    }
  });

  it("gives no time when the first missing mini-block is older than the emissions kept", () => {
    assert.deepEqual(replicaLagOf({ sequencerNewest: 20n, replicaMiniBlock: 3n, askedAtMs: 5_000, emissions }), {
      lagMiniBlocks: 17n,
      lagMs: undefined,
    });
  });

  it("counts a replica without any mini-block as behind from mini-block 0", () => {
    const fresh = new MiniBlockEmissions(4);
    fresh.record(0n, 100);
    fresh.record(1n, 110);
    assert.deepEqual(
      replicaLagOf({ sequencerNewest: 1n, replicaMiniBlock: undefined, askedAtMs: 150, emissions: fresh }),
      { lagMiniBlocks: 2n, lagMs: 50 },
    );
  });
});

describe("MiniBlockEmissions", () => {
  it("keeps the newest emissions up to its capacity, dropping the oldest", () => {
    const emissions = new MiniBlockEmissions(3);
    for (let n = 1n; n <= 5n; n++) emissions.record(n, Number(n) * 100);
    assert.equal(emissions.newest(), 5n);
    assert.deepEqual(
      [1n, 2n, 3n, 4n, 5n].map((n) => emissions.emittedAtMs(n)),
      [undefined, undefined, 300, 400, 500],
    );
  });
});
