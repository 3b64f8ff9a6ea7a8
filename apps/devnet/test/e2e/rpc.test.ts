/**
 * The JSON-RPC surface against a real node: proofs that verify against the block's state root, reads at past
 * blocks, eth_call with state overrides, debug_traceTransaction, polling filters and WebSocket subscriptions
 * (newHeads with miniBlockCount, miniBlocks, logs with pending bounds, newPendingTransactions, stateChanges).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { verifyMerkleProof } from "@ethereumjs/mpt";
import { RLP } from "@ethereumjs/rlp";
import { encodeFunctionData, type Hex, hexToBigInt, hexToBytes, parseAbi, parseEther, toHex } from "viem";
import { clients } from "../support/chain.ts";
import { testContracts } from "../support/contracts.ts";
import { type MachProcess, startMach } from "../support/machProcess.ts";
import { connect } from "../support/ws.ts";

const reverterAbi = parseAbi(["function increment() returns (uint256)", "function counter() view returns (uint256)"]);

async function rpc<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

describe("JSON-RPC against a running node", () => {
  let mach: MachProcess;
  let c: ReturnType<typeof clients>;
  let counter: Hex;
  const { Reverter } = testContracts();

  before(async () => {
    mach = await startMach({ config: { sequencer: { blockMs: 150 } } });
    c = clients(mach.rpcUrl, mach.wsUrl);
    const hash = await c.wallet.deployContract({ abi: reverterAbi, bytecode: Reverter.bytecode });
    counter = (await c.public.waitForTransactionReceipt({ hash })).contractAddress as Hex;
  });
  after(async () => {
    await mach?.stop();
    mach?.cleanup();
  });

  async function sealedBlockAfter(number: bigint): Promise<{ number: Hex; stateRoot: Hex; hash: Hex }> {
    for (;;) {
      const head = await rpc<{ number: Hex; stateRoot: Hex; hash: Hex }>(mach.rpcUrl, "eth_getBlockByNumber", [
        "latest",
        false,
      ]);
      if (hexToBigInt(head.number) > number) return head;
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
  }

  it("serves eth_getProof that verifies against the latest block's state root", async () => {
    const receipt = await c.wallet.sendTransactionSync({
      to: counter,
      data: encodeFunctionData({ abi: reverterAbi, functionName: "increment" }),
    });
    await sealedBlockAfter(receipt.blockNumber);
    // No traffic now, so `latest` names a sealed block whose root the proof must match.
    const head = await rpc<{ number: Hex; stateRoot: Hex }>(mach.rpcUrl, "eth_getBlockByNumber", ["latest", false]);
    const slot = toHex(0n, { size: 32 });
    const proof = await rpc<{
      accountProof: Hex[];
      storageHash: Hex;
      nonce: Hex;
      balance: Hex;
      storageProof: { key: Hex; value: Hex; proof: Hex[] }[];
    }>(mach.rpcUrl, "eth_getProof", [counter, [slot], head.number]);
    const leaf = await verifyMerkleProof(
      hexToBytes(counter),
      proof.accountProof.map((node) => hexToBytes(node)),
      {
        root: hexToBytes(head.stateRoot),
        useKeyHashing: true,
      },
    );
    assert.ok(leaf, "the account is proven present");
    const [nonce, , storageRoot] = RLP.decode(leaf) as Uint8Array[];
    assert.equal(toHex(storageRoot as Uint8Array), proof.storageHash);
    assert.equal(BigInt(toHex(nonce as Uint8Array)), hexToBigInt(proof.nonce));
    const value = await verifyMerkleProof(
      hexToBytes(slot),
      (proof.storageProof[0]?.proof ?? []).map((node) => hexToBytes(node)),
      {
        root: hexToBytes(proof.storageHash),
        useKeyHashing: true,
      },
    );
    assert.ok(value);
    assert.equal(hexToBigInt(proof.storageProof[0]?.value as Hex), 1n);
    assert.equal(BigInt(toHex(RLP.decode(value) as Uint8Array)), 1n);
  });

  it("reads balances at past blocks and runs eth_call with a state override", async () => {
    const recipient = "0x00000000000000000000000000000000000c0ffe";
    const before = await c.public.getBlockNumber({ cacheTime: 0 });
    const receipt = await c.wallet.sendTransactionSync({ to: recipient, value: parseEther("2") });
    await sealedBlockAfter(receipt.blockNumber);
    assert.equal(await c.public.getBalance({ address: recipient, blockNumber: before }), 0n);
    assert.equal(await c.public.getBalance({ address: recipient, blockNumber: receipt.blockNumber }), parseEther("2"));
    const result = await rpc<Hex>(mach.rpcUrl, "eth_call", [
      { to: counter, data: encodeFunctionData({ abi: reverterAbi, functionName: "counter" }) },
      "latest",
      { [counter]: { stateDiff: { [toHex(0n, { size: 32 })]: toHex(41n, { size: 32 }) } } },
    ]);
    assert.equal(hexToBigInt(result), 41n);
  });

  it("traces a transaction with the callTracer", async () => {
    const receipt = await c.wallet.sendTransactionSync({
      to: counter,
      data: encodeFunctionData({ abi: reverterAbi, functionName: "increment" }),
    });
    const trace = await rpc<{ type: string; from: string; to: string; gasUsed: Hex }>(
      mach.rpcUrl,
      "debug_traceTransaction",
      [receipt.transactionHash, { tracer: "callTracer" }],
    );
    assert.equal(trace.type, "CALL");
    assert.equal(trace.to.toLowerCase(), counter.toLowerCase());
    assert.ok(hexToBigInt(trace.gasUsed) > 0n);
  });

  it("reports changes to polling filters (blocks and logs)", async () => {
    const blockFilter = await rpc<Hex>(mach.rpcUrl, "eth_newBlockFilter");
    const logFilter = await rpc<Hex>(mach.rpcUrl, "eth_newFilter", [{ address: counter }]);
    const receipt = await c.wallet.sendTransactionSync({
      to: counter,
      data: encodeFunctionData({ abi: reverterAbi, functionName: "increment" }),
    });
    await sealedBlockAfter(receipt.blockNumber);
    const blocks = await rpc<Hex[]>(mach.rpcUrl, "eth_getFilterChanges", [blockFilter]);
    assert.ok(blocks.length > 0);
    const logs = await rpc<unknown[]>(mach.rpcUrl, "eth_getFilterChanges", [logFilter]);
    assert.ok(Array.isArray(logs));
    assert.equal(await rpc<boolean>(mach.rpcUrl, "eth_uninstallFilter", [blockFilter]), true);
    assert.equal(await rpc<boolean>(mach.rpcUrl, "eth_uninstallFilter", [blockFilter]), false);
  });

  it("streams newHeads, miniBlocks, pending logs, pending transactions and state changes over WebSocket", async () => {
    const ws = await connect(mach.wsUrl);
    try {
      const heads = (await ws.request("eth_subscribe", ["newHeads"])) as string;
      const miniBlocks = (await ws.request("eth_subscribe", ["miniBlocks"])) as string;
      const logs = (await ws.request("eth_subscribe", [
        "logs",
        { fromBlock: "pending", toBlock: "pending", address: counter },
      ])) as string;
      const pendingTxs = (await ws.request("eth_subscribe", ["newPendingTransactions"])) as string;
      const changes = (await ws.request("eth_subscribe", ["stateChanges", [counter]])) as string;
      const receipt = await c.wallet.sendTransactionSync({
        to: counter,
        data: encodeFunctionData({ abi: reverterAbi, functionName: "increment" }),
      });
      const [head] = (await ws.waitFor(heads)) as { miniBlockCount: Hex; stateRoot: Hex }[];
      assert.ok(head?.miniBlockCount !== undefined && head.stateRoot);
      const mini = (await ws.waitFor(miniBlocks)) as Record<string, unknown>[];
      const withTx = mini.find((m) =>
        (m.transactions as { hash: string }[]).some((tx) => tx.hash === receipt.transactionHash),
      );
      assert.ok(withTx, "the transaction's mini-block was streamed");
      for (const key of [
        "block_number",
        "block_timestamp",
        "index",
        "mini_block_number",
        "mini_block_timestamp",
        "gas_used",
        "receipts",
        "transaction_root",
        "receipt_root",
      ]) {
        assert.ok(key in withTx, `miniBlocks payload has ${key}`);
      }
      const [pendingHash] = (await ws.waitFor(pendingTxs)) as string[];
      assert.equal(pendingHash, receipt.transactionHash);
      const [change] = (await ws.waitFor(changes)) as { address: string; storage: Record<string, string> }[];
      assert.equal(change?.address.toLowerCase(), counter.toLowerCase());
      assert.ok(Object.keys(change?.storage ?? {}).length > 0);
      assert.equal(await ws.request("eth_unsubscribe", [logs]), true);
    } finally {
      ws.close();
    }
  });

  it("answers eth_syncing, safe/finalized/earliest tags and eth_getBlockReceipts", async () => {
    assert.equal(await rpc(mach.rpcUrl, "eth_syncing"), false);
    const earliest = await rpc<{ number: Hex }>(mach.rpcUrl, "eth_getBlockByNumber", ["earliest", false]);
    assert.equal(earliest.number, "0x0");
    const safe = await rpc<{ number: Hex } | null>(mach.rpcUrl, "eth_getBlockByNumber", ["safe", false]);
    assert.ok(safe === null || hexToBigInt(safe.number) >= 0n);
    const receipts = await rpc<unknown[]>(mach.rpcUrl, "eth_getBlockReceipts", ["latest"]);
    assert.ok(Array.isArray(receipts));
  });
});
