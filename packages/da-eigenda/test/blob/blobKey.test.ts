import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { keccak_256 } from "@noble/hashes/sha3.js";
import fc from "fast-check";
import { dynamicBytesTail, encodeArguments, uintWord } from "../../src/blob/abi.ts";
import { hashBatchHeader, hashPaymentHeader } from "../../src/blob/blobKey.ts";
import { checksumAddress, createSecp256k1Signer, fromHex, recoverAddress, toHex } from "../../src/blob/signer.ts";

describe("EigenDA hashing", () => {
  it("hashes a batch header as EigenDA's Go test vector (root '1', reference block 1)", () => {
    const root = new Uint8Array(32);
    root[0] = "1".charCodeAt(0);
    assert.equal(
      toHex(hashBatchHeader(root, 1n)),
      "0x891d0936da4627f445ef193aad63afb173409af9e775e292e4e35aff790a45e2",
    );
  });

  it("encodes the payment header as one dynamic tuple: offset 0x20, then (string offset, int64, uint256)", () => {
    const account = "0x1111111111111111111111111111111111111111";
    const encoded = Buffer.concat([
      uintWord(32),
      uintWord(96),
      uintWord(7n),
      uintWord(100n),
      uintWord(42),
      Buffer.from(account, "utf8"),
      new Uint8Array(22),
    ]);
    assert.equal(encoded.length, 32 * 5 + 64);
    assert.equal(
      toHex(hashPaymentHeader({ accountId: account, timestampNs: 7n, cumulativePayment: 100n })),
      toHex(keccak_256(encoded)),
    );
  });

  it("places dynamic arguments after the head, each behind an offset word", () => {
    const encoded = encodeArguments([{ static: uintWord(1) }, { dynamic: dynamicBytesTail(Uint8Array.from([0, 1])) }]);
    assert.equal(
      Buffer.from(encoded).toString("hex").slice(64, 128),
      uintWord(64).reduce((s, b) => s + b.toString(16).padStart(2, "0"), ""),
    );
    assert.equal(encoded.length, 4 * 32);
  });
});

describe("secp256k1 signer", () => {
  it("derives the EIP-55 address of a private key (private key 1 → 0x7E5F…)", () => {
    const signer = createSecp256k1Signer(`0x${"00".repeat(31)}01`);
    assert.equal(signer.address, "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf");
  });

  it("checksums addresses as EIP-55's examples", () => {
    assert.equal(
      checksumAddress("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"),
      "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    );
    assert.equal(
      checksumAddress("0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359"),
      "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    );
  });

  it("signs raw digests as r ‖ s ‖ v with v in {0,1}, and recovers the signer", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.integer({ min: 1, max: 2 ** 30 }),
        (digest, k) => {
          const signer = createSecp256k1Signer(`0x${k.toString(16).padStart(64, "0")}`);
          const signature = signer.signDigest(digest);
          assert.equal(signature.length, 65);
          assert.ok(signature[64] === 0 || signature[64] === 1);
          assert.equal(recoverAddress(digest, signature), signer.address);
        },
      ),
      { numRuns: 20 },
    );
  });

  it("refuses v = 27 signatures (ethers/viem style) instead of recovering a wrong key", () => {
    const signer = createSecp256k1Signer(`0x${"00".repeat(31)}02`);
    const signature = signer.signDigest(new Uint8Array(32).fill(9));
    signature[64] = (signature[64] as number) + 27;
    assert.throws(() => recoverAddress(new Uint8Array(32).fill(9), signature), /recovery id/);
    assert.deepEqual(fromHex("0x0a0b"), Uint8Array.from([10, 11]));
  });
});
