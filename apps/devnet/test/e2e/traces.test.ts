/**
 * Traces on Mach's dev node in geth's shapes: struct logs (opcodes), callTracer, prestateTracer in diff mode, and
 * block traces, for a transaction that writes a storage slot through `eth_sendTransaction`.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createPublicClient, type Hex, http } from "viem";
import { type DevTarget, startMachDev } from "../support/devTargets.ts";

/** Init code deploying runtime `PUSH1 7 PUSH1 1 SSTORE STOP` (writes 7 into slot 1 on every call). */
const RUNTIME = "6007600155" + "00";
const INIT: Hex = `0x600680600b6000396000f3${RUNTIME}`;

describe("debug_trace* on Mach's dev node", () => {
  let node: DevTarget;
  let request: (method: string, params: unknown[]) => Promise<unknown>;
  let txHash: Hex;
  let contract: Hex;
  let from: Hex;
  before(async () => {
    node = await startMachDev();
    const client = createPublicClient({ transport: http(node.rpcUrl), pollingInterval: 50 });
    request = (method, params) => client.request({ method: method as never, params: params as never });
    from = ((await request("eth_accounts", [])) as Hex[])[0] as Hex;
    const deploy = (await request("eth_sendTransaction", [{ from, data: INIT }])) as Hex;
    contract = (await client.waitForTransactionReceipt({ hash: deploy })).contractAddress as Hex;
    txHash = (await request("eth_sendTransaction", [{ from, to: contract }])) as Hex;
    await client.waitForTransactionReceipt({ hash: txHash });
  });
  after(async () => node?.stop());

  it("answers struct logs by default, with the SSTORE and its storage", async () => {
    const trace = (await request("debug_traceTransaction", [txHash])) as {
      failed: boolean;
      structLogs: { op: string; depth: number; storage?: Record<string, string> }[];
    };
    assert.equal(trace.failed, false);
    assert.deepEqual(
      trace.structLogs.map((log) => log.op),
      ["PUSH1", "PUSH1", "SSTORE", "STOP"],
    );
    const sstore = trace.structLogs[2];
    assert.equal(sstore?.depth, 1);
    assert.deepEqual(sstore?.storage, { [`${"0".repeat(63)}1`]: `${"0".repeat(63)}7` });
  });

  it("answers the callTracer frame", async () => {
    const frame = (await request("debug_traceTransaction", [txHash, { tracer: "callTracer" }])) as Record<
      string,
      string
    >;
    assert.equal(frame.type, "CALL");
    assert.equal(frame.to, contract.toLowerCase());
  });

  it("answers the prestateTracer, plain and in diff mode", async () => {
    const pre = (await request("debug_traceTransaction", [txHash, { tracer: "prestateTracer" }])) as Record<
      string,
      { storage?: Record<string, string> }
    >;
    const slot = `0x${"0".repeat(63)}1`;
    assert.deepEqual(pre[contract.toLowerCase()]?.storage, { [slot]: `0x${"0".repeat(64)}` });
    const diff = (await request("debug_traceTransaction", [
      txHash,
      { tracer: "prestateTracer", tracerConfig: { diffMode: true } },
    ])) as { pre: Record<string, unknown>; post: Record<string, { storage?: Record<string, string>; nonce?: number }> };
    assert.deepEqual(diff.post[contract.toLowerCase()]?.storage, { [slot]: `0x${"0".repeat(63)}7` });
    assert.ok(diff.post[from.toLowerCase()]?.nonce !== undefined);
  });

  it("traces a whole block and a call", async () => {
    const receipt = (await request("eth_getTransactionReceipt", [txHash])) as { blockNumber: Hex; blockHash: Hex };
    const byNumber = (await request("debug_traceBlockByNumber", [receipt.blockNumber, { tracer: "callTracer" }])) as {
      txHash: Hex;
    }[];
    assert.deepEqual(
      byNumber.map((entry) => entry.txHash),
      [txHash],
    );
    const byHash = (await request("debug_traceBlockByHash", [
      receipt.blockHash,
      { tracer: "callTracer" },
    ])) as unknown[];
    assert.equal(byHash.length, 1);
    const call = (await request("debug_traceCall", [{ from, to: contract }, "latest", { tracer: "callTracer" }])) as {
      type: string;
    };
    assert.equal(call.type, "CALL");
  });

  it("traces a call with struct logs by default and with the prestateTracer", async () => {
    const slot = `${"0".repeat(63)}1`;
    const trace = (await request("debug_traceCall", [{ from, to: contract }, "latest"])) as {
      failed: boolean;
      gas: number;
      returnValue: string;
      structLogs: { op: string; pc: number; depth: number; stack: string[]; storage?: Record<string, string> }[];
    };
    assert.equal(trace.failed, false);
    assert.ok(trace.gas > 21_000, `gas ${trace.gas} covers the intrinsic cost and the SSTORE`);
    assert.deepEqual(
      trace.structLogs.map((log) => [log.pc, log.op]),
      [
        [0, "PUSH1"],
        [2, "PUSH1"],
        [4, "SSTORE"],
        [5, "STOP"],
      ],
    );
    // SSTORE's stack: the key on top, the value under it.
    assert.deepEqual(
      trace.structLogs[2]?.stack.map((word) => BigInt(word)),
      [7n, 1n],
    );
    assert.deepEqual(trace.structLogs[2]?.storage, { [slot]: `${"0".repeat(63)}7` });

    // The state the call read: the contract's code and the slot the transaction before it wrote.
    const pre = (await request("debug_traceCall", [
      { from, to: contract },
      "latest",
      { tracer: "prestateTracer" },
    ])) as Record<string, { balance?: Hex; nonce?: number; code?: Hex; storage?: Record<string, Hex> }>;
    const account = pre[contract.toLowerCase()];
    assert.equal(account?.code, `0x${RUNTIME}`);
    assert.deepEqual(account?.storage, { [`0x${slot}`]: `0x${"0".repeat(63)}7` });
    const sender = pre[from.toLowerCase()];
    assert.ok(sender?.balance !== undefined && BigInt(sender.balance) > 0n, "the sender's balance");
    assert.equal(sender?.nonce, 2, "deployment and call sent before");
  });
});
