import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EMPTY_TRIE_ROOT } from "../../src/chain/constants.ts";
import { keccak256Hex } from "../../src/chain/hash.ts";
import type { Address } from "../../src/chain/types.ts";
import { buildGenesisState } from "../../src/state/genesis.ts";
import { referenceStateRoot } from "./fixtures.ts";

describe("buildGenesisState", () => {
  it("has the empty root for an empty alloc", () => {
    assert.equal(buildGenesisState({ alloc: {} }).stateRoot, EMPTY_TRIE_ROOT);
  });

  it("commits balances, nonces, code and padded storage keys to the root @ethereumjs/mpt computes", async () => {
    const funded = "0xF39FD6E51AAD88F6F4CE6AB8827279CFFFB92266" as Address;
    const contract = "0x4200000000000000000000000000000000000016" as Address;
    const state = buildGenesisState({
      alloc: {
        [funded]: { balance: "0x21e19e0c9bab2400000" },
        [contract]: { balance: 0n, nonce: "0x1", code: "0x6080604052", storage: { "0x01": "0x2a" } },
      },
    });
    const lower = funded.toLowerCase() as Address;
    assert.equal(state.getAccount(lower)?.balance, 10_000n * 10n ** 18n);
    assert.equal(state.getAccount(contract)?.codeHash, keccak256Hex(Uint8Array.of(0x60, 0x80, 0x60, 0x40, 0x52)));
    assert.equal(state.getStorage(contract, `0x${"0".repeat(63)}1`), 42n);
    assert.equal(state.stateRoot, await referenceStateRoot(state.accounts(), (a) => state.storageEntries(a)));
  });
});
