import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { OutputProposer } from "../../src/settlement/ports.ts";
import { createMemoryProposalStore } from "../../src/settlement/proposals.ts";
import { ProposerHaltedError } from "../../src/settlement/proposer.ts";
import { BOND, setup, transient } from "./harness.ts";

describe("proposer loop", () => {
  it("posts each output in block order, resolves attested games after their window, claims bonds, moves finalized", async () => {
    const t = setup();
    const proposer = t.proposerOver();
    await t.seal(4);
    await proposer.runOnce();
    assert.deepEqual(
      t.l1.proposals.map((p) => [p.l2BlockNumber, p.outputRoot]),
      [2n, 4n].map((n) => [n, t.recorder.outputAt(n)?.outputRoot]),
    );
    assert.equal(proposer.finalizedBlock(), undefined);
    await t.attester.runOnce();
    t.mineL1(1); // 12 s: still inside the 12 s challenge window
    await proposer.runOnce();
    assert.equal(proposer.finalizedBlock(), undefined);
    t.mineL1(1);
    await proposer.runOnce();
    assert.equal(proposer.finalizedBlock(), 4n);
    assert.deepEqual(
      proposer.proposals().map((p) => [p.l2BlockNumber, p.status, p.bondClaimed]),
      [
        [2n, "defenderWins", true],
        [4n, "defenderWins", true],
      ],
    );
    assert.equal(t.l1.claimedBonds(), 2n * BOND);
  });

  it("proposes an output only once its block is safe, when told what is safe", async () => {
    const t = setup();
    let safe = 0n;
    const proposer = t.proposerOver({ safeBlock: () => safe });
    await t.seal(4);
    await proposer.runOnce();
    assert.equal(t.l1.proposals.length, 0);
    safe = 3n;
    await proposer.runOnce();
    assert.deepEqual(
      t.l1.proposals.map((p) => p.l2BlockNumber),
      [2n],
    );
  });

  it("retries a transient L1 failure on the same output with backoff, never proposing a later one first", async () => {
    const t = setup();
    let failures = 2;
    const flaky: OutputProposer = {
      ...t.l1.proposer,
      proposeOutput: async (output) => {
        if (failures > 0) {
          failures--;
          throw transient();
        }
        return t.l1.proposer.proposeOutput(output);
      },
    };
    const proposer = t.proposerOver({ proposer: flaky });
    await t.seal(6);
    await proposer.runOnce();
    assert.equal(t.l1.proposals.length, 0);
    await proposer.runOnce();
    assert.equal(t.l1.proposals.length, 0, "backing off: no attempt before the delay");
    t.tick(500);
    await proposer.runOnce();
    assert.equal(t.l1.proposals.length, 0, "second failure");
    t.tick(1_000);
    await proposer.runOnce();
    assert.deepEqual(
      t.l1.proposals.map((p) => p.l2BlockNumber),
      [2n, 4n, 6n],
    );
  });

  it("halts on a permanent L1 error instead of moving past the output", async () => {
    const t = setup();
    const refusing: OutputProposer = {
      ...t.l1.proposer,
      proposeOutput: async () => {
        throw Object.assign(new Error("BadProposer"), { kind: "permanent" });
      },
    };
    const proposer = t.proposerOver({ proposer: refusing });
    await t.seal(4);
    await assert.rejects(proposer.runOnce(), ProposerHaltedError);
    assert.equal(proposer.state(), "halted");
    const halted = await proposer.halted;
    assert.equal(halted.l2BlockNumber, 2n);
    await proposer.runOnce();
    assert.deepEqual(
      proposer.proposals().map((p) => p.status),
      ["pending", "pending"],
    );
  });

  it("moves on when a game lapses unattested: the same root is not posted again, the next output finalizes", async () => {
    const t = setup();
    const proposer = t.proposerOver();
    await t.seal(2);
    await proposer.runOnce();
    t.mineL1(4); // 48 s: block 2's game passed its 36 s attestation window unattested
    await t.seal(2);
    await proposer.runOnce();
    await t.attester.runOnce();
    assert.deepEqual(
      t.attester.checked().map((c) => [c.l2BlockNumber, c.verdict]),
      [
        [4n, "attested"],
        [2n, "closed"],
      ],
    );
    t.mineL1(2);
    await proposer.runOnce();
    assert.deepEqual(
      proposer.proposals().map((p) => [p.l2BlockNumber, p.status]),
      [
        [2n, "challengerWins"],
        [4n, "defenderWins"],
      ],
    );
    assert.equal(proposer.finalizedBlock(), 4n);
    assert.equal(t.l1.proposals.filter((p) => p.l2BlockNumber === 2n).length, 1);
    assert.equal(t.l1.claimedBonds(), 2n * BOND, "a lapsed game's bond comes back too");
  });

  it("resumes from its store after a restart without posting an output twice", async () => {
    const store = createMemoryProposalStore();
    const t = setup({ proposalStore: store });
    await t.seal(2);
    await t.proposerOver().runOnce();
    await t.seal(2);
    const restarted = t.proposerOver();
    await restarted.runOnce();
    assert.deepEqual(
      t.l1.proposals.map((p) => p.l2BlockNumber),
      [2n, 4n],
    );
    assert.deepEqual(
      restarted.proposals().map((p) => [p.l2BlockNumber, p.status]),
      [
        [2n, "proposed"],
        [4n, "proposed"],
      ],
    );
  });
});
