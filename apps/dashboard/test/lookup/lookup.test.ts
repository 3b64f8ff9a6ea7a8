import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { StateDiff } from "../../src/api.ts";
import { lookupAccount, lookupTransaction, type NodeRpc, parseLookupQuery } from "../../src/lookup/lookup.ts";
import { ALICE, hashOf, transfer } from "../live/fixtures.ts";

/** An RPC answering from a table keyed by `method` + JSON params, recording the calls. */
function fakeRpc(answers: Record<string, unknown>): NodeRpc & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async request<T>(method: string, params: readonly unknown[] = []) {
      const key = `${method} ${JSON.stringify(params)}`;
      calls.push(key);
      if (!(key in answers)) throw new Error(`unexpected call ${key}`);
      return answers[key] as T;
    },
  };
}

const DIFF: StateDiff = {
  accounts: [
    {
      address: ALICE,
      deleted: false,
      nonce: "0x1",
      balance: "0x10",
      codeHash: null,
      storageCleared: false,
      storage: {},
    },
  ],
};

describe("parseLookupQuery", () => {
  it("tells hashes from addresses, trimmed and lowercased, and explains anything else", () => {
    assert.deepEqual(parseLookupQuery(`  ${hashOf(1).toUpperCase().replace("0X", "0x")} `), {
      kind: "transaction",
      hash: hashOf(1),
    });
    assert.deepEqual(parseLookupQuery(ALICE.toUpperCase().replace("0X", "0x")), { kind: "account", address: ALICE });
    assert.equal(parseLookupQuery("").kind, "invalid");
    assert.match((parseLookupQuery("0x1234") as { reason: string }).reason, /64 hex digits/);
  });
});

describe("lookupTransaction", () => {
  const { tx, receipt } = transfer(1);

  it("reads the transaction, its receipt and the state diff of the mini-block the page saw carry it", async () => {
    const rpc = fakeRpc({
      [`eth_getTransactionByHash ["${tx.hash}"]`]: tx,
      [`eth_getTransactionReceipt ["${tx.hash}"]`]: receipt,
      'mach_getStateDiff [{"miniBlockNumber":"0x2a"}]': DIFF,
    });
    const result = await lookupTransaction({ rpc, abis: {}, miniBlockOf: () => 42 }, tx.hash);
    assert.equal(result.transaction, tx);
    assert.equal(result.receipt, receipt);
    assert.deepEqual(result.stateDiff, { scope: "miniBlock", number: 42, diff: DIFF });
    assert.deepEqual(result.logs, []);
  });

  it("falls back to the block's state diff for a transaction the page did not see stream by", async () => {
    const rpc = fakeRpc({
      [`eth_getTransactionByHash ["${tx.hash}"]`]: tx,
      [`eth_getTransactionReceipt ["${tx.hash}"]`]: receipt,
      'mach_getStateDiff [{"blockNumber":"0x1"}]': null,
    });
    const result = await lookupTransaction({ rpc, abis: {}, miniBlockOf: () => undefined }, tx.hash);
    assert.equal(result.stateDiff, undefined);
    assert.ok(rpc.calls.includes('mach_getStateDiff [{"blockNumber":"0x1"}]'));
  });

  it("reports a pooled transaction without receipt, and an unknown hash, without asking for a diff", async () => {
    const rpc = fakeRpc({
      [`eth_getTransactionByHash ["${tx.hash}"]`]: tx,
      [`eth_getTransactionReceipt ["${tx.hash}"]`]: null,
      [`eth_getTransactionByHash ["${hashOf(9)}"]`]: null,
      [`eth_getTransactionReceipt ["${hashOf(9)}"]`]: null,
    });
    const pooled = await lookupTransaction({ rpc, abis: {}, miniBlockOf: () => 3 }, tx.hash);
    assert.equal(pooled.receipt, undefined);
    assert.equal(pooled.stateDiff, undefined);
    const unknown = await lookupTransaction({ rpc, abis: {}, miniBlockOf: () => undefined }, hashOf(9));
    assert.equal(unknown.transaction, undefined);
    assert.equal(
      rpc.calls.some((call) => call.startsWith("mach_getStateDiff")),
      false,
    );
  });
});

describe("lookupAccount", () => {
  it("reads balance, nonce and code size, and names a contract whose ABI the node knows", async () => {
    const rpc = fakeRpc({
      [`eth_getBalance ["${ALICE}","latest"]`]: "0xde0b6b3a7640000",
      [`eth_getTransactionCount ["${ALICE}","latest"]`]: "0x5",
      [`eth_getCode ["${ALICE}","latest"]`]: "0x6080604052",
    });
    assert.deepEqual(
      await lookupAccount({ rpc, abis: { [ALICE]: { name: "Thing", abi: [] } }, miniBlockOf: () => undefined }, ALICE),
      {
        kind: "account",
        address: ALICE,
        balance: 10n ** 18n,
        nonce: 5,
        codeBytes: 5,
        contractName: "Thing",
      },
    );
  });
});
