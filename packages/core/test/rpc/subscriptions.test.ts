import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { padHex } from "viem";
import { WebSocket } from "ws";
import { PENDING_BLOCK_HASH } from "../../src/rpc/format.ts";
import { LOG_EMITTER } from "./fakeBackend.ts";
import { type Harness, type JsonRpcAnswer, startHarness } from "./harness.ts";

type Obj = Record<string, unknown>;
interface Notification {
  subscription: string;
  result: unknown;
}

/** A ws client that pairs answers with requests and queues notifications per subscription. */
class Client {
  readonly ws: WebSocket;
  readonly #answers = new Map<number | string, (answer: JsonRpcAnswer) => void>();
  readonly #notifications = new Map<string, unknown[]>();
  readonly #waiters = new Map<string, () => void>();
  #id = 0;
  closed: Promise<void>;

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.closed = new Promise((resolve) => this.ws.on("close", () => resolve()));
    this.ws.on("message", (data) => {
      const message = JSON.parse(String(data)) as JsonRpcAnswer & { method?: string; params?: Notification };
      if (Array.isArray(message)) {
        this.#answers.get("batch")?.(message as unknown as JsonRpcAnswer);
      } else if (message.method === "eth_subscription" && message.params) {
        const list = this.#notifications.get(message.params.subscription) ?? [];
        list.push(message.params.result);
        this.#notifications.set(message.params.subscription, list);
        this.#waiters.get(message.params.subscription)?.();
      } else if (message.id !== null && message.id !== undefined) {
        this.#answers.get(message.id)?.(message);
      }
    });
  }

  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ws.once("open", () => resolve());
      this.ws.once("error", reject);
    });
  }

  call(method: string, params: unknown[] = []): Promise<JsonRpcAnswer> {
    const id = ++this.#id;
    return new Promise((resolve) => {
      this.#answers.set(id, resolve);
      this.ws.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    });
  }

  batch(body: unknown[]): Promise<JsonRpcAnswer> {
    return new Promise((resolve) => {
      this.#answers.set("batch", resolve);
      this.ws.send(JSON.stringify(body));
    });
  }

  async subscribe(params: unknown[]): Promise<string> {
    const answer = await this.call("eth_subscribe", params);
    assert.equal(answer.error, undefined, JSON.stringify(answer.error));
    return answer.result as string;
  }

  /** Waits until `count` notifications arrived for `id`, and takes them. */
  async take(id: string, count: number): Promise<unknown[]> {
    while ((this.#notifications.get(id)?.length ?? 0) < count) {
      await new Promise<void>((resolve) => this.#waiters.set(id, resolve));
    }
    const list = this.#notifications.get(id) ?? [];
    return list.splice(0, count);
  }

  pending(id: string): number {
    return this.#notifications.get(id)?.length ?? 0;
  }

  async close(): Promise<void> {
    this.ws.close();
    await this.closed;
  }
}

describe("rpc WebSocket", () => {
  let h: Harness;
  let client: Client;
  before(async () => {
    h = await startHarness({ limits: { maxSubscriptionsPerConnection: 8 } });
    client = new Client(h.server.wsUrl);
    await client.open();
  });
  after(async () => {
    await client.close();
    await h.close();
  });

  /** Sends a transfer (or a LOG_EMITTER call) from alice and returns its hash. */
  async function send(toEmitter: boolean): Promise<string> {
    const nonce =
      Number(await h.result<string>("eth_getTransactionCount", [h.aliceAddress, "latest"])) + h.backend.pool.length;
    const raw = await h.signTransfer(toEmitter ? { nonce, to: LOG_EMITTER, data: "0x99", value: 0n } : { nonce });
    return h.result<string>("eth_sendRawTransaction", [raw]);
  }

  it("serves the same port as HTTP and answers ordinary methods and batches", async () => {
    assert.equal(new URL(h.server.wsUrl).port, new URL(h.server.url).port);
    assert.equal((await client.call("eth_chainId")).result, "0x10e6");
    const answers = (await client.batch([
      { jsonrpc: "2.0", id: 1, method: "eth_chainId" },
      { jsonrpc: "2.0", id: 2, method: "net_version" },
    ])) as unknown as JsonRpcAnswer[];
    assert.deepEqual(
      answers.map((answer) => answer.result),
      ["0x10e6", "4326"],
    );
    const bad = await client.call("eth_nope");
    assert.equal(bad.error?.code, -32601);
  });

  it("answers garbage frames with JSON-RPC errors and keeps the connection serving", async () => {
    const raw = new WebSocket(h.server.wsUrl);
    await new Promise((resolve) => raw.once("open", resolve));
    const answers: JsonRpcAnswer[] = [];
    raw.on("message", (data) => answers.push(JSON.parse(String(data)) as JsonRpcAnswer));
    const frames: (string | Buffer)[] = [
      "{oops",
      "[]",
      "42",
      Buffer.from([0xff, 0x00, 0x7b]),
      '{"jsonrpc":"2.0","id":9}',
    ];
    for (const frame of frames) raw.send(frame);
    raw.send(JSON.stringify({ jsonrpc: "2.0", id: "last", method: "eth_chainId" }));
    while (answers.length < frames.length + 1) await new Promise((resolve) => raw.once("message", resolve));
    // Frames are handled concurrently, so answers may come in any order.
    const codes = answers.filter((answer) => answer.error).map((answer) => answer.error?.code);
    assert.deepEqual(
      codes.sort((a, b) => (a ?? 0) - (b ?? 0)),
      [-32700, -32700, -32600, -32600, -32600],
    );
    assert.equal(answers.find((answer) => answer.id === "last")?.result, "0x10e6");
    const closed = new Promise((resolve) => raw.once("close", resolve));
    raw.close();
    await closed;
  });

  it("streams miniBlocks in MegaETH's snake_case shape with placeholder block hashes", async () => {
    const id = await client.subscribe(["miniBlocks"]);
    assert.match(id, /^0x[0-9a-f]{32}$/);
    const hash = await send(true);
    const sealed = h.backend.sealMiniBlock();
    const [payload] = (await client.take(id, 1)) as Obj[];
    assert.ok(payload);
    assert.deepEqual(Object.keys(payload).sort(), [
      "block_number",
      "block_timestamp",
      "gas_used",
      "index",
      "mini_block_number",
      "mini_block_timestamp",
      "receipt_root",
      "receipts",
      "transaction_root",
      "transactions",
    ]);
    assert.equal(payload.mini_block_number, `0x${sealed.number.toString(16)}`);
    assert.equal(payload.block_number, `0x${sealed.blockNumber.toString(16)}`);
    assert.equal(payload.mini_block_timestamp, `0x${sealed.timestampUs.toString(16)}`);
    assert.equal(payload.transaction_root, sealed.transactionsRoot);
    const receipts = payload.receipts as Obj[];
    assert.equal(receipts[0]?.transactionHash, hash);
    assert.equal(receipts[0]?.blockHash, PENDING_BLOCK_HASH);
    assert.equal((payload.transactions as Obj[])[0]?.hash, hash);
    assert.equal((await client.call("eth_unsubscribe", [id])).result, true);
    h.backend.sealMiniBlock();
    h.backend.sealBlock();
    assert.equal(client.pending(id), 0);
  });

  it("emits newHeads when a block seals, with hex miniBlockCount and miniBlockOffset", async () => {
    const id = await client.subscribe(["newHeads"]);
    const first = h.backend.sealMiniBlock();
    h.backend.sealMiniBlock();
    const block = h.backend.sealBlock();
    const [head] = (await client.take(id, 1)) as Obj[];
    assert.equal(head?.hash, block.hash);
    assert.equal(head?.number, `0x${block.header.number.toString(16)}`);
    assert.equal(head?.miniBlockCount, "0x2");
    assert.equal(head?.miniBlockOffset, `0x${first.number.toString(16)}`);
    await client.call("eth_unsubscribe", [id]);
  });

  it("delivers logs per mini-block whatever the bounds (latest is the newest mini-block), each log once", async () => {
    const pending = await client.subscribe([
      "logs",
      { fromBlock: "pending", toBlock: "pending", address: LOG_EMITTER },
    ]);
    const plain = await client.subscribe(["logs", { topics: [null, padHex(h.aliceAddress, { size: 32 })] }]);
    const hash = await send(true);
    await send(false);
    h.backend.sealMiniBlock();
    for (const id of [pending, plain]) {
      const [fresh] = (await client.take(id, 1)) as Obj[];
      assert.equal(fresh?.transactionHash, hash);
      assert.equal(fresh?.blockHash, PENDING_BLOCK_HASH);
      assert.equal(fresh?.data, "0x99");
    }
    h.backend.sealBlock();
    // A round trip after the block's events: anything the seal delivered would have arrived before the answer.
    await client.call("eth_chainId", []);
    assert.equal(client.pending(pending), 0, "the sealed block does not deliver the logs again");
    assert.equal(client.pending(plain), 0, "the sealed block does not deliver the logs again");
    await client.call("eth_unsubscribe", [pending]);
    await client.call("eth_unsubscribe", [plain]);
  });

  it("streams pending transaction hashes, or full transactions when asked", async () => {
    const hashes = await client.subscribe(["newPendingTransactions"]);
    const full = await client.subscribe(["newPendingTransactions", true]);
    const hash = await send(false);
    assert.deepEqual(await client.take(hashes, 1), [hash]);
    const [tx] = (await client.take(full, 1)) as Obj[];
    assert.equal(tx?.hash, hash);
    assert.equal(tx?.blockHash, null);
    h.backend.sealMiniBlock();
    await client.call("eth_unsubscribe", [hashes]);
    await client.call("eth_unsubscribe", [full]);
  });

  it("streams stateChanges for the watched addresses only, nonce as a JSON number", async () => {
    const id = await client.subscribe(["stateChanges", [h.bobAddress]]);
    await send(false);
    h.backend.sealMiniBlock();
    const [change] = (await client.take(id, 1)) as Obj[];
    assert.equal(change?.address, h.bobAddress);
    assert.equal(typeof change?.nonce, "number");
    assert.match(change?.balance as string, /^0x[0-9a-f]+$/);
    assert.deepEqual(change?.storage, {});
    assert.equal(client.pending(id), 0, "alice's change is not sent");
    await client.call("eth_unsubscribe", [id]);
  });

  it("streams syncing changes", async () => {
    const id = await client.subscribe(["syncing"]);
    h.backend.setSyncing({ startingBlock: 1n, currentBlock: 2n, highestBlock: 3n });
    h.backend.setSyncing(false);
    assert.deepEqual(await client.take(id, 2), [
      { syncing: true, status: { startingBlock: "0x1", currentBlock: "0x2", highestBlock: "0x3" } },
      { syncing: false },
    ]);
    await client.call("eth_unsubscribe", [id]);
  });

  it("rejects unknown kinds and bad params with -32602", async () => {
    assert.equal((await client.call("eth_subscribe", ["blocks"])).error?.code, -32602);
    assert.equal((await client.call("eth_subscribe", ["stateChanges", ["0x12"]])).error?.code, -32602);
    assert.equal((await client.call("eth_subscribe", ["logs", { topics: "x" }])).error?.code, -32602);
    assert.equal((await client.call("eth_subscribe", ["newHeads", { x: 1 }])).error?.code, -32602);
  });

  it("keeps subscription ids per connection: another connection cannot unsubscribe them", async () => {
    const id = await client.subscribe(["newHeads"]);
    const other = new Client(h.server.wsUrl);
    await other.open();
    const foreign = await other.call("eth_unsubscribe", [id]);
    assert.equal(foreign.error?.code, -32600);
    await other.close();
    assert.equal((await client.call("eth_unsubscribe", [id])).result, true);
    assert.equal((await client.call("eth_unsubscribe", [id])).error?.code, -32600);
  });

  it("limits subscriptions per connection with -32005", async () => {
    const other = new Client(h.server.wsUrl);
    await other.open();
    for (let i = 0; i < 8; i++) await other.subscribe(["newHeads"]);
    const answer = await other.call("eth_subscribe", ["newHeads"]);
    assert.equal(answer.error?.code, -32005);
    await other.close();
  });

  it("answers eth_sendRawTransactionSync over WebSocket", async () => {
    const nonce = Number(await h.result<string>("eth_getTransactionCount", [h.aliceAddress, "latest"]));
    const raw = await h.signTransfer({ nonce });
    const pending = client.call("eth_sendRawTransactionSync", [raw, 5000]);
    while (h.backend.pool.length === 0) await new Promise((resolve) => setImmediate(resolve));
    h.backend.sealMiniBlock();
    const answer = await pending;
    assert.equal((answer.result as Obj).status, "0x1");
    assert.equal((answer.result as Obj).blockHash, PENDING_BLOCK_HASH);
  });
});

describe("rpc WebSocket backpressure", () => {
  it("closes a socket whose unsent bytes would exceed maxWsBufferedBytes and keeps serving others", async () => {
    const h = await startHarness({ limits: { maxWsBufferedBytes: 200 } });
    try {
      const slow = new Client(h.server.wsUrl);
      await slow.open();
      await slow.subscribe(["miniBlocks"]);
      const other = new Client(h.server.wsUrl);
      await other.open();
      assert.equal(h.server.connectionCount(), 2);
      h.backend.sealMiniBlock();
      await slow.closed;
      assert.equal((await other.call("eth_chainId")).result, "0x10e6");
      await other.close();
    } finally {
      await h.close();
    }
  });

  it("closes a peer that stops answering pings, and keeps one that answers", async () => {
    const h = await startHarness({ limits: { wsPingIntervalMs: 10 } });
    try {
      const silent = new WebSocket(h.server.wsUrl, { autoPong: false });
      const closed = new Promise((resolve) => silent.once("close", resolve));
      const polite = new Client(h.server.wsUrl);
      await polite.open();
      await closed;
      assert.equal((await polite.call("eth_chainId")).result, "0x10e6");
      await polite.close();
    } finally {
      await h.close();
    }
  });

  it("closes every WebSocket on server close", async () => {
    const h = await startHarness();
    const client = new Client(h.server.wsUrl);
    await client.open();
    await h.close();
    await client.closed;
    assert.equal(h.server.connectionCount(), 0);
  });
});
