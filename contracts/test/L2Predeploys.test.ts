// The L2 predeploys as the L2 node places them: runtime bytecode from the generated module at the OP addresses.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { concat, getAddress, type Hex, numberToHex, parseEther, toFunctionSelector } from "viem";
import { getWithdrawals } from "viem/op-stack";
import {
  gasPriceOracleDeployedBytecode,
  l1BlockDeployedBytecode,
  l1BlockDepositorAccount,
  l2ToL1MessagePasserDeployedBytecode,
  predeploys,
} from "../generated/index.ts";
import {
  buildMessagePasserStorage,
  firstWithdrawalNonce,
  hashWithdrawal,
  type WithdrawalTransaction,
} from "../test-helpers/l2.ts";

type L1Values = {
  baseFeeScalar: number;
  blobBaseFeeScalar: number;
  sequenceNumber: bigint;
  timestamp: bigint;
  number: bigint;
  basefee: bigint;
  blobBaseFee: bigint;
  hash: Hex;
  batcherHash: Hex;
};

/** Packed calldata of the L1-info deposit (op-node layout). */
function setL1BlockValuesCalldata(v: L1Values, operatorFee?: { scalar: number; constant: bigint }): Hex {
  const parts: Hex[] = [
    operatorFee ? toFunctionSelector("setL1BlockValuesIsthmus()") : toFunctionSelector("setL1BlockValuesEcotone()"),
    numberToHex(v.baseFeeScalar, { size: 4 }),
    numberToHex(v.blobBaseFeeScalar, { size: 4 }),
    numberToHex(v.sequenceNumber, { size: 8 }),
    numberToHex(v.timestamp, { size: 8 }),
    numberToHex(v.number, { size: 8 }),
    numberToHex(v.basefee, { size: 32 }),
    numberToHex(v.blobBaseFee, { size: 32 }),
    v.hash,
    v.batcherHash,
  ];
  if (operatorFee)
    parts.push(numberToHex(operatorFee.scalar, { size: 4 }), numberToHex(operatorFee.constant, { size: 8 }));
  return concat(parts);
}

/** The Ecotone L1 fee, computed independently of the contract. */
function ecotoneL1Fee(data: Hex, v: L1Values): bigint {
  const bytes = Buffer.from(data.slice(2), "hex");
  let gas = 68n * 16n;
  for (const b of bytes) gas += b === 0 ? 4n : 16n;
  return (
    (gas * (16n * BigInt(v.baseFeeScalar) * v.basefee + BigInt(v.blobBaseFeeScalar) * v.blobBaseFee)) /
    (16n * 10n ** 6n)
  );
}

const values: L1Values = {
  baseFeeScalar: 1368,
  blobBaseFeeScalar: 810_949,
  sequenceNumber: 3n,
  timestamp: 1_700_000_000n,
  number: 19_000_000n,
  basefee: 12_345_678_901n,
  blobBaseFee: 7n,
  hash: `0x${"ab".repeat(32)}`,
  batcherHash: `0x${"00".repeat(12)}${"cd".repeat(20)}`,
};

describe("L2 predeploys", async () => {
  const { viem, networkHelpers } = await network.create();
  const publicClient = await viem.getPublicClient();
  const [alice] = await viem.getWalletClients();
  if (!alice) throw new Error("accounts");
  const testClient = await viem.getTestClient();
  await testClient.setCode({ address: predeploys.l2ToL1MessagePasser, bytecode: l2ToL1MessagePasserDeployedBytecode });
  await testClient.setCode({ address: predeploys.l1Block, bytecode: l1BlockDeployedBytecode });
  await testClient.setCode({ address: predeploys.gasPriceOracle, bytecode: gasPriceOracleDeployedBytecode });
  const passer = await viem.getContractAt("L2ToL1MessagePasser", predeploys.l2ToL1MessagePasser);
  const l1Block = await viem.getContractAt("L1Block", predeploys.l1Block);
  const oracle = await viem.getContractAt("GasPriceOracle", predeploys.gasPriceOracle);
  await networkHelpers.impersonateAccount(l1BlockDepositorAccount);
  await networkHelpers.setBalance(l1BlockDepositorAccount, parseEther("1"));
  const depositor = await viem.getWalletClient(l1BlockDepositorAccount);
  const snapshot = await networkHelpers.takeSnapshot();
  const fresh = () => snapshot.restore();

  it("passes a message with a versioned nonce, the OP withdrawal hash and the MessagePassed event", async () => {
    await fresh();
    const target = "0x00000000000000000000000000000000000000b0" as const;
    assert.equal(await passer.read.messageNonce(), firstWithdrawalNonce);
    assert.equal(await passer.read.MESSAGE_VERSION(), 1);
    const hash = await passer.write.initiateWithdrawal([target, 50_000n, "0xc0de"], {
      value: 9n,
      account: alice.account,
    });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    const sent: WithdrawalTransaction = {
      nonce: firstWithdrawalNonce,
      sender: alice.account.address,
      target,
      value: 9n,
      gasLimit: 50_000n,
      data: "0xc0de",
    };
    const [withdrawal] = getWithdrawals(receipt);
    assert.ok(withdrawal);
    assert.deepEqual(
      { ...withdrawal, sender: getAddress(withdrawal.sender), target: getAddress(withdrawal.target) },
      {
        ...sent,
        sender: getAddress(sent.sender),
        target: getAddress(sent.target),
        withdrawalHash: hashWithdrawal(sent),
      },
    );
    assert.equal(await passer.read.sentMessages([hashWithdrawal(sent)]), true);
    assert.equal(await passer.read.messageNonce(), firstWithdrawalNonce + 1n);
    assert.equal(await publicClient.getBalance({ address: passer.address }), 9n);
  });

  it("keeps sentMessages at slot 0 and the counter at slot 1, matching the test's storage trie", async () => {
    await fresh();
    const sent: WithdrawalTransaction[] = [];
    for (let i = 0n; i < 3n; i++) {
      const tx: WithdrawalTransaction = {
        nonce: firstWithdrawalNonce + i,
        sender: alice.account.address,
        target: alice.account.address,
        value: i,
        gasLimit: 30_000n + i,
        data: "0x",
      };
      await passer.write.initiateWithdrawal([tx.target, tx.gasLimit, tx.data], {
        value: tx.value,
        account: alice.account,
      });
      sent.push(tx);
    }
    const proof = await publicClient.getProof({ address: passer.address, storageKeys: [] });
    assert.equal(proof.storageHash, (await buildMessagePasserStorage(sent)).storageRoot);
  });

  it("turns a plain transfer into a withdrawal to the sender with 100,000 gas", async () => {
    await fresh();
    const hash = await alice.sendTransaction({ to: passer.address, value: 5n });
    const [withdrawal] = getWithdrawals(await publicClient.waitForTransactionReceipt({ hash }));
    assert.equal(getAddress(withdrawal?.target ?? "0x"), getAddress(alice.account.address));
    assert.equal(withdrawal?.gasLimit, 100_000n);
    assert.equal(withdrawal?.value, 5n);
  });

  it("burns the withdrawn ETH it holds", async () => {
    await fresh();
    await passer.write.initiateWithdrawal([alice.account.address, 21_000n, "0x"], {
      value: parseEther("1"),
      account: alice.account,
    });
    await viem.assertions.emitWithArgs(passer.write.burn(), passer, "WithdrawerBalanceBurnt", [parseEther("1")]);
    assert.equal(await publicClient.getBalance({ address: passer.address }), 0n);
  });

  it("stores the L1 origin from the depositor's packed Ecotone and Isthmus calls", async () => {
    await fresh();
    assert.equal(toFunctionSelector("setL1BlockValuesEcotone()"), "0x440a5e20");
    assert.equal(toFunctionSelector("setL1BlockValuesIsthmus()"), "0x098999be");
    await depositor.sendTransaction({ to: l1Block.address, data: setL1BlockValuesCalldata(values) });
    assert.equal(await l1Block.read.number(), values.number);
    assert.equal(await l1Block.read.timestamp(), values.timestamp);
    assert.equal(await l1Block.read.basefee(), values.basefee);
    assert.equal(await l1Block.read.hash(), values.hash);
    assert.equal(await l1Block.read.sequenceNumber(), values.sequenceNumber);
    assert.equal(await l1Block.read.baseFeeScalar(), values.baseFeeScalar);
    assert.equal(await l1Block.read.blobBaseFeeScalar(), values.blobBaseFeeScalar);
    assert.equal(await l1Block.read.blobBaseFee(), values.blobBaseFee);
    assert.equal(await l1Block.read.batcherHash(), values.batcherHash);

    await depositor.sendTransaction({
      to: l1Block.address,
      data: setL1BlockValuesCalldata(
        { ...values, number: values.number + 1n },
        { scalar: 2_000_000, constant: 1_000n },
      ),
    });
    assert.equal(await l1Block.read.number(), values.number + 1n);
    assert.equal(await l1Block.read.operatorFeeScalar(), 2_000_000);
    assert.equal(await l1Block.read.operatorFeeConstant(), 1_000n);
  });

  it("rejects L1-info calls from others or with the wrong length", async () => {
    await fresh();
    await viem.assertions.revertWithCustomError(
      alice.sendTransaction({ to: l1Block.address, data: setL1BlockValuesCalldata(values) }),
      l1Block,
      "NotDepositor",
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      depositor.sendTransaction({ to: l1Block.address, data: `${setL1BlockValuesCalldata(values)}00` }),
      l1Block,
      "BadCalldataLength",
      [165n],
    );
  });

  it("prices the L1 data fee with the Ecotone formula over L1Block's values, plus the operator fee", async () => {
    await fresh();
    await depositor.sendTransaction({
      to: l1Block.address,
      data: setL1BlockValuesCalldata(values, { scalar: 1_500_000, constant: 77n }),
    });
    for (const data of ["0x", "0x00000000", `0x${"ff".repeat(100)}`, `0x02f8${"00ab".repeat(60)}`] as Hex[]) {
      assert.equal(await oracle.read.getL1Fee([data]), ecotoneL1Fee(data, values));
    }
    assert.equal(await oracle.read.getL1GasUsed(["0x0001"]), 68n * 16n + 4n + 16n);
    assert.equal(await oracle.read.getOperatorFee([1_000_000n]), 1_500_000n + 77n);
    assert.equal(await oracle.read.l1BaseFee(), values.basefee);
    assert.equal(await oracle.read.blobBaseFee(), values.blobBaseFee);
    assert.equal(await oracle.read.decimals(), 6n);
    assert.equal(await oracle.read.isEcotone(), true);
  });
});
