/*
 * BN254 base field arithmetic: Fp (p = 0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47) and
 * Fp2 = Fp[u]/(u² + 1). Portable x86-64 C: 4 × 64-bit little-endian limbs, products through unsigned __int128.
 *
 * Elements are kept in Montgomery form a·R mod p with R = 2^256, fully reduced (< p). The constants:
 *   FP_INV = −p⁻¹ mod 2^64: Newton's iteration inv ← inv·(2 − p·inv) mod 2^64 from inv = 1 doubles the correct low
 *            bits each step; negated at the end. (0x87d20782e4866389)
 *   FP_R2  = R² mod p = 2^512 mod p: converts into Montgomery form with one multiplication (a·R²·R⁻¹ = a·R).
 *   FP_P2  = p², 512 bits: added to a negative double-width difference in Fp2 multiplication (lazy reduction).
 * All were computed with BigInt; test/kzg/nativeEngine.test.ts recomputes them and compares with the addon's
 * `fieldConstants()`, which reads these arrays.
 */
#ifndef MACH_KZG_FIELD_H
#define MACH_KZG_FIELD_H

#include <stdint.h>
#include <string.h>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

typedef unsigned __int128 u128;

/*
 * Add with carry: *out = a + b + carryIn, returns the carry out. On x86-64 `_addcarry_u64` (plain ADC, no CPU
 * extension), which gcc keeps in the flags across a chain, where 128-bit additions cost extra moves and zeroings.
 */
static inline unsigned char addc(unsigned char carryIn, uint64_t a, uint64_t b, uint64_t *out) {
#if defined(__x86_64__)
  unsigned long long sum;
  const unsigned char carry = _addcarry_u64(carryIn, a, b, &sum);
  *out = sum;
  return carry;
#else
  const u128 sum = (u128)a + b + carryIn;
  *out = (uint64_t)sum;
  return (unsigned char)(sum >> 64);
#endif
}

/* Subtract with borrow: *out = a − b − borrowIn, returns the borrow out. */
static inline unsigned char subb(unsigned char borrowIn, uint64_t a, uint64_t b, uint64_t *out) {
#if defined(__x86_64__)
  unsigned long long difference;
  const unsigned char borrow = _subborrow_u64(borrowIn, a, b, &difference);
  *out = difference;
  return borrow;
#else
  const u128 difference = (u128)a - b - borrowIn;
  *out = (uint64_t)difference;
  return (unsigned char)((difference >> 64) & 1);
#endif
}

/* The 128-bit product a·b as low word (returned) and high word. */
static inline uint64_t mul_wide64(uint64_t a, uint64_t b, uint64_t *high) {
  const u128 product = (u128)a * b;
  *high = (uint64_t)(product >> 64);
  return (uint64_t)product;
}

/*
 * t[0..4] += a·b (a: 4 words, b: one word, t[4] taking the top) as two carry chains: the products' low words into
 * t[0..3], then their high words into t[1..4]. Returns the carry out of t[4].
 */
static inline unsigned char add_row(uint64_t t[5], const uint64_t a[4], uint64_t b) {
  uint64_t h0, h1, h2, h3;
  const uint64_t l0 = mul_wide64(a[0], b, &h0), l1 = mul_wide64(a[1], b, &h1);
  const uint64_t l2 = mul_wide64(a[2], b, &h2), l3 = mul_wide64(a[3], b, &h3);
  unsigned char c = addc(0, t[0], l0, &t[0]);
  c = addc(c, t[1], l1, &t[1]);
  c = addc(c, t[2], l2, &t[2]);
  c = addc(c, t[3], l3, &t[3]);
  unsigned char top = addc(c, t[4], 0, &t[4]);
  c = addc(0, t[1], h0, &t[1]);
  c = addc(c, t[2], h1, &t[2]);
  c = addc(c, t[3], h2, &t[3]);
  c = addc(c, t[4], h3, &t[4]);
  return (unsigned char)(top + c);
}

typedef struct {
  uint64_t l[4];
} fp_t;

typedef struct {
  fp_t c0, c1; /* c0 + c1·u: noble's { c0, c1 }, gnark's { A0, A1 } */
} fp2_t;

static const uint64_t FP_P[4] = {0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL, 0xb85045b68181585dULL,
                                 0x30644e72e131a029ULL};
static const uint64_t FP_INV = 0x87d20782e4866389ULL;
static const uint64_t FP_R2[4] = {0xf32cfc5b538afa89ULL, 0xb5e71911d44501fbULL, 0x47ab1eff0a417ff6ULL,
                                  0x06d89f71cab8351fULL};
static const uint64_t FP_P2[8] = {0x3b5458a2275d69b1ULL, 0xa602072d09eac101ULL, 0x4a50189c6d96cadcULL,
                                  0x04689e957a1242c8ULL, 0x26edfa5c34c6b38dULL, 0xb00b855116375606ULL,
                                  0x599a6f7c0348d21cULL, 0x0925c4b8763cbf9cULL};

/* a ≥ p, as limbs compared from the top. */
static inline int fp_geq_p(const uint64_t a[4]) {
  for (int i = 3; i >= 0; i--) {
    if (a[i] != FP_P[i]) return a[i] > FP_P[i];
  }
  return 1;
}

/* a −= p (caller knows a ≥ p). */
static inline void fp_sub_p(uint64_t a[4]) {
  u128 borrow = 0;
  for (int i = 0; i < 4; i++) {
    u128 d = (u128)a[i] - FP_P[i] - borrow;
    a[i] = (uint64_t)d;
    borrow = (d >> 64) & 1;
  }
}

static inline void fp_zero(fp_t *z) { memset(z, 0, sizeof *z); }

static inline int fp_is_zero(const fp_t *a) { return (a->l[0] | a->l[1] | a->l[2] | a->l[3]) == 0; }

static inline int fp_eq(const fp_t *a, const fp_t *b) {
  return ((a->l[0] ^ b->l[0]) | (a->l[1] ^ b->l[1]) | (a->l[2] ^ b->l[2]) | (a->l[3] ^ b->l[3])) == 0;
}

/* z = t − p if t ≥ p, else t (t < 2p), without branches: the subtraction's borrow selects. */
static inline void fp_reduce_once(fp_t *z, const uint64_t t[4]) {
  uint64_t d[4];
  unsigned char borrow = subb(0, t[0], FP_P[0], &d[0]);
  borrow = subb(borrow, t[1], FP_P[1], &d[1]);
  borrow = subb(borrow, t[2], FP_P[2], &d[2]);
  borrow = subb(borrow, t[3], FP_P[3], &d[3]);
  const uint64_t keep = 0 - (uint64_t)borrow; /* all ones when t < p */
  for (int i = 0; i < 4; i++) z->l[i] = (t[i] & keep) | (d[i] & ~keep);
}

/* z = a + b mod p. p < 2^254, so a + b < 2^255 never overflows the four limbs. */
static inline void fp_add(fp_t *z, const fp_t *a, const fp_t *b) {
  uint64_t t[4];
  unsigned char carry = addc(0, a->l[0], b->l[0], &t[0]);
  carry = addc(carry, a->l[1], b->l[1], &t[1]);
  carry = addc(carry, a->l[2], b->l[2], &t[2]);
  addc(carry, a->l[3], b->l[3], &t[3]);
  fp_reduce_once(z, t);
}

/* z = a − b mod p: p is added back, masked by the borrow. */
static inline void fp_sub(fp_t *z, const fp_t *a, const fp_t *b) {
  uint64_t t[4];
  unsigned char borrow = subb(0, a->l[0], b->l[0], &t[0]);
  borrow = subb(borrow, a->l[1], b->l[1], &t[1]);
  borrow = subb(borrow, a->l[2], b->l[2], &t[2]);
  borrow = subb(borrow, a->l[3], b->l[3], &t[3]);
  const uint64_t mask = 0 - (uint64_t)borrow;
  unsigned char carry = addc(0, t[0], FP_P[0] & mask, &z->l[0]);
  carry = addc(carry, t[1], FP_P[1] & mask, &z->l[1]);
  carry = addc(carry, t[2], FP_P[2] & mask, &z->l[2]);
  addc(carry, t[3], FP_P[3] & mask, &z->l[3]);
}

static inline void fp_dbl(fp_t *z, const fp_t *a) { fp_add(z, a, a); }

static inline void fp_neg(fp_t *z, const fp_t *a) {
  fp_t zero;
  fp_zero(&zero);
  fp_sub(z, &zero, a);
}

/*
 * z = a·b·R⁻¹ mod p: Montgomery multiplication, CIOS (a row a·b_i, then a row m·p that clears the low word, then a
 * shift by one word). p < 2^254, so the running value stays below 2p < 2^255 and five words hold it; one conditional
 * subtraction ends it.
 */
static inline void fp_mul(fp_t *z, const fp_t *a, const fp_t *b) {
  uint64_t t[5] = {0, 0, 0, 0, 0};
#pragma GCC unroll 4
  for (int i = 0; i < 4; i++) {
    add_row(t, a->l, b->l[i]);
    add_row(t, FP_P, t[0] * FP_INV); /* t[0] becomes 0 */
    t[0] = t[1], t[1] = t[2], t[2] = t[3], t[3] = t[4], t[4] = 0;
  }
  fp_reduce_once(z, t);
}

static inline void fp_sqr(fp_t *z, const fp_t *a) { fp_mul(z, a, a); }

/* Montgomery form of a plain value below p, and back. */
static inline void fp_to_mont(fp_t *z, const fp_t *a) {
  fp_t r2;
  memcpy(r2.l, FP_R2, sizeof r2.l);
  fp_mul(z, a, &r2);
}

static inline void fp_from_mont(fp_t *z, const fp_t *a) {
  fp_t one = {{1, 0, 0, 0}};
  fp_mul(z, a, &one);
}

static inline void fp_one(fp_t *z) {
  fp_t plain = {{1, 0, 0, 0}};
  fp_to_mont(z, &plain);
}

/* z = a^(p−2) = a⁻¹ (Fermat), or 0 for a = 0. Square-and-multiply over the bits of p − 2, from the top. */
static inline void fp_inv(fp_t *z, const fp_t *a) {
  uint64_t e[4];
  memcpy(e, FP_P, sizeof e);
  e[0] -= 2; /* p's low limb is odd and above 2: no borrow */
  fp_t result;
  fp_one(&result);
  for (int i = 255; i >= 0; i--) {
    fp_sqr(&result, &result);
    if ((e[i / 64] >> (i % 64)) & 1) fp_mul(&result, &result, a);
  }
  *z = result;
}

/* Independent prefix-product chains in a batch inversion: the processor overlaps them. */
#define BATCH_INVERSE_LANES 4

/*
 * values[j] ← values[j]⁻¹ for j < n, every value non-zero, with one inversion (Montgomery's trick): prefix products
 * (per lane j mod BATCH_INVERSE_LANES), one inversion of all the lanes' products, then back down each lane, about
 * three multiplications per value. `prefix` holds n elements.
 */
static inline void fp_batch_inverse(fp_t *values, size_t n, fp_t *prefix) {
  if (n == 0) return;
  const size_t lanes = BATCH_INVERSE_LANES;
  for (size_t j = 0; j < n; j++) {
    if (j < lanes)
      prefix[j] = values[j];
    else
      fp_mul(&prefix[j], &prefix[j - lanes], &values[j]);
  }
  fp_t laneTotal[BATCH_INVERSE_LANES], laneUpTo[BATCH_INVERSE_LANES], laneInv[BATCH_INVERSE_LANES], inv;
  for (size_t lane = 0; lane < lanes; lane++) {
    if (lane < n)
      laneTotal[lane] = prefix[n - 1 - ((n - 1 - lane) % lanes)]; /* the lane's last prefix */
    else
      fp_one(&laneTotal[lane]);
    if (lane == 0)
      laneUpTo[0] = laneTotal[0];
    else
      fp_mul(&laneUpTo[lane], &laneUpTo[lane - 1], &laneTotal[lane]);
  }
  fp_inv(&inv, &laneUpTo[lanes - 1]);
  for (size_t lane = lanes; lane-- > 0;) {
    if (lane > 0) {
      fp_mul(&laneInv[lane], &inv, &laneUpTo[lane - 1]);
      fp_mul(&inv, &inv, &laneTotal[lane]);
    } else {
      laneInv[0] = inv;
    }
  }
  for (size_t j = n; j-- > 0;) {
    /* laneInv = (the lane's product up to values[j])⁻¹, so values[j]⁻¹ = laneInv · (the lane's product before it). */
    fp_t *li = &laneInv[j % lanes];
    if (j >= lanes) {
      fp_t valueInv;
      fp_mul(&valueInv, li, &prefix[j - lanes]);
      fp_mul(li, li, &values[j]);
      values[j] = valueInv;
    } else {
      values[j] = *li;
    }
  }
}

/* Reads 32 big-endian bytes; returns 0 (and leaves z unspecified) when the value is not below p. */
static inline int fp_from_be_bytes(fp_t *z, const uint8_t bytes[32]) {
  fp_t plain;
  for (int limb = 0; limb < 4; limb++) {
    uint64_t v = 0;
    for (int k = 0; k < 8; k++) v = (v << 8) | bytes[(3 - limb) * 8 + k];
    plain.l[limb] = v;
  }
  if (fp_geq_p(plain.l)) return 0;
  fp_to_mont(z, &plain);
  return 1;
}

static inline void fp_to_be_bytes(uint8_t bytes[32], const fp_t *a) {
  fp_t plain;
  fp_from_mont(&plain, a);
  for (int limb = 0; limb < 4; limb++) {
    for (int k = 0; k < 8; k++) bytes[(3 - limb) * 8 + k] = (uint8_t)(plain.l[limb] >> (56 - 8 * k));
  }
}

/* ---- Double-width products, reduced later (lazy reduction) ---- */

/* r = a·b, 512 bits (schoolbook, row by row). Inputs may be unreduced, below 2^255. */
static inline void fp_mul_wide(uint64_t r[8], const uint64_t a[4], const uint64_t b[4]) {
  memset(r, 0, 8 * sizeof *r);
#pragma GCC unroll 4
  for (int i = 0; i < 4; i++) add_row(r + i, a, b[i]); /* r[i + 4] is still 0: no carry out */
}

/* z = t·R⁻¹ mod p for t < p·R (Montgomery reduction, word by word): (t + m·p)/R < 2p, one subtraction ends it. */
static inline void fp_reduce_wide(fp_t *z, uint64_t t[8]) {
  unsigned char carry = 0; /* into t[i + 4]; 0 after the last round (t + m·p < 2p·R < 2^512) */
#pragma GCC unroll 4
  for (int i = 0; i < 4; i++) {
    unsigned char next = add_row(t + i, FP_P, t[i] * FP_INV);
    next = (unsigned char)(next + addc(0, t[i + 4], carry, &t[i + 4]));
    carry = next;
  }
  fp_reduce_once(z, t + 4);
}

/* a −= b over 512 bits; returns the borrow. */
static inline unsigned char wide_sub(uint64_t a[8], const uint64_t b[8]) {
  unsigned char borrow = 0;
  for (int i = 0; i < 8; i++) borrow = subb(borrow, a[i], b[i], &a[i]);
  return borrow;
}

/* a += b over 512 bits (the caller knows it does not overflow). */
static inline void wide_add(uint64_t a[8], const uint64_t b[8]) {
  unsigned char carry = 0;
  for (int i = 0; i < 8; i++) carry = addc(carry, a[i], b[i], &a[i]);
}

/* a + b without reduction (both below p: the sum is below 2p < 2^255). */
static inline void fp_add_unreduced(uint64_t z[4], const fp_t *a, const fp_t *b) {
  unsigned char carry = 0;
  for (int i = 0; i < 4; i++) carry = addc(carry, a->l[i], b->l[i], &z[i]);
}

/* ---- Fp2 = Fp[u]/(u² + 1) ---- */

static inline void fp2_zero(fp2_t *z) { memset(z, 0, sizeof *z); }

static inline void fp2_one(fp2_t *z) {
  fp_one(&z->c0);
  fp_zero(&z->c1);
}

static inline int fp2_is_zero(const fp2_t *a) { return fp_is_zero(&a->c0) && fp_is_zero(&a->c1); }

static inline int fp2_eq(const fp2_t *a, const fp2_t *b) { return fp_eq(&a->c0, &b->c0) && fp_eq(&a->c1, &b->c1); }

static inline void fp2_add(fp2_t *z, const fp2_t *a, const fp2_t *b) {
  fp_add(&z->c0, &a->c0, &b->c0);
  fp_add(&z->c1, &a->c1, &b->c1);
}

static inline void fp2_sub(fp2_t *z, const fp2_t *a, const fp2_t *b) {
  fp_sub(&z->c0, &a->c0, &b->c0);
  fp_sub(&z->c1, &a->c1, &b->c1);
}

static inline void fp2_dbl(fp2_t *z, const fp2_t *a) { fp2_add(z, a, a); }

static inline void fp2_neg(fp2_t *z, const fp2_t *a) {
  fp_neg(&z->c0, &a->c0);
  fp_neg(&z->c1, &a->c1);
}

/*
 * Karatsuba: (a0 + a1u)(b0 + b1u) = (a0b0 − a1b1) + ((a0 + a1)(b0 + b1) − a0b0 − a1b1)u, three double-width products
 * and two Montgomery reductions (lazy reduction). The u part a0b1 + a1b0 is below 2p² < p·R; the real part
 * a0b0 − a1b1 lies in (−p², p²) and gets p² added when negative. Both stay below p·R, as the reduction needs.
 */
static inline void fp2_mul(fp2_t *z, const fp2_t *a, const fp2_t *b) {
  uint64_t v0[8], v1[8], cross[8], sa[4], sb[4];
  fp_mul_wide(v0, a->c0.l, b->c0.l);
  fp_mul_wide(v1, a->c1.l, b->c1.l);
  fp_add_unreduced(sa, &a->c0, &a->c1);
  fp_add_unreduced(sb, &b->c0, &b->c1);
  fp_mul_wide(cross, sa, sb);
  wide_sub(cross, v0);
  wide_sub(cross, v1);
  if (wide_sub(v0, v1)) wide_add(v0, FP_P2);
  fp_reduce_wide(&z->c0, v0);
  fp_reduce_wide(&z->c1, cross);
}

/* (a0 + a1u)² = (a0 + a1)(a0 − a1) + 2a0a1·u, two Fp products. */
static inline void fp2_sqr(fp2_t *z, const fp2_t *a) {
  fp_t sum, diff, prod;
  fp_add(&sum, &a->c0, &a->c1);
  fp_sub(&diff, &a->c0, &a->c1);
  fp_mul(&prod, &a->c0, &a->c1);
  fp_mul(&z->c0, &sum, &diff);
  fp_dbl(&z->c1, &prod);
}

/* 1/(a0 + a1u) = (a0 − a1u)/(a0² + a1²): one Fp inversion. */
static inline void fp2_inv(fp2_t *z, const fp2_t *a) {
  fp_t n0, n1, norm;
  fp_sqr(&n0, &a->c0);
  fp_sqr(&n1, &a->c1);
  fp_add(&norm, &n0, &n1);
  fp_inv(&norm, &norm);
  fp_mul(&z->c0, &a->c0, &norm);
  fp_mul(&n1, &a->c1, &norm);
  fp_neg(&z->c1, &n1);
}

/*
 * values[j] ← values[j]⁻¹ in Fp2 through the norm: 1/(a0 + a1u) = (a0 − a1u)/(a0² + a1²), so the batch inversion
 * runs in Fp (about three Fp multiplications per value instead of three Fp2 ones), plus four Fp multiplications per
 * value for the norm and the conjugate's scaling. `scratch` holds 2n Fp elements.
 */
static inline void fp2_batch_inverse(fp2_t *values, size_t n, fp_t *scratch) {
  fp_t *norms = scratch, *prefix = scratch + n;
  for (size_t j = 0; j < n; j++) {
    fp_t n0, n1;
    fp_sqr(&n0, &values[j].c0);
    fp_sqr(&n1, &values[j].c1);
    fp_add(&norms[j], &n0, &n1);
  }
  fp_batch_inverse(norms, n, prefix);
  for (size_t j = 0; j < n; j++) {
    fp_t c1;
    fp_mul(&values[j].c0, &values[j].c0, &norms[j]);
    fp_mul(&c1, &values[j].c1, &norms[j]);
    fp_neg(&values[j].c1, &c1);
  }
}

#endif
