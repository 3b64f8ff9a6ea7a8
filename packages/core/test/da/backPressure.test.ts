import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { BackPressure } from "../../src/da/backPressure.ts";

describe("back-pressure", () => {
  it("engages when reading stops at a bound and releases when it reaches the head again", () => {
    const pressure = new BackPressure();
    assert.equal(pressure.observe("head", 0), undefined);
    assert.deepEqual(pressure.observe("inFlight", 100), { kind: "engaged", reason: "inFlight" });
    assert.deepEqual(pressure.state, { engaged: true, reason: "inFlight", since: 100 });
    assert.equal(pressure.observe("bytes", 200), undefined, "still behind: no second engagement");
    assert.deepEqual(pressure.state, { engaged: true, reason: "bytes", since: 100 });
    assert.deepEqual(pressure.observe("head", 1_600), { kind: "released", durationMs: 1_500 });
    assert.deepEqual(pressure.state, { engaged: false });
  });

  it("forgets its state on reset", () => {
    const pressure = new BackPressure();
    pressure.observe("bytes", 5);
    pressure.reset();
    assert.deepEqual(pressure.state, { engaged: false });
    assert.equal(pressure.observe("head", 6), undefined);
  });

  it("alternates engaged and released transitions, whatever the observations", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("head", "inFlight", "bytes") as fc.Arbitrary<"head" | "inFlight" | "bytes">),
        (stops) => {
          const pressure = new BackPressure();
          const kinds: string[] = [];
          stops.forEach((stop, ms) => {
            const transition = pressure.observe(stop, ms);
            if (transition) kinds.push(transition.kind);
            assert.equal(pressure.state.engaged, stop !== "head", "engaged exactly while stopped at a bound");
          });
          for (let i = 0; i < kinds.length; i++) assert.equal(kinds[i], i % 2 === 0 ? "engaged" : "released");
        },
      ),
    );
  });
});
