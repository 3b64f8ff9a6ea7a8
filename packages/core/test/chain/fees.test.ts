import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createBlockHeader } from "@ethereumjs/block";
import { createCustomCommon, Hardfork, Mainnet } from "@ethereumjs/common";
import { createTx } from "@ethereumjs/tx";
import fc from "fast-check";
import { hexToBytes } from "viem";
import {
  ETHEREUM_BASE_FEE_PARAMS,
  effectiveGasPrice,
  effectiveTip,
  floorDataGas,
  intrinsicGas,
  maxTxCost,
  minimumGasLimit,
  nextBaseFee,
  OP_BASE_FEE_PARAMS,
} from "../../src/chain/fees.ts";
import type { AccessList, Authorization, TransactionBody } from "../../src/chain/types.ts";
import { address, hash32 } from "./arbitraries.ts";

const common = createCustomCommon({ chainId: 6342 }, Mainnet, { hardfork: Hardfork.Prague });

const accessList: fc.Arbitrary<AccessList> = fc.array(
  fc.record({ address, storageKeys: fc.array(hash32, { maxLength: 3 }) }),
  { maxLength: 3 },
);
const authorization: fc.Arbitrary<Authorization> = fc.record({
  chainId: fc.constant(6342n),
  address,
  nonce: fc.bigInt({ min: 0n, max: 1000n }),
  yParity: fc.constantFrom(0, 1),
  r: fc.bigInt({ min: 1n, max: 2n ** 255n }),
  s: fc.bigInt({ min: 1n, max: 2n ** 254n }),
});
const calldata = fc
  .array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 255 })), { maxLength: 200 })
  .map((a) => Uint8Array.from(a));

describe("nextBaseFee", () => {
  it("equals @ethereumjs/block's calcNextBaseFee for Ethereum's parameters", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 5000n, max: 100_000_000n }),
        fc.integer({ min: 0, max: 100 }),
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        (gasLimit, usedPercent, baseFee) => {
          const gasUsed = (gasLimit * BigInt(usedPercent)) / 100n;
          const parent = createBlockHeader(
            { number: 1n, gasLimit, gasUsed, baseFeePerGas: baseFee },
            { common, skipConsensusFormatValidation: true },
          );
          assert.equal(nextBaseFee(gasUsed, gasLimit, baseFee, ETHEREUM_BASE_FEE_PARAMS), parent.calcNextBaseFee());
        },
      ),
      { numRuns: 300 },
    );
  });

  it("moves by at most 1/denominator per block with OP parameters, and by at least 1 wei when above target", () => {
    const gasLimit = 30_000_000n;
    const target = gasLimit / 6n;
    assert.equal(nextBaseFee(target, gasLimit, 1_000_000n, OP_BASE_FEE_PARAMS), 1_000_000n);
    assert.equal(nextBaseFee(gasLimit, gasLimit, 1_000_000n, OP_BASE_FEE_PARAMS), 1_000_000n + 20_000n);
    assert.equal(nextBaseFee(0n, gasLimit, 1_000_000n, OP_BASE_FEE_PARAMS), 1_000_000n - 4_000n);
    assert.equal(nextBaseFee(target + 1n, gasLimit, 1n, OP_BASE_FEE_PARAMS), 2n);
    assert.equal(nextBaseFee(0n, gasLimit, 0n, OP_BASE_FEE_PARAMS), 0n);
  });
});

describe("effective gas price", () => {
  const base = { nonce: 0n, gasLimit: 21000n, to: null, value: 0n, data: new Uint8Array(), r: 1n, s: 1n, yParity: 0 };
  it("is min(maxFee, baseFee + tip) for 1559 and gasPrice for legacy", () => {
    const tx: TransactionBody = {
      ...base,
      type: 2,
      chainId: 1n,
      maxFeePerGas: 100n,
      maxPriorityFeePerGas: 3n,
      accessList: [],
    };
    assert.equal(effectiveGasPrice(tx, 50n), 53n);
    assert.equal(effectiveGasPrice(tx, 99n), 100n);
    assert.equal(effectiveTip(tx, 50n), 3n);
    assert.equal(effectiveTip(tx, 99n), 1n);
    assert.equal(effectiveTip(tx, 101n), -1n);
    const legacy: TransactionBody = { ...base, type: 0, chainId: 1n, gasPrice: 70n, v: 37n };
    assert.equal(effectiveGasPrice(legacy, 50n), 70n);
    assert.equal(effectiveTip(legacy, 50n), 20n);
  });
  it("is zero for deposits, whose balance check covers the value only", () => {
    const deposit: TransactionBody = {
      type: 0x7e,
      sourceHash: `0x${"00".repeat(32)}`,
      from: `0x${"11".repeat(20)}`,
      to: null,
      mint: 5n,
      value: 7n,
      gasLimit: 100000n,
      isSystemTransaction: false,
      data: new Uint8Array(),
    };
    assert.equal(effectiveGasPrice(deposit, 50n), 0n);
    assert.equal(maxTxCost(deposit), 7n);
  });
  it("maxTxCost is gasLimit × maxFee + value", () => {
    const tx: TransactionBody = {
      ...base,
      type: 2,
      chainId: 1n,
      maxFeePerGas: 100n,
      maxPriorityFeePerGas: 3n,
      accessList: [],
      value: 9n,
    };
    assert.equal(maxTxCost(tx), 21000n * 100n + 9n);
  });
});

describe("intrinsic gas", () => {
  it("equals @ethereumjs/tx's getIntrinsicGas for every transaction type", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0, 1, 2, 4),
        fc.option(address, { nil: null }),
        calldata,
        accessList,
        fc.array(authorization, { minLength: 1, maxLength: 3 }),
        (type, to, data, list, auths) => {
          const dest = type === 4 ? (to ?? `0x${"22".repeat(20)}`) : to;
          const body = {
            to: dest,
            data,
            ...(type >= 1 ? { accessList: list } : {}),
            ...(type === 4 ? { authorizationList: auths } : {}),
          };
          const ejs = createTx(
            {
              type,
              chainId: 6342n,
              ...(dest === null ? {} : { to: dest }),
              data,
              gasLimit: 10_000_000n,
              ...(type >= 1
                ? { accessList: list.map((i) => ({ address: i.address, storageKeys: [...i.storageKeys] })) }
                : {}),
              ...(type === 4
                ? {
                    authorizationList: auths.map((a) => ({
                      chainId: `0x${a.chainId.toString(16)}`,
                      address: a.address,
                      nonce: `0x${a.nonce.toString(16)}`,
                      yParity: `0x${a.yParity.toString(16)}`,
                      r: `0x${a.r.toString(16)}`,
                      s: `0x${a.s.toString(16)}`,
                    })),
                  }
                : {}),
            } as Parameters<typeof createTx>[0],
            { common },
          );
          assert.equal(intrinsicGas(body), ejs.getIntrinsicGas());
        },
      ),
      { numRuns: 200 },
    );
  });

  it("charges 53000 and init code words for creation", () => {
    assert.equal(intrinsicGas({ to: null, data: new Uint8Array() }), 53000n);
    const code = new Uint8Array(33).fill(1);
    assert.equal(intrinsicGas({ to: null, data: code }), 53000n + 33n * 16n + 2n * 2n);
  });

  it("floorDataGas is 21000 + 10 × (zero bytes + 4 × non-zero bytes)", () => {
    assert.equal(floorDataGas(new Uint8Array()), 21000n);
    assert.equal(floorDataGas(hexToBytes("0x0001")), 21000n + 10n * 5n);
    const heavy = new Uint8Array(1000).fill(0xff);
    assert.equal(minimumGasLimit({ to: `0x${"11".repeat(20)}`, data: heavy }), 21000n + 40_000n);
    assert.equal(minimumGasLimit({ to: `0x${"11".repeat(20)}`, data: new Uint8Array() }), 21000n);
  });
});
