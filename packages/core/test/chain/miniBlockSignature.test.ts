import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import fc from "fast-check";
import { bytesToHex, type Hex, hexToBytes, keccak256, numberToHex, recoverAddress, toRlp } from "viem";
import { privateKeyToAccount, sign } from "viem/accounts";
import {
  createDigestSigner,
  decodeSignatureBytes,
  encodeSignatureBytes,
  InvalidSignatureError,
  privateKeyToAddress,
  recoverDigestSigner,
  SIGNATURE_BYTES,
  signDigest,
} from "../../src/chain/digestSignature.ts";
import {
  type MiniBlockHeaderFields,
  miniBlockSigningHash,
  recoverMiniBlockSigner,
  signMiniBlock,
} from "../../src/chain/miniBlockSignature.ts";
import { SECP256K1_N } from "../../src/chain/signature.ts";
import { hash32, u64 } from "./arbitraries.ts";

const PK = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
const ADDRESS = "0x2c7536e3605d9c16a7a3d7b1898e529396a65c23";

/** A mini-block header shaped like MegaETH's mainnet example (µs timestamp inside the block's second). */
const HEADER: MiniBlockHeaderFields = {
  blockNumber: 1234n,
  blockTimestamp: 1774856457n,
  index: 7,
  number: 123_456n,
  timestampUs: 1774856456114000n,
  gasUsed: 0n,
  transactionsRoot: "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421",
  receiptsRoot: "0x1111111111111111111111111111111111111111111111111111111111111111",
};
// Computed with viem (toRlp + keccak256, then `sign`): an implementation independent of Mach's.
const HEADER_HASH = "0xae293da00c33075869e697028616e398ac1bc48d2339385f0b786156f6a52f76";
const HEADER_SIGNATURE = {
  r: 0xd67f4f4425df5577e4925a03f82aa1092cfb30123742fb3c5efd5662eb9d77f3n,
  s: 0x3535e6362b7c8a8c15f0c2aeff3dfeb980510b19f5c484d3b671aea434372340n,
  yParity: 1,
} as const;

/** The signing hash computed by viem, field by field as reference §4 states it. */
function viemSigningHash(header: MiniBlockHeaderFields): Hex {
  const quantity = (n: bigint): Hex => (n === 0n ? "0x" : numberToHex(n));
  return keccak256(
    toRlp([
      quantity(header.blockNumber),
      quantity(header.blockTimestamp),
      quantity(BigInt(header.index)),
      quantity(header.number),
      quantity(header.timestampUs),
      quantity(header.gasUsed),
      header.transactionsRoot,
      header.receiptsRoot,
    ]),
  );
}

const headerArb: fc.Arbitrary<MiniBlockHeaderFields> = fc.record({
  blockNumber: u64,
  blockTimestamp: u64,
  index: fc.nat({ max: 1_000_000 }),
  number: u64,
  timestampUs: u64,
  gasUsed: u64,
  transactionsRoot: hash32,
  receiptsRoot: hash32,
});
const privateKeyArb = fc
  .bigInt({ min: 1n, max: SECP256K1_N - 1n })
  .map((k) => hexToBytes(numberToHex(k, { size: 32 })));

const toHex32 = (n: bigint): Hex => numberToHex(n, { size: 32 });

describe("mini-block signature (MegaETH Rex5)", () => {
  it("hashes the eight header fields as the pinned vector computed with viem", () => {
    assert.equal(bytesToHex(miniBlockSigningHash(HEADER)), HEADER_HASH);
    assert.equal(viemSigningHash(HEADER), HEADER_HASH);
  });

  it("signs the pinned vector exactly as viem signs the raw hash, and recovers the key's address", async () => {
    const signature = signMiniBlock(HEADER, hexToBytes(PK));
    assert.deepEqual(signature, HEADER_SIGNATURE);
    const viemSignature = await sign({ hash: HEADER_HASH, privateKey: PK });
    assert.equal(viemSignature.r, toHex32(signature.r));
    assert.equal(viemSignature.s, toHex32(signature.s));
    assert.equal(viemSignature.yParity, signature.yParity);
    assert.equal(recoverMiniBlockSigner(HEADER, signature), ADDRESS);
  });

  it("recovers like ecrecover(hash, yParity + 27, r, s) (viem's recoverAddress on the raw hash)", async () => {
    const address = await recoverAddress({
      hash: HEADER_HASH,
      signature: { r: toHex32(HEADER_SIGNATURE.r), s: toHex32(HEADER_SIGNATURE.s), v: 27n + 1n },
    });
    assert.equal(address.toLowerCase(), ADDRESS);
  });

  it("agrees with viem on the hash, the signature and the recovered signer for any header and key", async () => {
    await fc.assert(
      fc.asyncProperty(headerArb, privateKeyArb, async (header, privateKey) => {
        const hash = miniBlockSigningHash(header);
        assert.equal(bytesToHex(hash), viemSigningHash(header));
        const signature = signMiniBlock(header, privateKey);
        const viemSignature = await sign({ hash: bytesToHex(hash), privateKey: bytesToHex(privateKey) });
        assert.equal(toHex32(signature.r), viemSignature.r);
        assert.equal(toHex32(signature.s), viemSignature.s);
        assert.equal(signature.yParity, viemSignature.yParity);
        const expected = privateKeyToAccount(bytesToHex(privateKey)).address.toLowerCase();
        assert.equal(recoverMiniBlockSigner(header, signature), expected);
        const viemRecovered = await recoverAddress({
          hash: bytesToHex(hash),
          signature: { r: viemSignature.r, s: viemSignature.s, yParity: viemSignature.yParity ?? 0 },
        });
        assert.equal(viemRecovered.toLowerCase(), expected);
      }),
      { numRuns: 60 },
    );
  });

  it("recovers another address when any signed field changes", () => {
    const signature = signMiniBlock(HEADER, hexToBytes(PK));
    const changed: MiniBlockHeaderFields[] = [
      { ...HEADER, blockNumber: HEADER.blockNumber + 1n },
      { ...HEADER, blockTimestamp: HEADER.blockTimestamp + 1n },
      { ...HEADER, index: HEADER.index + 1 },
      { ...HEADER, number: HEADER.number + 1n },
      { ...HEADER, timestampUs: HEADER.timestampUs + 1n },
      { ...HEADER, gasUsed: 1n },
      { ...HEADER, transactionsRoot: HEADER.receiptsRoot },
      { ...HEADER, receiptsRoot: HEADER.transactionsRoot },
    ];
    for (const header of changed) assert.notEqual(recoverMiniBlockSigner(header, signature), ADDRESS);
  });
});

describe("digest signatures", () => {
  it("rejects high-s and out-of-range values instead of recovering a malleated twin", () => {
    const digest = miniBlockSigningHash(HEADER);
    const signature = signDigest(digest, hexToBytes(PK));
    const twin = { r: signature.r, s: SECP256K1_N - signature.s, yParity: signature.yParity === 0 ? 1 : 0 } as const;
    assert.throws(() => recoverDigestSigner(digest, twin), InvalidSignatureError);
    assert.throws(() => recoverDigestSigner(digest, { ...signature, r: 0n }), InvalidSignatureError);
    assert.throws(() => recoverDigestSigner(digest, { ...signature, r: SECP256K1_N }), InvalidSignatureError);
  });

  it("round-trips r ‖ s ‖ yParity and refuses other lengths and parities", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }),
        fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }),
        fc.constantFrom(0 as const, 1 as const),
        (r, s, yParity) => {
          const bytes = encodeSignatureBytes({ r, s, yParity });
          assert.equal(bytes.length, SIGNATURE_BYTES);
          assert.deepEqual(decodeSignatureBytes(bytes), { r, s, yParity });
        },
      ),
    );
    assert.throws(() => decodeSignatureBytes(new Uint8Array(64)), InvalidSignatureError);
    const badParity = new Uint8Array(65);
    badParity[64] = 27;
    assert.throws(() => decodeSignatureBytes(badParity), InvalidSignatureError);
  });

  it("derives the key's address and signs with it through a DigestSigner", () => {
    const signer = createDigestSigner(hexToBytes(PK));
    assert.equal(signer.address, ADDRESS);
    assert.equal(privateKeyToAddress(hexToBytes(PK)), ADDRESS);
    const digest = miniBlockSigningHash(HEADER);
    assert.equal(recoverDigestSigner(digest, signer.sign(digest)), ADDRESS);
  });

  it("refuses keys of the wrong length or outside the curve order", () => {
    assert.throws(() => signDigest(new Uint8Array(32), new Uint8Array(31)));
    assert.throws(() => signDigest(new Uint8Array(32), new Uint8Array(32)));
    assert.throws(() => signDigest(new Uint8Array(32), hexToBytes(numberToHex(SECP256K1_N, { size: 32 }))));
    assert.throws(() => signDigest(new Uint8Array(31), hexToBytes(PK)));
  });

  it("signs the same bytes with the @noble/curves fallback as with the native binding", async () => {
    const module = fileURLToPath(new URL("../../src/chain/digestSignature.ts", import.meta.url));
    const script = `
      const { signDigest, privateKeyToAddress } = await import(${JSON.stringify(module)});
      const { secp256k1Backend } = await import(${JSON.stringify(fileURLToPath(new URL("../../src/chain/signature.ts", import.meta.url)))});
      const hex = (h) => Uint8Array.from(Buffer.from(h.slice(2), "hex"));
      const s = signDigest(hex(${JSON.stringify(HEADER_HASH)}), hex(${JSON.stringify(PK)}));
      console.log(JSON.stringify({ backend: secp256k1Backend, r: s.r.toString(), s: s.s.toString(), yParity: s.yParity,
        address: privateKeyToAddress(hex(${JSON.stringify(PK)})) }));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
      env: { ...process.env, MACH_SECP256K1: "noble" },
    });
    const result = JSON.parse(stdout.trim()) as { backend: string; r: string; s: string; yParity: number };
    assert.deepEqual(result, {
      backend: "noble",
      r: HEADER_SIGNATURE.r.toString(),
      s: HEADER_SIGNATURE.s.toString(),
      yParity: HEADER_SIGNATURE.yParity,
      address: ADDRESS,
    });
  });
});
