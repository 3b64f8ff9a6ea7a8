/** blake2f (0x09, EIP-152): the BLAKE2b compression function F with a caller-chosen round count. */
import { PRECOMPILE_FAILURE, type Precompile } from "./types.ts";

const IV = Uint32Array.of(
  0xf3bcc908,
  0x6a09e667,
  0x84caa73b,
  0xbb67ae85,
  0xfe94f82b,
  0x3c6ef372,
  0x5f1d36f1,
  0xa54ff53a,
  0xade682d1,
  0x510e527f,
  0x2b3e6c1f,
  0x9b05688c,
  0xfb41bd6b,
  0x1f83d9ab,
  0x137e2179,
  0x5be0cd19,
);
const SIGMA = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
  [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
  [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
  [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
  [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
  [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
  [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
  [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
  [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
].map((row) => Uint8Array.from(row, (i) => i * 2));

// 64-bit lanes as (low, high) 32-bit pairs: v[2i], v[2i + 1].
function add(v: Uint32Array, a: number, b: number): void {
  const low = (v[a] as number) + (v[b] as number);
  let high = (v[a + 1] as number) + (v[b + 1] as number);
  if (low >= 0x100000000) high++;
  v[a] = low;
  v[a + 1] = high;
}

function addWord(v: Uint32Array, a: number, low0: number, high0: number): void {
  const low = (v[a] as number) + low0;
  let high = (v[a + 1] as number) + high0;
  if (low >= 0x100000000) high++;
  v[a] = low;
  v[a + 1] = high;
}

function mix(v: Uint32Array, m: Uint32Array, a: number, b: number, c: number, d: number, x: number, y: number): void {
  add(v, a, b);
  addWord(v, a, m[x] as number, m[x + 1] as number);
  let xl = (v[d] as number) ^ (v[a] as number);
  let xh = (v[d + 1] as number) ^ (v[a + 1] as number);
  v[d] = xh;
  v[d + 1] = xl;
  add(v, c, d);
  xl = (v[b] as number) ^ (v[c] as number);
  xh = (v[b + 1] as number) ^ (v[c + 1] as number);
  v[b] = (xl >>> 24) ^ (xh << 8);
  v[b + 1] = (xh >>> 24) ^ (xl << 8);
  add(v, a, b);
  addWord(v, a, m[y] as number, m[y + 1] as number);
  xl = (v[d] as number) ^ (v[a] as number);
  xh = (v[d + 1] as number) ^ (v[a + 1] as number);
  v[d] = (xl >>> 16) ^ (xh << 16);
  v[d + 1] = (xh >>> 16) ^ (xl << 16);
  add(v, c, d);
  xl = (v[b] as number) ^ (v[c] as number);
  xh = (v[b + 1] as number) ^ (v[c + 1] as number);
  v[b] = (xh >>> 31) ^ (xl << 1);
  v[b + 1] = (xl >>> 31) ^ (xh << 1);
}

/** F(h, m, t, f) with `rounds` rounds; `h` is updated in place. */
export function compress(h: Uint32Array, m: Uint32Array, t: Uint32Array, final: boolean, rounds: number): void {
  const v = new Uint32Array(32);
  v.set(h, 0);
  v.set(IV, 16);
  v[24] = (v[24] as number) ^ (t[0] as number);
  v[25] = (v[25] as number) ^ (t[1] as number);
  v[26] = (v[26] as number) ^ (t[2] as number);
  v[27] = (v[27] as number) ^ (t[3] as number);
  if (final) {
    v[28] = ~(v[28] as number);
    v[29] = ~(v[29] as number);
  }
  for (let r = 0; r < rounds; r++) {
    const s = SIGMA[r % 10] as Uint8Array;
    mix(v, m, 0, 8, 16, 24, s[0] as number, s[1] as number);
    mix(v, m, 2, 10, 18, 26, s[2] as number, s[3] as number);
    mix(v, m, 4, 12, 20, 28, s[4] as number, s[5] as number);
    mix(v, m, 6, 14, 22, 30, s[6] as number, s[7] as number);
    mix(v, m, 0, 10, 20, 30, s[8] as number, s[9] as number);
    mix(v, m, 2, 12, 22, 24, s[10] as number, s[11] as number);
    mix(v, m, 4, 14, 16, 26, s[12] as number, s[13] as number);
    mix(v, m, 6, 8, 18, 28, s[14] as number, s[15] as number);
  }
  for (let i = 0; i < 16; i++) h[i] = (h[i] as number) ^ (v[i] as number) ^ (v[i + 16] as number);
}

function littleEndianWords(data: Uint8Array, offset: number, count: number): Uint32Array {
  const view = new DataView(data.buffer, data.byteOffset + offset, count * 4);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getUint32(i * 4, true);
  return out;
}

export const blake2f: Precompile = (input, gasLimit) => {
  if (input.length !== 213) return PRECOMPILE_FAILURE;
  const final = input[212] as number;
  if (final > 1) return PRECOMPILE_FAILURE;
  const rounds = new DataView(input.buffer, input.byteOffset, 4).getUint32(0);
  if (rounds > gasLimit) return PRECOMPILE_FAILURE;
  const h = littleEndianWords(input, 4, 16);
  compress(h, littleEndianWords(input, 68, 32), littleEndianWords(input, 196, 4), final === 1, rounds);
  const output = new Uint8Array(64);
  const view = new DataView(output.buffer);
  for (let i = 0; i < 16; i++) view.setUint32(i * 4, h[i] as number, true);
  return { failed: false, gasUsed: rounds, output };
};
