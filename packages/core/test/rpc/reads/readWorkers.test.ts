/**
 * Read workers inside a real node (in process, memory DA): calls run on worker threads that follow the sequencer's
 * diffs, so they see the newest mini-block (the `latest` rule), a runaway call is stopped by the EVM timeout while
 * the sequencer keeps answering, and the replaced worker serves the next read.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { bytesToHex, type Hex, hexToBytes } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { parseNodeConfig } from "../../../src/node/config.ts";
import { createLogger } from "../../../src/node/logger.ts";
import { type MachNode, startNode } from "../../../src/node/node.ts";
import type { RunningSequencer } from "../../../src/node/roles/sequencer.ts";
import type { PlainBlockEnv } from "../../../src/rpc/reads/protocol.ts";
import { ReadWorkerPool } from "../../../src/rpc/reads/readWorkerPool.ts";
import { type Answer, requestNode } from "./nodeRequest.ts";

const LOOP = "0x5b600056"; // JUMPDEST PUSH1 0 JUMP: runs until the gas or the time runs out
const PROBE = "0x00000000000000000000000000000000000000c0";
const RECIPIENT = "0x000000000000000000000000000000000000beef";
/** PUSH20 RECIPIENT BALANCE PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN: returns the recipient's balance. */
const BALANCE_OF_RECIPIENT = `0x73${RECIPIENT.slice(2)}3160005260206000f3`;

describe("read workers", () => {
  let node: MachNode;
  let dataDir: string;
  let nonce = 0;

  const call = (method: string, params: unknown[]): Promise<Answer> => requestNode(node, method, params);
  const send = async (value: bigint) => {
    const account = privateKeyToAccount(node.devAccounts[0]?.privateKey as Hex);
    const raw = await account.signTransaction({
      chainId: Number(node.chainId),
      type: "eip1559",
      nonce: nonce++,
      to: RECIPIENT,
      value,
      gas: 21_000n,
      maxFeePerGas: 10_000_000_000n,
      maxPriorityFeePerGas: 1_000_000n,
    });
    return call("realtime_sendRawTransaction", [raw]);
  };
  /** A pool of one worker over the node's store, beside the node's own. */
  const onePoolOptions = () =>
    ({
      storePath: join(dataDir, "node"),
      chainId: node.chainId,
      engine: "mach",
      historyBlocks: 1024,
      workers: 1,
      niceness: 0,
    }) as const;
  /** The block environment of a read posted to a pool directly. */
  const plainEnv = (number: bigint, gasLimit: bigint): PlainBlockEnv => ({
    chainId: node.chainId,
    number,
    timestamp: 0n,
    gasLimit,
    baseFeePerGas: 0n,
    coinbase: PROBE,
    prevRandao: `0x${"00".repeat(32)}`,
  });
  const recipientBalance = async () => {
    const answer = await call("eth_call", [{ to: PROBE }, "latest", { [PROBE]: { code: BALANCE_OF_RECIPIENT } }]);
    assert.equal(answer.error, undefined, JSON.stringify(answer.error));
    return BigInt(answer.result as string);
  };

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "mach-reads-"));
    const providers = { da: {}, settlement: {} };
    const config = parseNodeConfig(
      {
        rpc: { port: 0, limits: { callGasCap: 10_000_000_000, evmTimeoutMs: 1_500 }, reads: { workers: 2 } },
        metrics: { enabled: false },
        // Snapshots every 8 blocks: a worker started later restores from a newer one than the node's own state.
        store: { path: join(dataDir, "node"), snapshotIntervalBlocks: 8 },
        sequencer: { blockMs: 50 },
        chain: { blockGasLimit: "30000000000" },
      },
      providers,
    );
    node = await startNode({ config, providers, logger: createLogger("silent") });
  });
  after(async () => {
    await node.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("sees the newest mini-block at latest: every receipt's transfer is in the next call's answer", async () => {
    let expected = await recipientBalance();
    for (let i = 1n; i <= 20n; i++) {
      const receipt = await send(i);
      assert.equal((receipt.result as { status: string }).status, "0x1");
      expected += i;
      assert.equal(await recipientBalance(), expected);
    }
  });

  it("keeps sealing while a runaway call runs, stops the call at the EVM timeout, then serves reads again", async () => {
    const before = await recipientBalance();
    let hostileAnswered = false;
    const hostile = call("eth_call", [{ to: PROBE }, "latest", { [PROBE]: { code: LOOP } }]).then((answer) => {
      hostileAnswered = true;
      return answer;
    });
    // Transfers keep getting receipts while the hostile call runs (on the sealing loop none would until it ended).
    let sent = 0n;
    let receivedWhileRunning = 0;
    while (!hostileAnswered) {
      const receipt = await send(1n);
      sent++;
      assert.equal((receipt.result as { status: string }).status, "0x1");
      if (!hostileAnswered) receivedWhileRunning++;
    }
    assert.ok(receivedWhileRunning > 0, "a transfer was answered while the runaway call ran");
    const answer = await hostile;
    assert.deepEqual(answer.error, { code: -32000, message: "execution aborted (timeout = 1.5s)" });
    assert.equal(await recipientBalance(), before + sent);
    // Mach's interpreter (the default engine) stopped the call itself: no worker had to be replaced, and none fell
    // behind the store while following the chain.
    assert.equal((node.running as RunningSequencer).reads?.replacements, 0);
  });

  it("stops an estimate of a runaway call at the same deadline", async () => {
    const answer = await call("eth_estimateGas", [{ to: PROBE }, "latest", { [PROBE]: { code: LOOP } }]);
    assert.equal(answer.error?.code, -32000);
    assert.match(answer.error?.message ?? "", /^execution aborted \(timeout = 1\.5s\)$/);
  });

  it("simulates blocks on a worker at latest, its errors keeping geth's codes", async () => {
    const before = await recipientBalance();
    const answer = await call("eth_simulateV1", [
      {
        blockStateCalls: [
          {
            stateOverrides: { [PROBE]: { balance: "0x64", code: BALANCE_OF_RECIPIENT } },
            calls: [
              { from: PROBE, to: RECIPIENT, value: "0x5" },
              { from: PROBE, to: PROBE },
            ],
          },
          { calls: [{ from: PROBE, to: PROBE }] },
        ],
      },
      "latest",
    ]);
    assert.equal(answer.error, undefined, JSON.stringify(answer.error));
    const blocks = answer.result as { calls: { status: string; returnData: string }[] }[];
    assert.equal(blocks.length, 2);
    assert.deepEqual(
      blocks.flatMap((block) => block.calls.map((c) => [c.status, BigInt(c.returnData === "0x" ? 0 : c.returnData)])),
      [
        ["0x1", 0n],
        ["0x1", before + 5n],
        ["0x1", before + 5n],
      ],
    );
    // Nothing of it reached the chain.
    assert.equal(await recipientBalance(), before);
    const unfunded = await call("eth_simulateV1", [
      {
        blockStateCalls: [
          { calls: [{ from: "0x00000000000000000000000000000000000000c1", to: RECIPIENT, value: "0x1" }] },
        ],
      },
    ]);
    assert.equal(unfunded.error?.code, -38014);
    assert.match(unfunded.error?.message ?? "", /^err: insufficient funds for gas \* price \+ value/);
  });

  it("stops a runaway simulation at the EVM timeout", async () => {
    const answer = await call("eth_simulateV1", [
      { blockStateCalls: [{ stateOverrides: { [PROBE]: { code: LOOP } }, calls: [{ to: PROBE }] }] },
      "latest",
    ]);
    assert.deepEqual(answer.error, { code: -32000, message: "execution aborted (timeout = 1.5s)" });
    assert.equal((await call("eth_blockNumber", [])).error, undefined);
  });

  it("traces a mined transaction on a worker", async () => {
    const receipt = (await send(3n)).result as { transactionHash: string };
    const trace = await call("debug_traceTransaction", [receipt.transactionHash, { tracer: "callTracer" }]);
    assert.equal(trace.error, undefined, JSON.stringify(trace.error));
    assert.equal((trace.result as { to: string; value: string }).to, RECIPIENT);
    assert.equal((trace.result as { value: string }).value, "0x3");
  });

  it("serves a block older than a late worker's snapshot with the reverse diffs of the node's own history", async () => {
    const running = node.running as RunningSequencer;
    const past = running.sequencer.head.header.number;
    const atPast = await call("eth_call", [
      { to: PROBE },
      `0x${past.toString(16)}`,
      { [PROBE]: { code: BALANCE_OF_RECIPIENT } },
    ]);
    assert.equal(atPast.error, undefined, JSON.stringify(atPast.error));
    // Two snapshots later, a worker started now restores from a snapshot newer than `past`.
    while (running.sequencer.head.header.number < past + 17n) await send(1n);
    const env = plainEnv(past, 30_000_000n);
    const balanceAt = (pool: ReadWorkerPool) =>
      pool.run({
        kind: "call",
        target: past,
        message: { from: PROBE, to: PROBE, data: new Uint8Array(0), value: 0n, gasLimit: 100_000n },
        stateOverride: new Map([[PROBE, { code: hexToBytes(BALANCE_OF_RECIPIENT as Hex) }]]),
        env,
      });
    const options = onePoolOptions();
    const alone = new ReadWorkerPool(options);
    const helped = new ReadWorkerPool({
      ...options,
      historyOf: (from, through) => running.state.history.preValuesOf(from, through),
    });
    try {
      await Promise.all([alone.ready, helped.ready]);
      await assert.rejects(balanceAt(alone), { code: 4444 });
      const result = (await balanceAt(helped)) as { returnData: Uint8Array };
      assert.equal(bytesToHex(result.returnData), atPast.result as Hex);
      assert.equal(helped.replacements, 0);
    } finally {
      await Promise.all([alone.close(), helped.close()]);
    }
  });

  it("sends the chain's events to a worker together, before any read", async () => {
    const running = node.running as RunningSequencer;
    const poolOptions = onePoolOptions();
    const balanceRead = (pool: ReadWorkerPool) =>
      pool
        .run({
          kind: "call",
          target: "latest",
          message: { from: PROBE, to: PROBE, data: new Uint8Array(0), value: 0n, gasLimit: 100_000n },
          stateOverride: new Map([[PROBE, { code: hexToBytes(BALANCE_OF_RECIPIENT as Hex) }]]),
          env: plainEnv(running.sequencer.head.header.number + 1n, 30_000_000n),
        })
        .then((result) => BigInt(bytesToHex((result as { returnData: Uint8Array }).returnData)));
    // Counted: a pool not following the sequencer, given a block its worker restored already (it skips it): the head
    // as it was before the worker started (blocks seal every 50 ms here; a newer one could be ahead of the worker).
    const head = running.sequencer.head;
    const counted = new ReadWorkerPool(poolOptions);
    // Live: a pool following the sequencer from its start, as the node's own do.
    const live = new ReadWorkerPool(poolOptions);
    const miniBlocks = (miniBlock: Parameters<ReadWorkerPool["onMiniBlock"]>[0]) => live.onMiniBlock(miniBlock);
    const blocks = (block: Parameters<ReadWorkerPool["onBlock"]>[0]) => live.onBlock(block);
    running.sequencer.on("miniBlock", miniBlocks);
    running.sequencer.on("block", blocks);
    try {
      await Promise.all([counted.ready, live.ready]);
      for (let i = 0; i < 5; i++) counted.onBlock(head);
      assert.equal(counted.followMessages, 0, "held for the ones that follow");
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(counted.followMessages, 1, "five events, one message");
      for (let i = 0; i < 64; i++) counted.onBlock(head);
      assert.equal(counted.followMessages, 2, "a full batch goes at once");
      counted.onBlock(head);
      const read = balanceRead(counted);
      assert.equal(counted.followMessages, 3, "a read sends the events before it");
      assert.equal(await read, await recipientBalance());
      // Each receipt's transfer is in the next read, though the events it follows were held.
      for (let i = 1n; i <= 5n; i++) {
        await send(i);
        assert.equal(await balanceRead(live), await recipientBalance());
      }
      assert.ok(live.followMessages > 0);
      assert.equal(counted.replacements + live.replacements, 0);
    } finally {
      running.sequencer.off("miniBlock", miniBlocks);
      running.sequencer.off("block", blocks);
      await Promise.all([counted.close(), live.close()]);
    }
  });

  it("stops a running read at its next jump when its signal aborts, keeping the worker", async () => {
    const pool = new ReadWorkerPool({ ...onePoolOptions(), historyBlocks: 16 });
    try {
      await pool.ready;
      const env = plainEnv(1_000_000n, 30_000_000_000n);
      const loop = (signal: AbortSignal) =>
        pool.run(
          {
            kind: "call",
            target: "latest",
            message: { from: PROBE, to: PROBE, data: new Uint8Array(0), value: 0n, gasLimit: 10_000_000_000n },
            stateOverride: new Map([[PROBE, { code: new Uint8Array([0x5b, 0x60, 0x00, 0x56]) }]]),
            env,
          },
          signal,
        );
      for (let i = 0; i < 3; i++) {
        const controller = new AbortController();
        const running = loop(controller.signal);
        setTimeout(() => controller.abort(new Error("stop")), 100);
        await assert.rejects(running, /stop/);
      }
      // The worker answers the next read itself: it was never replaced.
      const result = await pool.run({
        kind: "call",
        target: "latest",
        message: { from: PROBE, to: PROBE, data: new Uint8Array(0), value: 0n, gasLimit: 100_000n },
        env,
      });
      assert.equal((result as { status: number }).status, 1);
      assert.equal(pool.replacements, 0);
    } finally {
      await pool.close();
    }
  });
});
