/**
 * Sender recovery on worker threads inside a real node (in process, memory DA): a JSON-RPC batch of sends is decoded
 * off the main thread, each bad transaction gets its own geth error while the others are admitted, and a batch sent
 * after another on the same connection never overtakes it (its nonces follow without a gap).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Hex, hexToBytes, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { WebSocket } from "ws";
import { SECP256K1_N } from "../../src/chain/signature.ts";
import { decodeTransactionBody, encodeTransaction } from "../../src/chain/transaction.ts";
import type { TransactionBody } from "../../src/chain/types.ts";
import { parseNodeConfig } from "../../src/node/config.ts";
import { createLogger } from "../../src/node/logger.ts";
import { type MachNode, startNode } from "../../src/node/node.ts";

interface Answer {
  id: number;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

describe("sender recovery on worker threads", () => {
  let node: MachNode;
  let dataDir: string;

  const signTransfers = async (from: number, count: number): Promise<Hex[]> => {
    const account = privateKeyToAccount(node.devAccounts[0]?.privateKey as Hex);
    const raws: Hex[] = [];
    for (let nonce = from; nonce < from + count; nonce++) {
      raws.push(
        await account.signTransaction({
          chainId: Number(node.chainId),
          type: "eip1559",
          nonce,
          to: "0x000000000000000000000000000000000000beef",
          value: 1n,
          gas: 21_000n,
          maxFeePerGas: 10_000_000_000n,
          maxPriorityFeePerGas: 1_000_000n,
        }),
      );
    }
    return raws;
  };
  const batchOf = (method: string, raws: readonly Hex[], firstId: number) =>
    JSON.stringify(raws.map((raw, i) => ({ jsonrpc: "2.0", id: firstId + i, method, params: [raw] })));

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "mach-senders-"));
    const providers = { da: {}, settlement: {} };
    const config = parseNodeConfig(
      {
        rpc: { port: 0 },
        txpool: { senderRecovery: { workers: 1, inlineBelow: 2 } },
        metrics: { enabled: false },
        store: { path: join(dataDir, "node") },
        sequencer: { blockMs: 50 },
      },
      providers,
    );
    node = await startNode({ config, providers, logger: createLogger("silent") });
  });
  after(async () => {
    await node.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers a batch of 100 sends with 99 hashes and one geth error for the high-s transaction", async () => {
    const raws = await signTransfers(0, 99);
    const body = decodeTransactionBody(hexToBytes(raws[0] as Hex)) as TransactionBody & { s: bigint };
    const highS = toHex(encodeTransaction({ ...body, nonce: 99n, s: SECP256K1_N - body.s } as TransactionBody));
    const batch = [...raws.slice(0, 50), highS, ...raws.slice(50)];
    assert.ok(node.rpcUrl);
    const response = await fetch(node.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: batchOf("eth_sendRawTransaction", batch, 0),
    });
    const answers = (await response.json()) as Answer[];
    assert.equal(answers.length, 100);
    assert.deepEqual(answers[50]?.error, {
      code: -32000,
      message: "invalid sender: invalid transaction v, r, s values",
    });
    for (const [i, answer] of answers.entries()) {
      if (i === 50) continue;
      assert.equal(answer.error, undefined, JSON.stringify(answer.error));
      assert.match(answer.result as string, /^0x[0-9a-f]{64}$/);
    }
  });

  it("admits a later batch on the same connection after the earlier one: its sends wait for receipts, not a gap", async () => {
    const first = await signTransfers(99, 100);
    const second = await signTransfers(199, 20);
    assert.ok(node.wsUrl);
    const socket = new WebSocket(node.wsUrl);
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
    const answers = new Map<number, Answer[]>();
    const done = new Promise<void>((resolve) => {
      socket.on("message", (data) => {
        const batch = JSON.parse(String(data)) as Answer[];
        answers.set(batch[0]?.id ?? -1, batch);
        if (answers.size === 2) resolve();
      });
    });
    socket.send(batchOf("eth_sendRawTransaction", first, 0));
    // The sync variant answers EIP-7966 code 5 for a nonce that arrives before the ones it follows.
    socket.send(batchOf("eth_sendRawTransactionSync", second, 1_000));
    await done;
    socket.close();
    for (const answer of answers.get(0) ?? []) assert.equal(answer.error, undefined, JSON.stringify(answer.error));
    const receipts = answers.get(1_000) ?? [];
    assert.equal(receipts.length, 20);
    for (const answer of receipts) {
      assert.equal(answer.error, undefined, JSON.stringify(answer.error));
      assert.equal((answer.result as { status: string }).status, "0x1");
    }
  });
});
