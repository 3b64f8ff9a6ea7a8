import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  decodeL1BlockInfoEcotone,
  encodeL1BlockInfoEcotone,
  l1BlockDepositorAccount,
  predeploys,
} from "@mach/contracts";
import fc from "fast-check";
import { bytesToHex, getAddress, hexToBytes } from "viem";
import { getSourceHash } from "viem/op-stack";
import { L1_ATTRIBUTES_DEPOSIT_GAS } from "../../src/chain/constants.ts";
import {
  decodeL1BlockInfo,
  encodeL1BlockInfo,
  type L1BlockInfo,
  L1BlockInfoError,
  l1AttributesDeposit,
  l1BlockInfoOf,
  l1BlockInfoOfBlock,
} from "../../src/chain/l1BlockInfo.ts";
import { buildTransaction, decodeTransaction } from "../../src/chain/transaction.ts";
import { l1BlockInfo as l1BlockInfoArb, plain } from "./arbitraries.ts";

/** The values as `@mach/contracts` types them. */
const asContracts = (info: L1BlockInfo) => ({
  baseFeeScalar: Number(info.baseFeeScalar),
  blobBaseFeeScalar: Number(info.blobBaseFeeScalar),
  sequenceNumber: info.sequenceNumber,
  timestamp: info.timestamp,
  number: info.number,
  basefee: info.baseFeePerGas,
  blobBaseFee: info.blobBaseFee,
  hash: info.hash,
  batcherHash: info.batcherHash,
});

describe("Ecotone L1 block info calldata", () => {
  it("round-trips", () => {
    fc.assert(
      fc.property(l1BlockInfoArb, (info) => {
        assert.deepEqual(decodeL1BlockInfo(encodeL1BlockInfo(info)), plain(info));
      }),
      { numRuns: 200 },
    );
  });

  it("is byte for byte what @mach/contracts' encoder (tested against L1Block) packs, and decodes what it packs", () => {
    fc.assert(
      fc.property(l1BlockInfoArb, (info) => {
        const ours = encodeL1BlockInfo(info);
        const theirs = encodeL1BlockInfoEcotone(asContracts(info));
        assert.equal(bytesToHex(ours), theirs);
        assert.deepEqual(decodeL1BlockInfoEcotone(ours), asContracts(info));
        assert.deepEqual(decodeL1BlockInfo(hexToBytes(theirs)), plain(info));
      }),
      { numRuns: 200 },
    );
  });

  it("rejects another length or selector", () => {
    const good = encodeL1BlockInfo(fc.sample(l1BlockInfoArb, { numRuns: 1, seed: 7 })[0] as L1BlockInfo);
    assert.throws(() => decodeL1BlockInfo(good.subarray(0, 163)), L1BlockInfoError);
    assert.throws(() => decodeL1BlockInfo(new Uint8Array([...good, 0])), L1BlockInfoError);
    const otherSelector = good.slice();
    otherSelector[0] = 0x09;
    assert.throws(() => decodeL1BlockInfo(otherSelector), /expected selector 0x440a5e20/);
  });

  it("refuses values that do not fit their packed width", () => {
    const info = fc.sample(l1BlockInfoArb, { numRuns: 1, seed: 3 })[0] as L1BlockInfo;
    assert.throws(() => encodeL1BlockInfo({ ...info, baseFeeScalar: 2n ** 32n }));
    assert.throws(() => encodeL1BlockInfo({ ...info, sequenceNumber: 2n ** 64n }));
  });
});

describe("the L1-attributes deposit", () => {
  const info: L1BlockInfo = {
    number: 21_000_000n,
    hash: `0x${"ab".repeat(32)}`,
    timestamp: 1_800_000_000n,
    baseFeePerGas: 7n,
    blobBaseFee: 1n,
    sequenceNumber: 3n,
    baseFeeScalar: 1368n,
    blobBaseFeeScalar: 810_949n,
    batcherHash: `0x${"00".repeat(12)}${"11".repeat(20)}`,
  };

  it("goes from the depositor account to L1Block with OP's gas, no mint or value, and the L1-info source hash", () => {
    const tx = l1AttributesDeposit(info);
    assert.equal(tx.type, 0x7e);
    if (tx.type !== 0x7e) return;
    assert.equal(getAddress(tx.from), getAddress(l1BlockDepositorAccount));
    assert.equal(getAddress(tx.to ?? "0x"), getAddress(predeploys.l1Block));
    assert.equal(tx.gasLimit, L1_ATTRIBUTES_DEPOSIT_GAS);
    assert.equal(tx.gasLimit, 1_000_000n);
    assert.equal(tx.mint, 0n);
    assert.equal(tx.value, 0n);
    assert.equal(tx.isSystemTransaction, false);
    assert.equal(
      tx.sourceHash,
      getSourceHash({ domain: "l1InfoDeposit", l1BlockHash: info.hash, sequenceNumber: Number(info.sequenceNumber) }),
    );
    // Its encoding is the 0x7E envelope the chain codec decodes back.
    assert.deepEqual(decodeTransaction(tx.raw), tx);
  });

  it("is read back from the block it starts", () => {
    const block = { transactions: [l1AttributesDeposit(info)] };
    assert.deepEqual(l1BlockInfoOfBlock(block), info);
  });

  it("is required: a block without it, or with a forged one, has no L1 info", () => {
    assert.throws(() => l1BlockInfoOfBlock({ transactions: [] }), L1BlockInfoError);
    const forged = l1AttributesDeposit(info);
    if (forged.type !== 0x7e) throw new Error("unreachable");
    const wrongSource = buildTransaction({ ...forged, sourceHash: `0x${"00".repeat(32)}` });
    assert.throws(() => l1BlockInfoOfBlock({ transactions: [wrongSource] }), /source hash/);
    const wrongSender = buildTransaction({ ...forged, from: "0x000000000000000000000000000000000000dead" });
    assert.throws(() => l1BlockInfoOfBlock({ transactions: [wrongSender] }), L1BlockInfoError);
  });

  it("carries the origin and SystemConfig it was built from", () => {
    const built = l1BlockInfoOf(
      {
        number: info.number,
        hash: info.hash,
        parentHash: `0x${"cd".repeat(32)}`,
        timestamp: info.timestamp,
        baseFeePerGas: info.baseFeePerGas,
        blobBaseFee: info.blobBaseFee,
      },
      { baseFeeScalar: info.baseFeeScalar, blobBaseFeeScalar: info.blobBaseFeeScalar, batcherHash: info.batcherHash },
      info.sequenceNumber,
    );
    assert.deepEqual(built, info);
  });
});
