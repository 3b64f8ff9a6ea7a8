/**
 * The replica's RPC answers what the sequencer's answers, byte for byte: both servers run over the same code
 * (`createNodeBackend` over `createChainView`), one over the sequencer, one over a replica fed the published messages.
 */
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { encodeFunctionData } from "viem";
import WebSocket from "ws";
import type { Address, Hash } from "../../src/chain/types.ts";
import { createEthereumJsExecutor } from "../../src/execution/ethereumjsExecutor.ts";
import { createNodeBackend, type TxSubmission } from "../../src/rpc/nodeBackend.ts";
import { type RpcServer, startRpcServer } from "../../src/rpc/server.ts";
import { createChainView } from "../../src/state/store/chainView.ts";
import { Token } from "../execution/contracts.ts";
import {
  accounts,
  CHAIN_ID,
  feed,
  type ReplicaUnderTest,
  runMixedBlocks,
  type SequencerFeed,
  startReplica,
  startSequencerFeed,
  Workload,
} from "./feed.ts";

async function post(server: RpcServer, method: string, params: unknown[]): Promise<string> {
  const response = await fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return response.text();
}

/** Opens a WebSocket, subscribes, and collects the raw notification results. */
async function subscribe(server: RpcServer, kind: string): Promise<{ results: string[]; close(): void }> {
  const socket = new WebSocket(server.wsUrl);
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  const results: string[] = [];
  const subscribed = new Promise<void>((resolve) => {
    socket.on("message", (data) => {
      const message = JSON.parse(String(data)) as { id?: number; params?: { result: unknown } };
      if (message.id === 1) resolve();
      else if (message.params) results.push(JSON.stringify(message.params.result));
    });
  });
  socket.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_subscribe", params: [kind] }));
  await subscribed;
  return { results, close: () => socket.close() };
}

describe("replica RPC parity", () => {
  let source: SequencerFeed;
  let replica: ReplicaUnderTest;
  let workload: Workload;
  let sequencerRpc: RpcServer;
  let replicaRpc: RpcServer;

  before(async () => {
    source = await startSequencerFeed();
    replica = await startReplica(source.clock);
    workload = new Workload(source);
    await workload.deploy();
    await source.sequencer.produceNow();
    const executor = await createEthereumJsExecutor({ chainId: CHAIN_ID });
    const noPool: TxSubmission = {
      add: () => {
        throw new Error("not used");
      },
      get: () => undefined,
      pendingNonce: (address: Address) => replica.state.latest.getAccount(address)?.nonce ?? 0n,
      onPending: () => () => {},
    };
    const common = { chainId: CHAIN_ID, clientVersion: "Mach/test", executor };
    sequencerRpc = await startRpcServer({
      backend: createNodeBackend({
        ...common,
        chain: createChainView(source.store, source.sequencer),
        txs: source.pool,
        state: source.state,
      }),
    });
    replicaRpc = await startRpcServer({
      backend: createNodeBackend({
        ...common,
        chain: createChainView(replica.store, replica.replica),
        txs: noPool,
        state: replica.state,
      }),
    });
  });

  after(async () => {
    await sequencerRpc?.close();
    await replicaRpc?.close();
    await source?.close();
    await replica?.close();
    if (replica) rmSync(replica.dir, { recursive: true, force: true });
  });

  async function assertSameAnswer(method: string, params: unknown[]) {
    const [theirs, ours] = await Promise.all([post(sequencerRpc, method, params), post(replicaRpc, method, params)]);
    assert.ok(!theirs.includes('"error"') || method === "eth_call", `${method} ${JSON.stringify(params)}: ${theirs}`);
    assert.equal(ours, theirs, `${method} ${JSON.stringify(params)}`);
  }

  it("answers block, receipt, log, state and call reads as the sequencer does, sealed and open blocks alike", async () => {
    const [sequencerMiniBlocks, replicaMiniBlocks] = await Promise.all([
      subscribe(sequencerRpc, "miniBlocks"),
      subscribe(replicaRpc, "miniBlocks"),
    ]);
    // Produced before the sequencer's subscription (block 1's start and the deploy); the replica receives them later.
    const earlier = source.miniBlocks.length;
    await runMixedBlocks(source, workload, 3);
    // Part of an open block too: realtime reads at mini-block freshness.
    await workload.tokenTransfer("0x00000000000000000000000000000000000b0b00", 42n);
    await source.sequencer.produceNow();
    await feed(replica.replica, source);
    assert.equal(replica.replica.head.hash, source.sequencer.head.hash);

    const head = Number(source.sequencer.head.header.number);
    const tags = [...Array.from({ length: head + 1 }, (_, n) => `0x${n.toString(16)}`), "latest", "pending"];
    for (const tag of tags) {
      await assertSameAnswer("eth_getBlockByNumber", [tag, true]);
      await assertSameAnswer("eth_getBlockByNumber", [tag, false]);
      await assertSameAnswer("eth_getBlockReceipts", [tag]);
      await assertSameAnswer("eth_getBlockTransactionCountByNumber", [tag]);
    }
    const hashes: Hash[] = [];
    for (const signed of source.miniBlocks) for (const tx of signed.miniBlock.transactions) hashes.push(tx.hash);
    for (const hash of hashes) {
      await assertSameAnswer("eth_getTransactionReceipt", [hash]);
      await assertSameAnswer("eth_getTransactionByHash", [hash]);
    }
    await assertSameAnswer("eth_getLogs", [{ fromBlock: "0x0", toBlock: "latest" }]);
    await assertSameAnswer("eth_blockNumber", []);
    await assertSameAnswer("eth_gasPrice", []);
    await assertSameAnswer("eth_feeHistory", ["0x4", "latest", [25, 75]]);
    const token = workload.token as Address;
    const holder = accounts[0]?.address as Address;
    for (const tag of ["latest", "0x1", "0x2"]) {
      await assertSameAnswer("eth_getBalance", [holder, tag]);
      await assertSameAnswer("eth_getTransactionCount", [holder, tag]);
      await assertSameAnswer("eth_getCode", [token, tag]);
      await assertSameAnswer("eth_getStorageAt", [workload.storage, "0x0", tag]);
      const data = encodeFunctionData({ abi: Token.abi, functionName: "balanceOf", args: [holder] });
      await assertSameAnswer("eth_call", [{ to: token, data }, tag]);
    }
    await assertSameAnswer("eth_getProof", [token, ["0x0"], "latest"]);
    await assertSameAnswer("mach_getStateDiff", [{ blockNumber: "0x2" }]);

    // The miniBlocks subscription: the same payloads, each with the sequencer's signature (the replica also saw the
    // mini-blocks produced before the sequencer's subscription).
    assert.ok(earlier > 0);
    assert.equal(sequencerMiniBlocks.results.length, source.miniBlocks.length - earlier);
    assert.equal(replicaMiniBlocks.results.length, source.miniBlocks.length);
    assert.ok(
      replicaMiniBlocks.results.slice(earlier).every((payload, i) => payload === sequencerMiniBlocks.results[i]),
    );
    const first = JSON.parse(sequencerMiniBlocks.results[0] as string) as { signature?: Record<string, string> };
    const signed = source.miniBlocks[earlier];
    assert.deepEqual(first.signature, {
      r: `0x${signed?.signature.r.toString(16)}`,
      s: `0x${signed?.signature.s.toString(16)}`,
      yParity: `0x${signed?.signature.yParity.toString(16)}`,
    });
    sequencerMiniBlocks.close();
    replicaMiniBlocks.close();
  });
});
