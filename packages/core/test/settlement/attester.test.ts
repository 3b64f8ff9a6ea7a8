import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { keccak256Hex } from "../../src/chain/hash.ts";
import type { OutputRecord } from "../../src/settlement/outputs.ts";
import { setup } from "./harness.ts";

describe("attester", () => {
  it("attests outputs equal to its own and never one that differs; the wrong one lapses and is never finalized", async () => {
    const t = setup();
    const wrongRoot = (record: OutputRecord) =>
      record.l2BlockNumber === 4n ? keccak256Hex(new TextEncoder().encode("not the output")) : undefined;
    const proposer = t.proposerOver({ postedRoot: wrongRoot });
    await t.seal(6);
    await proposer.runOnce();
    await t.attester.runOnce();
    assert.deepEqual(
      t.attester.checked().map((c) => [c.l2BlockNumber, c.verdict]),
      [
        [6n, "attested"],
        [4n, "mismatch"],
        [2n, "attested"],
      ],
    );
    assert.ok(t.l1.attestationsSubmitted.every((a) => a.attestation.l2BlockNumber !== 4n));
    t.mineL1(2);
    await proposer.runOnce();
    assert.equal(proposer.finalizedBlock(), 6n);
    t.mineL1(2);
    await proposer.runOnce();
    assert.deepEqual(
      proposer.proposals().map((p) => [p.l2BlockNumber, p.status]),
      [
        [2n, "defenderWins"],
        [4n, "challengerWins"],
        [6n, "defenderWins"],
      ],
    );
  });

  it("waits for a game's block before checking it, and leaves alone games of blocks it holds no output of", async () => {
    const t = setup();
    await t.seal(4);
    await t.l1.proposer.proposeOutput({ l2BlockNumber: 6n, outputRoot: keccak256Hex(Uint8Array.of(6)) });
    await t.attester.runOnce();
    assert.deepEqual(t.attester.checked(), []);
    await t.seal(2);
    await t.l1.proposer.proposeOutput({ l2BlockNumber: 1000n, outputRoot: keccak256Hex(Uint8Array.of(7)) });
    await t.attester.runOnce();
    assert.deepEqual(
      t.attester.checked().map((c) => [c.l2BlockNumber, c.verdict]),
      [[6n, "mismatch"]],
    );
    for (let i = 0; i < 1000; i++) t.chain.seal();
    await t.attester.runOnce();
    assert.equal(t.attester.checked()[0]?.verdict, "unavailable");
  });
});
