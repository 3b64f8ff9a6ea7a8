import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DaError } from "@mach/core/da";
import fc from "fast-check";
import { decodeEigenDaPointer, type EigenDaCertificate, encodeEigenDaPointer } from "../../src/pointer/pointer.ts";

const bytes = (max = 80) => fc.uint8Array({ maxLength: max }).map((b) => new Uint8Array(b));
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String);

// Plain prototypes: the decoder builds ordinary objects, and deepEqual compares prototypes.
const rec = <T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> =>
  fc.record(model, { noNullPrototype: true }) as fc.Arbitrary<T>;

const certificateArb: fc.Arbitrary<EigenDaCertificate> = rec({
  batchHeader: rec({ batchRoot: bytes(32), referenceBlockNumber: u64 }),
  blobInclusionInfo: rec({
    blobCertificate: rec({
      blobHeader: rec({
        version: u32,
        quorumNumbers: fc.array(u32, { maxLength: 4 }),
        commitment: rec({ commitment: bytes(32), lengthCommitment: bytes(64), lengthProof: bytes(64), length: u32 }),
        paymentHeader: rec({
          accountId: fc.string({ maxLength: 42 }),
          timestamp: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String),
          cumulativePayment: bytes(32),
        }),
      }),
      signature: bytes(65),
      relayKeys: fc.array(u32, { maxLength: 4 }),
    }),
    blobIndex: u32,
    inclusionProof: bytes(),
  }),
  attestation: rec({
    nonSignerPubkeys: fc.array(bytes(32), { maxLength: 3 }),
    apkG2: bytes(64),
    quorumApks: fc.array(bytes(32), { maxLength: 3 }),
    sigma: bytes(32),
    quorumNumbers: fc.array(u32, { maxLength: 4 }),
    quorumSignedPercentages: bytes(4),
  }),
});

describe("EigenDA pointer codec", () => {
  it("round-trips any certificate and starts with version byte 0x01", () => {
    fc.assert(
      fc.property(certificateArb, (certificate) => {
        const pointer = encodeEigenDaPointer(certificate);
        assert.equal(pointer[0], 0x01);
        assert.deepEqual(decodeEigenDaPointer(pointer), certificate);
      }),
      { numRuns: 200 },
    );
  });

  it("rejects an empty pointer, an unknown version and garbage as permanent errors", () => {
    const isPermanent = (e: unknown) => e instanceof DaError && e.kind === "permanent";
    assert.throws(() => decodeEigenDaPointer(new Uint8Array(0)), isPermanent);
    assert.throws(() => decodeEigenDaPointer(Uint8Array.from([0x02, 0x0a, 0x00])), isPermanent);
    assert.throws(() => decodeEigenDaPointer(Uint8Array.from([0x01, 0xff, 0xff, 0xff])), isPermanent);
    // Valid protobuf but no certificate inside.
    assert.throws(() => decodeEigenDaPointer(Uint8Array.from([0x01])), isPermanent);
  });

  it("never throws anything but a DaError on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (raw) => {
        try {
          decodeEigenDaPointer(Uint8Array.from([0x01, ...raw]));
        } catch (error) {
          assert.ok(error instanceof DaError, String(error));
        }
      }),
    );
  });
});
