import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RLP } from "@ethereumjs/rlp";
import fc from "fast-check";
import { bytesToHex, hexToBytes, keccak256 as viemKeccak } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { decodeRlp, encodeRlp, RlpDecodeError, type RlpItem } from "../../src/chain/rlp.ts";
import { SECP256K1_N, SECP256K1_N_DIV_2 } from "../../src/chain/signature.ts";
import { decodeTransaction, decodeTransactionBody, encodeTransaction } from "../../src/chain/transaction.ts";
import type { AccessList, Authorization, TransactionBody } from "../../src/chain/types.ts";
import { address, bytes, hash32, u64, u256 } from "./arbitraries.ts";

const r = fc.bigInt({ min: 1n, max: SECP256K1_N - 1n });
const s = fc.bigInt({ min: 1n, max: SECP256K1_N_DIV_2 });
const yParity = fc.constantFrom(0, 1);
const accessList: fc.Arbitrary<AccessList> = fc.array(
  fc.record({ address, storageKeys: fc.array(hash32, { maxLength: 3 }) }),
  { maxLength: 3 },
);
const authorization: fc.Arbitrary<Authorization> = fc.record({
  chainId: u256,
  address,
  nonce: u64,
  yParity: fc.integer({ min: 0, max: 255 }),
  r: u256,
  s: u256,
});
const common = { nonce: u64, gasLimit: u64, value: u256, data: bytes(120), r, s, yParity };

const legacy = fc
  .record({
    ...common,
    to: fc.option(address, { nil: null }),
    gasPrice: u256,
    chainId: fc.option(u64, { nil: undefined }),
  })
  .map(
    (f): TransactionBody => ({
      ...f,
      type: 0,
      v: f.chainId === undefined ? 27n + BigInt(f.yParity) : f.chainId * 2n + 35n + BigInt(f.yParity),
    }),
  );
const accessListTx = fc
  .record({ ...common, to: fc.option(address, { nil: null }), gasPrice: u256, chainId: u256, accessList })
  .map((f): TransactionBody => ({ ...f, type: 1 }));
const eip1559 = fc
  .record({
    ...common,
    to: fc.option(address, { nil: null }),
    chainId: u256,
    maxFeePerGas: u256,
    maxPriorityFeePerGas: u256,
    accessList,
  })
  .map((f): TransactionBody => ({ ...f, type: 2 }));
const setCode = fc
  .record({
    ...common,
    to: address,
    chainId: u256,
    maxFeePerGas: u256,
    maxPriorityFeePerGas: u256,
    accessList,
    authorizationList: fc.array(authorization, { minLength: 1, maxLength: 3 }),
  })
  .map((f): TransactionBody => ({ ...f, type: 4 }));
const deposit = fc
  .record({
    sourceHash: hash32,
    from: address,
    to: fc.option(address, { nil: null }),
    mint: u256,
    value: u256,
    gasLimit: u64,
    isSystemTransaction: fc.boolean(),
    data: bytes(120),
  })
  .map((f): TransactionBody => ({ ...f, type: 0x7e }));

/** Deep copy through plain objects and arrays (fast-check records have a null prototype). */
function plain(value: unknown): unknown {
  if (value instanceof Uint8Array || typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map(plain);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
}

describe("transaction codec round trips", () => {
  it("decodeTransactionBody(encodeTransaction(tx)) returns tx, for every type", () => {
    fc.assert(
      fc.property(fc.oneof(legacy, accessListTx, eip1559, setCode, deposit), (tx) => {
        const raw = encodeTransaction(tx);
        assert.deepEqual(decodeTransactionBody(raw), plain(tx));
        assert.deepEqual(encodeTransaction(decodeTransactionBody(raw)), raw);
      }),
      { numRuns: 500 },
    );
  });

  it("transactions signed by viem with random fields decode to the signer and viem's hash", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 32, maxLength: 32 }).filter((k) => k.some((b) => b !== 0) && k[0] !== 0xff),
        fc.constantFrom("legacy", "eip2930", "eip1559"),
        fc.option(address, { nil: undefined }),
        u64,
        bytes(64),
        async (key, type, to, nonce, data) => {
          const account = privateKeyToAccount(bytesToHex(key));
          const fees = type === "eip1559" ? { maxFeePerGas: 7n, maxPriorityFeePerGas: 2n } : { gasPrice: 5n };
          const hex = await account.signTransaction({
            type,
            chainId: 6342,
            nonce: Number(nonce % 2n ** 52n),
            gas: 100000n,
            value: nonce,
            data: bytesToHex(data),
            ...(to === undefined ? {} : { to }),
            ...fees,
          } as Parameters<typeof account.signTransaction>[0]);
          const tx = decodeTransaction(hexToBytes(hex));
          assert.equal(tx.from, account.address.toLowerCase());
          assert.equal(tx.hash, viemKeccak(hex));
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("RLP decoder", () => {
  const item: fc.Arbitrary<RlpItem> = fc.letrec<{ item: RlpItem }>((tie) => ({
    item: fc.oneof({ depthSize: "small" }, fc.uint8Array({ maxLength: 70 }), fc.array(tie("item"), { maxLength: 5 })),
  })).item;

  it("round-trips any item encoded by @ethereumjs/rlp", () => {
    fc.assert(
      fc.property(item, (value) => {
        const encoded = RLP.encode(value as Uint8Array);
        assert.deepEqual(plain(decodeRlp(encoded)), plain(RLP.decode(encoded)));
        assert.deepEqual(encodeRlp(decodeRlp(encoded)), encoded);
      }),
      { numRuns: 500 },
    );
  });

  it("accepts only canonical encodings: whatever it decodes re-encodes to the same bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (input) => {
        let decoded: RlpItem;
        try {
          decoded = decodeRlp(input);
        } catch (error) {
          if (!(error instanceof RlpDecodeError)) throw error;
          return;
        }
        assert.deepEqual(encodeRlp(decoded), input);
      }),
      { numRuns: 5000 },
    );
  });

  it("rejects non-canonical sizes and trailing data with geth's messages", () => {
    const cases: Array<[string, string]> = [
      ["0x8105", "rlp: non-canonical size information"],
      ["0xb80141", "rlp: non-canonical size information"],
      ["0xb9000141", "rlp: non-canonical size information"],
      ["0xf800", "rlp: non-canonical size information"],
      ["0x8001", "rlp: input contains more than one value"],
      ["0x83aabb", "rlp: value size exceeds available input length"],
      ["0xc283aabb", "rlp: element is larger than containing list"],
      ["0x", "rlp: value size exceeds available input length"],
    ];
    for (const [hex, message] of cases) {
      assert.throws(
        () => decodeRlp(hexToBytes(hex as `0x${string}`)),
        (e: unknown) => {
          assert.ok(e instanceof RlpDecodeError);
          assert.equal(e.shortMessage, message, hex);
          return true;
        },
      );
    }
  });
});
