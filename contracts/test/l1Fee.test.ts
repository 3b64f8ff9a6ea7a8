// The Ecotone L1 fee in TypeScript against op-geth's own test vector and the formula's definition. The contract side
// (GasPriceOracle.getL1Fee over random data and parameters) is in L2Predeploys.test.ts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { bytesToHex, type Hex, toRlp } from "viem";
import {
  type EcotoneL1FeeParameters,
  ecotoneL1Cost,
  ecotoneL1Fee,
  ecotoneL1GasUsed,
  gasPriceOracleL1Fee,
  gasPriceOracleL1GasUsed,
  UNSIGNED_TX_PADDING_L1_GAS,
} from "../generated/index.ts";

// op-geth core/types/rollup_cost_test.go: baseFee 1000e6, blobBaseFee 10e6, scalars 2 and 3; its `emptyTx`
// (legacy, nonce/gas/price/value 0, to 0x095e…2d87, no data, zero signature) costs 480 calldata gas and 960900 wei.
const opGethParameters: EcotoneL1FeeParameters = {
  l1BaseFee: 1000n * 10n ** 6n,
  blobBaseFee: 10n * 10n ** 6n,
  baseFeeScalar: 2,
  blobBaseFeeScalar: 3,
};
const opGethEmptyTx = toRlp([
  "0x",
  "0x",
  "0x",
  "0x095e7baea6a6c7c4c2dfeb977efac326af552d87",
  "0x",
  "0x",
  "0x",
  "0x",
  "0x",
]);

const parameters: fc.Arbitrary<EcotoneL1FeeParameters> = fc.record({
  l1BaseFee: fc.bigInt({ min: 0n, max: 1n << 128n }),
  blobBaseFee: fc.bigInt({ min: 0n, max: 1n << 128n }),
  baseFeeScalar: fc.integer({ min: 0, max: 0xffff_ffff }),
  blobBaseFeeScalar: fc.integer({ min: 0, max: 0xffff_ffff }),
});
const bytes = fc.uint8Array({ maxLength: 300 }).map((b): Hex => bytesToHex(b));

describe("Ecotone L1 fee", () => {
  it("matches op-geth's Ecotone test vector", () => {
    assert.equal(ecotoneL1GasUsed(opGethEmptyTx), 480n);
    assert.equal(ecotoneL1Fee(opGethEmptyTx, opGethParameters), 960_900n);
  });

  it("counts 4 gas per zero byte and 16 per other byte, for hex and bytes alike", () => {
    assert.equal(ecotoneL1GasUsed("0x"), 0n);
    assert.equal(ecotoneL1GasUsed("0x00ff0001"), 4n + 16n + 4n + 16n);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        const zeros = BigInt(data.filter((b) => b === 0).length);
        const expected = zeros * 4n + (BigInt(data.length) - zeros) * 16n;
        assert.equal(ecotoneL1GasUsed(data), expected);
        assert.equal(ecotoneL1GasUsed(bytesToHex(data)), expected);
      }),
      { seed: 1 },
    );
  });

  it("is (gas / 16) bytes at 16·baseFee·baseFeeScalar + blobBaseFee·blobBaseFeeScalar per byte, 6 decimals, rounded down", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 1n << 40n }), parameters, (gas, p) => {
        const perByte = 16n * p.l1BaseFee * BigInt(p.baseFeeScalar) + p.blobBaseFee * BigInt(p.blobBaseFeeScalar);
        const fee = ecotoneL1Cost(gas, p);
        // fee = floor(gas · perByte / 16e6): the largest value with fee · 16e6 <= gas · perByte.
        assert.ok(fee * 16_000_000n <= gas * perByte);
        assert.ok((fee + 1n) * 16_000_000n > gas * perByte);
      }),
      { seed: 2 },
    );
  });

  it("prices an unsigned transaction for GasPriceOracle with 68 non-zero bytes of padding", () => {
    assert.equal(UNSIGNED_TX_PADDING_L1_GAS, 1088n);
    fc.assert(
      fc.property(bytes, parameters, (data, p) => {
        assert.equal(gasPriceOracleL1GasUsed(data), ecotoneL1GasUsed(data) + 1088n);
        assert.equal(gasPriceOracleL1Fee(data, p), ecotoneL1Fee(`${data}${"ff".repeat(68)}`, p));
      }),
      { seed: 3 },
    );
  });
});
