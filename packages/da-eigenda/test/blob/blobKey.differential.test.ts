/** Differential tests: Mach's hand-written ABI encodings against viem's `encodeAbiParameters`. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { encodeAbiParameters, getAddress, keccak256, toHex as viemToHex } from "viem";
import { hashBlobCertificate, hashBlobHeaderWithoutPayment, hashPaymentHeader } from "../../src/blob/blobKey.ts";
import { toHex } from "../../src/blob/signer.ts";
import { G1, G2, g1ToEvmWords, g2ToEvmWords } from "../../src/kzg/points.ts";

const address = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => toHex(b));
const scalar = fc.bigInt({ min: 1n, max: 2n ** 64n });

describe("EigenDA hashes against viem's ABI encoder", () => {
  it("hashes payment headers as keccak256(abi.encode((string, int64, uint256)))", () => {
    fc.assert(
      fc.property(
        address,
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }),
        (account, timestampNs, cumulativePayment) => {
          const expected = keccak256(
            encodeAbiParameters(
              [
                {
                  type: "tuple",
                  components: [
                    { name: "accountID", type: "string" },
                    { name: "timestamp", type: "int64" },
                    { name: "cumulativePayment", type: "uint256" },
                  ],
                },
              ],
              [{ accountID: getAddress(account), timestamp: timestampNs, cumulativePayment }],
            ),
          );
          assert.equal(toHex(hashPaymentHeader({ accountId: account, timestampNs, cumulativePayment })), expected);
        },
      ),
      { numRuns: 50 },
    );
  });

  it("hashes blob headers as keccak256(abi.encode(uint16, bytes, BlobCommitment)) with G2 limbs A1, A0", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff }),
        fc.uniqueArray(fc.integer({ min: 0, max: 255 }), { maxLength: 4 }),
        scalar,
        fc.integer({ min: 0, max: 20 }),
        (version, quorums, k, log2Length) => {
          const commitment = {
            commitment: G1.BASE.multiplyUnsafe(k),
            lengthCommitment: G2.BASE.multiplyUnsafe(k + 1n),
            lengthProof: G2.BASE.multiplyUnsafe(k + 2n),
            length: 2 ** log2Length,
          };
          const [cx, cy] = g1ToEvmWords(commitment.commitment);
          const [lcx1, lcx0, lcy1, lcy0] = g2ToEvmWords(commitment.lengthCommitment);
          const [lpx1, lpx0, lpy1, lpy0] = g2ToEvmWords(commitment.lengthProof);
          const g1 = {
            type: "tuple",
            components: [
              { name: "X", type: "uint256" },
              { name: "Y", type: "uint256" },
            ],
          };
          const g2 = {
            type: "tuple",
            components: [
              { name: "X", type: "uint256[2]" },
              { name: "Y", type: "uint256[2]" },
            ],
          };
          const expected = keccak256(
            encodeAbiParameters(
              [
                { type: "uint16" },
                { type: "bytes" },
                {
                  type: "tuple",
                  components: [
                    { name: "commitment", ...g1 },
                    { name: "lengthCommitment", ...g2 },
                    { name: "lengthProof", ...g2 },
                    { name: "dataLength", type: "uint32" },
                  ],
                },
              ],
              [
                version,
                viemToHex(Uint8Array.from([...quorums].sort((a, b) => a - b))),
                {
                  commitment: { X: cx, Y: cy },
                  lengthCommitment: { X: [lcx1, lcx0], Y: [lcy1, lcy0] },
                  lengthProof: { X: [lpx1, lpx0], Y: [lpy1, lpy0] },
                  dataLength: commitment.length,
                },
              ],
            ),
          );
          assert.equal(toHex(hashBlobHeaderWithoutPayment({ version, quorumNumbers: quorums, commitment })), expected);
        },
      ),
      { numRuns: 10 },
    );
  });

  it("hashes blob certificates as keccak256(abi.encode(bytes32, bytes, uint32[]))", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 70 }),
        fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 5 }),
        (blobKey, signature, relayKeys) => {
          const expected = keccak256(
            encodeAbiParameters(
              [{ type: "bytes32" }, { type: "bytes" }, { type: "uint32[]" }],
              [viemToHex(blobKey), viemToHex(signature), relayKeys],
            ),
          );
          assert.equal(toHex(hashBlobCertificate(blobKey, signature, relayKeys)), expected);
        },
      ),
      { numRuns: 50 },
    );
  });
});
