/**
 * The insecure dev SRS of `generateInsecureDevSrs` (srs.ts, the reference) with its scalar multiplications in mcl's
 * WebAssembly (bn254Mcl.ts's instance, through mcl-wasm's typed API): ~0.8 ms an index (one G1 and two G2 points, with
 * their conversion to @noble/curves' points) against 1.9–2.5 ms with @noble/curves' precomputed windows, so 4,096
 * points take 3.2–3.5 s instead of 7.7–10.1 s. The points are the same (tested against the reference). INSECURE: for
 * devnets and tests only.
 */
import { Fr as MclFr, G1 as MclG1, G2 as MclG2, mul } from "mcl-wasm";
import { loadBn254Mcl } from "./bn254Mcl.ts";
import { G1, type G1Point, G2, type G2Point } from "./points.ts";
import { devSrsParameters, devSrsScalars, type GenerateInsecureDevSrsParameters, type Srs } from "./srs.ts";

const hex = (value: bigint) => value.toString(16);

/** mcl's affine string of a non-zero point: "1 x y" (G1) or "1 x.c0 x.c1 y.c0 y.c1" (G2), base 16. */
function coordinates(text: string, count: number): bigint[] {
  const parts = text.split(" ");
  if (parts[0] !== "1" || parts.length !== count + 1) throw new Error(`mcl: not an affine point: ${text}`);
  return parts.slice(1).map((part) => BigInt(`0x${part}`));
}

function toNobleG1(point: MclG1): G1Point {
  point.normalize();
  const [x, y] = coordinates(point.getStr(16), 2) as [bigint, bigint];
  return G1.fromAffine({ x, y });
}

function toNobleG2(point: MclG2): G2Point {
  point.normalize();
  const [x0, x1, y0, y1] = coordinates(point.getStr(16), 4) as [bigint, bigint, bigint, bigint];
  return G2.fromAffine({ x: { c0: x0, c1: x1 }, y: { c0: y0, c1: y1 } });
}

/** `generateInsecureDevSrs`, faster: the same parameters, defaults and checks, the same points. */
export async function generateInsecureDevSrsWithMcl(parameters: GenerateInsecureDevSrsParameters): Promise<Srs> {
  const checked = devSrsParameters(parameters);
  await loadBn254Mcl();
  const g1Base = new MclG1();
  const g1Affine = G1.BASE.toAffine();
  g1Base.setStr(`1 ${hex(g1Affine.x)} ${hex(g1Affine.y)}`, 16);
  const g2Base = new MclG2();
  const { x, y } = G2.BASE.toAffine();
  g2Base.setStr(`1 ${hex(x.c0)} ${hex(x.c1)} ${hex(y.c0)} ${hex(y.c1)}`, 16);
  const scalar = new MclFr();
  const g1: G1Point[] = [];
  const g2: G2Point[] = [];
  const g2Trailing: G2Point[] = [];
  for (const [power, trailingPower] of devSrsScalars(checked)) {
    scalar.setStr(hex(power), 16);
    g1.push(toNobleG1(mul(g1Base, scalar)));
    g2.push(toNobleG2(mul(g2Base, scalar)));
    scalar.setStr(hex(trailingPower), 16);
    g2Trailing.push(toNobleG2(mul(g2Base, scalar)));
  }
  return { order: checked.order, g1, g2, g2Trailing, insecure: true };
}
