// The L1-info deposit codec on its own: round trips and rejections. Against the deployed L1Block (storage slots and
// getters) it is tested in L2Predeploys.test.ts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { type Hex, size } from "viem";
import {
  decodeL1BlockInfoEcotone,
  encodeL1BlockInfoEcotone,
  InvalidL1BlockInfoError,
  L1_BLOCK_INFO_ECOTONE_BYTES,
  type L1BlockInfoEcotone,
  SET_L1_BLOCK_VALUES_ECOTONE_SELECTOR,
} from "../generated/index.ts";
import { l1BlockInfoArbitrary } from "../test-helpers/l1Info.ts";

const sample: L1BlockInfoEcotone = {
  baseFeeScalar: 1368,
  blobBaseFeeScalar: 810_949,
  sequenceNumber: 2n,
  timestamp: 1_700_000_012n,
  number: 19_000_001n,
  basefee: 7_000_000_000n,
  blobBaseFee: 1n,
  hash: `0x${"11".repeat(32)}`,
  batcherHash: `0x${"00".repeat(12)}${"22".repeat(20)}`,
};

describe("L1-info deposit calldata (Ecotone)", () => {
  it("round-trips every value the fields can hold, always 164 bytes after 0x440a5e20", () => {
    fc.assert(
      fc.property(l1BlockInfoArbitrary, (value) => {
        const data = encodeL1BlockInfoEcotone(value);
        assert.equal(size(data), L1_BLOCK_INFO_ECOTONE_BYTES);
        assert.ok(data.startsWith(SET_L1_BLOCK_VALUES_ECOTONE_SELECTOR));
        assert.deepEqual(decodeL1BlockInfoEcotone(data), value);
        assert.deepEqual(decodeL1BlockInfoEcotone(Buffer.from(data.slice(2), "hex")), value);
      }),
      { seed: 4 },
    );
  });

  it("rejects calldata of another length or selector", () => {
    const data = encodeL1BlockInfoEcotone(sample);
    assert.throws(() => decodeL1BlockInfoEcotone(`${data}00`), InvalidL1BlockInfoError);
    assert.throws(() => decodeL1BlockInfoEcotone(data.slice(0, -2) as Hex), InvalidL1BlockInfoError);
    // setL1BlockValuesIsthmus (0x098999be) is longer; the same length with its selector is still refused.
    assert.throws(() => decodeL1BlockInfoEcotone(`0x098999be${data.slice(10)}`), InvalidL1BlockInfoError);
  });

  it("refuses values that do not fit their fields", () => {
    const cases: Partial<L1BlockInfoEcotone>[] = [
      { baseFeeScalar: 2 ** 32 },
      { blobBaseFeeScalar: -1 },
      { sequenceNumber: 1n << 64n },
      { timestamp: -1n },
      { number: 1n << 64n },
      { basefee: 1n << 256n },
      { hash: "0x1234" },
      { batcherHash: `0x${"00".repeat(33)}` },
    ];
    for (const override of cases)
      assert.throws(
        () => encodeL1BlockInfoEcotone({ ...sample, ...override }),
        Error,
        JSON.stringify(override, (_, v) => (typeof v === "bigint" ? `${v}` : v)),
      );
  });
});
