import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { secp256k1 as nobleSecp256k1 } from "@noble/curves/secp256k1.js";
import fc from "fast-check";
import { type Hex, hexToBytes } from "viem";
import { privateKeyToAccount, privateKeyToAddress } from "viem/accounts";
import { bigintToFixedBytes, bytesToBigint, bytesToHex } from "../../src/chain/bytes.ts";
import {
  publicKeyToAddress,
  recoverAddress,
  recoverPublicKey,
  recoverPublicKeyNoble,
  SECP256K1_N,
  SECP256K1_N_DIV_2,
} from "../../src/chain/signature.ts";
import {
  decodeTransaction,
  decodeTransactionBody,
  encodeTransaction,
  signingHash,
} from "../../src/chain/transaction.ts";
import type { TransactionBody } from "../../src/chain/types.ts";
import { TransactionRejectedError } from "../../src/errors.ts";

const PK = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
const transactionModule = fileURLToPath(new URL("../../src/chain/transaction.ts", import.meta.url));
const signatureModule = fileURLToPath(new URL("../../src/chain/signature.ts", import.meta.url));

/** A viem-signed EIP-1559 transfer from the key's account to itself. */
function signSelfTransfer(key: Hex, nonce: number, value = 0n): Promise<Hex> {
  const account = privateKeyToAccount(key);
  return account.signTransaction({
    type: "eip1559",
    chainId: 6342,
    nonce,
    maxFeePerGas: 2n,
    maxPriorityFeePerGas: 1n,
    gas: 21_000n,
    to: account.address,
    value,
  });
}

describe("secp256k1 backends", () => {
  it("the @noble/curves fallback recovers the same sender as the native binding", async () => {
    const account = privateKeyToAccount(PK);
    const hex = await signSelfTransfer(PK, 1);
    const script = `
      const { decodeTransaction } = await import(${JSON.stringify(transactionModule)});
      const { secp256k1Backend } = await import(${JSON.stringify(signatureModule)});
      const hex = ${JSON.stringify(hex)};
      const raw = Uint8Array.from(Buffer.from(hex.slice(2), "hex"));
      console.log(JSON.stringify({ backend: secp256k1Backend, from: decodeTransaction(raw).from }));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
      env: { ...process.env, MACH_SECP256K1: "noble" },
    });
    const result = JSON.parse(stdout.trim()) as { backend: string; from: string };
    assert.equal(result.backend, "noble");
    assert.equal(result.from, decodeTransaction(hexToBytes(hex)).from);
    assert.equal(result.from, account.address.toLowerCase());
  });
});

/** Private keys in [1, n), as fast-check bigints, and their 32-byte encodings. */
const privateKey = fc.bigInt({ min: 1n, max: SECP256K1_N - 1n }).map((key) => bigintToFixedBytes(key, 32));
const digest = fc.uint8Array({ minLength: 32, maxLength: 32 });

describe("secp256k1 recovery, differential against @noble/curves and viem", () => {
  it("recovers the address viem derives from the key, for any key and digest, natively and with @noble", () => {
    fc.assert(
      fc.property(privateKey, digest, (key, message) => {
        const signed = nobleSecp256k1.sign(message, key, { prehash: false, format: "recovered" });
        const yParity = signed[0] as number;
        const r = bytesToBigint(signed.subarray(1, 33));
        const s = bytesToBigint(signed.subarray(33, 65));
        const expected = privateKeyToAddress(bytesToHex(key)).toLowerCase();
        assert.equal(recoverAddress(message, r, s, yParity), expected);
        assert.equal(publicKeyToAddress(recoverPublicKeyNoble(message, r, s, yParity)), expected);
      }),
      { numRuns: 200 },
    );
  });

  it("agrees with @noble on arbitrary (r, s, yParity): the same key, or both refuse", () => {
    const scalar = fc.bigInt({ min: 1n, max: SECP256K1_N - 1n });
    fc.assert(
      fc.property(digest, scalar, scalar, fc.integer({ min: 0, max: 1 }), (message, r, s, yParity) => {
        const native = outcomeOf(() => recoverPublicKey(message, r, s, yParity));
        const noble = outcomeOf(() => recoverPublicKeyNoble(message, r, s, yParity));
        assert.equal(native.ok, noble.ok, `native ${native.ok ? "recovered" : "refused"}, @noble did not`);
        if (native.ok && noble.ok) assert.deepEqual(native.key, noble.key);
      }),
      { numRuns: 300 },
    );
  });

  it("decodes a transaction with arbitrary (r, s, yParity) to @noble's signer, else to geth's invalid sender", async () => {
    const signed = await signSelfTransfer(PK, 7);
    const body = decodeTransactionBody(hexToBytes(signed));
    if (body.type !== 2) throw new Error("expected an EIP-1559 transaction");
    const hash = signingHash(body);
    const scalar = fc.bigInt({ min: 0n, max: SECP256K1_N + 1n });
    fc.assert(
      fc.property(scalar, scalar, fc.integer({ min: 0, max: 1 }), (r, s, yParity) => {
        const inRange = r > 0n && r < SECP256K1_N && s > 0n && s <= SECP256K1_N_DIV_2;
        const noble = inRange ? outcomeOf(() => recoverPublicKeyNoble(hash, r, s, yParity)) : { ok: false as const };
        const decoded = outcomeOf(() => decodeTransaction(encodeTransaction({ ...body, r, s, yParity })));
        if (noble.ok) {
          if (!decoded.ok) assert.fail(`@noble recovers (r, s) = (${r}, ${s}), Mach refused: ${String(decoded.error)}`);
          assert.equal(decoded.key.from, publicKeyToAddress(noble.key));
          return;
        }
        assert.ok(!decoded.ok, "Mach accepted a signature @noble refuses");
        const error = decoded.error;
        assert.ok(error instanceof TransactionRejectedError);
        assert.equal(error.reason, "invalidSignature");
        assert.equal(error.shortMessage, "invalid sender: invalid transaction v, r, s values");
      }),
      { numRuns: 300 },
    );
  });

  it("decodes viem-signed transactions to viem's sender and refuses their high-s twins with geth's message", async () => {
    await fc.assert(
      fc.asyncProperty(
        privateKey,
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.bigInt({ min: 0n, max: 10n ** 24n }),
        async (key, nonce, value) => {
          const account = privateKeyToAccount(bytesToHex(key));
          const hex = await signSelfTransfer(bytesToHex(key), nonce, value);
          const tx = decodeTransaction(hexToBytes(hex));
          assert.equal(tx.from, account.address.toLowerCase());
          if (tx.type !== 2) throw new Error("expected an EIP-1559 transaction");
          // (r, n - s, 1 - yParity) is the same signature's malleable twin: it recovers the same key, and EIP-2 refuses it.
          const twin = { ...tx, s: SECP256K1_N - tx.s, yParity: 1 - tx.yParity };
          assert.equal(
            publicKeyToAddress(recoverPublicKeyNoble(signingHash(tx), twin.r, twin.s, twin.yParity)),
            tx.from,
          );
          assert.throws(
            () => decodeTransaction(encodeTransaction(twin as TransactionBody)),
            (error) =>
              error instanceof TransactionRejectedError &&
              error.reason === "invalidSignature" &&
              error.shortMessage === "invalid sender: invalid transaction v, r, s values",
          );
        },
      ),
      { numRuns: 60 },
    );
  });
});

/** What `run` returned, or the error it threw (the properties compare refusals as well as results). */
function outcomeOf<T>(run: () => T): { ok: true; key: T } | { ok: false; error: unknown } {
  try {
    return { ok: true, key: run() };
  } catch (error) {
    return { ok: false, error };
  }
}
