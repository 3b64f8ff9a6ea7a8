import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { sha256 } from "@noble/hashes/sha2.js";
import fc from "fast-check";
import { loadBn254Mcl } from "../../src/kzg/bn254Mcl.ts";
import {
  type BlobCommitment,
  blobCommitmentToBytes,
  blobMatchesCommitment,
  computeBlobCommitment,
  computeG1Commitment,
  createReferenceKzgEngine,
} from "../../src/kzg/commitment.ts";
import { createInlineCommitter, createWorkerCommitter } from "../../src/kzg/committer.ts";
import { createKzgEngine, type KzgEngine } from "../../src/kzg/engine.ts";
import { createMclKzgEngine, createMclKzgEngineFromMachSrs } from "../../src/kzg/mclEngine.ts";
import { G1, G2, g1ToCompressed } from "../../src/kzg/points.ts";
import { generateInsecureDevSrs, loadGnarkSrsFiles, type Srs, SrsError, serializeMachSrs } from "../../src/kzg/srs.ts";
import { BN254_FR_MODULUS, encodePayloadToBlob, maxPayloadBytesForSymbols } from "../../src/payload/encoding.ts";
import { writeGnarkSrsFiles } from "../fixtures.ts";

const ORDER = 2n ** 12n;
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

/** The wire form (gnark-compressed points and the length) as hex, what must match byte for byte. */
function wire(c: BlobCommitment): string[] {
  const b = blobCommitmentToBytes(c);
  return [hex(b.commitment), hex(b.lengthCommitment), hex(b.lengthProof), String(b.length)];
}

/** 32-byte big-endian words below r, possibly cut short at the end (the last word is then right-padded). */
const rawBlobArb = (maxWords: number) =>
  fc.array(fc.bigInt({ min: 0n, max: BN254_FR_MODULUS - 1n }), { minLength: 1, maxLength: maxWords }).chain((words) =>
    fc.integer({ min: 0, max: 31 }).map((cut) => {
      const bytes = Buffer.concat(words.map((w) => Buffer.from(w.toString(16).padStart(64, "0"), "hex")));
      return new Uint8Array(bytes.subarray(0, bytes.length - cut));
    }),
  );

let srs: Srs;
let dir: string;
before(async () => {
  srs = generateInsecureDevSrs({ numPoints: 128, order: ORDER });
  dir = await mkdtemp(join(tmpdir(), "mach-eigenda-mcl-kzg-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Deterministic pseudo-random bytes: sha256(seed ‖ block) blocks. */
function seededBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let offset = 0, block = 0; offset < length; offset += 32, block++) {
    out.set(sha256(new TextEncoder().encode(`${seed}/${block}`)).subarray(0, length - offset), offset);
  }
  return out;
}

let mcl: KzgEngine;
before(async () => {
  mcl = await createMclKzgEngine(srs);
});

describe("mcl KZG engine against the pure-JS reference", () => {
  it("computes the same commitment, length commitment, length proof and length, byte for byte, for random blobs", () => {
    fc.assert(
      fc.property(rawBlobArb(128), (blob) => {
        assert.deepEqual(wire(mcl.computeBlobCommitment(blob)), wire(computeBlobCommitment(srs, blob)));
      }),
      { numRuns: 12 },
    );
  });

  it("matches the reference for encoded payloads of every blob length the SRS allows (2 to 128 symbols)", () => {
    // Encoding pads to a power of two symbols; the raw blobs above cover the other word counts.
    for (let symbols = 2; symbols <= 128; symbols *= 2) {
      const payload = seededBytes(maxPayloadBytesForSymbols(symbols), symbols);
      const blob = encodePayloadToBlob(payload);
      assert.equal(blob.length / 32, symbols);
      assert.deepEqual(wire(mcl.computeBlobCommitment(blob)), wire(computeBlobCommitment(srs, blob)), `${symbols}`);
      const g1 = g1ToCompressed(mcl.computeG1Commitment(blob));
      assert.equal(hex(g1), hex(g1ToCompressed(computeG1Commitment(srs, blob))));
    }
  });

  it("commits to an all-zero blob as the point at infinity, as the reference does", () => {
    const zero = new Uint8Array(5 * 32);
    const c = mcl.computeBlobCommitment(zero);
    assert.ok(c.commitment.is0() && c.lengthCommitment.is0() && c.lengthProof.is0());
    assert.deepEqual(wire(c), wire(computeBlobCommitment(srs, zero)));
  });

  it("gives the same points whether built from the loaded SRS or straight from Mach SRS bytes (the worker's way)", async () => {
    const fromBytes = await createMclKzgEngineFromMachSrs(serializeMachSrs(srs));
    const blob = encodePayloadToBlob(new TextEncoder().encode("from bytes"));
    assert.deepEqual(wire(fromBytes.computeBlobCommitment(blob)), wire(mcl.computeBlobCommitment(blob)));
    assert.equal(fromBytes.maxSymbols, 128);
  });

  it("matches the reference over an SRS loaded from gnark-format g1.point / g2.point / g2.trailing.point files", async () => {
    const files = await writeGnarkSrsFiles(dir, srs);
    // 32 of the files' 128 points: the trailing points are the last 32, so the length proofs use other powers of τ.
    const loaded = await loadGnarkSrsFiles({ ...files, numPoints: 32, order: ORDER });
    const engine = await createMclKzgEngine(loaded);
    fc.assert(
      fc.property(rawBlobArb(32), (blob) => {
        assert.deepEqual(wire(engine.computeBlobCommitment(blob)), wire(computeBlobCommitment(loaded, blob)));
      }),
      { numRuns: 8 },
    );
  });

  it("refuses what the reference refuses, with the same errors: empty, larger than the SRS, a word not below r", () => {
    const reference = createReferenceKzgEngine(srs);
    const tooBig = new Uint8Array(129 * 32);
    const notField = new Uint8Array(64).fill(0xff);
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array(0), /empty blob/],
      [tooBig, /exceeds the SRS/],
      [notField, /not a BN254 field element/],
    ];
    for (const [blob, reason] of cases) {
      const expected = captureError(() => reference.computeBlobCommitment(blob));
      const actual = captureError(() => mcl.computeBlobCommitment(blob));
      assert.match(expected.message, reason);
      assert.equal(actual.constructor, expected.constructor);
      assert.equal(actual.message, expected.message);
    }
  });

  it("commits over an SRS holding points at infinity as the reference does (mcl's Jacobian form holds them)", async () => {
    const odd: Srs = {
      ...srs,
      g1: [G1.ZERO, ...srs.g1.slice(1)],
      g2: [...srs.g2.slice(0, 3), G2.ZERO, ...srs.g2.slice(4)],
      g2Trailing: [...srs.g2Trailing.slice(0, -1), G2.ZERO],
    };
    const engine = await createMclKzgEngine(odd);
    const blob = encodePayloadToBlob(seededBytes(maxPayloadBytesForSymbols(4), 4));
    assert.deepEqual(wire(engine.computeBlobCommitment(blob)), wire(computeBlobCommitment(odd, blob)));
  });
});

describe("mcl-wasm glue", () => {
  it("refuses SRS points whose flag bits are not uncompressed (0b00) or infinity (0b01)", async () => {
    const curve = await loadBn254Mcl();
    const pointer = curve.alloc(curve.g2.pointBytes);
    try {
      for (const flag of [0x80, 0xc0]) {
        const g1 = new Uint8Array(64);
        g1[0] = flag;
        assert.throws(() => curve.writeG1Points(pointer, g1), /not uncompressed/);
        const g2 = new Uint8Array(128);
        g2[0] = flag;
        assert.throws(() => curve.writeG2Points(pointer, g2), /not uncompressed/);
      }
    } finally {
      curve.free(pointer);
    }
  });
});

describe("commitment check and committers on the mcl engine", () => {
  it("checks claimed commitments with the engine's MSM: accepts the right one, rejects a wrong point or length", () => {
    for (const symbols of [16, 128]) {
      // 16 symbols: recomputed in full; 128: G1 MSM plus the pairing check.
      const blob = encodePayloadToBlob(new Uint8Array((symbols - 1) * 31).fill(symbols));
      const other = computeBlobCommitment(srs, encodePayloadToBlob(new TextEncoder().encode("another blob")));
      const c = computeBlobCommitment(srs, blob);
      assert.ok(blobMatchesCommitment(srs, blob, c, mcl));
      assert.equal(blobMatchesCommitment(srs, blob, { ...c, commitment: other.commitment }, mcl), false);
      assert.equal(blobMatchesCommitment(srs, blob, { ...c, lengthCommitment: other.lengthCommitment }, mcl), false);
      assert.equal(blobMatchesCommitment(srs, blob, { ...c, lengthProof: other.lengthProof }, mcl), false);
      assert.equal(blobMatchesCommitment(srs, blob, { ...c, length: c.length * 2 }, mcl), false);
    }
  });

  it("selects the engine by name; it gives the reference's commitment", async () => {
    const blob = encodePayloadToBlob(new TextEncoder().encode("by name"));
    const [a, b] = await Promise.all((["mcl", "reference"] as const).map((engine) => createKzgEngine(engine, srs)));
    assert.equal(a?.name, "mcl");
    assert.equal(b?.name, "reference");
    assert.deepEqual(
      wire(a?.computeBlobCommitment(blob) as BlobCommitment),
      wire(b?.computeBlobCommitment(blob) as BlobCommitment),
    );
  });

  it("computes the same commitments in a worker thread as inline with the reference", async () => {
    const blob = encodePayloadToBlob(seededBytes(40 * 31, 40));
    const expected = wire(computeBlobCommitment(srs, blob));
    for (const engine of ["mcl", "reference"] as const) {
      const worker = createWorkerCommitter(async () => srs, { engine });
      const inline = createInlineCommitter(async () => srs, { engine });
      try {
        const [fromWorker, g1] = await Promise.all([worker.commit(blob), worker.commitG1(blob)]);
        assert.deepEqual(wire(fromWorker), expected, engine);
        assert.equal(hex(g1ToCompressed(g1)), expected[0]);
        assert.deepEqual(wire(await inline.commit(blob)), expected, engine);
        await assert.rejects(worker.commit(new Uint8Array(129 * 32)), SrsError);
      } finally {
        await worker.close();
        await inline.close();
      }
    }
  });
});

describe("worker pool on the mcl engine", () => {
  it("spreads a commitment's points over two or three workers and joins them into the reference's bytes", async () => {
    const blobs = [8, 40, 128].map((symbols) =>
      encodePayloadToBlob(seededBytes(maxPayloadBytesForSymbols(symbols), symbols)),
    );
    const expected = blobs.map((blob) => wire(computeBlobCommitment(srs, blob)));
    for (const workers of [2, 3]) {
      const committer = createWorkerCommitter(async () => srs, { workers, engine: "mcl" });
      try {
        // Concurrent requests: several blobs' points in flight on every worker at once.
        const results = await Promise.all([
          ...blobs.map((b) => committer.commit(b)),
          committer.commitG1(blobs[0] as Uint8Array),
        ]);
        assert.deepEqual(
          results.slice(0, 3).map((c) => wire(c as BlobCommitment)),
          expected,
          `${workers} workers`,
        );
        assert.equal(hex(g1ToCompressed(results[3] as never)), expected[0]?.[0]);
        await assert.rejects(committer.commit(new Uint8Array(129 * 32)), SrsError);
        assert.deepEqual(wire(await committer.commit(blobs[1] as Uint8Array)), expected[1], "usable after an error");
      } finally {
        await committer.close();
      }
    }
  });

  it("computes any subset of the points on either engine, each equal to the full commitment's", () => {
    const blob = encodePayloadToBlob(seededBytes(50 * 31, 50));
    const full = computeBlobCommitment(srs, blob);
    for (const engine of [mcl, createReferenceKzgEngine(srs)]) {
      const g2Only = engine.computeBlobCommitmentParts(blob, ["lengthCommitment", "lengthProof"]);
      assert.equal(g2Only.commitment, undefined);
      assert.equal(g2Only.length, 64);
      assert.ok(g2Only.lengthCommitment?.equals(full.lengthCommitment) && g2Only.lengthProof?.equals(full.lengthProof));
      const g1Only = engine.computeBlobCommitmentParts(blob, ["commitment"]);
      assert.ok(g1Only.commitment?.equals(full.commitment) && g1Only.lengthProof === undefined);
    }
  });

  it("refuses a pool of no workers", () => {
    assert.throws(() => createWorkerCommitter(async () => srs, { workers: 0 }), RangeError);
  });
});

function captureError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  assert.fail("expected an error");
}
