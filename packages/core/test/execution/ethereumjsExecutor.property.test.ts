import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { encodeDeployData, encodeFunctionData, getContractAddress, type Hex, pad } from "viem";
import type { Address, Transaction } from "../../src/chain/types.ts";
import { Factory, Storage, Token } from "./contracts.ts";
import { runDifferential } from "./differential.ts";
import { ENGINES } from "./engines.ts";
import { addresses, blockEnv, ETHER, GWEI, MapState, signTx, type TxRequest } from "./fixtures.ts";

const [alice, bob, carol, dave] = addresses;
const FACTORY: Address = "0x00000000000000000000000000000000000fac70";
const STORAGE: Address = "0x0000000000000000000000000000000000005707";

type Action =
  | { kind: "eth"; to: number; value: bigint }
  | { kind: "set"; key: bigint; value: bigint }
  | { kind: "fill"; n: bigint }
  | { kind: "clear"; n: bigint }
  | { kind: "deploy"; salt: number; value: bigint }
  | { kind: "token" }
  | { kind: "tokenTransfer"; to: number; amount: bigint };

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant("eth" as const), to: fc.nat(3), value: fc.bigInt(0n, ETHER) }),
  fc.record({ kind: fc.constant("set" as const), key: fc.bigInt(0n, 7n), value: fc.bigInt(0n, 3n) }),
  fc.record({ kind: fc.constant("fill" as const), n: fc.bigInt(0n, 6n) }),
  fc.record({ kind: fc.constant("clear" as const), n: fc.bigInt(0n, 6n) }),
  fc.record({ kind: fc.constant("deploy" as const), salt: fc.nat(2), value: fc.bigInt(0n, 1000n) }),
  fc.record({ kind: fc.constant("token" as const) }),
  fc.record({ kind: fc.constant("tokenTransfer" as const), to: fc.nat(3), amount: fc.bigInt(0n, 2_000n) }),
);

const step = fc.record({
  signer: fc.nat(2),
  action,
  type: fc.constantFrom("legacy", "eip2930", "eip1559"),
  gas: fc.oneof(fc.constant(400_000n), fc.bigInt(21_000n, 120_000n)),
  tip: fc.bigInt(0n, 2n * GWEI),
});

function data(a: Action, token: Address | undefined): { to: Address | null; data: Hex; value: bigint } {
  switch (a.kind) {
    case "eth":
      return { to: addresses[a.to] as Address, data: "0x", value: a.value };
    case "set":
      return {
        to: STORAGE,
        data: encodeFunctionData({ abi: Storage.abi, functionName: "set", args: [a.key, a.value] }),
        value: 0n,
      };
    case "fill":
      return {
        to: STORAGE,
        data: encodeFunctionData({ abi: Storage.abi, functionName: "fill", args: [a.n] }),
        value: 0n,
      };
    case "clear":
      return {
        to: STORAGE,
        data: encodeFunctionData({ abi: Storage.abi, functionName: "clear", args: [a.n] }),
        value: 0n,
      };
    case "deploy":
      return {
        to: FACTORY,
        data: encodeFunctionData({ abi: Factory.abi, functionName: "deploy", args: [pad(`0x0${a.salt}`), 1n] }),
        value: a.value,
      };
    case "token":
      return {
        to: null,
        data: encodeDeployData({ abi: Token.abi, bytecode: Token.bytecode, args: [5_000n] }),
        value: 0n,
      };
    case "tokenTransfer":
      return {
        to: token ?? STORAGE,
        data: encodeFunctionData({
          abi: Token.abi,
          functionName: "transfer",
          args: [addresses[a.to] as Address, a.amount],
        }),
        value: 0n,
      };
  }
}

for (const engine of ENGINES) {
  const differential = (...args: Parameters<typeof runDifferential>) => {
    const [genesis, txs, env, extraAddresses = [], extraSlots = []] = args;
    return runDifferential(genesis, txs, env, extraAddresses, extraSlots, engine);
  };

  describe(`EthereumJsExecutor on random transaction sequences (${engine.name} engine)`, () => {
    it("matches @ethereumjs/vm in status, gas, logs and post-state", async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 6 }), async (steps) => {
          const genesis = new MapState()
            .fund(alice, 100n * ETHER)
            .fund(bob, 100n * ETHER)
            .fund(carol, 100n * ETHER)
            .deploy(FACTORY, Factory.deployedBytecode)
            .deploy(STORAGE, Storage.deployedBytecode);
          const nonces = [0, 0, 0];
          let token: Address | undefined;
          const txs: Transaction[] = [];
          for (const s of steps) {
            const { to, data: input, value } = data(s.action, token);
            const nonce = nonces[s.signer] ?? 0;
            nonces[s.signer] = nonce + 1;
            const gas = to === null ? 1_500_000n : s.gas < 60_000n && input.length > 2 ? s.gas + 40_000n : s.gas;
            const base = { nonce, to: to ?? undefined, data: input, value, gas } as const;
            const request: TxRequest =
              s.type === "eip1559"
                ? { ...base, type: "eip1559", maxFeePerGas: 3n * GWEI, maxPriorityFeePerGas: s.tip }
                : s.type === "eip2930"
                  ? {
                      ...base,
                      type: "eip2930",
                      gasPrice: GWEI + s.tip,
                      accessList: [{ address: STORAGE, storageKeys: [] }],
                    }
                  : { ...base, type: "legacy", gasPrice: GWEI + s.tip };
            const tx = await signTx(s.signer, request);
            if (to === null)
              token ??= getContractAddress({ from: tx.from, nonce: BigInt(nonce) }).toLowerCase() as Address;
            txs.push(tx);
          }
          const run = await differential(genesis, txs, blockEnv(), [dave]);
          assert.deepEqual(run.mach, run.ethereumjs);
          assert.deepEqual(run.machState, run.ethereumjsState);
          assert.deepEqual(run.machStorage, run.ethereumjsStorage);
        }),
        { numRuns: 40, seed: 0x6d616368 },
      );
    });
  });
}
