/**
 * The server's bounds against careless or hostile clients: read executions per connection and in total (-32005 at
 * once, not a queue), the EVM deadline and client disconnects reaching the execution, connections per IP,
 * slowloris headers, subscriptions across the node, and wire details (ids past 2^53, `0X` quantities).
 */
import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, afterEach, before, describe, it } from "node:test";
import { WebSocket } from "ws";
import type { ExecutionResult } from "../../src/execution/types.ts";
import type { CallParameters } from "../../src/rpc/backend.ts";
import { type Harness, type JsonRpcAnswer, startHarness } from "./harness.ts";

/** A WebSocket that answers one call at a time (enough for these checks). */
async function openWebSocket(url: string) {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  let id = 0;
  return {
    call(method: string, params: unknown[]): Promise<JsonRpcAnswer> {
      const requestId = ++id;
      return new Promise((resolve) => {
        const onMessage = (data: unknown) => {
          const answer = JSON.parse(String(data)) as JsonRpcAnswer;
          if (answer.id !== requestId) return;
          ws.off("message", onMessage);
          resolve(answer);
        };
        ws.on("message", onMessage);
        ws.send(JSON.stringify({ jsonrpc: "2.0", id: requestId, method, params }));
      });
    },
    close: () => ws.close(),
  };
}

const CALL = { to: "0x00000000000000000000000000000000000000c0" };

/** Makes `backend.call` hang until its signal aborts; returns the reasons it saw. */
function hangCalls(h: Harness): { reasons: unknown[]; started: () => number; restore: () => void } {
  const original = h.backend.call.bind(h.backend);
  const reasons: unknown[] = [];
  let started = 0;
  h.backend.call = (parameters: CallParameters): Promise<ExecutionResult> => {
    started++;
    return new Promise((_, reject) => {
      parameters.signal?.addEventListener("abort", () => {
        reasons.push(parameters.signal?.reason);
        reject(parameters.signal?.reason);
      });
    });
  };
  return { reasons, started: () => started, restore: () => (h.backend.call = original) };
}

describe("read execution bounds", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      limits: { maxConcurrentReads: 3, maxConcurrentReadsPerConnection: 2, evmTimeoutMs: 300 },
    });
  });
  after(() => h.close());

  it("answers a call past the per-connection bound with -32005 at once, and the rest time out as geth says", async () => {
    const hang = hangCalls(h);
    try {
      const body = JSON.stringify([1, 2, 3].map((id) => ({ jsonrpc: "2.0", id, method: "eth_call", params: [CALL] })));
      const { text } = await h.post(body);
      const answers = JSON.parse(text) as { id: number; error: { code: number; message: string } }[];
      assert.equal(hang.started(), 2);
      assert.deepEqual(
        answers.map((answer) => answer.error.code),
        [-32000, -32000, -32005],
      );
      assert.equal(answers[0]?.error.message, "execution aborted (timeout = 0.3s)");
      assert.match(answers[2]?.error.message ?? "", /too many concurrent executions on this connection \(max 2\)/);
    } finally {
      hang.restore();
    }
  });

  it("answers past the total bound with -32005 across connections", async () => {
    const hang = hangCalls(h);
    try {
      // Separate connections (no keep-alive reuse) so only the total bound applies.
      const send = () =>
        fetch(h.server.url, {
          method: "POST",
          headers: { "content-type": "application/json", connection: "close" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_call", params: [CALL] }),
        }).then(async (response) => (await response.json()) as { error: { code: number } });
      const answers = await Promise.all([send(), send(), send(), send()]);
      const codes = answers.map((answer) => answer.error.code).sort();
      assert.deepEqual(codes, [-32005, -32000, -32000, -32000].sort());
    } finally {
      hang.restore();
    }
  });

  it("aborts a running execution when its client disconnects", async () => {
    const hang = hangCalls(h);
    try {
      const controller = new AbortController();
      const request = fetch(h.server.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_call", params: [CALL] }),
        signal: controller.signal,
      });
      while (hang.started() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      controller.abort();
      await assert.rejects(request);
      while (hang.reasons.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      assert.match(String((hang.reasons[0] as Error).message), /client disconnected/);
    } finally {
      hang.restore();
    }
  });
});

describe("connection bounds", () => {
  let h: Harness;
  const sockets: ReturnType<typeof connect>[] = [];
  before(async () => {
    h = await startHarness({ limits: { maxConnectionsPerIp: 3 } });
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.destroy();
  });
  after(() => h.close());

  const open = () =>
    new Promise<ReturnType<typeof connect>>((resolve) => {
      const socket = connect(h.server.port, "127.0.0.1", () => resolve(socket));
      sockets.push(socket);
    });
  const closed = (socket: ReturnType<typeof connect>) =>
    new Promise<void>((resolve) => {
      if (socket.destroyed || socket.readableEnded) resolve();
      socket.once("close", () => resolve());
    });

  it("closes connections from one IP past maxConnectionsPerIp and serves those within it", async () => {
    const [first] = await Promise.all([open(), open(), open()]);
    const fourth = await open();
    await closed(fourth);
    assert.ok(fourth.destroyed || fourth.readableEnded);
    const body = '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}';
    let answer = "";
    first?.on("data", (chunk) => (answer += chunk.toString()));
    first?.write(
      `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    while (!answer.includes('"result"')) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.match(answer, /^HTTP\/1\.1 200/);
  });
});

describe("subscription bounds", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ limits: { maxSubscriptions: 2 } });
  });
  after(() => h.close());

  it("refuses subscriptions past maxSubscriptions across connections", async () => {
    const first = await openWebSocket(h.server.wsUrl);
    const second = await openWebSocket(h.server.wsUrl);
    try {
      assert.ok((await first.call("eth_subscribe", ["newHeads"])).result);
      assert.ok((await second.call("eth_subscribe", ["newHeads"])).result);
      const third = await second.call("eth_subscribe", ["newHeads"]);
      assert.equal(third.error?.code, -32005);
      assert.match(third.error?.message ?? "", /too many subscriptions on this node \(max 2\)/);
    } finally {
      first.close();
      second.close();
    }
  });
});

describe("slowloris", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ limits: { headersTimeoutMs: 200 } });
  });
  after(() => h.close());

  it("answers 408 and closes a connection whose headers do not arrive within headersTimeoutMs", async () => {
    const slow = connect(h.server.port, "127.0.0.1");
    let answer = "";
    slow.on("data", (chunk) => (answer += chunk.toString()));
    slow.write("POST / HTTP/1.1\r\nHost: x\r\n");
    await new Promise<void>((resolve) => slow.once("close", () => resolve()));
    assert.match(answer, /^HTTP\/1\.1 408/);
  });
});

describe("wire details geth clients rely on", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it("echoes a numeric id beyond 2^53 digit for digit", async () => {
    const { text } = await h.post('{"jsonrpc":"2.0","id":9007199254740993123,"method":"eth_chainId","params":[]}');
    assert.match(text, /"id":9007199254740993123[,}]/);
    const batch = await h.post('[{"jsonrpc":"2.0","id":18446744073709551615,"method":"eth_chainId","params":[]}]');
    assert.match(batch.text, /"id":18446744073709551615[,}]/);
  });

  it("accepts 0X-prefixed quantities and data as geth does", async () => {
    const lower = await h.call("eth_getBlockByNumber", ["0x0", false]);
    const upper = await h.call("eth_getBlockByNumber", ["0X0", false]);
    assert.ok(lower.result);
    assert.deepEqual(upper.result, lower.result);
    const balance = await h.call("eth_getBalance", [h.aliceAddress.replace(/^0x/, "0X"), "latest"]);
    assert.equal(balance.error, undefined);
  });
});
