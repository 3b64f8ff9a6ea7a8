import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ReplicaLag } from "../src/api.ts";
import { attestationVerdict, replicaLagText } from "../src/roles.ts";

const answered: ReplicaLag = {
  id: "replica",
  headBlockNumber: "0x10",
  miniBlockNumber: "0x4e2",
  lagMiniBlocks: "0x3",
  lagMs: 42,
  updatedAt: 1_000,
  error: null,
};

describe("the roles panel's lines", () => {
  it("states a replica's lag in mini-blocks and time, and when it cannot", () => {
    assert.equal(replicaLagText(answered), "3 mini-blocks behind · 42.0 ms");
    assert.equal(replicaLagText({ ...answered, lagMiniBlocks: "0x0", lagMs: 0 }), "caught up");
    assert.equal(replicaLagText({ ...answered, lagMs: null }), "3 mini-blocks behind · longer than the node remembers");
    assert.equal(
      replicaLagText({ ...answered, error: "fetch failed" }),
      "3 mini-blocks behind · 42.0 ms (unreachable now)",
    );
    const never = { ...answered, headBlockNumber: null, miniBlockNumber: null, lagMiniBlocks: null, lagMs: null };
    assert.equal(replicaLagText({ ...never, error: null }), "not asked yet");
    assert.equal(replicaLagText({ ...never, error: "fetch failed" }), "unreachable");
  });

  it("says whether a prover's output root agrees with the node's own", () => {
    assert.equal(attestationVerdict(true), "agrees");
    assert.equal(attestationVerdict(false), "disagrees");
    assert.equal(attestationVerdict(null), "no own output there");
  });
});
