/** The L1 blocks derivation used: the first L2 block built on each, a bound on how many are kept, what is gone. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Hash } from "../../src/chain/types.ts";
import { L1Lineage } from "../../src/derivation/l1Lineage.ts";

const hash = (n: number, fork = 0): Hash => `0x${(fork * 1_000 + n).toString(16).padStart(64, "0")}`;

describe("L1Lineage", () => {
  it("keeps the first L2 block built on each L1 block, and rejected records with none", () => {
    const lineage = new L1Lineage();
    lineage.use(1n, hash(1), 5n);
    lineage.use(1n, hash(1), 3n);
    lineage.use(1n, hash(1), 9n);
    lineage.use(2n, hash(2), undefined);
    lineage.use(3n, hash(3), undefined);
    lineage.use(3n, hash(3), 12n);
    assert.deepEqual(lineage.used(), [
      { number: 1n, hash: hash(1), firstL2Block: 3n },
      { number: 2n, hash: hash(2), firstL2Block: undefined },
      { number: 3n, hash: hash(3), firstL2Block: 12n },
    ]);
  });

  it("keeps only the newest L1 blocks up to its capacity", () => {
    const lineage = new L1Lineage(3);
    for (let n = 1; n <= 5; n++) lineage.use(BigInt(n), hash(n), BigInt(10 * n));
    assert.deepEqual(
      lineage.used().map((b) => b.number),
      [3n, 4n, 5n],
    );
  });

  it("finds the oldest used L1 block that is gone and the first L2 block built on one, reading down to the fork", async () => {
    const lineage = new L1Lineage();
    for (let n = 1; n <= 6; n++) lineage.use(BigInt(n), hash(n), n === 5 ? undefined : BigInt(10 * n));
    const reads: bigint[] = [];
    // L1 replaced blocks 4 and up.
    const gone = await lineage.gone(async (number) => {
      reads.push(number);
      return number >= 4n ? hash(Number(number), 1) : hash(Number(number));
    });
    assert.equal(gone.oldestGone?.number, 4n);
    assert.equal(gone.firstAffectedL2Block, 40n);
    assert.deepEqual(reads, [6n, 5n, 4n, 3n], "stops at the first block L1 still has");
    assert.deepEqual(await lineage.gone(async (number) => hash(Number(number))), {
      oldestGone: undefined,
      firstAffectedL2Block: undefined,
    });
  });
});
