import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { generateInsecureDevSrsWithMcl } from "../../src/kzg/devSrsMcl.ts";
import { G1, G2 } from "../../src/kzg/points.ts";
import { generateInsecureDevSrs, INSECURE_DEV_SRS_TAU, SrsError, serializeMachSrs } from "../../src/kzg/srs.ts";

describe("generateInsecureDevSrsWithMcl", () => {
  it("gives the reference's SRS byte for byte: default τ and order, another τ, a small order", async () => {
    for (const parameters of [
      { numPoints: 64 },
      { numPoints: 16, tau: 7n },
      { numPoints: 32, order: 2n ** 12n },
      { numPoints: 4, order: 4n, tau: INSECURE_DEV_SRS_TAU },
    ]) {
      const fast = await generateInsecureDevSrsWithMcl(parameters);
      const reference = generateInsecureDevSrs(parameters);
      assert.deepEqual(
        serializeMachSrs(fast),
        serializeMachSrs(reference),
        JSON.stringify(parameters, (_, v) => String(v)),
      );
      assert.equal(fast.order, reference.order);
      assert.equal(fast.insecure, true);
    }
  });

  it("starts from the generators: index 0 is G1's and G2's base point, and every point is valid", async () => {
    const srs = await generateInsecureDevSrsWithMcl({ numPoints: 8 });
    assert.ok((srs.g1[0] as (typeof srs.g1)[0]).equals(G1.BASE));
    assert.ok((srs.g2[0] as (typeof srs.g2)[0]).equals(G2.BASE));
    for (const point of [...srs.g1, ...srs.g2, ...srs.g2Trailing]) point.assertValidity();
  });

  it("refuses what the reference refuses", async () => {
    await assert.rejects(generateInsecureDevSrsWithMcl({ numPoints: 3 }), SrsError);
    await assert.rejects(generateInsecureDevSrsWithMcl({ numPoints: 0 }), SrsError);
    await assert.rejects(generateInsecureDevSrsWithMcl({ numPoints: 8, order: 4n }), SrsError);
    for (const refused of [{ numPoints: 3 }, { numPoints: 0 }, { numPoints: 8, order: 4n }]) {
      assert.throws(() => generateInsecureDevSrs(refused), SrsError, "the reference refuses it too");
    }
  });
});
