/**
 * Mach's interpreter against @ethereumjs/vm on random programs: three contracts of random snippets (arithmetic,
 * storage, transient storage, memory, hashing, environment, logs, calls of every kind among themselves, precompiles
 * and EOAs, creates, jumps, reverts, self-destructs) and random transactions to them (or creating more). Outcomes
 * (status, gas, logs, return data, created address) and both post-states, listed from both sides, must be equal.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { bytesToHex } from "viem";
import type { Address, Transaction } from "../../../src/chain/types.ts";
import { runDifferential } from "../differential.ts";
import { ENGINES } from "../engines.ts";
import { addresses, blockEnv, ETHER, GWEI, MapState, signTx } from "../fixtures.ts";
import { deployer, program } from "./bytecode.ts";

const CONTRACTS: Address[] = [
  "0x00000000000000000000000000000000000c0de1",
  "0x00000000000000000000000000000000000c0de2",
  "0x00000000000000000000000000000000000c0de3",
];
const POOL: Address[] = [
  ...CONTRACTS,
  ...addresses,
  "0x0000000000000000000000000000000000000001",
  "0x0000000000000000000000000000000000000002",
  "0x0000000000000000000000000000000000000004",
  "0x0000000000000000000000000000000000000005",
  "0x00000000000000000000000000000000000dead0",
];
const mach = ENGINES.find((engine) => engine.name === "mach");

const transaction = fc.record({
  signer: fc.nat(2),
  target: fc.integer({ min: -1, max: CONTRACTS.length }),
  value: fc.oneof(fc.constant(0n), fc.bigInt(0n, 10_000n)),
  gas: fc.oneof(fc.bigInt(60_000n, 1_000_000n), fc.bigInt(21_000n, 80_000n)),
  data: fc.uint8Array({ maxLength: 72 }),
});

describe("Mach's interpreter matches @ethereumjs/vm on random programs", () => {
  it("gives the same outcomes and post-states for random contracts and transactions", async () => {
    if (mach === undefined) throw new Error("no mach engine");
    await fc.assert(
      fc.asyncProperty(
        fc.array(program(POOL), { minLength: CONTRACTS.length, maxLength: CONTRACTS.length }),
        fc.array(word256Storage(), { maxLength: 4 }),
        fc.array(transaction, { minLength: 1, maxLength: 5 }),
        program(POOL),
        async (codes, storage, requests, initRuntime) => {
          const genesis = new MapState()
            .fund(addresses[0], 100n * ETHER)
            .fund(addresses[1], 100n * ETHER)
            .fund(addresses[2], 100n * ETHER);
          codes.forEach((code, i) => {
            genesis.deploy(CONTRACTS[i] as Address, bytesToHex(code), BigInt(i) * 1000n);
          });
          for (const [i, key, value] of storage) {
            genesis.putStorage(CONTRACTS[i] as Address, `0x${key.toString(16).padStart(64, "0")}`, value);
          }
          const nonces = [0, 0, 0];
          const txs: Transaction[] = [];
          for (const r of requests) {
            const create = r.target === -1;
            const to = create ? null : r.target === CONTRACTS.length ? addresses[3] : (CONTRACTS[r.target] as Address);
            const data = create ? deployer(initRuntime) : r.data;
            const nonce = nonces[r.signer] ?? 0;
            nonces[r.signer] = nonce + 1;
            txs.push(
              await signTx(r.signer, {
                type: "eip1559",
                nonce,
                to: to ?? undefined,
                value: r.value,
                gas: r.gas,
                maxFeePerGas: 2n * GWEI,
                maxPriorityFeePerGas: GWEI,
                data: bytesToHex(data),
              } as Parameters<typeof signTx>[1]),
            );
          }
          const run = await runDifferential(genesis, txs, blockEnv(), POOL, [], mach);
          assert.deepEqual(run.mach, run.ethereumjs, "per-transaction outcomes differ");
          assert.deepEqual(run.machState, run.ethereumjsState, "post-state accounts differ");
          assert.deepEqual(run.machStorage, run.ethereumjsStorage, "post-state storage differs");
        },
      ),
      { numRuns: 60, seed: 0x6d616368, endOnFailure: true },
    );
  });
});

function word256Storage(): fc.Arbitrary<[number, bigint, bigint]> {
  return fc.tuple(fc.nat(CONTRACTS.length - 1), fc.bigInt(0n, 7n), fc.bigInt(1n, (1n << 256n) - 1n));
}
