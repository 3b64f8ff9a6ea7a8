import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import {
  ecotoneL1Fee,
  ecotoneL1FeeParametersOf,
  ecotoneL1GasUsed,
  encodeL1BlockInfoEcotone,
  l1BlockArtifact,
} from "@mach/contracts";
import { encodeFunctionData, hexToBytes } from "viem";
import { Predeploys } from "../../src/chain/constants.ts";
import { type L1BlockInfo, l1AttributesDeposit } from "../../src/chain/l1BlockInfo.ts";
import type { Address } from "../../src/chain/types.ts";
import { TransactionRejectedError } from "../../src/errors.ts";
import { createEthereumJsExecutor, type EthereumJsExecutor } from "../../src/execution/ethereumjsExecutor.ts";
import { L1_FEE_VAULT } from "../../src/execution/l1Fee.ts";
import { Storage } from "./contracts.ts";
import { addresses, blockEnv, ETHER, eip1559, GWEI, MapState, signTx } from "./fixtures.ts";

const [alice, bob] = addresses;
const STORAGE: Address = "0x0000000000000000000000000000000000005707";
/** Returns BALANCE(L1FeeVault): PUSH20 vault BALANCE PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN. */
const VAULT_PROBE: Address = "0x00000000000000000000000000000000000000e3";
const probeCode = `0x73${L1_FEE_VAULT.slice(2)}3160005260206000f3` as const;

const info = (overrides: Partial<L1BlockInfo> = {}): L1BlockInfo => ({
  number: 20_000_000n,
  hash: `0x${"12".repeat(32)}`,
  timestamp: 1_800_000_000n,
  baseFeePerGas: 30n * GWEI,
  blobBaseFee: 5n,
  sequenceNumber: 0n,
  baseFeeScalar: 1368n,
  blobBaseFeeScalar: 810_949n,
  batcherHash: `0x${"00".repeat(12)}${"ba".repeat(20)}`,
  ...overrides,
});

/** The same values as `@mach/contracts` types them. */
const contractsInfo = (i: L1BlockInfo) => ({
  baseFeeScalar: Number(i.baseFeeScalar),
  blobBaseFeeScalar: Number(i.blobBaseFeeScalar),
  sequenceNumber: i.sequenceNumber,
  timestamp: i.timestamp,
  number: i.number,
  basefee: i.baseFeePerGas,
  blobBaseFee: i.blobBaseFee,
  hash: i.hash,
  batcherHash: i.batcherHash,
});

function world(): MapState {
  return new MapState()
    .fund(alice, 10n * ETHER)
    .fund(bob, 10n * ETHER)
    .deploy(Predeploys.L1Block, l1BlockArtifact.deployedBytecode)
    .deploy(STORAGE, Storage.deployedBytecode)
    .deploy(VAULT_PROBE, probeCode);
}

let executor: EthereumJsExecutor;
before(async () => {
  executor = await createEthereumJsExecutor({ chainId: 901n });
});

describe("the L1 data fee an executor charges", () => {
  it("is the Ecotone fee of the signed bytes over what the block's L1-attributes deposit wrote into L1Block", async () => {
    const state = world();
    const l1 = info();
    const deposit = await executor.executeTransaction(state, l1AttributesDeposit(l1), blockEnv());
    assert.equal(deposit.status, 1);
    assert.equal(deposit.l1Fee, undefined, "deposits pay no L1 fee");
    const tx = await signTx(0, eip1559({ nonce: 0, to: bob, value: 1n, gas: 30_000n, data: "0x00ff00ff" }));
    const result = await executor.executeTransaction(state, tx, blockEnv());
    const expected = ecotoneL1Fee(tx.raw, ecotoneL1FeeParametersOf(contractsInfo(l1)));
    assert.ok(expected > 0n);
    assert.deepEqual(result.l1Fee, {
      l1Fee: expected,
      l1GasUsed: ecotoneL1GasUsed(tx.raw),
      l1BaseFee: l1.baseFeePerGas,
      l1BlobBaseFee: l1.blobBaseFee,
      l1BaseFeeScalar: l1.baseFeeScalar,
      l1BlobBaseFeeScalar: l1.blobBaseFeeScalar,
    });
    assert.equal(state.getAccount(L1_FEE_VAULT)?.balance, expected);
    assert.equal(state.getAccount(alice)?.balance, 10n * ETHER - 1n - result.gasUsed * 2n * GWEI - expected);
  });

  it("follows the state being executed: a later attributes deposit changes the next transaction's fee", async () => {
    const state = world();
    await executor.executeTransaction(state, l1AttributesDeposit(info()), blockEnv());
    const first = await executor.executeTransaction(state, await signTx(0, eip1559({ nonce: 0, to: bob })), blockEnv());
    const cheaper = info({ sequenceNumber: 1n, baseFeePerGas: 1n * GWEI, blobBaseFee: 1n, baseFeeScalar: 1n });
    await executor.executeTransaction(state, l1AttributesDeposit(cheaper), blockEnv());
    const tx = await signTx(0, eip1559({ nonce: 1, to: bob }));
    const second = await executor.executeTransaction(state, tx, blockEnv());
    assert.equal(second.l1Fee?.l1Fee, ecotoneL1Fee(tx.raw, ecotoneL1FeeParametersOf(contractsInfo(cheaper))));
    assert.ok((second.l1Fee?.l1Fee ?? 0n) < (first.l1Fee?.l1Fee ?? 0n));
  });

  it("is zero, with its inputs reported, before any attributes deposit ran", async () => {
    const tx = await signTx(0, eip1559({ nonce: 0, to: bob }));
    const result = await executor.executeTransaction(world(), tx, blockEnv());
    assert.equal(result.l1Fee?.l1Fee, 0n);
    assert.equal(result.l1Fee?.l1GasUsed, ecotoneL1GasUsed(tx.raw));
  });

  it("refuses a transaction whose sender cannot pay gas, value and the L1 fee, writing nothing", async () => {
    const state = world();
    await executor.executeTransaction(state, l1AttributesDeposit(info()), blockEnv());
    const gasAndValue = 21_000n * 2n * GWEI + 1n;
    state.fund(alice, gasAndValue);
    const tx = await signTx(0, eip1559({ nonce: 0, to: bob, value: 1n, gas: 21_000n }));
    const writes = state.writes;
    await assert.rejects(executor.executeTransaction(state, tx, blockEnv()), (error: unknown) => {
      assert.ok(error instanceof TransactionRejectedError);
      assert.equal(error.reason, "insufficientFunds");
      return true;
    });
    assert.equal(state.writes, writes);
  });

  it("reaches the L1 fee vault after execution, also when the call reverts", async () => {
    const state = world();
    await executor.executeTransaction(state, l1AttributesDeposit(info()), blockEnv());
    const probe = await signTx(0, eip1559({ nonce: 0, to: VAULT_PROBE }));
    const first = await executor.executeTransaction(state, probe, blockEnv());
    // The EVM did not see this transaction's own fee in the vault.
    assert.equal(BigInt(`0x${Buffer.from(first.returnData).toString("hex")}`), 0n);
    const failing = await signTx(
      0,
      eip1559({
        nonce: 1,
        to: STORAGE,
        data: encodeFunctionData({ abi: Storage.abi, functionName: "failWith", args: ["no"] }),
      }),
    );
    const reverted = await executor.executeTransaction(state, failing, blockEnv());
    assert.equal(reverted.status, 0);
    const second = await executor.executeTransaction(
      state,
      await signTx(0, eip1559({ nonce: 2, to: VAULT_PROBE })),
      blockEnv(),
    );
    const paidBefore = (first.l1Fee?.l1Fee ?? 0n) + (reverted.l1Fee?.l1Fee ?? 0n);
    assert.equal(BigInt(`0x${Buffer.from(second.returnData).toString("hex")}`), paidBefore);
    assert.equal(state.getAccount(L1_FEE_VAULT)?.balance, paidBefore + (second.l1Fee?.l1Fee ?? 0n));
  });

  it("is not charged to eth_call messages", async () => {
    const state = world();
    await executor.executeTransaction(state, l1AttributesDeposit(info()), blockEnv());
    const result = await executor.call(
      state,
      { from: alice, to: bob, data: hexToBytes("0x1234"), value: 1n, gasLimit: 50_000n },
      blockEnv(),
    );
    assert.equal(result.status, 1);
    assert.equal(result.l1Fee, undefined);
    assert.equal(state.getAccount(L1_FEE_VAULT), undefined);
  });
});

describe("L1Block after an attributes deposit", () => {
  it("holds exactly what @mach/contracts' encoder packs (the calldata is the contract's)", async () => {
    const state = world();
    const l1 = info({ sequenceNumber: 7n });
    const tx = l1AttributesDeposit(l1);
    assert.equal(Buffer.from(tx.data).toString("hex"), encodeL1BlockInfoEcotone(contractsInfo(l1)).slice(2));
    const result = await executor.executeTransaction(state, tx, blockEnv());
    assert.equal(result.status, 1);
    assert.equal(state.getStorage(Predeploys.L1Block, `0x${"01".padStart(64, "0")}`), l1.baseFeePerGas);
    assert.equal(state.getStorage(Predeploys.L1Block, `0x${"07".padStart(64, "0")}`), l1.blobBaseFee);
    assert.equal(state.getStorage(Predeploys.L1Block, `0x${"02".padStart(64, "0")}`), BigInt(l1.hash));
  });
});
