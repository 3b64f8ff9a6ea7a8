/**
 * Pippenger's bucket method with signed window digits, over any group whose points live at addresses (the mcl-wasm
 * engine's heap, mclEngine.ts). Each scalar is cut into windows of `windowBits` bits recoded into digits in
 * [−2^(w−1), 2^(w−1)) (a digit ≥ 2^(w−1) becomes digit − 2^w and carries one into the next window), so a window
 * needs 2^(w−1) buckets and a negative digit subtracts the point. Per window: each base goes into the bucket of its
 * digit (one mixed addition: the bases are affine), the buckets are summed as Σ k·bucket_k with two running sums,
 * and the windows are joined from the top by w doublings each.
 *
 * Why not mcl's own `mulVec`: in mcl-wasm 2.4.1 it costs about 40 µs per G1 point whatever the count (2.5 s for
 * 65,536 points), where this loop over the same library's additions costs 1.1 s (README, "KZG and the SRS").
 */

/** Point arithmetic on addresses: `add(z, x, y)` is z = x + y; the operands may alias. */
export interface PointArithmetic {
  add(z: number, x: number, y: number): void;
  sub(z: number, x: number, y: number): void;
  dbl(z: number, x: number): void;
  clear(z: number): void;
}

/** Bits of the scalars the digits cover: BN254 scalars are below r < 2^254; 256 leaves room for the last carry. */
const SCALAR_BITS = 256;
/** Signed digits need two bits at least (one-bit windows have no positive digit); past 16 the buckets outgrow use. */
const MIN_WINDOW_BITS = 2;
const MAX_WINDOW_BITS = 16;

/**
 * The window that minimises the estimated cost for `count` points: windows × (count mixed additions + 2^(w−1)
 * buckets × 2 full additions, a full addition costing ≈ 1.4 mixed ones in mcl-wasm, G1 and G2 alike).
 */
export function msmWindowBits(count: number): number {
  let best = MIN_WINDOW_BITS;
  let bestCost = Number.POSITIVE_INFINITY;
  for (let bits = MIN_WINDOW_BITS; bits <= MAX_WINDOW_BITS; bits++) {
    const cost = Math.ceil(SCALAR_BITS / bits) * (count + 1.4 * 2 ** bits);
    if (cost < bestCost) {
      best = bits;
      bestCost = cost;
    }
  }
  return best;
}

/** Signed digits of `count` scalars, window-major: digit of scalar i in window j at j·count + i. */
export interface WindowDigits {
  readonly windowBits: number;
  readonly windows: number;
  readonly count: number;
  readonly digits: Int32Array;
}

/**
 * Recodes the blob's 32-byte big-endian words (the last one right-padded with zeros) into signed window digits.
 * Every word must be below 2^254 (the caller checks them against r).
 */
export function blobWindowDigits(blob: Uint8Array, count: number, windowBits: number): WindowDigits {
  if (!Number.isInteger(windowBits) || windowBits < MIN_WINDOW_BITS || windowBits > MAX_WINDOW_BITS) {
    throw new RangeError(`window of ${windowBits} bits is outside ${MIN_WINDOW_BITS}..${MAX_WINDOW_BITS}`);
  }
  const windows = Math.ceil(SCALAR_BITS / windowBits);
  const digits = new Int32Array(windows * count);
  const half = 1 << (windowBits - 1);
  const full = 1 << windowBits;
  const mask = full - 1;
  const limbs = new Uint32Array(9); // little-endian 32-bit limbs of one word, one spare for the last window's read
  for (let i = 0; i < count; i++) {
    const base = i * 32;
    for (let limb = 0; limb < 8; limb++) {
      const at = base + 28 - 4 * limb;
      limbs[limb] =
        (((blob[at] ?? 0) << 24) | ((blob[at + 1] ?? 0) << 16) | ((blob[at + 2] ?? 0) << 8) | (blob[at + 3] ?? 0)) >>>
        0;
    }
    let carry = 0;
    for (let window = 0; window < windows; window++) {
      const bit = window * windowBits;
      const limb = bit >>> 5;
      const shift = bit & 31;
      let value = (limbs[limb] as number) >>> shift;
      if (shift + windowBits > 32) value |= (limbs[limb + 1] as number) << (32 - shift);
      value = (value & mask) + carry;
      carry = value >= half ? 1 : 0;
      digits[window * count + i] = value - carry * full;
    }
    if (carry !== 0) throw new RangeError(`scalar ${i} does not fit in ${SCALAR_BITS - 2} bits`);
  }
  return { windowBits, windows, count, digits };
}

/** Scratch points the method needs: 2^(w−1) buckets and three accumulators, `pointBytes` apart. */
export function bucketMsmScratchPoints(windowBits: number): number {
  return (1 << (windowBits - 1)) + 3;
}

/**
 * result = Σ digits_i·base_i over `digits.count` bases starting at `bases`, `pointBytes` apart. `scratch` holds
 * `bucketMsmScratchPoints(digits.windowBits)` points.
 */
export function bucketMsm(
  group: PointArithmetic,
  pointBytes: number,
  result: number,
  bases: number,
  digits: WindowDigits,
  scratch: number,
): void {
  const { windowBits, windows, count } = digits;
  const d = digits.digits;
  const buckets = 1 << (windowBits - 1);
  const running = scratch + buckets * pointBytes;
  const windowSum = running + pointBytes;
  const total = windowSum + pointBytes;
  group.clear(total);
  for (let window = windows - 1; window >= 0; window--) {
    for (let i = 0; i < windowBits; i++) group.dbl(total, total);
    for (let k = 0; k < buckets; k++) group.clear(scratch + k * pointBytes);
    const offset = window * count;
    for (let i = 0; i < count; i++) {
      const digit = d[offset + i] as number;
      if (digit > 0) {
        const bucket = scratch + (digit - 1) * pointBytes;
        group.add(bucket, bucket, bases + i * pointBytes);
      } else if (digit < 0) {
        const bucket = scratch + (-digit - 1) * pointBytes;
        group.sub(bucket, bucket, bases + i * pointBytes);
      }
    }
    // Σ k·bucket_k = Σ_k (bucket_top + … + bucket_k)
    group.clear(running);
    group.clear(windowSum);
    for (let k = buckets - 1; k >= 0; k--) {
      group.add(running, running, scratch + k * pointBytes);
      group.add(windowSum, windowSum, running);
    }
    group.add(total, total, windowSum);
  }
  group.clear(result);
  group.add(result, result, total);
}
