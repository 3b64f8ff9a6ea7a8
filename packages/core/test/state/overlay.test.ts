import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { KECCAK_EMPTY } from "../../src/chain/constants.ts";
import { keccak256Hex } from "../../src/chain/hash.ts";
import { applyStateOverrides, InvalidStateOverrideError, OverlayState } from "../../src/state/overlay.ts";
import { WorldState } from "../../src/state/worldState.ts";
import { address, prng, randomWrite, slot } from "./fixtures.ts";

function snapshotReads(state: {
  getAccount: WorldState["getAccount"];
  getStorage: WorldState["getStorage"];
  getCode: WorldState["getCode"];
}) {
  const out: unknown[] = [];
  for (let i = 1; i <= 12; i++) {
    const a = address(i);
    out.push(state.getAccount(a), Buffer.from(state.getCode(a)).toString("hex"));
    for (let s = 0; s < 10; s++) out.push(state.getStorage(a, slot(s)));
  }
  return out;
}

describe("OverlayState", () => {
  it("reads like a world state given the same writes, and never writes to its base", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        const random = prng(seed);
        const base = new WorldState();
        for (let i = 0; i < 40; i++) randomWrite(random, [base], 12, 10, true);
        const baseRoot = base.commit();
        const expected = new WorldState();
        for (const [a, account] of base.accounts()) {
          expected.putAccount(a, account);
          const code = base.getCode(a);
          if (code.length > 0) expected.putCode(a, code);
          for (const [s, v] of base.storageEntries(a)) expected.putStorage(a, s, v);
        }
        const overlay = new OverlayState(base);
        for (let i = 0; i < 40; i++) randomWrite(random, [overlay, expected], 12, 10, true);
        assert.deepEqual(snapshotReads(overlay), snapshotReads(expected));
        assert.equal(base.commit(), baseRoot);
        overlay.flushInto(base);
        assert.equal(base.commit(), expected.commit());
      }),
      { seed: 5, numRuns: 60 },
    );
  });

  it("applies eth_call overrides: balance, nonce, code, state replaces storage, stateDiff patches it", () => {
    const base = new WorldState();
    const a = address(1);
    const b = address(2);
    base.putAccount(a, { nonce: 3n, balance: 10n, codeHash: KECCAK_EMPTY });
    base.putStorage(a, slot(1), 1n);
    base.putStorage(a, slot(2), 2n);
    base.putStorage(b, slot(1), 1n);
    base.putStorage(b, slot(2), 2n);
    const overlay = new OverlayState(base);
    applyStateOverrides(overlay, {
      [a]: { balance: 99n, code: "0x6001", state: { [slot(2)]: "0x05" } },
      [b]: { nonce: 4n, stateDiff: new Map([[slot(2), 7n]]) },
    });
    assert.deepEqual(overlay.getAccount(a), {
      nonce: 3n,
      balance: 99n,
      codeHash: keccak256Hex(Uint8Array.of(0x60, 0x01)),
    });
    assert.deepEqual(overlay.getCode(a), Uint8Array.of(0x60, 0x01));
    assert.equal(overlay.getStorage(a, slot(1)), 0n);
    assert.equal(overlay.getStorage(a, slot(2)), 5n);
    assert.equal(overlay.getAccount(b)?.nonce, 4n);
    assert.equal(overlay.getStorage(b, slot(1)), 1n);
    assert.equal(overlay.getStorage(b, slot(2)), 7n);
    assert.equal(base.getAccount(a)?.balance, 10n);
    assert.throws(() => applyStateOverrides(overlay, { [a]: { state: {}, stateDiff: {} } }), InvalidStateOverrideError);
  });
});
