import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { DaError, DaNotFoundError } from "@mach/core/da";
import { paymentStateDigest } from "../../src/blob/blobKey.ts";
import { createSecp256k1Signer, fromHex, toHex } from "../../src/blob/signer.ts";
import { grpcCodeOf } from "../../src/client/grpc.ts";
import type { DisperserClient } from "../../src/client/rpcClients.ts";
import { blobCommitmentToBytes, computeBlobCommitment } from "../../src/kzg/commitment.ts";
import { BN254_FR_MODULUS, encodePayloadToBlob } from "../../src/payload/encoding.ts";
import type { EigenDaStandIn } from "../../src/standin/standin.ts";
import { BlobStatus } from "../../src/wire/protos.ts";
import { rawDisperser, startTestStandIn, TEST_KEY, tempDir, testSrs, toRequest, validParts } from "../fixtures.ts";

const text = (s: string) => new TextEncoder().encode(s);

async function rejection(promise: Promise<unknown>): Promise<DaError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof DaError, `expected a DaError, got ${error}`);
    return error;
  }
  assert.fail("expected a rejection");
}

describe("stand-in disperser validation", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let standIn: EigenDaStandIn;
  let disperser: DisperserClient;

  before(async () => {
    dir = await tempDir();
    // A long status interval: validation tests do not need blobs to advance.
    standIn = await startTestStandIn(dir.path, { statusIntervalMs: 60_000, maxBlobsPerSecondPerAccount: 0 });
    disperser = rawDisperser(standIn);
  });
  after(async () => {
    disperser.close();
    await standIn.close();
    await dir.remove();
  });

  const expectInvalid = async (request: Parameters<DisperserClient["disperseBlob"]>[0], message: RegExp) => {
    const error = await rejection(disperser.disperseBlob(request));
    assert.equal(grpcCodeOf(error), grpc.status.INVALID_ARGUMENT, error.message);
    assert.equal(error.kind, "permanent");
    assert.match(error.message, message);
  };

  it("accepts a valid dispersal as QUEUED and returns the client's blob key", async () => {
    const parts = validParts(text("valid"));
    const reply = await disperser.disperseBlob(toRequest(parts));
    assert.equal(reply.result, BlobStatus.QUEUED);
    const status = await disperser.getBlobStatus(reply.blobKey);
    assert.equal(status.status, BlobStatus.QUEUED);
  });

  it("rejects a signature that is not 65 bytes", async () => {
    const request = toRequest(validParts(text("sig")));
    await expectInvalid(
      { ...request, signature: request.signature.subarray(0, 64) },
      /expected to be 65 bytes, but got 64/,
    );
  });

  it("rejects an empty blob", async () => {
    await expectInvalid(
      { ...toRequest(validParts(text("e"))), blob: new Uint8Array(0) },
      /blob size must be greater than 0/,
    );
  });

  it("rejects a blob larger than the maximum size", async () => {
    await expectInvalid({ ...toRequest(validParts(text("big"))), blob: new Uint8Array(65 * 32) }, /blob size too big/);
  });

  it("rejects a header without commitments, and a commitment length that is not a power of two or too short", async () => {
    const request = toRequest(validParts(text("x".repeat(100))));
    const header = request.blobHeader as NonNullable<typeof request.blobHeader>;
    const commitment = header.commitment as NonNullable<typeof header.commitment>;
    await expectInvalid({ ...request, blobHeader: { ...header, commitment: null } }, /must contain commitments/);
    await expectInvalid(
      { ...request, blobHeader: { ...header, commitment: { ...commitment, length: 3 } } },
      /power of 2/,
    );
    await expectInvalid(
      { ...request, blobHeader: { ...header, commitment: { ...commitment, length: 2 } } },
      /commitment length 2 is less than blob length 8/,
    );
  });

  it("rejects commitment points that are not on the curve", async () => {
    const request = toRequest(validParts(text("points")));
    const header = request.blobHeader as NonNullable<typeof request.blobHeader>;
    const commitment = header.commitment as NonNullable<typeof header.commitment>;
    const broken = Uint8Array.from(commitment.commitment);
    broken[31] = (broken[31] as number) ^ 1;
    const result = disperser.disperseBlob({
      ...request,
      blobHeader: { ...header, commitment: { ...commitment, commitment: new Uint8Array(31) } },
    });
    await assert.rejects(result, (e: unknown) => e instanceof DaError && /invalid blob header/.test(e.message));
    // Flipping a bit of x gives either an invalid point or another point: both are refused.
    const flipped = disperser.disperseBlob({
      ...request,
      blobHeader: { ...header, commitment: { ...commitment, commitment: broken } },
    });
    await assert.rejects(flipped, (e: unknown) => grpcCodeOf(e) === grpc.status.INVALID_ARGUMENT);
  });

  it("rejects a missing payment header and zero timestamp with zero payment", async () => {
    const parts = validParts(text("payment"));
    const request = toRequest(parts);
    const header = request.blobHeader as NonNullable<typeof request.blobHeader>;
    await expectInvalid({ ...request, blobHeader: { ...header, paymentHeader: null } }, /payment metadata is required/);
    const zero = {
      ...parts,
      header: { ...parts.header, paymentHeader: { ...parts.header.paymentHeader, timestampNs: 0n } },
    };
    await expectInvalid(toRequest(zero), /invalid payment metadata/);
  });

  it("rejects timestamps outside the ±45 s window", async () => {
    const parts = validParts(text("clock"));
    for (const offsetMs of [-46_000n, 46_000n]) {
      const shifted = {
        ...parts,
        header: {
          ...parts.header,
          paymentHeader: {
            ...parts.header.paymentHeader,
            timestampNs: parts.header.paymentHeader.timestampNs + offsetMs * 1_000_000n,
          },
        },
      };
      await expectInvalid(toRequest(shifted), /potential clock drift detected/);
    }
  });

  it("rejects empty, duplicate and unknown quorums", async () => {
    const parts = validParts(text("quorums"));
    for (const [quorumNumbers, message] of [
      [[], /must not be empty/],
      [[0, 0], /duplicates/],
      [[0, 2], /must be less than 2/],
    ] as const) {
      await expectInvalid(toRequest({ ...parts, header: { ...parts.header, quorumNumbers } }), message);
    }
  });

  it("rejects a blob word that is not below the BN254 modulus", async () => {
    const parts = validParts(text("field"));
    const blob = Uint8Array.from(parts.blob);
    blob.set(Buffer.from(BN254_FR_MODULUS.toString(16).padStart(64, "0"), "hex"), 32);
    await expectInvalid({ ...toRequest(parts), blob }, /every 32bytes\(big-endian\) is less than 2188824287/);
  });

  it("rejects an unknown blob version", async () => {
    const parts = validParts(text("version"));
    await expectInvalid(toRequest({ ...parts, header: { ...parts.header, version: 7 } }), /invalid blob version 7/);
  });

  it("rejects a signature by a key other than the account id", async () => {
    const parts = validParts(text("auth"));
    const stranger = createSecp256k1Signer(`0x${"22".repeat(32)}`);
    await expectInvalid(toRequest(parts, stranger), /authentication failed/);
  });

  it("rejects commitments that do not match the blob (recomputed with the dev SRS)", async () => {
    const parts = validParts(text("commitment"));
    const other = computeBlobCommitment(testSrs(), encodePayloadToBlob(text("something else")));
    await expectInvalid(
      toRequest({ ...parts, header: { ...parts.header, commitment: other } }),
      /invalid blob commitment/,
    );
  });

  it("answers a duplicate blob key with ALREADY_EXISTS, a permanent error", async () => {
    const request = toRequest(validParts(text("twice")));
    await disperser.disperseBlob(request);
    const error = await rejection(disperser.disperseBlob(request));
    assert.equal(grpcCodeOf(error), grpc.status.ALREADY_EXISTS);
    assert.equal(error.kind, "permanent");
    assert.match(error.message, /blob already exists/);
  });

  it("answers the deprecated GetBlobCommitment with the commitments the client computes", async () => {
    const parts = validParts(text("commit for me"));
    const reply = await disperser.getBlobCommitment(parts.blob);
    const expected = blobCommitmentToBytes(parts.header.commitment);
    assert.deepEqual(new Uint8Array(reply.blobCommitment?.commitment ?? []), expected.commitment);
    assert.deepEqual(new Uint8Array(reply.blobCommitment?.lengthProof ?? []), expected.lengthProof);
    assert.equal(reply.blobCommitment?.length, expected.length);
  });

  it("answers an unknown blob key with NOT_FOUND", async () => {
    const error = await rejection(disperser.getBlobStatus(new Uint8Array(32)));
    assert.ok(error instanceof DaNotFoundError);
  });

  it("serves the payment state to a correctly signed request and refuses a forged one", async () => {
    const signer = createSecp256k1Signer(TEST_KEY);
    const timestamp = BigInt(Date.now()) * 1_000_000n;
    const digest = paymentStateDigest(fromHex(signer.address), timestamp);
    const reply = await disperser.getPaymentState({
      accountId: signer.address,
      timestamp: timestamp.toString(),
      signature: signer.signDigest(digest),
    });
    assert.equal(reply.paymentGlobalParams?.minNumSymbols, "4096");
    assert.deepEqual(reply.reservation?.quorumNumbers, [0, 1]);
    const forged = createSecp256k1Signer(`0x${"33".repeat(32)}`).signDigest(digest);
    const error = await rejection(
      disperser.getPaymentState({ accountId: signer.address, timestamp: timestamp.toString(), signature: forged }),
    );
    assert.equal(grpcCodeOf(error), grpc.status.UNAUTHENTICATED);
  });
});

describe("stand-in commitment check with the reference engine", () => {
  it("accepts commitments that match the blob and rejects others, as the default WASM engine does", async () => {
    const dir = await tempDir();
    const standIn = await startTestStandIn(dir.path, { statusIntervalMs: 60_000, kzgEngine: "reference" });
    const disperser = rawDisperser(standIn);
    try {
      const parts = validParts(text("checked in pure JS"));
      assert.equal((await disperser.disperseBlob(toRequest(parts))).result, BlobStatus.QUEUED);
      const wrong = validParts(text("wrong commitment"));
      const other = computeBlobCommitment(testSrs(), encodePayloadToBlob(text("another blob")));
      const error = await rejection(
        disperser.disperseBlob(toRequest({ ...wrong, header: { ...wrong.header, commitment: other } })),
      );
      assert.equal(grpcCodeOf(error), grpc.status.INVALID_ARGUMENT);
      assert.match(error.message, /invalid blob commitment/);
    } finally {
      disperser.close();
      await standIn.close();
      await dir.remove();
    }
  });
});

describe("stand-in rate limit and faults", () => {
  it("answers bursts above the per-account rate with RESOURCE_EXHAUSTED, a transient error", async () => {
    const dir = await tempDir();
    const standIn = await startTestStandIn(dir.path, { statusIntervalMs: 60_000, maxBlobsPerSecondPerAccount: 1 });
    const disperser = rawDisperser(standIn);
    try {
      await disperser.disperseBlob(toRequest(validParts(text("first"))));
      const error = await rejection(disperser.disperseBlob(toRequest(validParts(text("second")))));
      assert.equal(grpcCodeOf(error), grpc.status.RESOURCE_EXHAUSTED);
      assert.equal(error.kind, "transient");
    } finally {
      disperser.close();
      await standIn.close();
      await dir.remove();
    }
  });

  it("retries UNAVAILABLE with backoff until the call goes through, and gives up after maxAttempts", async () => {
    const dir = await tempDir();
    const standIn = await startTestStandIn(dir.path, { statusIntervalMs: 60_000 });
    const patient = rawDisperser(standIn, 4);
    const impatient = rawDisperser(standIn, 2);
    try {
      const reply = await patient.disperseBlob(toRequest(validParts(text("retry"))));
      standIn.failNext(3, grpc.status.UNAVAILABLE);
      let retries = 0;
      const status = await patient.getBlobStatus(reply.blobKey, { onRetry: () => retries++ });
      assert.equal(status.status, BlobStatus.QUEUED);
      assert.equal(retries, 3);

      standIn.failNext(2, grpc.status.UNAVAILABLE);
      const error = await rejection(impatient.getBlobStatus(reply.blobKey));
      assert.equal(grpcCodeOf(error), grpc.status.UNAVAILABLE);
      assert.equal(error.kind, "transient");
    } finally {
      patient.close();
      impatient.close();
      await standIn.close();
      await dir.remove();
    }
  });
});

describe("stand-in status progression, persistence and relay", () => {
  it("advances QUEUED → ENCODED → GATHERING_SIGNATURES → COMPLETE, certifies, and survives a restart", async () => {
    const dir = await tempDir();
    let standIn = await startTestStandIn(dir.path, { statusIntervalMs: 60_000 });
    let disperser = rawDisperser(standIn);
    try {
      const parts = validParts(text("persist me"));
      const { blobKey } = await disperser.disperseBlob(toRequest(parts));
      const seen: number[] = [(await disperser.getBlobStatus(blobKey)).status];
      for (let i = 0; i < 3; i++) {
        await standIn.tick();
        seen.push((await disperser.getBlobStatus(blobKey)).status);
      }
      assert.deepEqual(seen, [
        BlobStatus.QUEUED,
        BlobStatus.ENCODED,
        BlobStatus.GATHERING_SIGNATURES,
        BlobStatus.COMPLETE,
      ]);
      const before = await disperser.getBlobStatus(blobKey);
      assert.ok(before.signedBatch?.header && before.blobInclusionInfo?.blobCertificate);
      assert.deepEqual(before.blobInclusionInfo.blobCertificate.relayKeys, [0]);

      // Restart on a new port with the same data dir: status, certificate and blob are all still there.
      disperser.close();
      await standIn.close();
      standIn = await startTestStandIn(dir.path, { statusIntervalMs: 60_000 });
      disperser = rawDisperser(standIn);
      const afterRestart = await disperser.getBlobStatus(blobKey);
      assert.equal(afterRestart.status, BlobStatus.COMPLETE);
      assert.equal(
        toHex(afterRestart.signedBatch?.header?.batchRoot as Uint8Array),
        toHex(before.signedBatch.header.batchRoot),
      );
      const { disperserUrl } = standIn;
      assert.ok(disperserUrl);
      // A second dispersal of the same key is still a duplicate after the restart.
      const duplicate = await rejection(disperser.disperseBlob(toRequest(parts)));
      assert.equal(grpcCodeOf(duplicate), grpc.status.ALREADY_EXISTS);
    } finally {
      disperser.close();
      await standIn.close();
      await dir.remove();
    }
  });
});
