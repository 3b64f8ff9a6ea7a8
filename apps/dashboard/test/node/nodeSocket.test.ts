import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NodeRequestError, NodeSocket, type SocketLike, type SocketState } from "../../src/node/nodeSocket.ts";

/** A WebSocket stand-in: records what the page sends; the test opens, answers and closes it. */
class FakeSocket implements SocketLike {
  readyState = 0;
  onopen: ((event: unknown) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  readonly sent: { id: number; method: string; params: unknown[] }[] = [];
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.drop();
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  drop() {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({});
  }
  answer(id: number, body: { result?: unknown; error?: { code: number; message: string } }) {
    this.onmessage?.({ data: JSON.stringify({ jsonrpc: "2.0", id, ...body }) });
  }
  notify(subscription: string, result: unknown) {
    this.onmessage?.({
      data: JSON.stringify({ jsonrpc: "2.0", method: "eth_subscription", params: { subscription, result } }),
    });
  }
  last(method: string) {
    const found = this.sent.filter((message) => message.method === method).at(-1);
    assert.ok(found, `nothing sent for ${method}`);
    return found;
  }
}

/** Timers run by hand: `fire()` runs every due one in order. */
function manualTimers() {
  const timers = new Map<number, { fn: () => void; ms: number }>();
  let next = 1;
  return {
    setTimer: (fn: () => void, ms: number) => {
      timers.set(next, { fn, ms });
      return next++;
    },
    clearTimer: (handle: unknown) => timers.delete(handle as number),
    pending: () => [...timers.values()].map((timer) => timer.ms),
    fire(ms: number) {
      for (const [handle, timer] of [...timers]) {
        if (timer.ms !== ms) continue;
        timers.delete(handle);
        timer.fn();
      }
    },
  };
}

function setup() {
  const sockets: FakeSocket[] = [];
  const states: SocketState[] = [];
  const errors: Error[] = [];
  const timers = manualTimers();
  const socket = new NodeSocket({
    url: "ws://node/",
    createSocket: () => {
      const fake = new FakeSocket();
      sockets.push(fake);
      return fake;
    },
    onState: (state) => states.push(state),
    onError: (error) => errors.push(error),
    setTimer: timers.setTimer,
    clearTimer: timers.clearTimer,
    requestTimeoutMs: 10_000,
  });
  const current = () => sockets.at(-1) as FakeSocket;
  return { socket, sockets, states, errors, timers, current };
}

describe("NodeSocket", () => {
  it("sends requests made before the socket opened once it opens, and routes answers by id", async () => {
    const { socket, current, states } = setup();
    const status = socket.request("mach_status");
    const failing = socket.request("eth_nope", [1]);
    assert.equal(current().sent.length, 0);
    current().open();
    assert.deepEqual(
      current().sent.map((message) => message.method),
      ["mach_status", "eth_nope"],
    );
    current().answer(current().last("eth_nope").id, { error: { code: -32601, message: "no such method" } });
    current().answer(current().last("mach_status").id, { result: { version: 1 } });
    assert.deepEqual(await status, { version: 1 });
    await assert.rejects(failing, (error: unknown) => error instanceof NodeRequestError && error.code === -32601);
    assert.deepEqual(states, ["open"]);
  });

  it("delivers notifications with their size to the subscription's handler", () => {
    const { socket, current } = setup();
    const items: [unknown, number][] = [];
    socket.subscribe(["miniBlocks"], (result, bytes) => items.push([result, bytes]));
    current().open();
    const subscribe = current().last("eth_subscribe");
    assert.deepEqual(subscribe.params, ["miniBlocks"]);
    current().answer(subscribe.id, { result: "0xaa" });
    return Promise.resolve().then(() => {
      current().notify("0xaa", { n: 1 });
      current().notify("0xbb", { n: 2 });
      const expectedBytes = JSON.stringify({
        jsonrpc: "2.0",
        method: "eth_subscription",
        params: { subscription: "0xaa", result: { n: 1 } },
      }).length;
      assert.deepEqual(items, [[{ n: 1 }, expectedBytes]]);
    });
  });

  it("reconnects with growing delays after the connection drops and subscribes again", async () => {
    const { socket, sockets, current, timers, states } = setup();
    const items: unknown[] = [];
    socket.subscribe(["newHeads"], (result) => items.push(result));
    current().open();
    current().answer(current().last("eth_subscribe").id, { result: "0x01" });
    await Promise.resolve();
    const inFlight = socket.request("mach_status");
    current().drop();
    await assert.rejects(inFlight, /connection lost/);
    assert.deepEqual(timers.pending(), [250]);
    timers.fire(250);
    current().drop();
    assert.deepEqual(timers.pending(), [500]);
    timers.fire(500);
    assert.equal(sockets.length, 3);
    current().open();
    current().answer(current().last("eth_subscribe").id, { result: "0x02" });
    await Promise.resolve();
    current().notify("0x02", "head");
    current().notify("0x01", "stale");
    assert.deepEqual(items, ["head"]);
    assert.deepEqual(states, ["open", "connecting", "open"]);
  });

  it("times out a request the node never answers", async () => {
    const { socket, current, timers } = setup();
    current().open();
    const request = socket.request("mach_status");
    timers.fire(10_000);
    await assert.rejects(request, /timed out/);
  });

  it("ends a subscription with eth_unsubscribe and stops delivering to it", async () => {
    const { socket, current } = setup();
    const items: unknown[] = [];
    const stop = socket.subscribe(["newHeads"], (result) => items.push(result));
    current().open();
    current().answer(current().last("eth_subscribe").id, { result: "0x01" });
    await Promise.resolve();
    stop();
    assert.deepEqual(current().last("eth_unsubscribe").params, ["0x01"]);
    current().notify("0x01", "late");
    assert.deepEqual(items, []);
  });

  it("reports what is not JSON and stops for good on close", async () => {
    const { socket, current, errors, timers, states } = setup();
    current().open();
    current().onmessage?.({ data: "not json" });
    assert.match(errors[0]?.message ?? "", /not JSON/);
    socket.close();
    assert.deepEqual(timers.pending(), []);
    assert.equal(states.at(-1), "closed");
    await assert.rejects(socket.request("mach_status"), /closed/);
  });
});
