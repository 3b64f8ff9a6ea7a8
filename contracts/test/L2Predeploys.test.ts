// The L2 predeploys as the L2 node places them: runtime bytecode from the generated module at the OP addresses.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { network } from "hardhat";
import { bytesToHex, concat, getAddress, type Hex, numberToHex, parseEther, toFunctionSelector } from "viem";
import { getWithdrawals } from "viem/op-stack";
import {
  decodeL1BlockInfoEcotone,
  type EcotoneL1FeeParameters,
  ecotoneL1FeeParametersFromStorage,
  ecotoneL1FeeParametersOf,
  encodeL1BlockInfoEcotone,
  gasPriceOracleDeployedBytecode,
  gasPriceOracleL1Fee,
  gasPriceOracleL1GasUsed,
  type L1BlockInfoEcotone,
  l1BlockDeployedBytecode,
  l1BlockDepositorAccount,
  l1BlockStorageSlots,
  l2ToL1MessagePasserDeployedBytecode,
  predeploys,
} from "../generated/index.ts";
import { feeSizedL1BlockInfoArbitrary, l1BlockInfoArbitrary } from "../test-helpers/l1Info.ts";
import {
  buildMessagePasserStorage,
  firstWithdrawalNonce,
  hashWithdrawal,
  type WithdrawalTransaction,
} from "../test-helpers/l2.ts";

type L1Values = L1BlockInfoEcotone;

/** Packed calldata of the L1-info deposit (op-node layout), written here independently of `encodeL1BlockInfoEcotone`. */
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

/** The Ecotone L1 fee of `GasPriceOracle.getL1Fee`, computed independently of the contract and the library. */
function referenceL1Fee(data: Hex, v: L1Values): bigint {
  const bytes = Buffer.from(data.slice(2), "hex");
  let gas = 68n * 16n;
  for (const b of bytes) gas += b === 0 ? 4n : 16n;
  return (
    (gas * (16n * BigInt(v.baseFeeScalar) * v.basefee + BigInt(v.blobBaseFeeScalar) * v.blobBaseFee)) /
    (16n * 10n ** 6n)
  );
}

/** L1Block's storage words after an Ecotone L1-info call, built from OP's layout (op-geth slot offsets). */
function referenceL1BlockStorage(v: L1Values): Map<bigint, bigint> {
  const word = (hex: Hex) => BigInt(hex);
  return new Map([
    [0n, (v.timestamp << 64n) | v.number],
    [1n, v.basefee],
    [2n, word(v.hash)],
    // bytes [16:20) baseFeeScalar, [20:24) blobBaseFeeScalar, [24:32) sequenceNumber (big-endian slot).
    [3n, (BigInt(v.baseFeeScalar) << 96n) | (BigInt(v.blobBaseFeeScalar) << 64n) | v.sequenceNumber],
    [4n, word(v.batcherHash)],
    [7n, v.blobBaseFee],
  ]);
}

/** Transaction-like bytes: runs of zeros and non-zeros. */
const txBytes = fc
  .array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 255 })), { maxLength: 400 })
  .map((b) => bytesToHex(Uint8Array.from(b)));

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

  it("prices the L1 data fee with the Ecotone formula over L1Block's values", async () => {
    await fresh();
    await depositor.sendTransaction({ to: l1Block.address, data: setL1BlockValuesCalldata(values) });
    for (const data of ["0x", "0x00000000", `0x${"ff".repeat(100)}`, `0x02f8${"00ab".repeat(60)}`] as Hex[]) {
      assert.equal(await oracle.read.getL1Fee([data]), referenceL1Fee(data, values));
    }
    assert.equal(await oracle.read.getL1GasUsed(["0x0001"]), 68n * 16n + 4n + 16n);
    assert.equal(await oracle.read.l1BaseFee(), values.basefee);
    assert.equal(await oracle.read.blobBaseFee(), values.blobBaseFee);
    assert.equal(await oracle.read.baseFeeScalar(), values.baseFeeScalar);
    assert.equal(await oracle.read.blobBaseFeeScalar(), values.blobBaseFeeScalar);
    assert.equal(await oracle.read.decimals(), 6n);
    assert.equal(await oracle.read.DECIMALS(), 6n);
  });

  it("answers as an OP GasPriceOracle at Ecotone: no Fjord, no Isthmus, no operator fee, legacy getters revert", async () => {
    await fresh();
    // Even with operator fee values in L1Block, a chain that is not at Isthmus charges none (OP: 0 unless isIsthmus).
    await depositor.sendTransaction({
      to: l1Block.address,
      data: setL1BlockValuesCalldata(values, { scalar: 1_500_000, constant: 77n }),
    });
    assert.deepEqual(
      [
        await oracle.read.isEcotone(),
        await oracle.read.isFjord(),
        await oracle.read.isIsthmus(),
        await oracle.read.isJovian(),
      ],
      [true, false, false, false],
    );
    assert.equal(await oracle.read.getOperatorFee([1_000_000n]), 0n);
    await viem.assertions.revertWith(oracle.read.overhead(), "GasPriceOracle: overhead() is deprecated");
    await viem.assertions.revertWith(oracle.read.scalar(), "GasPriceOracle: scalar() is deprecated");
    await viem.assertions.revertWith(
      oracle.read.getL1FeeUpperBound([100n]),
      "GasPriceOracle: getL1FeeUpperBound only supports Fjord",
    );
  });

  it("stores what encodeL1BlockInfoEcotone encodes, in OP's slots, and the library reads the fee back", async () => {
    await fresh();
    await fc.assert(
      fc.asyncProperty(l1BlockInfoArbitrary, async (info) => {
        const data = encodeL1BlockInfoEcotone(info);
        assert.equal(data, setL1BlockValuesCalldata(info));
        assert.deepEqual(decodeL1BlockInfoEcotone(data), info);
        const hash = await depositor.sendTransaction({ to: l1Block.address, data });
        assert.equal((await publicClient.waitForTransactionReceipt({ hash })).status, "success");
        assert.deepEqual(
          {
            baseFeeScalar: await l1Block.read.baseFeeScalar(),
            blobBaseFeeScalar: await l1Block.read.blobBaseFeeScalar(),
            sequenceNumber: await l1Block.read.sequenceNumber(),
            timestamp: await l1Block.read.timestamp(),
            number: await l1Block.read.number(),
            basefee: await l1Block.read.basefee(),
            blobBaseFee: await l1Block.read.blobBaseFee(),
            hash: await l1Block.read.hash(),
            batcherHash: await l1Block.read.batcherHash(),
          },
          info,
        );
        const slot = async (index: bigint) =>
          BigInt((await publicClient.getStorageAt({ address: l1Block.address, slot: numberToHex(index) })) ?? "0x0");
        for (const [index, expected] of referenceL1BlockStorage(info)) assert.equal(await slot(index), expected);
        assert.deepEqual(
          ecotoneL1FeeParametersFromStorage({
            basefee: await slot(l1BlockStorageSlots.basefee),
            sequenceNumberScalars: await slot(l1BlockStorageSlots.sequenceNumberScalars),
            blobBaseFee: await slot(l1BlockStorageSlots.blobBaseFee),
          }),
          ecotoneL1FeeParametersOf(info),
        );
      }),
      { seed: 11, numRuns: 25 },
    );
  });

  it("charges in GasPriceOracle.getL1Fee exactly what gasPriceOracleL1Fee computes", async () => {
    await fresh();
    await fc.assert(
      fc.asyncProperty(
        feeSizedL1BlockInfoArbitrary,
        fc.array(txBytes, { minLength: 1, maxLength: 4 }),
        async (info, txs) => {
          await depositor.sendTransaction({ to: l1Block.address, data: encodeL1BlockInfoEcotone(info) });
          const parameters: EcotoneL1FeeParameters = ecotoneL1FeeParametersOf(info);
          for (const data of txs) {
            assert.equal(await oracle.read.getL1Fee([data]), gasPriceOracleL1Fee(data, parameters));
            assert.equal(await oracle.read.getL1Fee([data]), referenceL1Fee(data, info));
            assert.equal(await oracle.read.getL1GasUsed([data]), gasPriceOracleL1GasUsed(data));
          }
        },
      ),
      { seed: 12, numRuns: 25 },
    );
  });
});
