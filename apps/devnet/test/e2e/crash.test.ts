/**
 * Durability: a transaction that got a receipt survives `kill -9` of the sequencer, and a clean restart resumes at
 * the same head and state root.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { DEV_KEYS, rpcCall, signTransfer } from "../support/chain.ts";
import { startMach } from "../support/machProcess.ts";

const call = rpcCall;

describe("durability of acknowledged transactions", () => {
  it("keeps every transaction that got a receipt across a SIGKILL under load", async () => {
    const first = await startMach({ config: { sequencer: { blockMs: 100 }, store: { snapshotIntervalBlocks: 5 } } });
    const dataDir = first.dataDir;
    const senders = DEV_KEYS.map((key) => privateKeyToAccount(key));
    // Pre-sign a stream per sender so the load is as fast as the node lets it be.
    const perSender = 150;
    const streams = await Promise.all(
      senders.map(async (account) => {
        const raws: Hex[] = [];
        for (let nonce = 0; nonce < perSender; nonce++) {
          raws.push(await signTransfer(account, { nonce, value: BigInt(nonce + 1) }));
        }
        return raws;
      }),
    );
    const acknowledged = new Map<string, { blockNumber: string; status: string }>();
    let killed = false;
    const load = streams.map(async (raws) => {
      for (const raw of raws) {
        if (killed) return;
        const answer = await call(first.rpcUrl, "realtime_sendRawTransaction", [raw]).catch(() => undefined);
        const receipt = answer?.result as { transactionHash: string; blockNumber: string; status: string } | undefined;
        if (receipt)
          acknowledged.set(receipt.transactionHash, { blockNumber: receipt.blockNumber, status: receipt.status });
      }
    });
    // Kill once a good share of the load has been acknowledged, mid-stream (or when the load ended early, which the
    // check below reports).
    let loadEnded = false;
    const loadDone = Promise.all(load).then(() => {
      loadEnded = true;
    });
    while (acknowledged.size < 120 && !loadEnded) await new Promise((resolve) => setTimeout(resolve, 5));
    killed = true;
    const acknowledgedAtKill = acknowledged.size;
    await first.stop("SIGKILL");
    await loadDone;
    assert.ok(acknowledgedAtKill >= 120, `the node acknowledged ${acknowledgedAtKill} transactions before the kill`);
    assert.ok(
      acknowledged.size < streams.length * perSender,
      "the kill landed mid-stream: some transactions were never acknowledged",
    );

    const second = await startMach({
      dataDir,
      config: { sequencer: { blockMs: 100 }, store: { snapshotIntervalBlocks: 5 } },
    });
    try {
      for (const [hash, expected] of acknowledged) {
        const { result } = await call(second.rpcUrl, "eth_getTransactionReceipt", [hash]);
        const receipt = result as { blockNumber: string; status: string } | null;
        assert.ok(receipt, `receipt of acknowledged ${hash} survived the crash`);
        assert.equal(receipt.blockNumber, expected.blockNumber);
        assert.equal(receipt.status, expected.status);
      }
      // The senders' nonces account for at least every acknowledged transaction.
      let total = 0;
      for (const account of senders) {
        const { result } = await call(second.rpcUrl, "eth_getTransactionCount", [account.address, "latest"]);
        total += Number(result);
      }
      assert.ok(total >= acknowledged.size);
      // And the chain goes on: a new transaction lands.
      const next = await signTransfer(senders[0]!, {
        nonce: Number((await call(second.rpcUrl, "eth_getTransactionCount", [senders[0]!.address, "latest"])).result),
      });
      const answer = await call(second.rpcUrl, "realtime_sendRawTransaction", [next]);
      assert.equal((answer.result as { status: string }).status, "0x1");
    } finally {
      await second.stop();
      second.cleanup();
    }
  });

  it("resumes at the same head block and state root after a clean stop", async () => {
    // Blocks seal only when asked (evm_mine), so the head before the stop is known exactly.
    const config = { sequencer: { blockMs: 60_000 }, dev: { enabled: true } };
    const first = await startMach({ config });
    const account = privateKeyToAccount(DEV_KEYS[0]);
    const raw = await signTransfer(account, { nonce: 0, value: 5n });
    const sent = await call(first.rpcUrl, "realtime_sendRawTransaction", [raw]);
    assert.equal((sent.result as { status: string }).status, "0x1");
    assert.equal((await call(first.rpcUrl, "evm_mine", [])).error, undefined);
    const { result: sealed } = await call(first.rpcUrl, "eth_getBlockByNumber", ["latest", false]);
    const before = sealed as { number: string; hash: string; stateRoot: string; transactions: string[] };
    // The block's L1-attributes deposit, then the transfer.
    assert.equal(before.transactions.length, 2, "the transfer is in the sealed head");
    assert.equal(before.transactions[1], (sent.result as { transactionHash: string }).transactionHash);
    await first.stop("SIGTERM");
    const second = await startMach({ dataDir: first.dataDir, config });
    try {
      const restarted = second.logs.find((entry) => entry.msg === "restarted from snapshot and write-ahead log");
      assert.ok(restarted, "the node restarted from its store");
      // The head and root from before the stop, not the restarted node's own view of itself.
      assert.equal(BigInt(restarted.head as string), BigInt(before.number));
      assert.equal(restarted.stateRoot, before.stateRoot);
      const { result } = await call(second.rpcUrl, "eth_getBlockByNumber", [before.number, false]);
      const head = result as { number: string; hash: string; stateRoot: string };
      assert.equal(head.hash, before.hash);
      assert.equal(head.stateRoot, before.stateRoot);
      const { result: balance } = await call(second.rpcUrl, "eth_getBalance", [
        "0x000000000000000000000000000000000000beef",
        "latest",
      ]);
      assert.equal(balance, "0x5");
    } finally {
      await second.stop();
      second.cleanup();
    }
  });
});
