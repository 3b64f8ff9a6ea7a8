import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { bn254 } from "@noble/curves/bn254.js";
import fc from "fast-check";
import {
  blobCommitmentFromBytes,
  blobCommitmentToBytes,
  blobMatchesCommitment,
  computeBlobCommitment,
  verifyBlobCommitmentPairings,
} from "../../src/kzg/commitment.ts";
import { createInlineCommitter, createWorkerCommitter } from "../../src/kzg/committer.ts";
import { computeKzgOpening, verifyKzgOpening } from "../../src/kzg/opening.ts";
import {
  G1,
  G2,
  g1FromBytes,
  g1ToCompressed,
  g2FromBytes,
  g2ToCompressed,
  PointEncodingError,
} from "../../src/kzg/points.ts";
import {
  generateInsecureDevSrs,
  INSECURE_DEV_SRS_TAU,
  loadGnarkSrsFiles,
  parseMachSrs,
  type Srs,
  SrsError,
  serializeMachSrs,
} from "../../src/kzg/srs.ts";
import { blobToFieldElements, encodePayloadToBlob } from "../../src/payload/encoding.ts";
import { writeGnarkSrsFiles } from "../fixtures.ts";

const Fr = bn254.fields.Fr;
const ORDER = 2n ** 10n; // a small SRS order keeps the trailing-power arithmetic visible in tests

let srs: Srs;
let dir: string;
before(async () => {
  srs = generateInsecureDevSrs({ numPoints: 16, order: ORDER });
  dir = await mkdtemp(join(tmpdir(), "mach-eigenda-kzg-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function isSquare(v: bigint): boolean {
  try {
    bn254.fields.Fp.sqrt(v);
    return true;
  } catch {
    return false;
  }
}

/** p(x) evaluated from the blob's coefficients. */
function evaluate(blob: Uint8Array, x: bigint): bigint {
  return blobToFieldElements(blob).reduceRight((acc, c) => Fr.add(Fr.mul(acc, x), c), 0n);
}

const blobArb = fc.uint8Array({ minLength: 1, maxLength: 15 * 31 }).map((p) => encodePayloadToBlob(p));

describe("KZG commitments over BN254", () => {
  it("builds the dev SRS as powers of the published τ, with trailing points ending at τ^(N−1)", () => {
    assert.ok(srs.insecure);
    assert.ok(srs.g1[0]?.equals(G1.BASE));
    assert.ok(srs.g1[3]?.equals(G1.BASE.multiply(Fr.pow(INSECURE_DEV_SRS_TAU, 3n))));
    assert.ok(srs.g2[2]?.equals(G2.BASE.multiply(Fr.pow(INSECURE_DEV_SRS_TAU, 2n))));
    assert.ok(srs.g2Trailing[15]?.equals(G2.BASE.multiply(Fr.pow(INSECURE_DEV_SRS_TAU, ORDER - 1n))));
  });

  it("pairs SRS G1 and G2 points consistently: e([τ^i]₁, [τ]₂) = e([τ^(i+1)]₁, [1]₂)", () => {
    for (const i of [0, 5, 14]) {
      const left = bn254.pairing(srs.g1[i] as never, srs.g2[1] as never);
      const right = bn254.pairing(srs.g1[i + 1] as never, G2.BASE);
      assert.ok(bn254.fields.Fp12.eql(left, right), `index ${i}`);
    }
  });

  it("commits to the blob's coefficients: C = [p(τ)]₁, length = next power of two", () => {
    fc.assert(
      fc.property(blobArb, (blob) => {
        const c = computeBlobCommitment(srs, blob);
        assert.equal(c.length, blob.length / 32);
        assert.ok(c.commitment.equals(G1.BASE.multiplyUnsafe(evaluate(blob, INSECURE_DEV_SRS_TAU))));
      }),
      { numRuns: 5 },
    );
  });

  it("produces a length commitment and length proof that pass the pairing checks", () => {
    const blob = encodePayloadToBlob(new TextEncoder().encode("pairing check of the length proof"));
    const c = computeBlobCommitment(srs, blob);
    assert.ok(verifyBlobCommitmentPairings(srs, c));
    // A commitment claiming a different length fails the degree-bound pairing.
    assert.equal(verifyBlobCommitmentPairings(srs, { ...c, length: c.length * 2 }), false);
    // A G2 commitment to another polynomial fails the G1/G2 consistency pairing.
    const other = computeBlobCommitment(srs, encodePayloadToBlob(new TextEncoder().encode("other")));
    assert.equal(verifyBlobCommitmentPairings(srs, { ...c, lengthCommitment: other.lengthCommitment }), false);
  });

  it("checks a claimed commitment with one G1 MSM and a pairing; a wrong G2 point or length is caught", () => {
    const big = generateInsecureDevSrs({ numPoints: 128, order: ORDER });
    const blob = encodePayloadToBlob(new Uint8Array(127 * 31).fill(7)); // 128 symbols: the pairing path
    const c = computeBlobCommitment(big, blob);
    assert.ok(blobMatchesCommitment(big, blob, c));
    const other = computeBlobCommitment(big, encodePayloadToBlob(new TextEncoder().encode("another blob")));
    assert.equal(blobMatchesCommitment(big, blob, { ...c, lengthProof: other.lengthProof }), false);
    assert.equal(blobMatchesCommitment(big, blob, { ...c, lengthCommitment: other.lengthCommitment }), false);
    assert.equal(blobMatchesCommitment(big, blob, { ...c, commitment: other.commitment }), false);
  });

  it("checks a small blob's claimed commitment by recomputing it", () => {
    const blob = encodePayloadToBlob(new TextEncoder().encode("the disperser's check"));
    const c = computeBlobCommitment(srs, blob);
    assert.ok(blobMatchesCommitment(srs, blob, c));
    const other = computeBlobCommitment(srs, encodePayloadToBlob(new TextEncoder().encode("another blob")));
    assert.equal(blobMatchesCommitment(srs, blob, { ...c, lengthProof: other.lengthProof }), false);
    assert.equal(blobMatchesCommitment(srs, blob, { ...c, lengthCommitment: other.lengthCommitment }), false);
    assert.equal(blobMatchesCommitment(srs, blob, { ...c, length: c.length * 2 }), false);
    assert.equal(blobMatchesCommitment(srs, blob, { ...c, commitment: other.commitment }), false);
  });

  it("computes the same commitment in a worker thread as inline", async () => {
    const blob = encodePayloadToBlob(new TextEncoder().encode("worker"));
    const committer = createWorkerCommitter(async () => srs);
    try {
      const [fromWorker, g1] = await Promise.all([committer.commit(blob), committer.commitG1(blob)]);
      const inline = computeBlobCommitment(srs, blob);
      assert.ok(fromWorker.commitment.equals(inline.commitment) && g1.equals(inline.commitment));
      assert.ok(fromWorker.lengthCommitment.equals(inline.lengthCommitment));
      assert.ok(fromWorker.lengthProof.equals(inline.lengthProof));
      await assert.rejects(committer.commit(new Uint8Array(64 * 32)), SrsError);
    } finally {
      await committer.close();
    }
  });

  it("tells the CPU time of each commitment's work, in a worker thread and inline", async () => {
    const blob = encodePayloadToBlob(new Uint8Array(300).fill(7));
    for (const create of [createWorkerCommitter, createInlineCommitter]) {
      const seconds: number[] = [];
      const committer = create(async () => srs, { engine: "reference", onCpuSeconds: (s) => seconds.push(s) });
      try {
        await committer.commit(blob);
        await committer.commitG1(blob);
        // The worker answers each part sent to it (one worker: one message per call); inline, one per call.
        assert.equal(seconds.length, 2, create.name);
        // Pure-JS MSMs take CPU time (microsecond resolution): a zero would mean nothing was measured.
        assert.ok(
          seconds.every((s) => s > 0 && s < 60),
          `${create.name}: ${seconds.join(", ")}`,
        );
      } finally {
        await committer.close();
      }
    }
  });

  it("opens the commitment at a point and verifies it with a pairing; a wrong value fails", () => {
    const blob = encodePayloadToBlob(new TextEncoder().encode("open me at z"));
    const c = computeBlobCommitment(srs, blob);
    const z = 123456789n;
    const opening = computeKzgOpening(srs, blob, z);
    assert.equal(opening.y, evaluate(blob, z));
    assert.ok(verifyKzgOpening(srs, c.commitment, opening));
    assert.equal(verifyKzgOpening(srs, c.commitment, { ...opening, y: Fr.add(opening.y, 1n) }), false);
    const otherCommitment = computeBlobCommitment(srs, encodePayloadToBlob(new TextEncoder().encode("x"))).commitment;
    assert.equal(verifyKzgOpening(srs, otherCommitment, opening), false);
  });

  it("does not verify openings against an SRS built from another τ", () => {
    const wrong = generateInsecureDevSrs({ numPoints: 4, order: ORDER, tau: 99n });
    const blob = encodePayloadToBlob(new TextEncoder().encode("tau"));
    const opening = computeKzgOpening(srs, blob, 5n);
    assert.equal(verifyKzgOpening(wrong, computeBlobCommitment(srs, blob).commitment, opening), false);
  });

  it("refuses blobs larger than the SRS", () => {
    assert.throws(() => computeBlobCommitment(srs, new Uint8Array(17 * 32)), SrsError);
  });
});

describe("gnark point encoding", () => {
  const scalar = fc.bigInt({ min: 0n, max: Fr.ORDER - 1n });

  it("round-trips G1 and G2 points through the compressed form", () => {
    fc.assert(
      fc.property(scalar, (k) => {
        const p1 = G1.BASE.multiplyUnsafe(k);
        const p2 = G2.BASE.multiplyUnsafe(k);
        assert.ok(g1FromBytes(g1ToCompressed(p1)).equals(p1));
        assert.ok(g2FromBytes(g2ToCompressed(p2)).equals(p2));
      }),
      { numRuns: 10 },
    );
  });

  it("encodes the G1 generator (1, 2) as x with the 'smallest' flag and infinity as 0x40", () => {
    assert.equal(Buffer.from(g1ToCompressed(G1.BASE)).toString("hex"), `80${"00".repeat(30)}01`);
    assert.equal(Buffer.from(g1ToCompressed(G1.ZERO)).toString("hex"), `40${"00".repeat(31)}`);
    assert.ok(g1FromBytes(g1ToCompressed(G1.ZERO)).is0());
  });

  it("orders the G2 x coordinate as A1 ‖ A0", () => {
    const bytes = g2ToCompressed(G2.BASE);
    const { x } = G2.BASE.toAffine();
    const a1 = Uint8Array.from(bytes.subarray(0, 32));
    a1[0] = (a1[0] as number) & 0x3f;
    assert.equal(BigInt(`0x${Buffer.from(a1).toString("hex")}`), x.c1);
    assert.equal(BigInt(`0x${Buffer.from(bytes.subarray(32)).toString("hex")}`), x.c0);
  });

  it("rejects points that are not on the curve", () => {
    const Fp = bn254.fields.Fp;
    let x = 1n;
    while (isSquare(Fp.add(Fp.mul(Fp.sqr(x), x), 3n))) x++;
    const bad = Buffer.from(x.toString(16).padStart(64, "0"), "hex");
    bad[0] = 0x80;
    assert.throws(() => g1FromBytes(bad), PointEncodingError);
    assert.throws(() => g1FromBytes(new Uint8Array(31)), PointEncodingError);
  });

  it("keeps the commitment wire form stable through bytes and back", () => {
    const c = computeBlobCommitment(srs, encodePayloadToBlob(new TextEncoder().encode("wire")));
    const back = blobCommitmentFromBytes(blobCommitmentToBytes(c));
    assert.ok(back.commitment.equals(c.commitment) && back.lengthProof.equals(c.lengthProof));
  });
});

describe("SRS files", () => {
  it("round-trips the Mach SRS format and detects corruption", () => {
    const bytes = serializeMachSrs(srs);
    const back = parseMachSrs(bytes);
    assert.equal(back.order, ORDER);
    assert.equal(back.insecure, true);
    assert.ok(back.g1.every((p, i) => p.equals(srs.g1[i] as never)));
    assert.ok(back.g2Trailing.every((p, i) => p.equals(srs.g2Trailing[i] as never)));
    const corrupt = Uint8Array.from(bytes);
    corrupt[100] = (corrupt[100] as number) ^ 1;
    assert.throws(() => parseMachSrs(corrupt), SrsError);
  });

  it("loads EigenDA-style g1.point / g2.point / g2.trailing.point files (gnark-compressed, no header)", async () => {
    const { g1Path, g2Path, g2TrailingPath: trailingPath } = await writeGnarkSrsFiles(dir, srs);
    const loaded = await loadGnarkSrsFiles({
      g1Path,
      g2Path,
      g2TrailingPath: trailingPath,
      numPoints: 8,
      order: ORDER,
    });
    assert.ok(loaded.g1.every((p, i) => p.equals(srs.g1[i] as never)));
    // The trailing points are the file's last 8.
    assert.ok(loaded.g2Trailing.every((p, i) => p.equals(srs.g2Trailing[8 + i] as never)));
    assert.equal(loaded.insecure, false);
    await assert.rejects(loadGnarkSrsFiles({ g1Path, g2Path, g2TrailingPath: trailingPath, numPoints: 32 }), SrsError);
  });
});
