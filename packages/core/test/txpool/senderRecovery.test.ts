import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { bytesToHex, hexToBytes } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { SECP256K1_N } from "../../src/chain/signature.ts";
import { decodeTransaction, decodeTransactionBody, encodeTransaction } from "../../src/chain/transaction.ts";
import type { TransactionBody } from "../../src/chain/types.ts";
import { TransactionRejectedError } from "../../src/errors.ts";
import { SenderRecoveryPool } from "../../src/txpool/senderRecovery.ts";
import { decodeOutcome, type RecoveryOutcome } from "../../src/txpool/senderRecoveryProtocol.ts";

const CHAIN_ID = 6342;
const MAX_TX_BYTES = 128 * 1024;
/** The event loop's next pass: what was gathered in this one has been posted. */
const nextPass = () => new Promise((resolve) => setImmediate(resolve));

/** `count` EIP-1559 transfers from `senders` keys, nonces in order per sender. */
async function signedTransfers(count: number, senders: number): Promise<Uint8Array[]> {
  const accounts = Array.from({ length: senders }, () => privateKeyToAccount(generatePrivateKey()));
  const raws: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const account = accounts[i % senders] as (typeof accounts)[number];
    const hex = await account.signTransaction({
      type: "eip1559",
      chainId: CHAIN_ID,
      nonce: Math.floor(i / senders),
      maxFeePerGas: 2_000_000_000n,
      maxPriorityFeePerGas: 1n,
      gas: 21_000n,
      to: accounts[(i + 1) % senders]?.address ?? account.address,
      value: BigInt(i),
    });
    raws.push(hexToBytes(hex));
  }
  return raws;
}

function withSignature(raw: Uint8Array, patch: { r?: bigint; s?: bigint }): Uint8Array {
  return encodeTransaction({ ...decodeTransactionBody(raw), ...patch } as TransactionBody);
}

/** What an admission sees of an outcome, comparable across threads. */
function summary(outcome: RecoveryOutcome | undefined): unknown {
  if (outcome === undefined) return "not decoded";
  if (outcome instanceof TransactionRejectedError) return { reason: outcome.reason, message: outcome.shortMessage };
  if (outcome instanceof Error) return { error: outcome.message };
  return { ...outcome, raw: bytesToHex(outcome.raw), data: bytesToHex(outcome.data) };
}

const open: SenderRecoveryPool[] = [];
function startPool(workers: number, inlineBelow = 2): SenderRecoveryPool {
  const pool = new SenderRecoveryPool({ workers, inlineBelow, maxTxBytes: MAX_TX_BYTES });
  open.push(pool);
  return pool;
}
after(() => Promise.all(open.map((pool) => pool.close())));

describe("SenderRecoveryPool", async () => {
  const raws = await signedTransfers(120, 12);

  it("recovers with the native libsecp256k1 binding in its worker threads", async () => {
    assert.deepEqual(await startPool(2).ready(), ["native", "native"]);
  });

  it("decodes a batch on a worker to what decodeTransaction returns, refusing each bad transaction on its own", async () => {
    const first = raws[0] as Uint8Array;
    const { s } = decodeTransactionBody(first) as { s: bigint };
    const batch = [...raws.slice(0, 100)];
    batch[3] = withSignature(first, { s: SECP256K1_N - s }); // high s (EIP-2)
    batch[40] = withSignature(first, { r: 0n });
    batch[41] = first.subarray(0, first.length - 1); // truncated RLP
    batch[77] = Uint8Array.of(3, 0xc0); // blob type
    const pool = startPool(1);
    const outcomes = await Promise.all(batch.map((raw) => pool.recover(raw, (outcome) => outcome)));
    assert.equal(pool.messagesPosted, 1, "one message for the whole batch");
    assert.deepEqual(
      outcomes.map(summary),
      batch.map((raw) => summary(decodeOutcome(raw))),
    );
    const highS = outcomes[3];
    assert.ok(highS instanceof TransactionRejectedError);
    assert.equal(highS.shortMessage, "invalid sender: invalid transaction v, r, s values");
    assert.equal((outcomes[77] as TransactionRejectedError).shortMessage, "transaction type not supported");
    assert.equal((outcomes[5] as { from: string }).from, decodeTransaction(batch[5] as Uint8Array).from);
  });

  it("gathers the sends of one event-loop pass into one group, whatever promise callbacks they came through", async () => {
    const pool = startPool(1);
    const calls: Promise<unknown>[] = [];
    // As sends of several connections read in one pass arrive: each after its own chain of promise callbacks.
    for (let hops = 0; hops < 4; hops++) {
      calls.push(pool.recover(raws[hops] as Uint8Array, (outcome) => outcome));
      await null;
    }
    await Promise.all(calls);
    assert.equal(pool.messagesPosted, 1, "one message for the four sends");
  });

  it("admits groups in the order they arrived, whichever worker answers first", async () => {
    const pool = startPool(2);
    const admitted: number[] = [];
    const calls: Promise<number>[] = [];
    // Groups of 1, 100, 2, 64, 1, 3, … sent one event-loop turn after another, without waiting for answers.
    const sizes = [1, 100, 2, 64, 1, 3, 40, 1, 1, 7];
    let next = 0;
    for (const size of sizes) {
      for (let i = 0; i < size; i++) {
        const index = next++;
        calls.push(pool.recover(raws[index % raws.length] as Uint8Array, () => admitted.push(index)));
      }
      await nextPass(); // the gathered group is posted before the next one starts
    }
    await Promise.all(calls);
    assert.deepEqual(
      admitted,
      Array.from({ length: next }, (_, i) => i),
    );
  });

  it("decodes a lone send inline when nothing is ahead of it, and behind a group otherwise", async () => {
    const pool = startPool(1);
    const lone = await pool.recover(raws[0] as Uint8Array, (outcome) => outcome);
    assert.equal(pool.messagesPosted, 0);
    assert.equal(
      summary(lone) instanceof Object && (lone as { from: string }).from,
      decodeTransaction(raws[0] as Uint8Array).from,
    );

    const order: string[] = [];
    const batch = raws.slice(0, 10).map((raw) => pool.recover(raw, () => order.push("batch")));
    await nextPass();
    const behind = pool.recover(raws[11] as Uint8Array, () => order.push("lone"));
    await Promise.all([...batch, behind]);
    assert.equal(pool.messagesPosted, 2, "the lone send waited on a worker behind the batch");
    assert.deepEqual(order, [...Array(10).fill("batch"), "lone"]);
  });

  it("leaves a transaction above maxTxBytes undecoded, for the pool to refuse as oversized", async () => {
    const pool = startPool(1);
    const oversized = new Uint8Array(MAX_TX_BYTES + 1);
    const outcomes = await Promise.all(
      [raws[0] as Uint8Array, oversized, raws[1] as Uint8Array].map((raw) => pool.recover(raw, (outcome) => outcome)),
    );
    assert.deepEqual(outcomes.map(summary), [
      summary(decodeOutcome(raws[0] as Uint8Array)),
      "not decoded",
      summary(decodeOutcome(raws[1] as Uint8Array)),
    ]);
  });

  it("passes what admit throws to that caller only", async () => {
    const pool = startPool(1);
    const results = await Promise.allSettled(
      raws.slice(0, 5).map((raw, i) =>
        pool.recover(raw, () => {
          if (i === 2) throw new TransactionRejectedError("nonceTooLow", "nonce too low");
          return i;
        }),
      ),
    );
    assert.deepEqual(
      results.map((result) => (result.status === "fulfilled" ? result.value : (result.reason as Error).message)),
      [0, 1, "nonce too low", 3, 4],
    );
  });

  it("answers sends still gathering when closed in the same turn", async () => {
    const pool = new SenderRecoveryPool({ workers: 1, inlineBelow: 2, maxTxBytes: MAX_TX_BYTES });
    await pool.ready();
    // An idle pool's workers do not keep the process alive (a node's server does): this test's timer does.
    const alive = setInterval(() => undefined, 1_000);
    try {
      const admitted: number[] = [];
      const calls = raws.slice(0, 5).map((raw, i) => pool.recover(raw, () => admitted.push(i)));
      await pool.close();
      await Promise.all(calls);
      assert.deepEqual(admitted, [0, 1, 2, 3, 4]);
      assert.equal(pool.messagesPosted, 0, "decoded here, not posted to a worker being stopped");
    } finally {
      clearInterval(alive);
    }
  });

  it("answers every waiting caller, in order, when closed with groups on a worker", async () => {
    const pool = new SenderRecoveryPool({ workers: 1, inlineBelow: 2, maxTxBytes: MAX_TX_BYTES });
    const admitted: number[] = [];
    const calls = raws.slice(0, 50).map((raw, i) => pool.recover(raw, () => admitted.push(i)));
    await nextPass();
    await pool.close();
    await Promise.all(calls);
    assert.deepEqual(
      admitted,
      Array.from({ length: 50 }, (_, i) => i),
    );
    await assert.rejects(
      pool.recover(raws[0] as Uint8Array, () => 0),
      /sender recovery is closed/,
    );
  });
});
