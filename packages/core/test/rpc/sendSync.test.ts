import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Hex } from "viem";
import { PENDING_BLOCK_HASH } from "../../src/rpc/format.ts";
import { type Harness, startHarness } from "./harness.ts";

type Obj = Record<string, unknown>;

describe("eth_sendRawTransactionSync and realtime_sendRawTransaction", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      limits: { sendRawTransactionSyncDefaultTimeoutMs: 200, sendRawTransactionSyncMaxTimeoutMs: 300 },
    });
  });
  after(() => h.close());

  async function nextNonce(): Promise<number> {
    return (
      Number(await h.result<string>("eth_getTransactionCount", [h.aliceAddress, "latest"])) + h.backend.pool.length
    );
  }

  it("answers with the receipt once the transaction's mini-block is sealed", async () => {
    h.backend.autoSeal = true;
    try {
      const raw = await h.signTransfer({ nonce: await nextNonce() });
      const receipt = await h.result<Obj>("eth_sendRawTransactionSync", [raw]);
      assert.equal(receipt.status, "0x1");
      assert.equal(receipt.blockHash, PENDING_BLOCK_HASH);
      assert.equal(receipt.blockNumber, "0x1");
      assert.equal(receipt.from, h.aliceAddress);
      const alias = await h.result<Obj>("realtime_sendRawTransaction", [
        await h.signTransfer({ nonce: await nextNonce() }),
        "0x3e8",
      ]);
      assert.equal(alias.status, "0x1");
      assert.equal(alias.transactionIndex, "0x1");
    } finally {
      h.backend.autoSeal = false;
    }
  });

  it("finds a receipt sealed between admission and waiting", async () => {
    const raw = await h.signTransfer({ nonce: await nextNonce() });
    const original = h.backend.sendRawTransaction.bind(h.backend);
    h.backend.sendRawTransaction = async (bytes) => {
      const submitted = await original(bytes);
      h.backend.sealMiniBlock();
      return submitted;
    };
    try {
      const receipt = await h.result<Obj>("eth_sendRawTransactionSync", [raw, 100]);
      assert.equal(receipt.status, "0x1");
    } finally {
      h.backend.sendRawTransaction = original;
    }
  });

  it("times out with EIP-7966 code 4 and the transaction hash as data; the transaction stays pending", async () => {
    const raw = await h.signTransfer({ nonce: await nextNonce() });
    const answer = await h.call("eth_sendRawTransactionSync", [raw, 20]);
    assert.equal(answer.error?.code, 4);
    const hash = answer.error?.data as Hex;
    assert.match(hash, /^0x[0-9a-f]{64}$/);
    assert.equal(((await h.result<Obj>("eth_getTransactionByHash", [hash])) as Obj).hash, hash);
    h.backend.sealMiniBlock();
    assert.equal((await h.result<Obj>("eth_getTransactionReceipt", [hash])).status, "0x1");
  });

  it("realtime_sendRawTransaction times out with MegaETH's message under code 4", async () => {
    const answer = await h.call("realtime_sendRawTransaction", [
      await h.signTransfer({ nonce: await nextNonce() }),
      20,
    ]);
    assert.equal(answer.error?.code, 4);
    assert.equal(answer.error?.message, "realtime transaction expired");
    h.backend.sealMiniBlock();
  });

  it("caps the timeout at the configured maximum", async () => {
    const answer = await h.call("eth_sendRawTransactionSync", [
      await h.signTransfer({ nonce: await nextNonce() }),
      3_600_000,
    ]);
    assert.equal(answer.error?.code, 4);
    h.backend.sealMiniBlock();
  });

  it("answers a nonce gap with code 5, the expected nonce as data and a message saying the transaction is kept", async () => {
    const expected = await nextNonce();
    const answer = await h.call("eth_sendRawTransactionSync", [await h.signTransfer({ nonce: expected + 3 })]);
    assert.equal(answer.error?.code, 5);
    assert.equal(answer.error?.data, `0x${expected.toString(16)}`);
    assert.match(answer.error?.message ?? "", new RegExp(`added to the transaction pool .* from nonce ${expected} `));
  });

  it("answers validation failures exactly as eth_sendRawTransaction does", async () => {
    const stale = await h.signTransfer({ nonce: 0 });
    const plain = await h.call("eth_sendRawTransaction", [stale]);
    const sync = await h.call("eth_sendRawTransactionSync", [stale]);
    assert.deepEqual(sync.error, plain.error);
    assert.equal(sync.error?.code, -32000);
    const garbage = await h.call("eth_sendRawTransactionSync", ["0x01"]);
    assert.equal(garbage.error?.code, -32602);
    const badTimeout = await h.call("eth_sendRawTransactionSync", [stale, -5]);
    assert.equal(badTimeout.error?.code, -32602);
    assert.match(badTimeout.error?.message ?? "", /invalid argument 1 \(timeoutMs\)/);
  });
});
