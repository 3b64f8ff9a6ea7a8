import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createCustomCommon, Hardfork, Mainnet } from "@ethereumjs/common";
import { RLP } from "@ethereumjs/rlp";
import { createTxFromRLP as ejsCreateTxFromRLP } from "@ethereumjs/tx";
import fc from "fast-check";
import { bytesToHex, hexToBytes, type TransactionSerializable, keccak256 as viemKeccak } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { serializeTransaction as serializeOpTransaction } from "viem/op-stack";
import { recoverAuthority } from "../../src/chain/authorization.ts";
import {
  recoverPublicKey,
  recoverPublicKeyNoble,
  SECP256K1_N,
  SECP256K1_N_DIV_2,
  secp256k1Backend,
} from "../../src/chain/signature.ts";
import {
  buildTransaction,
  decodeTransaction,
  decodeTransactionBody,
  encodeTransaction,
  recoverSender,
  signingHash,
} from "../../src/chain/transaction.ts";
import type { TransactionBody } from "../../src/chain/types.ts";
import { TransactionRejectedError } from "../../src/errors.ts";

const PK = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
const account = privateKeyToAccount(PK);
const sender = account.address.toLowerCase();
const TO = "0x00000000000000000000000000000000000000aa";

const samples: Record<string, TransactionSerializable> = {
  legacy155: { type: "legacy", chainId: 6342, nonce: 7, gasPrice: 2_000_000_000n, gas: 21000n, to: TO, value: 10n },
  legacyCreate: { type: "legacy", chainId: 1, nonce: 0, gasPrice: 1n, gas: 100000n, data: "0x6000600055" },
  eip2930: {
    type: "eip2930",
    chainId: 10,
    nonce: 1,
    gasPrice: 3n,
    gas: 50000n,
    to: TO,
    value: 0n,
    data: "0xdeadbeef",
    accessList: [{ address: TO, storageKeys: [`0x${"11".repeat(32)}`, `0x${"00".repeat(32)}`] }],
  },
  eip1559: {
    type: "eip1559",
    chainId: 6342,
    nonce: 255,
    maxFeePerGas: 10n ** 12n,
    maxPriorityFeePerGas: 1n,
    gas: 30_000_000n,
    to: TO,
    value: 10n ** 18n,
    data: `0x${"ab".repeat(300)}`,
    accessList: [],
  },
  eip1559Create: {
    type: "eip1559",
    chainId: 1,
    nonce: 0,
    maxFeePerGas: 1n,
    maxPriorityFeePerGas: 0n,
    gas: 60000n,
    value: 0n,
  },
};

async function signAll(): Promise<Record<string, `0x${string}`>> {
  const out: Record<string, `0x${string}`> = {};
  for (const [name, tx] of Object.entries(samples)) out[name] = await account.signTransaction(tx);
  const authorization = await account.signAuthorization({ chainId: 6342, address: TO, nonce: 3 });
  out.eip7702 = await account.signTransaction({
    type: "eip7702",
    chainId: 6342,
    nonce: 2,
    maxFeePerGas: 5n,
    maxPriorityFeePerGas: 2n,
    gas: 80000n,
    to: sender as `0x${string}`,
    authorizationList: [authorization],
  });
  return out;
}

/** @ethereumjs/tx's view of `raw`, with a Prague Common for the transaction's chain id. */
function createTxFromRLP(raw: Uint8Array) {
  const body = decodeTransactionBody(raw);
  const chainId = body.type === 0x7e ? 1n : (body.chainId ?? 1n);
  const common = createCustomCommon({ chainId: Number(chainId) }, Mainnet, { hardfork: Hardfork.Prague });
  return ejsCreateTxFromRLP(raw, { common });
}

function rejection(fn: () => unknown): TransactionRejectedError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof TransactionRejectedError, `expected TransactionRejectedError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected a rejection");
}

/** Re-encodes a typed tx after replacing top-level field `index` of its RLP list. */
function withField(raw: Uint8Array, index: number, value: Uint8Array | Uint8Array[]): Uint8Array {
  const typedTx = (raw[0] as number) < 0xc0;
  const fields = RLP.decode(typedTx ? raw.subarray(1) : raw) as Uint8Array[];
  fields[index] = value as Uint8Array;
  const body = RLP.encode(fields);
  return typedTx ? Uint8Array.from([raw[0] as number, ...body]) : body;
}

describe("decodeTransaction", async () => {
  const signed = await signAll();

  it("uses the native secp256k1 binding", () => {
    assert.equal(secp256k1Backend, "native");
  });

  for (const name of Object.keys(signed)) {
    it(`decodes a viem-signed ${name} transaction with the same hash and sender as @ethereumjs/tx`, () => {
      const hex = signed[name] as `0x${string}`;
      const raw = hexToBytes(hex);
      const tx = decodeTransaction(raw);
      if (tx.type === 0x7e) assert.fail("not a signed transaction");
      assert.equal(tx.hash, viemKeccak(hex));
      assert.equal(tx.from, sender);
      assert.deepEqual(encodeTransaction(tx), raw);
      const ejs = createTxFromRLP(raw);
      assert.equal(tx.hash, bytesToHex(ejs.hash()));
      assert.equal(tx.from, ejs.getSenderAddress().toString());
      assert.equal(tx.nonce, ejs.nonce);
      assert.equal(tx.gasLimit, ejs.gasLimit);
      assert.equal(tx.value, ejs.value);
      assert.equal(tx.to, ejs.to === undefined ? null : ejs.to.toString());
      assert.equal(bytesToHex(tx.data), bytesToHex(ejs.data));
      assert.equal(tx.r, ejs.r);
      assert.equal(tx.s, ejs.s);
      assert.equal(bytesToHex(signingHash(tx)), bytesToHex(ejs.getMessageToVerifySignature() as Uint8Array));
      assert.equal(recoverSender(tx), sender);
    });
  }

  it("decodes EIP-155 chain id and yParity from v", () => {
    const tx = decodeTransaction(hexToBytes(signed.legacy155 as `0x${string}`));
    assert.equal(tx.type, 0);
    if (tx.type !== 0) return;
    assert.equal(tx.chainId, 6342n);
    assert.equal(tx.v, 6342n * 2n + 35n + BigInt(tx.yParity));
  });

  it("decodes and recovers a pre-EIP-155 legacy transaction (v = 27/28)", () => {
    // ethereumjs signs without chain id when EIP-155 is not active in its Common; re-sign via our own hash.
    const body = decodeTransactionBody(hexToBytes(signed.legacy155 as `0x${string}`));
    assert.equal(body.type, 0);
    if (body.type !== 0) return;
    const unsigned = { ...body, chainId: undefined };
    const hash = signingHash(unsigned);
    const ejsHash = viemKeccak(
      RLP.encode([
        Uint8Array.of(7),
        hexToBytes("0x77359400"),
        hexToBytes("0x5208"),
        hexToBytes(TO),
        Uint8Array.of(10),
        new Uint8Array(),
      ]),
    );
    assert.equal(bytesToHex(hash), ejsHash);
    return signPre155(hash).then((sig) => {
      const raw = encodeTransaction({
        ...unsigned,
        v: 27n + BigInt(sig.yParity),
        r: sig.r,
        s: sig.s,
        yParity: sig.yParity,
      });
      const tx = decodeTransaction(raw);
      assert.equal(tx.from, sender);
      assert.equal(tx.type === 0 && tx.chainId, undefined);
      assert.equal(createTxFromRLP(raw).getSenderAddress().toString(), sender);
    });
  });

  it("decodes a 7702 authorization list and recovers the authority", () => {
    const tx = decodeTransaction(hexToBytes(signed.eip7702 as `0x${string}`));
    assert.equal(tx.type, 4);
    if (tx.type !== 4) return;
    assert.equal(tx.authorizationList.length, 1);
    const auth = tx.authorizationList[0];
    assert.ok(auth);
    assert.equal(auth.chainId, 6342n);
    assert.equal(auth.address, TO);
    assert.equal(auth.nonce, 3n);
    assert.equal(recoverAuthority(auth), sender);
    assert.equal(recoverAuthority({ ...auth, s: SECP256K1_N - auth.s }), null);
    assert.equal(recoverAuthority({ ...auth, yParity: 2 }), null);
    assert.equal(recoverAuthority({ ...auth, r: 0n }), null);
  });

  it("decodes op-stack deposits serialized by viem", () => {
    const deposit = {
      type: "deposit",
      sourceHash: `0x${"ab".repeat(32)}`,
      from: "0x1111000000000000000000000000000000001112",
      to: TO,
      mint: 10n ** 18n,
      value: 5n,
      gas: 100000n,
      isSystemTx: false,
      data: "0x1234",
    } as const;
    const hex = serializeOpTransaction(deposit);
    const tx = decodeTransaction(hexToBytes(hex));
    assert.equal(tx.type, 0x7e);
    if (tx.type !== 0x7e) return;
    assert.equal(tx.hash, viemKeccak(hex));
    assert.equal(tx.from, deposit.from);
    assert.equal(tx.to, TO);
    assert.equal(tx.mint, deposit.mint);
    assert.equal(tx.gasLimit, 100000n);
    assert.equal(tx.isSystemTransaction, false);
    assert.equal(bytesToHex(encodeTransaction(tx)), hex);
    const creation = serializeOpTransaction({ ...deposit, to: undefined, mint: 0n, isSystemTx: true, data: "0x" });
    const c = decodeTransaction(hexToBytes(creation));
    assert.equal(c.to, null);
    assert.equal(c.type === 0x7e && c.isSystemTransaction, true);
    assert.equal(bytesToHex(encodeTransaction(c)), creation);
  });

  it("builds a Transaction from fields with the same hash and sender as decoding", () => {
    for (const hex of Object.values(signed)) {
      const decoded = decodeTransaction(hexToBytes(hex));
      const built = buildTransaction(decodeTransactionBody(hexToBytes(hex)));
      assert.equal(built.hash, decoded.hash);
      assert.equal(built.from, decoded.from);
    }
  });

  it("native and @noble recovery agree", () => {
    const tx = decodeTransaction(hexToBytes(signed.eip1559 as `0x${string}`));
    if (tx.type === 0x7e) return;
    const hash = signingHash(tx);
    assert.deepEqual(
      recoverPublicKey(hash, tx.r, tx.s, tx.yParity),
      recoverPublicKeyNoble(hash, tx.r, tx.s, tx.yParity),
    );
  });

  describe("rejects", () => {
    const raw1559 = hexToBytes(signed.eip1559 as `0x${string}`);
    const rawLegacy = hexToBytes(signed.legacy155 as `0x${string}`);

    it("an integer with leading zero bytes", () => {
      const e = rejection(() => decodeTransaction(withField(raw1559, 1, Uint8Array.of(0, 0xff))));
      assert.equal(e.reason, "decode");
      assert.match(e.shortMessage, /^rlp: non-canonical integer \(leading zero bytes\)/);
    });
    it("a single byte below 0x80 wrapped in a string header", () => {
      // nonce 255 = 0x81ff; make a tx whose nonce field is 0x8105 (non-canonical for 0x05)
      const fields = RLP.decode(raw1559.subarray(1)) as Uint8Array[];
      const encoded = RLP.encode(fields);
      const idx = encoded.indexOf(0xff, 4);
      const mutated = Uint8Array.from([2, ...encoded]);
      mutated[idx + 1] = 0x05;
      const e = rejection(() => decodeTransaction(mutated));
      assert.equal(e.shortMessage, "rlp: non-canonical size information");
    });
    it("trailing bytes after the transaction", () => {
      const e = rejection(() => decodeTransaction(Uint8Array.from([...raw1559, 0x80])));
      assert.equal(e.shortMessage, "rlp: input contains more than one value");
      assert.equal(rejection(() => decodeTransaction(Uint8Array.from([...rawLegacy, 0]))).reason, "decode");
    });
    it("a truncated transaction", () => {
      const e = rejection(() => decodeTransaction(raw1559.subarray(0, raw1559.length - 1)));
      assert.equal(e.reason, "decode");
    });
    it("too few and too many fields", () => {
      const fields = RLP.decode(raw1559.subarray(1)) as Uint8Array[];
      const few = rejection(() => decodeTransaction(Uint8Array.from([2, ...RLP.encode(fields.slice(0, 11))])));
      assert.equal(few.shortMessage, "rlp: too few elements for types.DynamicFeeTx");
      const many = rejection(() =>
        decodeTransaction(Uint8Array.from([2, ...RLP.encode([...fields, new Uint8Array()])])),
      );
      assert.equal(many.shortMessage, "rlp: input list has too many elements for types.DynamicFeeTx");
    });
    it("high s (EIP-2), zero r or s, r or s ≥ n", () => {
      const tx = decodeTransactionBody(raw1559);
      if (tx.type === 0x7e) return;
      const bad: Array<Partial<{ r: bigint; s: bigint }>> = [
        { s: SECP256K1_N - tx.s },
        { s: SECP256K1_N_DIV_2 + 1n },
        { r: 0n },
        { s: 0n },
        { r: SECP256K1_N },
        { r: SECP256K1_N + 1n },
      ];
      for (const patch of bad) {
        const e = rejection(() => decodeTransaction(encodeTransaction({ ...tx, ...patch } as TransactionBody)));
        assert.equal(e.reason, "invalidSignature");
        assert.match(e.shortMessage, /^invalid sender: /);
      }
    });
    it("a yParity other than 0 or 1, and a legacy v that is neither 27/28 nor ≥ 35", () => {
      const e = rejection(() => decodeTransaction(withField(raw1559, 9, Uint8Array.of(2))));
      assert.equal(e.reason, "invalidSignature");
      for (const v of [0, 1, 26, 29, 34]) {
        const le = rejection(() =>
          decodeTransaction(withField(rawLegacy, 6, v === 0 ? new Uint8Array() : Uint8Array.of(v))),
        );
        assert.equal(le.reason, "invalidSignature");
      }
    });
    it("a signature that recovers to no point", () => {
      const tx = decodeTransactionBody(raw1559);
      if (tx.type === 0x7e) return;
      // r = n - 1 is (almost surely) not an x-coordinate on the curve for this yParity; try a few until recovery fails.
      let failures = 0;
      for (let r = 5n; r < 40n; r++) {
        try {
          decodeTransaction(encodeTransaction({ ...tx, r } as TransactionBody));
        } catch (error) {
          assert.ok(error instanceof TransactionRejectedError);
          assert.equal(error.reason, "invalidSignature");
          failures++;
        }
      }
      assert.ok(failures > 0);
    });
    it("unknown types, blob transactions, empty input and an RLP string", () => {
      assert.equal(rejection(() => decodeTransaction(Uint8Array.of(3, 0xc0))).reason, "unsupportedType");
      assert.equal(rejection(() => decodeTransaction(Uint8Array.of(0x7f, 0xc0))).reason, "unsupportedType");
      assert.equal(rejection(() => decodeTransaction(new Uint8Array())).reason, "decode");
      assert.equal(rejection(() => decodeTransaction(Uint8Array.of(2))).shortMessage, "typed transaction too short");
      assert.equal(rejection(() => decodeTransaction(Uint8Array.of(0x83, 1, 2, 3))).reason, "decode");
    });
    it("a 7702 transaction without destination or with an empty authorization list", () => {
      const raw = hexToBytes(signed.eip7702 as `0x${string}`);
      assert.equal(rejection(() => decodeTransaction(withField(raw, 5, new Uint8Array()))).reason, "decode");
      const e = rejection(() => decodeTransaction(withField(raw, 9, [])));
      assert.equal(e.shortMessage, "EIP-7702 transaction with empty auth list");
    });
    it("a deposit whose isSystemTx is not a canonical boolean", () => {
      const hex = serializeOpTransaction({
        type: "deposit",
        sourceHash: `0x${"ab".repeat(32)}`,
        from: TO,
        to: TO,
        mint: 0n,
        value: 0n,
        gas: 21000n,
        isSystemTx: false,
        data: "0x",
      });
      const e = rejection(() => decodeTransaction(withField(hexToBytes(hex), 6, Uint8Array.of(2))));
      assert.equal(e.shortMessage, "rlp: invalid boolean value: 2");
      assert.equal(
        rejection(() => decodeTransaction(withField(hexToBytes(hex), 0, new Uint8Array(31)))).reason,
        "decode",
      );
    });
  });

  it("throws only TransactionRejectedError on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(0, 1, 2, 4, 0x7e, 0xc0, 0xf8), (bytes, first) => {
        for (const input of [bytes, Uint8Array.from([first, ...bytes])]) {
          try {
            decodeTransaction(input);
          } catch (error) {
            if (!(error instanceof TransactionRejectedError)) throw error;
          }
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("throws only TransactionRejectedError on mutated valid transactions, and never accepts a non-canonical one", () => {
    const raws = Object.values(signed).map((hex) => hexToBytes(hex));
    fc.assert(
      fc.property(
        fc.constantFrom(...raws),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        fc.boolean(),
        (raw, pos, byte, truncate) => {
          const i = pos % raw.length;
          const mutated = truncate ? raw.subarray(0, i) : Uint8Array.from(raw);
          if (!truncate) mutated[i] = byte;
          try {
            const tx = decodeTransaction(mutated);
            assert.deepEqual(encodeTransaction(tx), mutated);
          } catch (error) {
            if (!(error instanceof TransactionRejectedError)) throw error;
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

async function signPre155(hash: Uint8Array): Promise<{ r: bigint; s: bigint; yParity: number }> {
  const sig = await account.sign({ hash: bytesToHex(hash) });
  const bytes = hexToBytes(sig);
  return {
    r: BigInt(bytesToHex(bytes.subarray(0, 32))),
    s: BigInt(bytesToHex(bytes.subarray(32, 64))),
    yParity: (bytes[64] as number) - 27,
  };
}

describe("decodeTransaction signature sizes", async () => {
  const account = privateKeyToAccount(PK);
  const raw = hexToBytes(
    await account.signTransaction({
      type: "eip1559",
      chainId: 1,
      nonce: 0,
      maxFeePerGas: 1n,
      maxPriorityFeePerGas: 1n,
      gas: 21000n,
    }),
  );
  it("rejects an r or s wider than 32 bytes as an invalid sender, as geth's big.Int fields do", () => {
    for (const index of [10, 11]) {
      const wide = Uint8Array.from([1, ...new Uint8Array(32).fill(0xff)]);
      const e = rejection(() => decodeTransaction(withField(raw, index, wide)));
      assert.equal(e.reason, "invalidSignature");
    }
  });
});
