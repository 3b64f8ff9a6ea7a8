import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { hexToBytes } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { decodeTransaction } from "../../src/chain/transaction.ts";

const PK = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
const transactionModule = fileURLToPath(new URL("../../src/chain/transaction.ts", import.meta.url));
const signatureModule = fileURLToPath(new URL("../../src/chain/signature.ts", import.meta.url));

describe("secp256k1 backends", () => {
  it("the @noble/curves fallback recovers the same sender as the native binding", async () => {
    const account = privateKeyToAccount(PK);
    const hex = await account.signTransaction({
      type: "eip1559",
      chainId: 6342,
      nonce: 1,
      maxFeePerGas: 2n,
      maxPriorityFeePerGas: 1n,
      gas: 21000n,
      to: account.address,
    });
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
