/**
 * The sequencer keeps its rhythm under abuse (issue 16): a real node process with a steady realtime load running,
 * abused as a hostile or careless client would. Each case asserts behaviour (sealing goes on, the legitimate
 * transaction lands, memory stays within what the config allows), never a timing figure: those are in
 * `pnpm bench --only abuse`.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { connect as connectTcp } from "node:net";
import { after, before, describe, it } from "node:test";
import { type Hex, parseGwei } from "viem";
import { type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";
import WebSocket from "ws";
import { DEV_KEYS, rpcCall, signTransfer } from "../support/chain.ts";
import { type MachProcess, startMach } from "../support/machProcess.ts";
import { freePorts } from "../support/ports.ts";

const LOOP_CONTRACT = "0x00000000000000000000000000000000000000c0";
/** JUMPDEST PUSH1 0 JUMP: a 4-byte infinite loop, run through a state override. */
const HOSTILE_CALL = [{ to: LOOP_CONTRACT }, "latest", { [LOOP_CONTRACT]: { code: "0x5b600056" } }];
const WS_BUFFER_TOTAL = 8 * 1024 * 1024;
const POOL_SIZE = 400;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A steady realtime load: one sender, one transaction at a time, each answered with its receipt. */
function startLoad(rpcUrl: string, account: PrivateKeyAccount) {
  let receipts = 0;
  let failures = 0;
  let stopped = false;
  const done = (async () => {
    for (let nonce = 0; !stopped; nonce++) {
      const raw = await signTransfer(account, { nonce });
      const answer = await rpcCall<{ status: string }>(rpcUrl, "realtime_sendRawTransaction", [raw]);
      if (answer.result?.status === "0x1") receipts++;
      else {
        failures++;
        return;
      }
    }
  })();
  return {
    get receipts() {
      return receipts;
    },
    get failures() {
      return failures;
    },
    /** Resolves once `count` more receipts arrived (the chain is sealing). */
    async progressed(count: number) {
      const target = receipts + count;
      while (receipts < target) {
        assert.equal(failures, 0, "the steady load failed");
        await sleep(5);
      }
    },
    async stop() {
      stopped = true;
      await done;
    },
  };
}

function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(match?.[1] ?? 0) * 1024;
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(url)).text();
  const line = text.split("\n").find((entry) => entry.startsWith(`${name} `) || entry.startsWith(`${name}{`));
  return line === undefined ? 0 : Number(line.split(" ").at(-1));
}

describe("the sequencer under abuse (steady realtime load running)", () => {
  let mach: MachProcess;
  let metricsUrl: string;
  let load: ReturnType<typeof startLoad>;
  const funder = privateKeyToAccount(DEV_KEYS[0]);

  before(async () => {
    const metricsPort = await freePorts(1);
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    mach = await startMach({
      config: {
        metrics: { enabled: true, port: metricsPort },
        sequencer: { blockMs: 200 },
        txpool: { maxTotal: POOL_SIZE },
        rpc: {
          limits: {
            evmTimeoutMs: 2_000,
            callGasCap: 10_000_000_000,
            maxWsBufferedBytes: 512 * 1024,
            maxWsBufferedBytesTotal: WS_BUFFER_TOTAL,
            headersTimeoutMs: 1_000,
          },
        },
        chain: { blockGasLimit: "30000000000" },
      },
    });
    load = startLoad(mach.rpcUrl, privateKeyToAccount(DEV_KEYS[2]));
    await load.progressed(5);
  });

  after(async () => {
    await load?.stop();
    await mach?.stop();
    mach?.cleanup();
  });

  it("keeps sealing while one hostile eth_call runs, and stops it at the EVM timeout", async () => {
    let answered = false;
    const hostile = rpcCall(mach.rpcUrl, "eth_call", HOSTILE_CALL).then((answer) => {
      answered = true;
      return answer;
    });
    const before = load.receipts;
    while (!answered) await sleep(10);
    assert.ok(load.receipts > before, "realtime receipts kept coming while the call ran");
    assert.deepEqual((await hostile).error, { code: -32000, message: "execution aborted (timeout = 2s)" });
    await load.progressed(3);
  });

  it("keeps sealing under 16 concurrent hostile calls and estimates; each is stopped or refused", async () => {
    let outstanding = 16;
    const hostile = Array.from({ length: 16 }, (_, i) =>
      rpcCall(mach.rpcUrl, i % 2 === 0 ? "eth_call" : "eth_estimateGas", HOSTILE_CALL).finally(() => outstanding--),
    );
    const before = load.receipts;
    while (outstanding > 0) await sleep(10);
    assert.ok(load.receipts > before, "realtime receipts kept coming while the calls ran");
    for (const answer of await Promise.all(hostile)) {
      const code = answer.error?.code;
      assert.ok(code === -32000 || code === -32005, JSON.stringify(answer.error));
      if (code === -32000) assert.match(answer.error?.message ?? "", /^execution aborted \(timeout = 2s\)$/);
    }
    // Reads work again afterwards.
    const balance = await rpcCall(mach.rpcUrl, "eth_getBalance", [funder.address, "latest"]);
    assert.ok(balance.result);
  });

  it("accepts and executes a 100-transaction batch from one sender, in nonce order", async () => {
    const sender = privateKeyToAccount(DEV_KEYS[1]);
    const raws = await Promise.all(Array.from({ length: 100 }, (_, nonce) => signTransfer(sender, { nonce })));
    const response = await fetch(mach.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(
        raws.map((raw, id) => ({ jsonrpc: "2.0", id, method: "eth_sendRawTransaction", params: [raw] })),
      ),
    });
    const answers = (await response.json()) as { id: number; result?: Hex; error?: unknown }[];
    assert.equal(answers.filter((answer) => answer.error !== undefined).length, 0, JSON.stringify(answers[99]));
    let previous = { block: -1n, index: -1n };
    for (const answer of answers.sort((a, b) => a.id - b.id)) {
      type Receipt = { status: string; blockNumber: string; transactionIndex: string };
      const waitReceipt = async (): Promise<Receipt> => {
        for (;;) {
          const found = (await rpcCall<Receipt | null>(mach.rpcUrl, "eth_getTransactionReceipt", [answer.result]))
            .result;
          if (found) return found;
          await sleep(10);
        }
      };
      const receipt = await waitReceipt();
      assert.equal(receipt.status, "0x1");
      const here = { block: BigInt(receipt.blockNumber), index: BigInt(receipt.transactionIndex) };
      assert.ok(here.block > previous.block || (here.block === previous.block && here.index > previous.index));
      previous = here;
    }
  });

  it("answers a nonce gap with code 5, keeps the transaction, and runs it once the gap fills", async () => {
    const sender = funder;
    const start = Number(
      (await rpcCall<Hex>(mach.rpcUrl, "eth_getTransactionCount", [sender.address, "pending"])).result,
    );
    const gapped = await signTransfer(sender, { nonce: start + 1, value: 7n });
    const answer = await rpcCall(mach.rpcUrl, "eth_sendRawTransactionSync", [gapped]);
    assert.equal(answer.error?.code, 5);
    assert.equal(answer.error?.data, `0x${start.toString(16)}`);
    assert.match(answer.error?.message ?? "", /added to the transaction pool/);
    const filler = await rpcCall(mach.rpcUrl, "realtime_sendRawTransaction", [
      await signTransfer(sender, { nonce: start }),
    ]);
    assert.equal((filler.result as { status: string }).status, "0x1");
    const hash = (await rpcCall<Hex>(mach.rpcUrl, "eth_sendRawTransaction", [gapped])).error?.message;
    assert.equal(hash === undefined || /already known|nonce too low/.test(hash), true, hash);
    const count = await rpcCall<Hex>(mach.rpcUrl, "eth_getTransactionCount", [sender.address, "latest"]);
    assert.equal(Number(count.result), start + 2, "the kept transaction executed after the gap filled");
  });

  it("lets a legitimate transaction in and executes it while parked transactions fill the pool", async () => {
    // Flood senders funded for exactly `perSender` transfers each, parking them all behind a nonce gap.
    const perSender = 5;
    const flooders = Math.ceil(POOL_SIZE / perSender);
    const fee = parseGwei("1");
    const costEach = 21_000n * fee + 1n;
    const accounts = Array.from({ length: flooders }, (_, i) =>
      privateKeyToAccount(`0x${(0xabc000 + i).toString(16).padStart(64, "0")}`),
    );
    let funderNonce = Number(
      (await rpcCall<Hex>(mach.rpcUrl, "eth_getTransactionCount", [funder.address, "pending"])).result,
    );
    const fundings = await Promise.all(
      accounts.map((account) =>
        signTransfer(funder, { nonce: funderNonce++, to: account.address, value: costEach * BigInt(perSender) }),
      ),
    );
    for (let i = 0; i < fundings.length; i += 100) {
      const batch = fundings.slice(i, i + 100);
      await fetch(mach.rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(
          batch.map((raw, id) => ({ jsonrpc: "2.0", id, method: "eth_sendRawTransaction", params: [raw] })),
        ),
      });
    }
    const last = accounts.at(-1) as PrivateKeyAccount;
    while (
      BigInt((await rpcCall<Hex>(mach.rpcUrl, "eth_getBalance", [last.address, "latest"])).result ?? "0x0") === 0n
    ) {
      await sleep(20);
    }
    let parked = 0;
    let refusedForFunds = 0;
    for (const account of accounts) {
      // Nonces 1..perSender+1 with nonce 0 never sent: all queued. The last one is beyond the sender's funds.
      for (let nonce = 1; nonce <= perSender + 1; nonce++) {
        const raw = await signTransfer(account, { nonce, maxFeePerGas: fee, maxPriorityFeePerGas: fee / 2n });
        const answer = await rpcCall(mach.rpcUrl, "eth_sendRawTransaction", [raw]);
        if (answer.result) parked++;
        else if (/insufficient funds/.test(answer.error?.message ?? "")) refusedForFunds++;
      }
    }
    assert.ok(refusedForFunds >= flooders - 1, "parked transactions count against the sender's funds");
    assert.ok(parked >= POOL_SIZE - 10, `the flood filled the pool (${parked} parked)`);
    // A legitimate transfer, tip above the flood's, is accepted and executed.
    const legit = privateKeyToAccount(DEV_KEYS[1]);
    const nonce = Number(
      (await rpcCall<Hex>(mach.rpcUrl, "eth_getTransactionCount", [legit.address, "pending"])).result,
    );
    const raw = await signTransfer(legit, { nonce, maxFeePerGas: 2n * fee, maxPriorityFeePerGas: fee });
    const receipt = await rpcCall<{ status: string }>(mach.rpcUrl, "realtime_sendRawTransaction", [raw]);
    assert.equal(receipt.error, undefined, JSON.stringify(receipt.error));
    assert.equal(receipt.result?.status, "0x1");
    assert.ok((await metric(metricsUrl, "mach_txpool_dropped_total")) >= 1, "a parked transaction was evicted");
    await load.progressed(3);
  });

  it("drops paused WebSocket readers past the buffer budget; memory stays bounded and sealing goes on", async () => {
    const rssBefore = rssBytes(mach.child.pid as number);
    const droppedBefore = await metric(metricsUrl, "mach_rpc_ws_dropped_total");
    const readers: WebSocket[] = [];
    for (let i = 0; i < 200; i++) {
      const ws = new WebSocket(mach.wsUrl);
      ws.on("error", () => ws.terminate());
      await new Promise((resolve, reject) => {
        ws.once("open", resolve);
        ws.once("error", reject);
      });
      for (const params of [["miniBlocks"], ["stateChanges"], ["newPendingTransactions", true]]) {
        ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_subscribe", params }));
      }
      readers.push(ws);
    }
    await sleep(200);
    // Stop reading: the node's buffers for these sockets grow with every mini-block.
    for (const ws of readers) (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    // Heavy traffic to fan out (4 KiB of calldata per transaction, full transactions to every reader) on top of
    // the steady load, until the node has dropped slow consumers; each reader is sent megabytes, far past what the
    // kernel's socket buffers absorb.
    const burster = privateKeyToAccount(DEV_KEYS[1]);
    const first = Number(
      (await rpcCall<Hex>(mach.rpcUrl, "eth_getTransactionCount", [burster.address, "pending"])).result,
    );
    const calldata = `0x${"ab".repeat(4096)}` as Hex;
    for (let round = 0; round < 10; round++) {
      const raws = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          signTransfer(burster, { nonce: first + round * 100 + i, data: calldata, gas: 200_000n }),
        ),
      );
      await fetch(mach.rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(
          raws.map((raw, id) => ({ jsonrpc: "2.0", id, method: "eth_sendRawTransaction", params: [raw] })),
        ),
      });
      await load.progressed(1);
    }
    await load.progressed(5);
    const dropped = await metric(metricsUrl, "mach_rpc_ws_dropped_total");
    assert.ok(dropped > droppedBefore, "slow consumers were dropped");
    const growth = rssBytes(mach.child.pid as number) - rssBefore;
    // Bounded by the config: the total WebSocket budget plus the fixed cost of 200 connections and the traffic.
    assert.ok(growth < WS_BUFFER_TOTAL + 256 * 1024 * 1024, `RSS grew by ${growth} bytes`);
    for (const ws of readers) ws.terminate();
  });

  it("drops slowloris connections that never finish their headers, and keeps serving", async () => {
    const sockets = await Promise.all(
      Array.from(
        { length: 20 },
        () =>
          new Promise<ReturnType<typeof connectTcp>>((resolve) => {
            const url = new URL(mach.rpcUrl);
            const socket = connectTcp(Number(url.port), url.hostname, () => resolve(socket));
          }),
      ),
    );
    const closed = sockets.map(
      (socket) =>
        new Promise<string>((resolve) => {
          let answer = "";
          socket.on("data", (chunk) => (answer += chunk.toString()));
          socket.on("error", () => resolve(answer));
          socket.once("close", () => resolve(answer));
        }),
    );
    for (const socket of sockets) socket.write("POST / HTTP/1.1\r\nHost: mach\r\nContent-Type: application/json\r\n");
    const answers = await Promise.all(closed);
    for (const answer of answers) assert.match(answer, /^HTTP\/1\.1 408/);
    await load.progressed(3);
  });
});
