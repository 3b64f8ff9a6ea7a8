/**
 * The user transactions a sequencing-window rewind dropped go back into the restarted sequencer's pool, in their
 * order, through the pool's admission: those still valid are included again in the rebuilt chain under the same
 * hashes (and the rebuilt chain derives as it is); each one the pool refuses is logged with its hash and reason.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseEther } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { decodeTransaction } from "../../src/chain/transaction.ts";
import type { Address } from "../../src/chain/types.ts";
import { repoolTransactions } from "../../src/node/repool.ts";
import { capturingLogger } from "../capturingLogger.ts";
import {
  alice,
  restartAfterRewind,
  signTransfer,
  startCensoringRollup,
  startDeriver,
  syncAll,
} from "../derivation/harness.ts";

const carol = privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
const CAROL = carol.address.toLowerCase() as Address;

describe("repoolTransactions", () => {
  it("re-admits a rewind's dropped transactions in order: valid ones are included again, a refused one is logged", async () => {
    // Block 5 funds carol, block 6 spends those funds, block 7 (left open) holds alice's next transfer.
    const funding = await signTransfer(alice, 2, parseEther("1"), CAROL);
    const spending = await signTransfer(carol, 0, parseEther("0.5"));
    const next = await signTransfer(alice, 3, 1n);
    const [fundingTx, spendingTx, nextTx] = [funding, spending, next].map((raw) => decodeTransaction(raw));
    assert.ok(fundingTx && spendingTx && nextTx);
    const { rollup } = await startCensoringRollup(undefined, { blocks: [[funding], [spending]], open: [next] });
    try {
      const { deriver, rejections } = await startDeriver(rollup);
      const restart = await restartAfterRewind(rollup);
      try {
        const { pool, sequencer } = restart;
        const { logger, lines } = capturingLogger();
        const outcome = await repoolTransactions({
          transactions: restart.rewind.droppedTransactions,
          admit: (raw) => pool.add(raw),
          logger,
        });

        // Carol's funds came from a dropped block: against the kept chain's state she has none.
        assert.deepEqual(outcome.repooled, [fundingTx.hash, nextTx.hash]);
        assert.deepEqual(outcome.refused, [
          { hash: spendingTx.hash, reason: "insufficientFunds", message: outcome.refused[0]?.message },
        ]);
        assert.match(outcome.refused[0]?.message ?? "", /^insufficient funds for gas \* price \+ value/);
        assert.deepEqual(
          lines.map(({ level, fields }) => ({ level, fields })),
          [
            {
              level: "warn",
              fields: { hash: spendingTx.hash, reason: "insufficientFunds", message: outcome.refused[0]?.message },
            },
            { level: "info", fields: { repooled: 2, refused: 1 } },
          ],
        );
        assert.deepEqual(
          pool.pendingOf(alice.address.toLowerCase() as Address).map((tx) => tx.hash),
          [fundingTx.hash, nextTx.hash],
        );

        // Deposit-only blocks 5 and 6 first (catching up with L1), then the re-pooled transfers.
        for (let i = 0; i < 4; i++) await restart.nextBlock();
        for (const tx of [fundingTx, nextTx]) {
          const location = rollup.store.getTxLocation(tx.hash);
          assert.ok(location, `${tx.hash} is included again`);
          assert.ok(location.blockNumber > 6n, "after the deposit-only blocks");
          assert.equal(rollup.store.getReceipts(location.blockNumber)?.[location.index]?.status, 1);
        }
        assert.equal(rollup.store.getTxLocation(spendingTx.hash), undefined);
        assert.equal(pool.size, 0);

        while (await restart.batcher.runOnce({ force: true })) {}
        await syncAll(deriver);
        assert.equal(deriver.head.hash, sequencer.head.hash, "derivation agrees with the rebuilt chain");
        assert.deepEqual(
          rejections.map((rejection) => rejection.reason),
          ["conflict"],
        );
      } finally {
        await restart.stop();
      }
    } finally {
      await rollup.close();
    }
  });
});
