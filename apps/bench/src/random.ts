/**
 * A seeded pseudo-random generator (sfc32 seeded through splitmix32), so every workload is the same for the same
 * seed on every machine and Node version. Not for keys that guard value: bench keys are public by construction.
 */
export interface Rng {
  /** Uniform in [0, 2^32). */
  nextUint32(): number;
  /** Uniform integer in [0, n) for 0 < n <= 2^32. */
  nextInt(n: number): number;
  /** Uniform bigint in [min, max]. */
  nextBigInt(min: bigint, max: bigint): bigint;
  /** Uniform in [0, 1). */
  nextFloat(): number;
  /** `count` random bytes. */
  nextBytes(count: number): Uint8Array;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A generator for `seed` and an optional stream name (independent streams per workload from one seed). */
export function createRng(seed: number, stream = ""): Rng {
  let h = seed >>> 0;
  for (let i = 0; i < stream.length; i++) h = Math.imul(h ^ stream.charCodeAt(i), 0x01000193) >>> 0;
  const init = splitmix32(h);
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  const nextUint32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) nextUint32();
  const nextInt = (n: number): number => {
    if (!(n > 0 && n <= 2 ** 32)) throw new RangeError(`nextInt bound out of range: ${n}`);
    // Rejection sampling: no modulo bias.
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const x = nextUint32();
      if (x < limit) return x % n;
    }
  };
  return {
    nextUint32,
    nextInt,
    nextFloat: () => nextUint32() / 2 ** 32,
    nextBigInt(min, max) {
      if (max < min) throw new RangeError("nextBigInt: max < min");
      const span = max - min + 1n;
      const bits = span.toString(2).length;
      for (;;) {
        let x = 0n;
        for (let got = 0; got < bits; got += 32) x = (x << 32n) | BigInt(nextUint32());
        x &= (1n << BigInt(bits)) - 1n;
        if (x < span) return min + x;
      }
    },
    nextBytes(count) {
      const out = new Uint8Array(count);
      for (let i = 0; i < count; i += 4) {
        const x = nextUint32();
        for (let j = 0; j < 4 && i + j < count; j++) out[i + j] = (x >>> (8 * j)) & 0xff;
      }
      return out;
    },
  };
}
