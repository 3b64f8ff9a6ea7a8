/**
 * Traces on the read workers, inside a real node (in process, memory DA): every tracer answers byte for byte what the
 * node answers when it traces on its own thread (the same chain, restarted with workers), and a trace that runs on
 * and on does not hold up sealing: blocks keep coming while it runs, and the trace ends at the EVM timeout.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { encodeFunctionData, type Hex, pad } from "viem";
import { type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";
import { parseNodeConfig } from "../../../src/node/config.ts";
import { createLogger } from "../../../src/node/logger.ts";
import { type MachNode, startNode } from "../../../src/node/node.ts";
import { Factory, Storage } from "../../execution/contracts.ts";
import { requestNode } from "./nodeRequest.ts";

/** Deploys JUMPDEST PUSH1 0 JUMP (`0x5b600056`): runs until the gas or the time runs out. */
const DEPLOY_LOOP = "0x635b6000566000526004601cf3";
const RECIPIENT = "0x000000000000000000000000000000000000beef";

interface Receipt {
  transactionHash: Hex;
  blockNumber: Hex;
  contractAddress: Hex | null;
  status: Hex;
}

async function result<T>(node: MachNode, method: string, params: unknown[]): Promise<T> {
  const answer = await requestNode(node, method, params);
  assert.equal(answer.error, undefined, `${method}: ${JSON.stringify(answer.error)}`);
  return answer.result as T;
}

/** Every tracer and option the node serves, for one transaction. */
const TX_TRACE_CONFIGS: readonly object[] = [
  {},
  { enableMemory: true },
  { disableStack: true, disableStorage: true },
  { tracer: "callTracer" },
  { tracer: "callTracer", tracerConfig: { onlyTopCall: true } },
  { tracer: "prestateTracer" },
  { tracer: "prestateTracer", tracerConfig: { diffMode: true } },
];

describe("traces on read workers", () => {
  let dataDir: string;
  let node: MachNode | undefined;
  let loop: Hex;
  /** The requests replayed on both nodes, with the answers of the node that traced on its own thread. */
  const onThread: { method: string; params: unknown[]; json: string }[] = [];

  const start = async (workers: number) => {
    const providers = { da: {}, settlement: {} };
    const config = parseNodeConfig(
      {
        rpc: { port: 0, limits: { callGasCap: 10_000_000_000, evmTimeoutMs: 1_500 }, reads: { workers } },
        metrics: { enabled: false },
        // One snapshot (genesis) for the whole test: the restarted node and its workers hold every block's state.
        store: { path: join(dataDir, "node"), snapshotIntervalBlocks: 100_000 },
        sequencer: { blockMs: 50 },
        chain: { blockGasLimit: "30000000000" },
      },
      providers,
    );
    return startNode({ config, providers, logger: createLogger("silent") });
  };

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "mach-worker-traces-"));
    // A node tracing on its own thread builds the chain and answers the traces of record.
    const first = await start(0);
    node = first;
    try {
      const account: PrivateKeyAccount = privateKeyToAccount(first.devAccounts[0]?.privateKey as Hex);
      let nonce = 0;
      const send = async (to: Hex | null, data: Hex, value = 0n): Promise<Receipt> => {
        const raw = await account.signTransaction({
          chainId: Number(first.chainId),
          type: "eip1559",
          nonce: nonce++,
          ...(to === null ? {} : { to }),
          data,
          value,
          gas: 3_000_000n,
          maxFeePerGas: 10_000_000_000n,
          maxPriorityFeePerGas: 1_000_000n,
        });
        return result<Receipt>(first, "realtime_sendRawTransaction", [raw]);
      };
      const storage = (await send(null, Storage.bytecode)).contractAddress as Hex;
      const factory = (await send(null, Factory.bytecode)).contractAddress as Hex;
      loop = (await send(null, DEPLOY_LOOP)).contractAddress as Hex;
      // Sent together so that several land in one block (a block trace replays each after the ones before it).
      const receipts = await Promise.all([
        send(storage, encodeFunctionData({ abi: Storage.abi, functionName: "set", args: [1n, 7n] })),
        send(storage, encodeFunctionData({ abi: Storage.abi, functionName: "fill", args: [5n] })),
        send(storage, encodeFunctionData({ abi: Storage.abi, functionName: "callMany", args: [storage, 3n] })),
        send(storage, encodeFunctionData({ abi: Storage.abi, functionName: "failWith", args: ["nope"] })),
        send(factory, encodeFunctionData({ abi: Factory.abi, functionName: "deploy", args: [pad("0x01"), 9n] }), 5n),
        send(RECIPIENT, "0x", 3n),
      ]);
      const blocks = new Set<string>();
      for (const receipt of receipts) {
        blocks.add(receipt.blockNumber);
        for (const config of TX_TRACE_CONFIGS) {
          onThread.push({ method: "debug_traceTransaction", params: [receipt.transactionHash, config], json: "" });
        }
      }
      for (const block of blocks) {
        for (const config of TX_TRACE_CONFIGS) {
          onThread.push({ method: "debug_traceBlockByNumber", params: [block, config], json: "" });
        }
      }
      const at = receipts.at(-1)?.blockNumber as Hex;
      const call = {
        from: account.address,
        to: storage,
        data: encodeFunctionData({ abi: Storage.abi, functionName: "callMany", args: [storage, 2n] }),
      };
      for (const config of TX_TRACE_CONFIGS)
        onThread.push({ method: "debug_traceCall", params: [call, at, config], json: "" });
      for (const entry of onThread) {
        entry.json = JSON.stringify(await result(first, entry.method, entry.params));
      }
    } finally {
      await first.close();
      node = undefined;
    }
    node = await start(2);
  });
  after(async () => {
    await node?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers every tracer byte for byte as the node tracing on its own thread", async () => {
    const live = node as MachNode;
    assert.ok(onThread.length > 50, "the chain has traces to compare");
    for (const entry of onThread) {
      const json = JSON.stringify(await result<unknown>(live, entry.method, entry.params));
      assert.equal(json, entry.json, `${entry.method} ${JSON.stringify(entry.params)}`);
    }
  });

  it("keeps sealing blocks while a heavy debug_traceCall runs, and stops the trace at the EVM timeout", async () => {
    const live = node as MachNode;
    const blockNumber = async () => BigInt(await result<Hex>(live, "eth_blockNumber", []));
    let answered = false;
    // Struct logs of an endless loop with 10^10 gas (the cap): without the timeout it would trace for hours.
    const heavy = requestNode(live, "debug_traceCall", [{ to: loop }, "latest", { limit: 1_000 }]);
    void heavy.then(() => {
      answered = true;
    });
    const seenWhileRunning: bigint[] = [];
    while (!answered) {
      const number = await blockNumber();
      if (!answered) seenWhileRunning.push(number);
    }
    const first = seenWhileRunning[0];
    const last = seenWhileRunning.at(-1);
    assert.ok(
      first !== undefined && last !== undefined && last > first,
      `blocks sealed during the trace: ${first}…${last}`,
    );
    assert.deepEqual((await heavy).error, { code: -32000, message: "execution timeout" });
    // The worker that ran it serves the next trace.
    const after = await result<{ to: string }>(live, "debug_traceCall", [
      { to: RECIPIENT },
      "latest",
      { tracer: "callTracer" },
    ]);
    assert.equal(after.to, RECIPIENT);
  });
});
