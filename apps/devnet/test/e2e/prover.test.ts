/**
 * Prover processes follow a sequencer process over libp2p on loopback and prove every block from its witness alone
 * (fetched with mega_getBlockWitness): under load, each block they prove has the sequencer's hash and state root; a
 * block gossiped with a wrong state root (test-only fault) is refused, fetched again, and the right one proven.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { DEV_MNEMONIC } from "@mach/core/node";
import { deriveOperators } from "../../src/operators.ts";
import { rpcCall } from "../support/chain.ts";
import { devAccounts, startLoad } from "../support/load.ts";
import { type MachProcess, startMach } from "../support/machProcess.ts";

const operators = deriveOperators(DEV_MNEMONIC);
/** Late enough that both provers follow gossip by then (they start in a few seconds; blocks come every 250 ms). */
// 25 s after the sequencer starts: both provers must be following gossip by then (their start took up to 13 s on a
// loaded CI machine), or they would fetch the block by range request, the right one, and never see the wrong root.
const FAULTY_BLOCK = 100;

async function startProver(chain: object, sequencer: MachProcess, index: number): Promise<MachProcess> {
  const started = sequencer.logs.find((entry) => entry.msg === "p2p started");
  return startMach({
    config: {
      node: { role: "prover" },
      chain,
      p2p: {
        enabled: true,
        sequencerAddress: operators.sequencer.address,
        bootstrap: started?.addresses as string[],
        gapGraceMs: 20,
        rangeRetryMs: 200,
      },
      prover: {
        signerPrivateKey: operators.provers[index]?.privateKey,
        witnessRpcUrl: sequencer.rpcUrl,
        attestationDomain: { l1ChainId: "31337", verifier: "0x000000000000000000000000000000000000b0b0" },
        provers: operators.provers.map((prover) => prover.address),
        quorum: 2,
      },
    },
  });
}

describe("provers over libp2p", () => {
  it("prove every block from its witness under load, and refuse a block gossiped with a wrong root", async () => {
    const chain = { genesisTimestamp: String(Math.floor(Date.now() / 1000) - 5) };
    const sequencer = await startMach({
      config: {
        chain,
        sequencer: {
          blockMs: 250,
          signerPrivateKey: operators.sequencer.privateKey,
          testFaults: { wrongStateRootAtBlock: FAULTY_BLOCK },
        },
        p2p: { enabled: true, listen: ["/ip4/127.0.0.1/tcp/0"] },
        witness: { enabled: true },
      },
    });
    const provers = await Promise.all([startProver(chain, sequencer, 0), startProver(chain, sequencer, 1)]);
    let load: ReturnType<typeof startLoad> | undefined;
    try {
      load = startLoad({ senders: devAccounts(3, 15), via: () => sequencer.rpcUrl, fallbackUrl: sequencer.rpcUrl });
      // Both provers caught up: each has proven a block within 5 of the sequencer's head.
      const newestProven = (prover: MachProcess) =>
        Math.max(0, ...prover.logs.filter((entry) => entry.msg === "block proven").map((entry) => Number(entry.block)));
      const followDeadline = Date.now() + 60_000;
      let following = Number((await rpcCall<string>(sequencer.rpcUrl, "eth_blockNumber")).result);
      while (provers.some((prover) => newestProven(prover) < following - 5)) {
        if (Date.now() > followDeadline) throw new Error("the provers did not catch up with the sequencer");
        await sleep(100);
        following = Number((await rpcCall<string>(sequencer.rpcUrl, "eth_blockNumber")).result);
      }
      assert.ok(
        following < FAULTY_BLOCK - 5,
        `the provers followed only from block ${following}, too late for the test`,
      );
      while (Number((await rpcCall<string>(sequencer.rpcUrl, "eth_blockNumber")).result) < FAULTY_BLOCK + 10) {
        await sleep(100);
      }
      const stats = await load.stop();
      load = undefined;
      assert.ok(stats.sent > 0);
      const target = FAULTY_BLOCK + 10;
      const proven = (prover: MachProcess) =>
        new Map(
          prover.logs
            .filter((entry) => entry.msg === "block proven")
            .map((entry) => [Number(entry.block), entry as { hash: string; stateRoot: string }]),
        );
      const deadline = Date.now() + 60_000;
      while (provers.some((prover) => !proven(prover).has(target))) {
        if (Date.now() > deadline) throw new Error("provers did not reach the target block");
        await sleep(100);
      }
      let transactions = 0;
      for (let n = 1; n <= target; n++) {
        const block = (
          await rpcCall<{ hash: string; stateRoot: string; transactions: unknown[] }>(
            sequencer.rpcUrl,
            "eth_getBlockByNumber",
            [`0x${n.toString(16)}`, false],
          )
        ).result;
        transactions += block?.transactions.length ?? 0;
        for (const prover of provers) {
          const entry = proven(prover).get(n);
          assert.equal(entry?.hash, block?.hash, `block ${n}`);
          assert.equal(entry?.stateRoot, block?.stateRoot, `block ${n}`);
        }
      }
      assert.ok(transactions > 0);
      for (const prover of provers) {
        const refusals = prover.logs.filter((entry) => String(entry.msg).startsWith("REFUSED BLOCK"));
        assert.ok(refusals.length > 0, "the gossiped wrong root was refused");
        assert.ok(refusals.every((entry) => Number(entry.block) === FAULTY_BLOCK));
      }
    } finally {
      await load?.stop();
      for (const prover of provers) {
        await prover.stop();
        prover.cleanup();
      }
      await sequencer.stop();
      sequencer.cleanup();
    }
  });
});
