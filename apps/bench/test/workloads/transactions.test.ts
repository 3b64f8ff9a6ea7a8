import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { decodeTransaction } from "@mach/core/chain";
import { buildGenesisState } from "@mach/core/state";
import { createRng } from "../../src/random.ts";
import { createMachTarget } from "../../src/suites/executors.ts";
import { signWorkload } from "../../src/workloads/signing.ts";
import { generateWorkload, NonceTracker, WORKLOADS, type WorkloadName } from "../../src/workloads/transactions.ts";
import { ACCOUNT_TOKENS, type BenchWorld, balanceSlot, createWorld, PAIR, TOKEN_A } from "../../src/workloads/world.ts";

let world: BenchWorld;
before(() => {
  world = createWorld(5, 40);
});

function signed(name: WorkloadName, seed: number, count = 30) {
  const txs = generateWorkload({ world, name, count, rng: createRng(seed, name), nonces: new NonceTracker() });
  return signWorkload(world, txs);
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

describe("workloads", () => {
  it("produces byte-identical signed transactions for the same seed", () => {
    for (const name of WORKLOADS) {
      assert.deepEqual(signed(name, 3).raw.map(hex), createAgain(name));
    }
    function createAgain(name: WorkloadName) {
      const again = createWorld(5, 40);
      const txs = generateWorkload({
        world: again,
        name,
        count: 30,
        rng: createRng(3, name),
        nonces: new NonceTracker(),
      });
      return signWorkload(again, txs).raw.map(hex);
    }
  });

  it("sends only from the given senders, each with consecutive nonces from 0", () => {
    const chosen = [3, 7, 11];
    const txs = generateWorkload({
      world,
      name: "erc20",
      count: 12,
      rng: createRng(1, "senders"),
      nonces: new NonceTracker(),
      senders: chosen,
    });
    assert.deepEqual(new Set(txs.map((t) => t.sender)), new Set(chosen));
    for (const sender of chosen) {
      const nonces = txs.filter((t) => t.sender === sender).map((t) => t.tx.nonce);
      assert.deepEqual(nonces, [0n, 1n, 2n, 3n]);
    }
    assert.throws(
      () =>
        generateWorkload({
          world,
          name: "native",
          count: 1,
          rng: createRng(1),
          nonces: new NonceTracker(),
          senders: [99],
        }),
      RangeError,
    );
  });

  it("produces different transactions for a different seed", () => {
    assert.notDeepEqual(signed("erc20", 3).raw.map(hex), signed("erc20", 4).raw.map(hex));
  });

  it("signs transactions whose recovered sender is the workload's sender, with consecutive nonces", () => {
    const { txs, raw } = signed("mixed", 9, 100);
    const nextNonce = new Map<string, bigint>();
    raw.forEach((bytes, i) => {
      const tx = decodeTransaction(bytes);
      assert.equal(tx.type, 2);
      if (tx.type !== 2) return;
      const spec = txs[i];
      assert.ok(spec);
      assert.equal(tx.from, world.accounts[spec.sender]?.address);
      assert.equal(tx.nonce, nextNonce.get(tx.from) ?? 0n);
      nextNonce.set(tx.from, tx.nonce + 1n);
      assert.equal(tx.chainId, 901_901n);
    });
  });

  it("mixes all three kinds in the mixed workload", () => {
    const kinds = new Set(signed("mixed", 2, 200).txs.map((t) => t.kind));
    assert.deepEqual([...kinds].sort(), ["erc20", "native", "swap"]);
  });

  it("every transaction of every workload succeeds on the genesis state", async () => {
    const target = await createMachTarget(world.alloc);
    const nonces = new NonceTracker();
    for (const name of WORKLOADS) {
      const txs = generateWorkload({ world, name, count: 60, rng: createRng(11, name), nonces });
      for (const tx of target.prepare(signWorkload(world, txs).raw)) {
        const result = await target.execute(tx);
        assert.equal(result.status, 1, `${name} tx ${tx.hash} failed`);
      }
    }
  });
});

describe("createWorld", () => {
  it("allocates token balances, the pair's reserves and contract code", () => {
    const state = buildGenesisState({ alloc: world.alloc });
    const first = world.accounts[0]?.address;
    assert.ok(first);
    assert.equal(state.getStorage(TOKEN_A, balanceSlot(first)), ACCOUNT_TOKENS);
    assert.ok(state.getCode(PAIR).length > 0);
    assert.equal(world.accounts.length, 40);
    assert.equal(new Set(world.accounts.map((a) => a.address)).size, 40);
  });
});
