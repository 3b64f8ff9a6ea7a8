import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { startRpcServer } from "../../src/rpc/server.ts";
import { type Harness, type JsonRpcAnswer, startHarness } from "./harness.ts";

describe("rpc server envelope", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ limits: { maxBodyBytes: 64 * 1024, maxBatchSize: 5 } });
  });
  after(() => h.close());

  const parse = (text: string) => JSON.parse(text) as JsonRpcAnswer & JsonRpcAnswer[];

  it("answers malformed JSON with -32700 and id null, then keeps serving", async () => {
    const { status, text } = await h.post("{not json");
    assert.equal(status, 200);
    const answer = parse(text);
    assert.equal(answer.id, null);
    assert.equal(answer.error?.code, -32700);
    assert.equal(await h.result("eth_chainId"), "0x10e6");
  });

  it("answers non-object requests and missing fields with -32600", async () => {
    for (const body of [
      '"hello"',
      "42",
      "null",
      '{"jsonrpc":"2.0","id":1}',
      '{"jsonrpc":"1.0","id":1,"method":"eth_chainId"}',
    ]) {
      const answer = parse((await h.post(body)).text);
      assert.equal(answer.error?.code, -32600, body);
    }
    const objectId = parse((await h.post('{"jsonrpc":"2.0","id":{},"method":"eth_chainId"}')).text);
    assert.equal(objectId.error?.code, -32600);
    assert.equal(objectId.id, null);
  });

  it("answers unknown methods with -32601 in geth's words, including prototype names", async () => {
    for (const method of ["eth_nope", "__proto__", "constructor", "toString"]) {
      const answer = await h.call(method);
      assert.deepEqual(answer.error, { code: -32601, message: `the method ${method} does not exist/is not available` });
    }
  });

  it("answers object params with -32602", async () => {
    const answer = parse((await h.post('{"jsonrpc":"2.0","id":7,"method":"eth_getBalance","params":{"a":1}}')).text);
    assert.equal(answer.error?.code, -32602);
    assert.equal(answer.id, 7);
  });

  it("answers batches in order, mixing results and errors, and skips notifications", async () => {
    const body = JSON.stringify([
      { jsonrpc: "2.0", id: "a", method: "eth_chainId" },
      { jsonrpc: "2.0", id: 2, method: "eth_nope" },
      { jsonrpc: "2.0", method: "eth_blockNumber" },
      { jsonrpc: "2.0", id: 3, method: "net_version", params: [] },
    ]);
    const answers = parse((await h.post(body)).text);
    assert.deepEqual(
      answers.map((answer) => answer.id),
      ["a", 2, 3],
    );
    assert.equal(answers[0]?.result, "0x10e6");
    assert.equal(answers[1]?.error?.code, -32601);
    assert.equal(answers[2]?.result, "4326");
  });

  it("answers an empty batch with -32600 and an oversized batch with -32005", async () => {
    assert.equal(parse((await h.post("[]")).text).error?.code, -32600);
    const big = JSON.stringify(Array.from({ length: 6 }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "eth_chainId" })));
    const answer = parse((await h.post(big)).text);
    assert.equal(answer.error?.code, -32005);
    assert.match(answer.error?.message ?? "", /batch too large/);
  });

  it("answers a lone notification with 204 and no body", async () => {
    const { status, text } = await h.post('{"jsonrpc":"2.0","method":"eth_chainId"}');
    assert.equal(status, 204);
    assert.equal(text, "");
  });

  it("rejects a body over the limit with HTTP 413 and -32099, then keeps serving", async () => {
    const huge = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "eth_call",
      params: [{ data: `0x${"00".repeat(40_000)}` }],
    });
    const { status, text } = await h.post(huge);
    assert.equal(status, 413);
    assert.deepEqual(parse(text).error, { code: -32099, message: "payload too large" });
    assert.equal(await h.result("eth_chainId"), "0x10e6");
  });

  it("rejects a chunked body that grows over the limit without a content-length", async () => {
    const url = new URL(h.server.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        { host: url.hostname, port: url.port, method: "POST", headers: { "content-type": "application/json" } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      for (let i = 0; i < 10; i++) req.write("x".repeat(10_000));
      req.end();
    });
    assert.equal(status, 413);
    assert.equal(await h.result("eth_chainId"), "0x10e6");
  });

  it("answers CORS preflights and sets CORS headers on answers", async () => {
    const preflight = await fetch(h.server.url, {
      method: "OPTIONS",
      headers: { origin: "https://wallet.example", "access-control-request-headers": "content-type, x-foo" },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get("access-control-allow-origin"), "*");
    assert.equal(preflight.headers.get("access-control-allow-headers"), "content-type, x-foo");
    const { headers } = await h.post('{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}');
    assert.equal(headers.get("access-control-allow-origin"), "*");
    assert.equal(headers.get("content-type"), "application/json");
  });

  it("answers non-POST requests with 405", async () => {
    const response = await fetch(h.server.url);
    assert.equal(response.status, 405);
    await response.text();
  });

  it("rejects a start on a busy port and leaves the backend detached", async () => {
    const handlersBefore = h.backend.handlers.size;
    await assert.rejects(startRpcServer({ backend: h.backend, port: h.server.port }), /EADDRINUSE/);
    assert.equal(h.backend.handlers.size, handlersBefore);
  });

  it("never crashes and always answers well-formed JSON-RPC for arbitrary bodies", async () => {
    const methods = [
      "eth_getBalance",
      "eth_call",
      "eth_getLogs",
      "eth_feeHistory",
      "eth_getBlockByNumber",
      "eth_subscribe",
    ];
    const request = fc.record({
      jsonrpc: fc.constantFrom("2.0", "1.0", undefined),
      id: fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.object()),
      method: fc.oneof(fc.constantFrom(...methods), fc.string()),
      params: fc.oneof(fc.array(fc.jsonValue(), { maxLength: 4 }), fc.jsonValue()),
    });
    const body = fc.oneof(
      fc.string(),
      fc.jsonValue().map((value) => JSON.stringify(value)),
      request.map((value) => JSON.stringify(value)),
      fc.array(request, { minLength: 1, maxLength: 4 }).map((value) => JSON.stringify(value)),
    );
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const { status, text: answer } = await h.post(text);
        assert.ok(status === 200 || status === 204, `status ${status}`);
        if (status === 204) return;
        const parsed = JSON.parse(answer) as JsonRpcAnswer | JsonRpcAnswer[];
        for (const item of Array.isArray(parsed) ? parsed : [parsed]) {
          assert.equal(item.jsonrpc, "2.0");
          assert.ok("result" in item !== "error" in item, "exactly one of result and error");
          if (item.error) {
            assert.equal(typeof item.error.code, "number");
            assert.notEqual(item.error.code, -32603, `internal error for ${text}: ${item.error.message}`);
          }
        }
      }),
      { numRuns: 300, seed: 7 },
    );
    assert.equal(await h.result("eth_chainId"), "0x10e6");
  });
});
