import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { type Hex, hexToBytes, keccak256 } from "viem";
import { KECCAK_EMPTY } from "../../src/chain/constants.ts";
import { keccak256Hex } from "../../src/chain/hash.ts";
import type { AccountDiff, StateDiff } from "../../src/chain/stateDiff.ts";
import type { Address, Hash } from "../../src/chain/types.ts";
import {
  decodeStateDiff,
  encodedStateDiff,
  encodeStateDiff,
  type MappingSlotPreimage,
  mappingSlot,
} from "../../src/state/diffCodec.ts";
import { StateDiffDecodeError } from "../../src/state/errors.ts";

const hex = (bytes: number) =>
  fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => `0x${Buffer.from(b).toString("hex")}`);
const uint = (bits: number) => fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n });

const accountDiff: fc.Arbitrary<AccountDiff> = fc
  .record({
    address: hex(20) as fc.Arbitrary<Address>,
    deleted: fc.boolean(),
    nonce: uint(64),
    balance: uint(256),
    code: fc.option(fc.uint8Array({ maxLength: 64 }), { nil: undefined }),
    codeHashKind: fc.constantFrom("empty", "ofCode", "other"),
    otherHash: hex(32) as fc.Arbitrary<Hash>,
    storageCleared: fc.boolean(),
    storage: fc.array(fc.tuple(hex(32) as fc.Arbitrary<Hash>, uint(256)), { maxLength: 6 }),
  })
  .map((r) => {
    const codeHash =
      r.codeHashKind === "empty"
        ? KECCAK_EMPTY
        : r.codeHashKind === "ofCode" && r.code !== undefined
          ? keccak256Hex(r.code)
          : r.otherHash;
    const account = r.deleted ? null : { nonce: r.nonce, balance: r.balance, codeHash };
    const storage = new Map(r.storage);
    return r.code === undefined
      ? { address: r.address, account, storageCleared: r.storageCleared, storage }
      : { address: r.address, account, code: r.code, storageCleared: r.storageCleared, storage };
  });

const stateDiff: fc.Arbitrary<StateDiff> = fc
  .uniqueArray(accountDiff, { selector: (d) => d.address, maxLength: 8 })
  .map((accounts) => ({ accounts }));

describe("state diff codec", () => {
  it("round-trips any diff", () => {
    fc.assert(
      fc.property(stateDiff, (diff) => {
        assert.deepEqual(decodeStateDiff(encodeStateDiff(diff)), diff);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it("round-trips diffs whose slots are mapping entries given by preimage, holders in or outside the diff", () => {
    const withMappings = fc
      .tuple(
        stateDiff,
        fc.array(fc.tuple(fc.nat(20), hex(20) as fc.Arbitrary<Address>, uint(256), uint(256)), { maxLength: 10 }),
      )
      .map(([diff, extra]) => {
        const preimages = new Map<Hash, MappingSlotPreimage>();
        if (diff.accounts.length === 0) return { diff, preimages };
        const accounts = diff.accounts.map((d) => ({ ...d, storage: new Map(d.storage) }));
        for (const [pick, outsider, base, value] of extra) {
          const target = accounts[pick % accounts.length]!;
          const holder = pick % 2 === 0 ? accounts[(pick >> 1) % accounts.length]!.address : outsider;
          const slot = mappingSlot(holder, base);
          target.storage.set(slot, value);
          preimages.set(slot, { holder, base });
        }
        // A wrong preimage must be ignored, not trusted.
        const [first] = accounts[0]!.storage.keys();
        if (first !== undefined && !preimages.has(first))
          preimages.set(first, { holder: accounts[0]!.address, base: 1n });
        return { diff: { accounts }, preimages };
      });
    fc.assert(
      fc.property(withMappings, ({ diff, preimages }) => {
        const bytes = encodeStateDiff(diff, { slotPreimages: preimages });
        const decoded = decodeStateDiff(bytes);
        assert.deepEqual(decoded.accounts, diff.accounts);
        assert.deepEqual(encodeStateDiff(decoded), bytes);
      }),
      { seed: 45, numRuns: 300 },
    );
  });

  it("computes each mapping slot as keccak256(pad32(holder) ‖ pad32(base)), from a hex holder (remembered) or bytes", () => {
    fc.assert(
      fc.property(hex(20) as fc.Arbitrary<Address>, uint(256), (holder, base) => {
        const expected = keccak256(
          `0x${holder.slice(2).padStart(64, "0")}${base.toString(16).padStart(64, "0")}` as Hex,
        );
        assert.equal(mappingSlot(holder, base), expected);
        assert.equal(mappingSlot(holder, base), expected, "again, remembered");
        assert.equal(mappingSlot(hexToBytes(holder), base), expected);
      }),
      { seed: 46, numRuns: 200 },
    );
  });

  it("keeps one encoding per diff: the bytes it was decoded from, or its encoding made once", () => {
    fc.assert(
      fc.property(stateDiff, (diff) => {
        const made = encodedStateDiff(diff);
        assert.equal(encodedStateDiff(diff), made, "made once");
        assert.deepEqual(made, encodeStateDiff(diff));
        const decoded = decodeStateDiff(made);
        assert.equal(encodedStateDiff(decoded), made, "the decoded-from bytes, not a new encoding");
      }),
      { numRuns: 50 },
    );
  });

  it("rejects random bytes with StateDiffDecodeError, never another error", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeStateDiff(bytes);
        } catch (error) {
          assert.ok(error instanceof StateDiffDecodeError, String(error));
        }
      }),
      { seed: 43, numRuns: 1000 },
    );
  });

  it("rejects every truncation and any trailing byte of a valid encoding", () => {
    fc.assert(
      fc.property(stateDiff, (diff) => {
        const bytes = encodeStateDiff(diff);
        for (let cut = 0; cut < bytes.length; cut++) {
          assert.throws(() => decodeStateDiff(bytes.subarray(0, cut)), StateDiffDecodeError);
        }
        const extended = new Uint8Array(bytes.length + 1);
        extended.set(bytes);
        assert.throws(() => decodeStateDiff(extended), StateDiffDecodeError);
      }),
      { seed: 44, numRuns: 40 },
    );
  });

  it("rejects an unknown version and duplicate addresses", () => {
    const a = "0x0000000000000000000000000000000000000001" as Address;
    const entry = { address: a, account: null, storageCleared: false, storage: new Map() };
    const bytes = encodeStateDiff({ accounts: [entry, entry] });
    assert.throws(() => decodeStateDiff(bytes), /appears twice/);
    const single = encodeStateDiff({ accounts: [entry] });
    single[0] = 2;
    assert.throws(() => decodeStateDiff(single), /unknown state diff version/);
  });

  it("encodes an ERC-20 transfer's sender, token account and two balance slots in under 180 bytes", () => {
    const sender = { nonce: 7n, balance: 999_123_456_789_000_000n, codeHash: KECCAK_EMPTY };
    const diff: StateDiff = {
      accounts: [
        { address: `0x${"11".repeat(20)}` as Address, account: sender, storageCleared: false, storage: new Map() },
        {
          address: `0x${"22".repeat(20)}` as Address,
          account: { nonce: 1n, balance: 0n, codeHash: `0x${"33".repeat(32)}` as Hash },
          storageCleared: false,
          storage: new Map([
            [`0x${"44".repeat(32)}` as Hash, 5_000_000_000_000_000_000n],
            [`0x${"55".repeat(32)}` as Hash, 1_000_000_000_000_000_000n],
          ]),
        },
      ],
    };
    // The token account (address + hash) is shared by every transfer of a mini-block; the rest is per transfer.
    assert.ok(encodeStateDiff(diff).length < 180);
  });
});
