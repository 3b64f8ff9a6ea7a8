import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  formatBytes,
  formatCompact,
  formatDuration,
  formatEth,
  formatGas,
  formatGwei,
  groupThousands,
  quantityToBigInt,
  quantityToNumber,
  shortHex,
} from "../src/format.ts";

describe("format", () => {
  it("reads quantities and refuses what is not one", () => {
    assert.equal(quantityToNumber("0x1f"), 31);
    assert.equal(quantityToBigInt("0xde0b6b3a7640000"), 10n ** 18n);
    for (const bad of [null, undefined, "", "0x", "12", "0xzz"]) assert.equal(quantityToNumber(bad), undefined);
  });

  it("writes rates with SI prefixes and three significant digits", () => {
    assert.deepEqual([0, 7, 0.5, 12.34, 999, 1234, 12_345_678, 2.5e9].map(formatCompact), [
      "0",
      "7",
      "0.50",
      "12.3",
      "999",
      "1.23k",
      "12.3M",
      "2.50G",
    ]);
    assert.equal(formatCompact(Number.NaN), "–");
  });

  it("writes gas grouped below a million and compact above", () => {
    assert.equal(formatGas(21_000), "21,000");
    assert.equal(formatGas(30_000_000n), "30.0M");
    assert.equal(groupThousands(-1234567), "-1,234,567");
  });

  it("writes wei as ETH with the dust and the sign shown", () => {
    assert.equal(formatEth(0n), "0 ETH");
    assert.equal(formatEth(15n * 10n ** 17n), "1.5 ETH");
    assert.equal(formatEth(10_000n * 10n ** 18n), "10,000 ETH");
    assert.equal(formatEth(1n), "<0.000001 ETH");
    assert.equal(formatEth(-(10n ** 18n)), "-1 ETH");
    assert.equal(formatEth(123_456_789n * 10n ** 10n, 4), "1.2345 ETH");
    assert.equal(formatGwei(9_450_001n), "0.00945 gwei");
  });

  it("writes bytes and durations in the unit that reads best", () => {
    assert.deepEqual([512, 1500, 2_300_000].map(formatBytes), ["512 B", "1.50 kB", "2.30 MB"]);
    assert.deepEqual([0.42, 12.34, 1250, 180_000, 7_200_000, null].map(formatDuration), [
      "0.42 ms",
      "12.3 ms",
      "1.25 s",
      "3 min",
      "2.00 h",
      "–",
    ]);
  });

  it("shortens long hex and leaves short hex alone", () => {
    assert.equal(shortHex(`0x${"ab".repeat(32)}`), "0xabab…abab");
    assert.equal(shortHex("0x1234"), "0x1234");
  });
});
