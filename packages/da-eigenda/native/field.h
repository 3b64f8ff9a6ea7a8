/*
 * BN254 base field arithmetic: Fp (p = 0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47) and
 * Fp2 = Fp[u]/(u² + 1). Portable x86-64 C: 4 × 64-bit little-endian limbs, products through unsigned __int128.
 *
 * Elements are kept in Montgomery form a·R mod p with R = 2^256, fully reduced (< p). The constants:
 *   FP_INV = −p⁻¹ mod 2^64: Newton's iteration inv ← inv·(2 − p·inv) mod 2^64 from inv = 1 doubles the correct low
 *            bits each step; negated at the end. (0x87d20782e4866389)
 *   FP_R2  = R² mod p = 2^512 mod p: converts into Montgomery form with one multiplication (a·R²·R⁻¹ = a·R).
 * Both were computed with BigInt; test/kzg/nativeEngine.test.ts recomputes them and compares with the addon's
 * `fieldConstants()`, which reads these arrays.
 */
#ifndef MACH_KZG_FIELD_H
#define MACH_KZG_FIELD_H

#include <stdint.h>
#include <string.h>

typedef unsigned __int128 u128;

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

/* z = a + b mod p. p < 2^254, so a + b < 2^255 never overflows the four limbs. */
static inline void fp_add(fp_t *z, const fp_t *a, const fp_t *b) {
  uint64_t t[4];
  u128 carry = 0;
  for (int i = 0; i < 4; i++) {
    carry += (u128)a->l[i] + b->l[i];
    t[i] = (uint64_t)carry;
    carry >>= 64;
  }
  if (fp_geq_p(t)) fp_sub_p(t);
  memcpy(z->l, t, sizeof t);
}

/* z = a − b mod p. */
static inline void fp_sub(fp_t *z, const fp_t *a, const fp_t *b) {
  uint64_t t[4];
  u128 borrow = 0;
  for (int i = 0; i < 4; i++) {
    u128 d = (u128)a->l[i] - b->l[i] - borrow;
    t[i] = (uint64_t)d;
    borrow = (d >> 64) & 1;
  }
  if (borrow) {
    u128 carry = 0;
    for (int i = 0; i < 4; i++) {
      carry += (u128)t[i] + FP_P[i];
      t[i] = (uint64_t)carry;
      carry >>= 64;
    }
  }
  memcpy(z->l, t, sizeof t);
}

static inline void fp_dbl(fp_t *z, const fp_t *a) { fp_add(z, a, a); }

static inline void fp_neg(fp_t *z, const fp_t *a) {
  fp_t zero;
  fp_zero(&zero);
  fp_sub(z, &zero, a);
}

/*
 * z = a·b·R⁻¹ mod p: Montgomery multiplication, CIOS with the multiply and reduce steps interleaved. p's top limb is
 * below 2^63 − 1, so the running value stays below 2p and the usual extra carry limb is never needed (the "no-carry"
 * variant gnark-crypto uses for this field); one conditional subtraction ends it.
 */
static inline void fp_mul(fp_t *z, const fp_t *a, const fp_t *b) {
  uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0;
  const uint64_t a0 = a->l[0], a1 = a->l[1], a2 = a->l[2], a3 = a->l[3];
  for (int i = 0; i < 4; i++) {
    const uint64_t bi = b->l[i];
    u128 s = (u128)a0 * bi + t0;
    uint64_t carry = (uint64_t)(s >> 64);
    const uint64_t m = (uint64_t)s * FP_INV;
    u128 r = (u128)m * FP_P[0] + (uint64_t)s;
    uint64_t reduceCarry = (uint64_t)(r >> 64);

    s = (u128)a1 * bi + t1 + carry;
    carry = (uint64_t)(s >> 64);
    r = (u128)m * FP_P[1] + (uint64_t)s + reduceCarry;
    reduceCarry = (uint64_t)(r >> 64);
    t0 = (uint64_t)r;

    s = (u128)a2 * bi + t2 + carry;
    carry = (uint64_t)(s >> 64);
    r = (u128)m * FP_P[2] + (uint64_t)s + reduceCarry;
    reduceCarry = (uint64_t)(r >> 64);
    t1 = (uint64_t)r;

    s = (u128)a3 * bi + t3 + carry;
    carry = (uint64_t)(s >> 64);
    r = (u128)m * FP_P[3] + (uint64_t)s + reduceCarry;
    reduceCarry = (uint64_t)(r >> 64);
    t2 = (uint64_t)r;

    t3 = carry + reduceCarry;
  }
  uint64_t t[4] = {t0, t1, t2, t3};
  if (fp_geq_p(t)) fp_sub_p(t);
  memcpy(z->l, t, sizeof t);
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

/* Karatsuba: (a0 + a1u)(b0 + b1u) = (a0b0 − a1b1) + ((a0 + a1)(b0 + b1) − a0b0 − a1b1)u, three Fp products. */
static inline void fp2_mul(fp2_t *z, const fp2_t *a, const fp2_t *b) {
  fp_t v0, v1, sa, sb, cross;
  fp_mul(&v0, &a->c0, &b->c0);
  fp_mul(&v1, &a->c1, &b->c1);
  fp_add(&sa, &a->c0, &a->c1);
  fp_add(&sb, &b->c0, &b->c1);
  fp_mul(&cross, &sa, &sb);
  fp_sub(&cross, &cross, &v0);
  fp_sub(&z->c1, &cross, &v1);
  fp_sub(&z->c0, &v0, &v1);
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

#endif
