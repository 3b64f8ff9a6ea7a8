import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KECCAK_EMPTY } from "../../src/chain/constants.ts";
import type { Address, Hash } from "../../src/chain/types.ts";
import { mergeStateDiffs } from "../../src/state/diffMerge.ts";

const a = "0x00000000000000000000000000000000000000aa" as Address;
const b = "0x00000000000000000000000000000000000000bb" as Address;
const slot = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as Hash;
const account = (nonce: bigint, balance: bigint) => ({ nonce, balance, codeHash: KECCAK_EMPTY });

describe("mergeStateDiffs", () => {
  it("keeps the newest account values and the union of written slots", () => {
    const merged = mergeStateDiffs([
      {
        accounts: [{ address: a, account: account(1n, 10n), storageCleared: false, storage: new Map([[slot(1), 5n]]) }],
      },
      {
        accounts: [
          {
            address: a,
            account: account(2n, 7n),
            storageCleared: false,
            storage: new Map([
              [slot(2), 6n],
              [slot(1), 8n],
            ]),
          },
          { address: b, account: null, storageCleared: false, storage: new Map() },
        ],
      },
    ]);
    assert.equal(merged.accounts.length, 2);
    const first = merged.accounts.find((entry) => entry.address === a);
    assert.deepEqual(first?.account, account(2n, 7n));
    assert.deepEqual(
      [...(first?.storage ?? [])],
      [
        [slot(1), 8n],
        [slot(2), 6n],
      ],
    );
    assert.equal(merged.accounts.find((entry) => entry.address === b)?.account, null);
  });

  it("drops slots written before a storage clear and keeps the code once set", () => {
    const code = Uint8Array.of(0x60, 0x00);
    const merged = mergeStateDiffs([
      {
        accounts: [
          { address: a, account: account(1n, 0n), code, storageCleared: false, storage: new Map([[slot(1), 1n]]) },
        ],
      },
      { accounts: [{ address: a, account: account(1n, 0n), storageCleared: true, storage: new Map([[slot(3), 3n]]) }] },
    ]);
    const entry = merged.accounts[0];
    assert.equal(entry?.storageCleared, true);
    assert.deepEqual([...(entry?.storage ?? [])], [[slot(3), 3n]]);
    assert.deepEqual(entry?.code, code);
  });

  it("keeps the slot preimages of every merged diff", () => {
    const preimage = { holder: b, base: 3n };
    const merged = mergeStateDiffs([
      { accounts: [], slotPreimages: new Map([[slot(9), preimage]]) },
      {
        accounts: [{ address: a, account: account(1n, 1n), storageCleared: false, storage: new Map([[slot(9), 1n]]) }],
      },
    ]);
    assert.deepEqual(merged.slotPreimages?.get(slot(9)), preimage);
  });

  it("returns an empty diff for no input", () => {
    assert.deepEqual(mergeStateDiffs([]), { accounts: [] });
  });
});
