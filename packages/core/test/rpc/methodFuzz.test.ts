import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { bytesToHex } from "viem";
import { toQuantity } from "../../src/rpc/format.ts";
import { rpcMethods } from "../../src/rpc/methods/index.ts";
import { LOG_EMITTER, PING_TOPIC } from "./fakeBackend.ts";
import { type Harness, type JsonRpcAnswer, seedChain, startHarness } from "./harness.ts";

describe("rpc methods under fuzzed params", () => {
  let h: Harness;
  let scalar: fc.Arbitrary<unknown>;
  before(async () => {
    h = await startHarness({
      limits: { sendRawTransactionSyncDefaultTimeoutMs: 10, sendRawTransactionSyncMaxTimeoutMs: 10 },
    });
    const seeded = await seedChain(h);
    scalar = fc.oneof(
      fc.constantFrom<unknown>(
        "latest",
        "pending",
        "safe",
        "finalized",
        "earliest",
        "0x0",
        "0x1",
        "0x2",
        "0xffffffffffffffff",
        "0x10000000000000000",
        h.aliceAddress,
        LOG_EMITTER,
        PING_TOPIC,
        seeded.block1.hash,
        seeded.ping,
        "0x",
        "0x01",
        true,
        false,
        null,
        0,
        1,
        -1,
        1.5,
        1e30,
        "callTracer",
      ),
      fc.uint8Array({ maxLength: 40 }).map((bytes) => bytesToHex(bytes)),
      fc.bigInt({ min: 0n, max: 1n << 70n }).map((value) => toQuantity(value)),
      fc.jsonValue({ maxDepth: 2 }),
    );
  });
  after(() => h.close());

  it("never answers an internal error (-32603) and keeps serving, for every method", async () => {
    const keys = [
      "from",
      "to",
      "data",
      "input",
      "gas",
      "value",
      "fromBlock",
      "toBlock",
      "address",
      "topics",
      "blockHash",
      "blockNumber",
      "tracer",
      "balance",
      "miniBlockNumber",
    ];
    const object = fc.dictionary(fc.constantFrom(...keys), scalar, { maxKeys: 4 });
    const param = fc.oneof(
      scalar,
      object,
      fc.array(scalar, { maxLength: 3 }),
      fc.dictionary(fc.constantFrom(h.aliceAddress, LOG_EMITTER), object),
    );
    const methods = Object.keys(rpcMethods);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...methods), fc.array(param, { maxLength: 4 }), async (method, params) => {
        const answer: JsonRpcAnswer = await h.call(method, params);
        if (answer.error) {
          assert.notEqual(answer.error.code, -32603, `${method}(${JSON.stringify(params)}): ${answer.error.message}`);
          assert.ok(answer.error.message.length > 0);
        }
      }),
      { numRuns: 500, seed: 42 },
    );
    assert.equal(await h.result("eth_chainId"), "0x10e6");
  });
});
