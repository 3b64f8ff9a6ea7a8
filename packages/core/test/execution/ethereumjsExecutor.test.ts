import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import {
  decodeFunctionResult,
  encodeErrorResult,
  encodeFunctionData,
  getContractAddress,
  type Hex,
  hexToBytes,
  pad,
} from "viem";
import { buildTransaction } from "../../src/chain/transaction.ts";
import type { Address, Transaction } from "../../src/chain/types.ts";
import { ExecutionRevertedError, TransactionRejectedError } from "../../src/errors.ts";
import { estimateGas, GasEstimationError } from "../../src/execution/estimateGas.ts";
import { L1_FEE_VAULT } from "../../src/execution/l1Fee.ts";
import type { CallMessage } from "../../src/execution/types.ts";
import { Factory, Storage, Token } from "./contracts.ts";
import { ENGINES, type EngineExecutor } from "./engines.ts";
import {
  addresses,
  blockEnv,
  COINBASE,
  ETHER,
  eip1559,
  GWEI,
  MapState,
  signBody,
  signTx,
  slotKey,
} from "./fixtures.ts";

const [alice, bob, carol] = addresses;
const TOKEN: Address = "0x00000000000000000000000000000000000070c0";
const FACTORY: Address = "0x00000000000000000000000000000000000fac70";
const STORAGE: Address = "0x0000000000000000000000000000000000005707";

/** Token with `alice` holding 1000 (balanceOf mapping at slot 0, totalSupply at slot 2). */
function genesis(): MapState {
  const state = new MapState()
    .fund(alice, 10n * ETHER)
    .fund(bob, 10n * ETHER)
    .deploy(TOKEN, Token.deployedBytecode)
    .deploy(FACTORY, Factory.deployedBytecode)
    .deploy(STORAGE, Storage.deployedBytecode);
  const aliceSlot = keccakSlot(alice, 0n);
  state.putStorage(TOKEN, aliceSlot, 1000n);
  state.putStorage(TOKEN, slotKey(2n), 1000n);
  state.writes = 0;
  return state;
}

import { keccak256 } from "viem";

function keccakSlot(holder: Address, mappingSlot: bigint): Hex {
  return keccak256(`0x${pad(holder).slice(2)}${mappingSlot.toString(16).padStart(64, "0")}`);
}

const transfer = (to: Address, value: bigint) =>
  encodeFunctionData({ abi: Token.abi, functionName: "transfer", args: [to, value] });

for (const engine of ENGINES) {
  describe(`${engine.name} engine`, () => {
    let executor: EngineExecutor;
    before(async () => {
      executor = await engine.create({ chainId: 901n });
    });

    describe("executeTransaction rejects consensus-invalid transactions and writes nothing", () => {
      const cases: { name: string; reason: string; message: RegExp; tx: () => Promise<Transaction>; env?: object }[] = [
        {
          name: "nonce below the account's",
          reason: "nonceTooLow",
          message: /^nonce too low: address 0x[0-9a-f]{40}, tx: 0 state: 1$/,
          tx: () => signTx(0, eip1559({ nonce: 0, to: bob })),
        },
        {
          name: "nonce above the account's",
          reason: "nonceTooHigh",
          message: /^nonce too high: address 0x[0-9a-f]{40}, tx: 5 state: 1$/,
          tx: () => signTx(0, eip1559({ nonce: 5, to: bob })),
        },
        {
          name: "balance below gas × fee cap + value",
          reason: "insufficientFunds",
          message:
            /^insufficient funds for gas \* price \+ value: address 0x[0-9a-f]{40} have 10000000000000000000 want /,
          tx: () => signTx(0, eip1559({ nonce: 1, to: bob, value: 10n * ETHER })),
        },
        {
          name: "gas below intrinsic gas",
          reason: "intrinsicGasTooLow",
          message: /^intrinsic gas too low: gas 20000, minimum needed 21000$/,
          tx: () => signTx(0, eip1559({ nonce: 1, to: bob, gas: 20_000n })),
        },
        {
          name: "gas below the EIP-7623 floor",
          reason: "intrinsicGasTooLow",
          message: /^insufficient gas for floor data gas cost: gas 40000, minimum needed 61000$/,
          tx: () => signTx(0, eip1559({ nonce: 1, to: bob, gas: 40_000n, data: `0x${"ff".repeat(1000)}` })),
        },
        {
          name: "fee cap below the base fee",
          reason: "feeCapTooLow",
          message:
            /^max fee per gas less than block base fee: address 0x[0-9a-f]{40}, maxFeePerGas: 1, baseFee: 1000000000$/,
          tx: () => signTx(0, eip1559({ nonce: 1, to: bob, maxFeePerGas: 1n, maxPriorityFeePerGas: 1n })),
        },
        {
          name: "tip above the fee cap",
          reason: "tipAboveFeeCap",
          message:
            /^max priority fee per gas higher than max fee per gas: address 0x[0-9a-f]{40}, maxPriorityFeePerGas: 3000000000, maxFeePerGas: 2000000000$/,
          tx: () =>
            signBody(0, {
              type: 2,
              chainId: 901n,
              nonce: 1n,
              gasLimit: 21_000n,
              to: bob,
              value: 0n,
              data: new Uint8Array(0),
              maxFeePerGas: 2n * GWEI,
              maxPriorityFeePerGas: 3n * GWEI,
              accessList: [],
            }),
        },
        {
          name: "a chain id other than the executor's",
          reason: "wrongChainId",
          message: /^invalid chain id for signer: have 1 want 901$/,
          tx: () => signTx(0, { ...eip1559({ nonce: 1, to: bob }), chainId: 1 }),
        },
        {
          name: "gas limit above the block's",
          reason: "gasLimitExceedsBlock",
          message: /^exceeds block gas limit$/,
          tx: () =>
            signTx(0, eip1559({ nonce: 1, to: bob, gas: 40_000_000n, maxFeePerGas: GWEI, maxPriorityFeePerGas: 0n })),
        },
      ];
      for (const c of cases) {
        it(`rejects ${c.name}`, async () => {
          const state = genesis().fund(alice, 10n * ETHER, 1n);
          state.writes = 0;
          const tx = await c.tx();
          await assert.rejects(executor.executeTransaction(state, tx, blockEnv()), (error: unknown) => {
            assert.ok(error instanceof TransactionRejectedError);
            assert.equal(error.reason, c.reason);
            assert.match(error.message, c.message);
            return true;
          });
          assert.equal(state.writes, 0);
        });
      }

      it("rejects a sender with contract code (EIP-3607)", async () => {
        const state = genesis();
        state.deploy(alice, "0x60006000f3", 10n * ETHER);
        state.writes = 0;
        const tx = await signTx(0, eip1559({ nonce: 1, to: bob }));
        await assert.rejects(
          executor.executeTransaction(state, tx, blockEnv()),
          /^TransactionRejectedError: sender not an eoa/,
        );
        assert.equal(state.writes, 0);
      });
    });

    describe("executeTransaction", () => {
      it("charges gas at the effective price, pays the tip to the coinbase and burns the base fee", async () => {
        const state = genesis();
        const tx = await signTx(0, eip1559({ nonce: 0, to: TOKEN, data: transfer(bob, 10n) }));
        const result = await executor.executeTransaction(state, tx, blockEnv());
        assert.equal(result.status, 1);
        assert.equal(result.effectiveGasPrice, 2n * GWEI);
        assert.equal(state.getAccount(alice)?.balance, 10n * ETHER - result.gasUsed * 2n * GWEI);
        assert.equal(state.getAccount(alice)?.nonce, 1n);
        assert.equal(state.getAccount(COINBASE)?.balance, result.gasUsed * GWEI);
        assert.equal(state.getStorage(TOKEN, keccakSlot(bob, 0n)), 10n);
        assert.equal(result.logs.length, 1);
        assert.equal(result.logs[0]?.address, TOKEN);
      });

      it("reports a revert with its data and keeps only the fee and nonce changes", async () => {
        const state = genesis();
        const tx = await signTx(1, eip1559({ nonce: 0, to: TOKEN, data: transfer(carol, 5n) }));
        const result = await executor.executeTransaction(state, tx, blockEnv());
        assert.equal(result.status, 0);
        assert.equal(result.error, "execution reverted");
        assert.deepEqual(
          result.returnData,
          hexToBytes(encodeErrorResult({ abi: Token.abi, errorName: "InsufficientBalance", args: [0n, 5n] })),
        );
        assert.equal(result.logs.length, 0);
        assert.equal(state.getAccount(bob)?.nonce, 1n);
        assert.equal(state.getStorage(TOKEN, keccakSlot(carol, 0n)), 0n);
      });

      it("sets the contract address of a creation from the sender and nonce", async () => {
        const state = genesis();
        const tx = await signTx(
          0,
          eip1559({ nonce: 0, to: null, data: "0x600a600c600039600a6000f3602a60005260206000f3", gas: 100_000n }),
        );
        const result = await executor.executeTransaction(state, tx, blockEnv());
        assert.equal(result.status, 1);
        assert.equal(result.contractAddress, "0x5fbdb2315678afecb367f032d93f642f64180aa3");
        assert.equal(state.getCode("0x5fbdb2315678afecb367f032d93f642f64180aa3").length, 10);
      });

      it("writes only what changed: no write for a slot reset to its value or an untouched callee", async () => {
        class Recording extends MapState {
          readonly written: string[] = [];
          override putAccount(address: Address, account: Parameters<MapState["putAccount"]>[1]): void {
            this.written.push(`account ${address}`);
            super.putAccount(address, account);
          }
          override putStorage(address: Address, slot: `0x${string}`, value: bigint): void {
            this.written.push(`slot ${address} ${slot}`);
            super.putStorage(address, slot, value);
          }
        }
        const state = new Recording().fund(alice, 10n * ETHER).deploy(STORAGE, Storage.deployedBytecode);
        const data = encodeFunctionData({ abi: Storage.abi, functionName: "set", args: [3n, 0n] });
        const result = await executor.executeTransaction(
          state,
          await signTx(0, eip1559({ nonce: 0, to: STORAGE, data })),
          blockEnv(),
        );
        assert.equal(result.status, 1);
        assert.deepEqual(state.written.sort(), [`account ${alice}`, `account ${COINBASE}`].sort());
      });

      it("serializes concurrent calls on one executor", async () => {
        const state = genesis();
        const txs = await Promise.all([0, 1, 2, 3].map((nonce) => signTx(0, eip1559({ nonce, to: bob, value: 1n }))));
        const results = await Promise.all(txs.map((tx) => executor.executeTransaction(state, tx, blockEnv())));
        assert.deepEqual(
          results.map((r) => r.status),
          [1, 1, 1, 1],
        );
        assert.equal(state.getAccount(alice)?.nonce, 4n);
        assert.equal(state.getAccount(bob)?.balance, 10n * ETHER + 4n);
      });

      it("credits the base fee to a configured recipient instead of burning it", async () => {
        const BASE_FEE_VAULT: Address = "0x4200000000000000000000000000000000000019";
        const opExecutor = await engine.create({ chainId: 901n, baseFeeRecipient: BASE_FEE_VAULT });
        const state = genesis();
        const tx = await signTx(0, eip1559({ nonce: 0, to: bob, value: 1n, gas: 21_000n }));
        const result = await opExecutor.executeTransaction(state, tx, blockEnv());
        assert.equal(state.getAccount(BASE_FEE_VAULT)?.balance, 21_000n * GWEI);
        assert.equal(state.getAccount(COINBASE)?.balance, 21_000n * GWEI);
        assert.equal(state.getAccount(alice)?.balance, 10n * ETHER - 1n - result.gasUsed * 2n * GWEI);
      });

      it("charges the L1 data fee hook to the sender and credits the L1 fee vault", async () => {
        const charge = {
          l1Fee: 12_345n,
          l1GasUsed: 1_600n,
          l1BaseFee: 7n,
          l1BlobBaseFee: 1n,
          l1BaseFeeScalar: 1368n,
          l1BlobBaseFeeScalar: 810_949n,
        };
        const withL1Fee = await engine.create({ chainId: 901n, l1FeeFor: () => charge });
        const state = genesis();
        const tx = await signTx(0, eip1559({ nonce: 0, to: bob, value: 1n, gas: 21_000n }));
        const result = await withL1Fee.executeTransaction(state, tx, blockEnv());
        assert.equal(state.getAccount(L1_FEE_VAULT)?.balance, 12_345n);
        assert.deepEqual(result.l1Fee, charge);
        assert.equal(state.getAccount(alice)?.balance, 10n * ETHER - 1n - result.gasUsed * 2n * GWEI - 12_345n);
      });
    });

    describe("block environment", () => {
      it("exposes coinbase, timestamp, prevrandao, base fee, chain id, number and block hashes to the EVM", async () => {
        // COINBASE, TIMESTAMP, PREVRANDAO, BASEFEE, CHAINID, NUMBER, BLOCKHASH(NUMBER-1) stored at 0x00..0xc0; RETURN 224 bytes.
        const code = "0x4160005242602052446040524860605246608052436" + "0a052600143034060c05260e06000f3";
        const ENV: Address = "0x00000000000000000000000000000000000000e1";
        const state = genesis().deploy(ENV, code as Hex);
        const env = blockEnv({ number: 77n, timestamp: 1234n, baseFeePerGas: 9n, prevRandao: `0x${"ab".repeat(32)}` });
        const result = await executor.call(
          state,
          { from: alice, to: ENV, data: new Uint8Array(0), value: 0n, gasLimit: 100_000n },
          env,
        );
        assert.equal(result.status, 1);
        const words = Array.from({ length: 7 }, (_, i) =>
          BigInt(`0x${Buffer.from(result.returnData.subarray(i * 32, i * 32 + 32)).toString("hex")}`),
        );
        assert.deepEqual(words, [BigInt(COINBASE), 1234n, BigInt(`0x${"ab".repeat(32)}`), 9n, 901n, 77n, 76n]);
      });

      it("starts every transaction with empty transient storage (EIP-1153)", async () => {
        // Returns TLOAD(0), then TSTORE(0, 42).
        const TRANSIENT: Address = "0x00000000000000000000000000000000000000e2";
        const state = genesis().deploy(TRANSIENT, "0x60005c600052602a60005d60206000f3");
        for (const nonce of [0, 1]) {
          const tx = await signTx(0, eip1559({ nonce, to: TRANSIENT }));
          const result = await executor.executeTransaction(state, tx, blockEnv());
          assert.equal(result.status, 1);
          assert.equal(BigInt(`0x${Buffer.from(result.returnData).toString("hex")}`), 0n);
        }
      });

      it("refuses a block env of another chain", async () => {
        const tx = await signTx(0, eip1559({ nonce: 0, to: bob }));
        await assert.rejects(
          executor.executeTransaction(genesis(), tx, blockEnv({ chainId: 1n })),
          /block env of chain 1 given to the executor of chain 901/,
        );
      });
    });

    describe("deposits (0x7E)", () => {
      const deposit = (fields: Partial<Parameters<typeof buildTransaction>[0] & { type: 0x7e }>) =>
        buildTransaction({
          type: 0x7e,
          sourceHash: `0x${"aa".repeat(32)}`,
          from: carol,
          to: bob,
          mint: 0n,
          value: 0n,
          gasLimit: 100_000n,
          isSystemTransaction: false,
          data: new Uint8Array(0),
          ...fields,
        } as Parameters<typeof buildTransaction>[0]);

      it("mints to `from`, transfers, charges no fee and reports the nonce before", async () => {
        const state = genesis();
        const result = await executor.executeTransaction(
          state,
          deposit({ mint: 5n * ETHER, value: ETHER }),
          blockEnv(),
        );
        assert.equal(result.status, 1);
        assert.equal(result.gasUsed, 21_000n);
        assert.equal(result.effectiveGasPrice, 0n);
        assert.equal(result.depositNonce, 0n);
        assert.equal(state.getAccount(carol)?.balance, 4n * ETHER);
        assert.equal(state.getAccount(carol)?.nonce, 1n);
        assert.equal(state.getAccount(bob)?.balance, 11n * ETHER);
        assert.equal(state.getAccount(COINBASE), undefined);
      });

      it("keeps the mint and bumps the nonce when the deposit reverts", async () => {
        const state = genesis();
        const data = hexToBytes(encodeFunctionData({ abi: Storage.abi, functionName: "failWith", args: ["no"] }));
        const result = await executor.executeTransaction(
          state,
          deposit({ mint: ETHER, value: 7n, to: STORAGE, data }),
          blockEnv(),
        );
        assert.equal(result.status, 0);
        assert.equal(state.getAccount(carol)?.balance, ETHER);
        assert.equal(state.getAccount(carol)?.nonce, 1n);
        assert.equal(state.getAccount(STORAGE)?.balance, 0n);
      });

      it("keeps the mint, bumps the nonce and uses all gas when the deposit cannot run at all", async () => {
        const state = genesis();
        const result = await executor.executeTransaction(state, deposit({ mint: 3n, value: ETHER }), blockEnv());
        assert.equal(result.status, 0);
        assert.equal(result.gasUsed, 100_000n);
        assert.equal(state.getAccount(carol)?.balance, 3n);
        assert.equal(state.getAccount(carol)?.nonce, 1n);
        assert.equal(state.getAccount(bob)?.balance, 10n * ETHER);
        assert.match(result.error ?? "", /^failed deposit: insufficient funds for transfer/);
        assert.deepEqual(result.logs, []);
      });

      // 1,000 non-zero bytes: intrinsic 21,000 + 16,000 = 37,000; EIP-7623 floor 21,000 + 40,000 = 61,000.
      const heavyData = new Uint8Array(1_000).fill(0xab);

      it("makes a deposit whose gas limit is below the EIP-7623 floor a failed deposit (op-geth since Prague)", async () => {
        const state = genesis();
        const result = await executor.executeTransaction(
          state,
          deposit({ mint: 9n, gasLimit: 50_000n, data: heavyData }),
          blockEnv(),
        );
        assert.equal(result.status, 0);
        assert.equal(result.gasUsed, 50_000n);
        assert.equal(state.getAccount(carol)?.balance, 9n);
        assert.equal(state.getAccount(carol)?.nonce, 1n);
      });

      it("charges a deposit the EIP-7623 floor when it used less", async () => {
        const result = await executor.executeTransaction(
          genesis(),
          deposit({ gasLimit: 100_000n, data: heavyData }),
          blockEnv(),
        );
        assert.equal(result.status, 1);
        assert.equal(result.gasUsed, 61_000n);
      });

      it("includes a system-transaction deposit as a failed deposit (refused since Regolith)", async () => {
        const state = genesis();
        const result = await executor.executeTransaction(
          state,
          deposit({ mint: 4n, value: 1n, isSystemTransaction: true }),
          blockEnv(),
        );
        assert.equal(result.status, 0);
        assert.equal(result.gasUsed, 100_000n);
        assert.match(result.error ?? "", /^failed deposit: system tx not supported/);
        assert.equal(state.getAccount(carol)?.balance, 4n);
        assert.equal(state.getAccount(carol)?.nonce, 1n);
        assert.equal(state.getAccount(bob)?.balance, 10n * ETHER);
      });

      it("creates a contract at the sender's address and nonce, bumping the nonce once", async () => {
        const state = genesis().fund(carol, 0n, 5n);
        // Init code returning the one-byte runtime 0x00: CODECOPY(0, 12, 1) RETURN(0, 1) ‖ 0x00.
        const initCode = hexToBytes("0x6001600c60003960016000f300");
        const result = await executor.executeTransaction(
          state,
          deposit({ to: null, mint: ETHER, value: 2n, gasLimit: 200_000n, data: initCode }),
          blockEnv(),
        );
        assert.equal(result.status, 1);
        assert.equal(result.depositNonce, 5n);
        const expected = getContractAddress({ from: carol, nonce: 5n }).toLowerCase() as Address;
        assert.equal(result.contractAddress, expected);
        assert.deepEqual(state.getCode(expected), Uint8Array.of(0));
        assert.equal(state.getAccount(expected)?.balance, 2n);
        assert.equal(state.getAccount(carol)?.nonce, 6n);
        assert.equal(state.getAccount(carol)?.balance, ETHER - 2n);
      });

      it("reports a reverted deposit's real gas, not its limit (Regolith)", async () => {
        const state = genesis();
        const data = hexToBytes(encodeFunctionData({ abi: Storage.abi, functionName: "failWith", args: ["no"] }));
        const result = await executor.executeTransaction(
          state,
          deposit({ to: STORAGE, gasLimit: 500_000n, data }),
          blockEnv(),
        );
        assert.equal(result.status, 0);
        assert.ok(result.gasUsed > 21_000n && result.gasUsed < 500_000n);
      });
    });

    describe("call", () => {
      const message = (fields: Partial<CallMessage>): CallMessage => ({
        from: alice,
        to: TOKEN,
        data: new Uint8Array(0),
        value: 0n,
        gasLimit: 1_000_000n,
        ...fields,
      });

      it("returns the output without writing and without checking the nonce or charging gas", async () => {
        const state = genesis();
        const data = hexToBytes(encodeFunctionData({ abi: Token.abi, functionName: "balanceOf", args: [alice] }));
        const result = await executor.call(state, message({ data, nonce: 99n, from: carol }), blockEnv());
        assert.equal(result.status, 1);
        assert.equal(
          decodeFunctionResult({
            abi: Token.abi,
            functionName: "balanceOf",
            data: `0x${Buffer.from(result.returnData).toString("hex")}`,
          }),
          1000n,
        );
        assert.equal(state.writes, 0);
      });

      it("charges nothing even from an account that does not exist", async () => {
        const state = genesis();
        const result = await executor.call(state, message({ from: carol, to: bob }), blockEnv());
        assert.equal(result.status, 1);
        assert.equal(result.gasUsed, 21_000n);
      });

      it("checks the balance when a gas price is given", async () => {
        await assert.rejects(
          executor.call(genesis(), message({ from: carol, to: bob, gasPrice: 2n * GWEI }), blockEnv()),
          /insufficient funds for gas \* price \+ value/,
        );
      });
    });

    describe("estimateGas", () => {
      const message = (fields: Partial<CallMessage>): CallMessage => ({
        from: alice,
        to: TOKEN,
        data: new Uint8Array(0),
        value: 0n,
        gasLimit: 0n,
        ...fields,
      });

      it("returns 21000 for a plain transfer", async () => {
        assert.equal(await estimateGas(executor, genesis(), message({ to: bob, value: 1n }), blockEnv()), 21_000n);
      });

      it("finds a limit within 1.5% above the least that succeeds", async () => {
        const state = genesis();
        const data = hexToBytes(
          encodeFunctionData({ abi: Factory.abi, functionName: "deploy", args: [pad("0x09"), 3n] }),
        );
        const m = message({ to: FACTORY, data });
        const estimate = await estimateGas(executor, state, m, blockEnv());
        const ok = await executor.call(state, { ...m, gasLimit: estimate }, blockEnv());
        assert.equal(ok.status, 1);
        const below = await executor.call(state, { ...m, gasLimit: (estimate * 98n) / 100n }, blockEnv());
        assert.equal(below.status, 0);
        assert.ok(estimate > ok.gasUsed, "all-but-one-64th forwarding needs more than the gas used");
      });

      it("throws the revert with its data", async () => {
        const data = hexToBytes(transfer(carol, 5n));
        await assert.rejects(
          estimateGas(executor, genesis(), message({ from: bob, data }), blockEnv()),
          (error: unknown) => {
            assert.ok(error instanceof ExecutionRevertedError);
            assert.equal(error.message, "execution reverted");
            assert.equal(
              error.data,
              encodeErrorResult({ abi: Token.abi, errorName: "InsufficientBalance", args: [0n, 5n] }),
            );
            return true;
          },
        );
      });

      it("decodes a revert reason string into the message", async () => {
        const data = hexToBytes(encodeFunctionData({ abi: Storage.abi, functionName: "failWith", args: ["nope"] }));
        await assert.rejects(estimateGas(executor, genesis(), message({ to: STORAGE, data }), blockEnv()), {
          name: "ExecutionRevertedError",
          message: "execution reverted: nope",
        });
      });

      it("fails with the allowance when the call runs out of gas at the cap", async () => {
        const data = hexToBytes(encodeFunctionData({ abi: Storage.abi, functionName: "spin", args: [] }));
        await assert.rejects(
          estimateGas(executor, genesis(), message({ to: STORAGE, data }), blockEnv(), { gasCap: 1_000_000n }),
          (error: unknown) =>
            error instanceof GasEstimationError && error.message === "gas required exceeds allowance (1000000)",
        );
      });

      it("caps the limit by what the balance pays at the given fee cap", async () => {
        const state = genesis().fund(carol, 30_000n * 10n);
        const data = hexToBytes(encodeFunctionData({ abi: Storage.abi, functionName: "fill", args: [3n] }));
        await assert.rejects(
          estimateGas(
            executor,
            state,
            message({ from: carol, to: STORAGE, data, gasPrice: 10n }),
            blockEnv({ baseFeePerGas: 1n }),
          ),
          { message: "gas required exceeds allowance (30000)" },
        );
      });
    });

    describe("traceTransaction", () => {
      it("returns the call tree with a CREATE2 child and leaves the state untouched", async () => {
        const state = genesis();
        const data = encodeFunctionData({ abi: Factory.abi, functionName: "deploy", args: [pad("0x01"), 5n] });
        const tx = await signTx(0, eip1559({ nonce: 0, to: FACTORY, data, gas: 300_000n }));
        const frame = await executor.traceTransaction(state, tx, blockEnv());
        assert.equal(frame.type, "CALL");
        assert.equal(frame.from, alice);
        assert.equal(frame.to, FACTORY);
        assert.equal(frame.gas, 300_000n);
        assert.equal(frame.calls.length, 1);
        assert.equal(frame.calls[0]?.type, "CREATE2");
        assert.equal(frame.calls[0]?.from, FACTORY);
        assert.equal(state.writes, 0);
        const executed = await executor.executeTransaction(state, tx, blockEnv());
        assert.equal(frame.gasUsed, executed.gasUsed);
      });

      it("traces a call without a fee or a nonce, as debug_traceCall does", async () => {
        const state = genesis();
        const data = hexToBytes(
          encodeFunctionData({ abi: Storage.abi, functionName: "callMany", args: [STORAGE, 1n] }),
        );
        const frame = await executor.traceCall(
          state,
          { from: carol, to: STORAGE, data, value: 0n, gasLimit: 200_000n },
          blockEnv(),
        );
        assert.equal(frame.type, "CALL");
        assert.equal(frame.from, carol);
        assert.equal(frame.gas, 200_000n);
        assert.deepEqual(
          frame.calls.map((c) => c.type),
          ["STATICCALL"],
        );
        assert.equal(state.writes, 0);
      });

      it("records STATICCALLs and the revert reason", async () => {
        const state = genesis();
        const many = encodeFunctionData({ abi: Storage.abi, functionName: "callMany", args: [STORAGE, 2n] });
        const frame = await executor.traceTransaction(
          state,
          await signTx(0, eip1559({ nonce: 0, to: STORAGE, data: many })),
          blockEnv(),
        );
        assert.deepEqual(
          frame.calls.map((c) => c.type),
          ["STATICCALL", "STATICCALL"],
        );
        const fail = encodeFunctionData({ abi: Storage.abi, functionName: "failWith", args: ["nope"] });
        const failed = await executor.traceTransaction(
          state,
          await signTx(0, eip1559({ nonce: 0, to: STORAGE, data: fail })),
          blockEnv(),
        );
        assert.equal(failed.error, "execution reverted");
        assert.equal(failed.revertReason, "nope");
      });
    });
  });
}
