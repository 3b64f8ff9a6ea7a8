import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ecotoneL1Fee,
  ecotoneL1FeeParametersFromStorage,
  ecotoneL1GasUsed,
  gasPriceOracleL1Fee,
  l1BlockStorageSlots,
} from "@mach/contracts";
import fc from "fast-check";
import {
  ecotoneL1Cost,
  ecotoneL1FeeCharge,
  L1BlockFeeSlots,
  l1FeeParametersFromSlots,
  l1GasUsedOf,
} from "../../src/chain/l1Fee.ts";
import { u32, u256 } from "./arbitraries.ts";

const parameters = fc.record({
  l1BaseFee: fc.bigInt({ min: 0n, max: 10n ** 15n }),
  l1BlobBaseFee: fc.bigInt({ min: 0n, max: 10n ** 15n }),
  l1BaseFeeScalar: u32,
  l1BlobBaseFeeScalar: u32,
});
const asContracts = (p: {
  l1BaseFee: bigint;
  l1BlobBaseFee: bigint;
  l1BaseFeeScalar: bigint;
  l1BlobBaseFeeScalar: bigint;
}) => ({
  l1BaseFee: p.l1BaseFee,
  blobBaseFee: p.l1BlobBaseFee,
  baseFeeScalar: Number(p.l1BaseFeeScalar),
  blobBaseFeeScalar: Number(p.l1BlobBaseFeeScalar),
});

describe("the Ecotone L1 data fee", () => {
  it("agrees with @mach/contracts' ecotoneL1Fee / ecotoneL1GasUsed (tested against GasPriceOracle)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), parameters, (raw, p) => {
        const charge = ecotoneL1FeeCharge(raw, p);
        assert.equal(charge.l1GasUsed, ecotoneL1GasUsed(raw));
        assert.equal(charge.l1Fee, ecotoneL1Fee(raw, asContracts(p)));
        assert.equal(charge.l1BaseFee, p.l1BaseFee);
        assert.equal(charge.l1BlobBaseFeeScalar, p.l1BlobBaseFeeScalar);
      }),
      { numRuns: 300 },
    );
  });

  it("charges the signed bytes without GasPriceOracle's 68-byte signature padding", () => {
    const p = { l1BaseFee: 30_000_000_000n, l1BlobBaseFee: 5n, l1BaseFeeScalar: 1368n, l1BlobBaseFeeScalar: 810_949n };
    const unsigned = new Uint8Array(100).fill(1);
    assert.equal(gasPriceOracleL1Fee(unsigned, asContracts(p)), ecotoneL1Cost(l1GasUsedOf(unsigned) + 68n * 16n, p));
  });

  it("reads its parameters from L1Block's slots as @mach/contracts does", () => {
    assert.equal(BigInt(L1BlockFeeSlots.basefee), l1BlockStorageSlots.basefee);
    assert.equal(BigInt(L1BlockFeeSlots.sequenceNumberAndScalars), l1BlockStorageSlots.sequenceNumberScalars);
    assert.equal(BigInt(L1BlockFeeSlots.blobBaseFee), l1BlockStorageSlots.blobBaseFee);
    fc.assert(
      fc.property(u256, fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }), u256, (basefee, packed, blobBaseFee) => {
        const ours = l1FeeParametersFromSlots({ basefee, sequenceNumberAndScalars: packed, blobBaseFee });
        const theirs = ecotoneL1FeeParametersFromStorage({ basefee, sequenceNumberScalars: packed, blobBaseFee });
        assert.deepEqual(asContracts(ours), theirs);
      }),
      { numRuns: 200 },
    );
  });
});
