/*
 * BN254 base field arithmetic: Fp (p = 0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47) and
 * Fp2 = Fp[u]/(u² + 1). Portable x86-64 C: 4 × 64-bit little-endian limbs, products through unsigned __int128; where
 * the build enables BMI2 and ADX (FP_MULX_ADX below), the multiplications and Montgomery reductions are inline
 * assembly instead, with the same results.
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
#if defined(__x86_64__)
  /*
   * Conditional moves, and the four words stored one by one: gcc turns the masked select below into SSE shuffles,
   * and a copy of the selected words into 16-byte loads of 8-byte stores, which stall store forwarding.
   */
  __asm__("testb %[borrow], %[borrow]\n\t"
          "cmovnzq %[t0], %[d0]\n\t"
          "cmovnzq %[t1], %[d1]\n\t"
          "cmovnzq %[t2], %[d2]\n\t"
          "cmovnzq %[t3], %[d3]\n\t"
          "movq %[d0], 0(%[z])\n\t"
          "movq %[d1], 8(%[z])\n\t"
          "movq %[d2], 16(%[z])\n\t"
          "movq %[d3], 24(%[z])\n\t"
          : [d0] "+&r"(d[0]), [d1] "+&r"(d[1]), [d2] "+&r"(d[2]), [d3] "+&r"(d[3]), "=m"(*z)
          : [borrow] "q"(borrow), [t0] "rm"(t[0]), [t1] "rm"(t[1]), [t2] "rm"(t[2]), [t3] "rm"(t[3]), [z] "r"(z)
          : "cc");
#else
  const uint64_t keep = 0 - (uint64_t)borrow; /* all ones when t < p */
  for (int i = 0; i < 4; i++) z->l[i] = (t[i] & keep) | (d[i] & ~keep);
#endif
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
 * With BMI2 and ADX (the build enables them where the CPU has them, see nativeBuild.ts), multiplication is written in
 * assembly: MULX takes its multiplier in RDX and leaves the flags alone, and ADCX / ADOX are additions with carry
 * that use only CF / only OF, so a product row's low and high words go into two carry chains that run side by side.
 * gcc keeps one chain in the flags at best; this halves the dependent additions of a multiplication.
 */
#if defined(__x86_64__) && defined(__BMI2__) && defined(__ADX__)
#define FP_MULX_ADX 1
#else
#define FP_MULX_ADX 0
#endif

#if FP_MULX_ADX
/*
 * One step of the multiplication below in assembly text: t[0..3] += a·b_i (RDX = b_i), the top word into HI. The
 * products' low words go into the OF chain, their high words into the CF chain one word up.
 */
#define FP_ASM_MUL_ROW                                                                                                 \
  "xorl %k[lo], %k[lo]\n\t" /* CF = OF = 0 */                                                                          \
  "mulxq 0(%[a]), %[lo], %[hi]\n\t"                                                                                    \
  "adoxq %[lo], %[t0]\n\t"                                                                                             \
  "adcxq %[hi], %[t1]\n\t"                                                                                             \
  "mulxq 8(%[a]), %[lo], %[hi]\n\t"                                                                                    \
  "adoxq %[lo], %[t1]\n\t"                                                                                             \
  "adcxq %[hi], %[t2]\n\t"                                                                                             \
  "mulxq 16(%[a]), %[lo], %[hi]\n\t"                                                                                   \
  "adoxq %[lo], %[t2]\n\t"                                                                                             \
  "adcxq %[hi], %[t3]\n\t"                                                                                             \
  "mulxq 24(%[a]), %[lo], %[hi]\n\t"                                                                                   \
  "adoxq %[lo], %[t3]\n\t"                                                                                             \
  "movl $0, %k[lo]\n\t" /* mov leaves the flags */                                                                     \
  "adcxq %[lo], %[hi]\n\t"                                                                                             \
  "adoxq %[lo], %[hi]\n\t"

/*
 * The reduction step: m = t0·FP_INV, then (t + m·p)/2^64 with HI (the row's top word) added into the top; t0 + m·p0
 * is 0 mod 2^64, only its carry is kept.
 */
#define FP_ASM_REDUCE_ROW                                                                                              \
  "movq %[t0], %%rdx\n\t"                                                                                              \
  "imulq %[inv], %%rdx\n\t" /* m */                                                                                    \
  "xorl %k[lo], %k[lo]\n\t"                                                                                            \
  "mulxq %[p0], %[lo], %[c]\n\t"                                                                                       \
  "adcxq %[t0], %[lo]\n\t" /* only the carry matters */                                                                \
  "movq %[c], %[t0]\n\t"                                                                                               \
  "adcxq %[t1], %[t0]\n\t"                                                                                             \
  "mulxq %[p1], %[lo], %[t1]\n\t"                                                                                      \
  "adoxq %[lo], %[t0]\n\t"                                                                                             \
  "adcxq %[t2], %[t1]\n\t"                                                                                             \
  "mulxq %[p2], %[lo], %[t2]\n\t"                                                                                      \
  "adoxq %[lo], %[t1]\n\t"                                                                                             \
  "adcxq %[t3], %[t2]\n\t"                                                                                             \
  "mulxq %[p3], %[lo], %[t3]\n\t"                                                                                      \
  "adoxq %[lo], %[t2]\n\t"                                                                                             \
  "movl $0, %k[lo]\n\t"                                                                                                \
  "adcxq %[lo], %[t3]\n\t"                                                                                             \
  "adoxq %[hi], %[t3]\n\t"
#endif

/*
 * z = a·b·R⁻¹ mod p for a, b < p: Montgomery multiplication, CIOS (a row a·b_i, then a row m·p that clears the low
 * word, then a shift by one word). p's top word is below 2^63 − 1, so the running value fits four words and a
 * row's top word (gnark's "no-carry" CIOS): the row's carry is added into the reduction's top word instead of
 * needing a fifth word. The result is below 2p; one conditional subtraction ends it.
 */
static inline void fp_mul(fp_t *z, const fp_t *a, const fp_t *b) {
#if FP_MULX_ADX
  uint64_t t[4], hi, lo, c;
  __asm__(
      /* First row: t = a·b0 (no previous t to add). */
      "movq 0(%[b]), %%rdx\n\t"
      "xorl %k[lo], %k[lo]\n\t"
      "mulxq 0(%[a]), %[t0], %[t1]\n\t"
      "mulxq 8(%[a]), %[lo], %[t2]\n\t"
      "adcxq %[lo], %[t1]\n\t"
      "mulxq 16(%[a]), %[lo], %[t3]\n\t"
      "adcxq %[lo], %[t2]\n\t"
      "mulxq 24(%[a]), %[lo], %[hi]\n\t"
      "adcxq %[lo], %[t3]\n\t"
      "movl $0, %k[lo]\n\t"
      "adcxq %[lo], %[hi]\n\t" FP_ASM_REDUCE_ROW "movq 8(%[b]), %%rdx\n\t" FP_ASM_MUL_ROW FP_ASM_REDUCE_ROW
      "movq 16(%[b]), %%rdx\n\t" FP_ASM_MUL_ROW FP_ASM_REDUCE_ROW "movq 24(%[b]), %%rdx\n\t" FP_ASM_MUL_ROW
          FP_ASM_REDUCE_ROW
      : [t0] "=&r"(t[0]), [t1] "=&r"(t[1]), [t2] "=&r"(t[2]), [t3] "=&r"(t[3]), [hi] "=&r"(hi), [lo] "=&r"(lo),
        [c] "=&r"(c)
      : [a] "r"(a->l), [b] "r"(b->l), [inv] "m"(FP_INV), [p0] "m"(FP_P[0]), [p1] "m"(FP_P[1]), [p2] "m"(FP_P[2]),
        [p3] "m"(FP_P[3]), "m"(*a), "m"(*b)
      : "rdx", "cc");
  fp_reduce_once(z, t);
#else
  uint64_t t[5] = {0, 0, 0, 0, 0};
#pragma GCC unroll 4
  for (int i = 0; i < 4; i++) {
    add_row(t, a->l, b->l[i]);
    add_row(t, FP_P, t[0] * FP_INV); /* t[0] becomes 0 */
    t[0] = t[1], t[1] = t[2], t[2] = t[3], t[3] = t[4], t[4] = 0;
  }
  fp_reduce_once(z, t);
#endif
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

#if FP_MULX_ADX
/*
 * Row i ≥ 1 of the wide product below: RDX = b_i, A..D hold r_i..r_(i+3), E receives r_(i+4); then r_i is final and
 * is stored. The five registers rotate from row to row, so the product needs no more than five live words.
 */
#define FP_ASM_WIDE_ROW(offset, A, B, C, D, E)                                                                         \
  "movq " offset "(%[b]), %%rdx\n\t"                                                                                   \
  "xorl %k[lo], %k[lo]\n\t"                                                                                            \
  "mulxq 0(%[a]), %[lo], %[hi]\n\t"                                                                                    \
  "adoxq %[lo], %[" A "]\n\t"                                                                                          \
  "adcxq %[hi], %[" B "]\n\t"                                                                                          \
  "mulxq 8(%[a]), %[lo], %[hi]\n\t"                                                                                    \
  "adoxq %[lo], %[" B "]\n\t"                                                                                          \
  "adcxq %[hi], %[" C "]\n\t"                                                                                          \
  "mulxq 16(%[a]), %[lo], %[hi]\n\t"                                                                                   \
  "adoxq %[lo], %[" C "]\n\t"                                                                                          \
  "adcxq %[hi], %[" D "]\n\t"                                                                                          \
  "mulxq 24(%[a]), %[lo], %[" E "]\n\t"                                                                                \
  "adoxq %[lo], %[" D "]\n\t"                                                                                          \
  "movl $0, %k[lo]\n\t"                                                                                                \
  "adcxq %[lo], %[" E "]\n\t"                                                                                          \
  "adoxq %[lo], %[" E "]\n\t"                                                                                          \
  "movq %[" A "], " offset "(%[r])\n\t"
#endif

/* r = a·b, 512 bits (schoolbook, row by row). Inputs may be unreduced, below 2^255. */
static inline void fp_mul_wide(uint64_t r[8], const uint64_t a[4], const uint64_t b[4]) {
#if FP_MULX_ADX
  uint64_t x0, x1, x2, x3, x4, lo, hi;
  __asm__("movq 0(%[b]), %%rdx\n\t"
          "xorl %k[lo], %k[lo]\n\t"
          "mulxq 0(%[a]), %[x0], %[x1]\n\t"
          "mulxq 8(%[a]), %[lo], %[x2]\n\t"
          "adcxq %[lo], %[x1]\n\t"
          "mulxq 16(%[a]), %[lo], %[x3]\n\t"
          "adcxq %[lo], %[x2]\n\t"
          "mulxq 24(%[a]), %[lo], %[x4]\n\t"
          "adcxq %[lo], %[x3]\n\t"
          "movl $0, %k[lo]\n\t"
          "adcxq %[lo], %[x4]\n\t"
          "movq %[x0], 0(%[r])\n\t" FP_ASM_WIDE_ROW("8", "x1", "x2", "x3", "x4", "x0")
              FP_ASM_WIDE_ROW("16", "x2", "x3", "x4", "x0", "x1") FP_ASM_WIDE_ROW("24", "x3", "x4", "x0", "x1", "x2")
                  "movq %[x4], 32(%[r])\n\t"
                  "movq %[x0], 40(%[r])\n\t"
                  "movq %[x1], 48(%[r])\n\t"
                  "movq %[x2], 56(%[r])\n\t"
          : [x0] "=&r"(x0), [x1] "=&r"(x1), [x2] "=&r"(x2), [x3] "=&r"(x3), [x4] "=&r"(x4), [lo] "=&r"(lo),
            [hi] "=&r"(hi), "=m"(*(uint64_t(*)[8])r)
          : [a] "r"(a), [b] "r"(b), [r] "r"(r), "m"(*(const uint64_t(*)[4])a), "m"(*(const uint64_t(*)[4])b)
          : "rdx", "cc");
#else
  memset(r, 0, 8 * sizeof *r);
#pragma GCC unroll 4
  for (int i = 0; i < 4; i++) add_row(r + i, a, b[i]); /* r[i + 4] is still 0: no carry out */
#endif
}

/*
 * z = t·R⁻¹ mod p for t < p·R (Montgomery reduction, word by word): (t + m·p)/R < 2p, one subtraction ends it.
 * The assembly reduces the low half alone, four reduction rows as in fp_mul: (t_low + m·p)/R, below p + 1, then
 * adds the high half (below p), the same sum.
 */
static inline void fp_reduce_wide(fp_t *z, uint64_t t[8]) {
#if FP_MULX_ADX
  uint64_t r[4], hi = 0, lo, c;
  __asm__("movq 0(%[t]), %[t0]\n\t"
          "movq 8(%[t]), %[t1]\n\t"
          "movq 16(%[t]), %[t2]\n\t"
          "movq 24(%[t]), %[t3]\n\t" FP_ASM_REDUCE_ROW FP_ASM_REDUCE_ROW FP_ASM_REDUCE_ROW FP_ASM_REDUCE_ROW
          "addq 32(%[t]), %[t0]\n\t"
          "adcq 40(%[t]), %[t1]\n\t"
          "adcq 48(%[t]), %[t2]\n\t"
          "adcq 56(%[t]), %[t3]\n\t"
          : [t0] "=&r"(r[0]), [t1] "=&r"(r[1]), [t2] "=&r"(r[2]), [t3] "=&r"(r[3]), [lo] "=&r"(lo), [c] "=&r"(c)
          : [t] "r"(t), [hi] "r"(hi), [inv] "m"(FP_INV), [p0] "m"(FP_P[0]), [p1] "m"(FP_P[1]), [p2] "m"(FP_P[2]),
            [p3] "m"(FP_P[3]), "m"(*(const uint64_t(*)[8])t)
          : "rdx", "cc");
  fp_reduce_once(z, r);
#else
  unsigned char carry = 0; /* into t[i + 4]; 0 after the last round (t + m·p < 2p·R < 2^512) */
#pragma GCC unroll 4
  for (int i = 0; i < 4; i++) {
    unsigned char next = add_row(t + i, FP_P, t[i] * FP_INV);
    next = (unsigned char)(next + addc(0, t[i + 4], carry, &t[i + 4]));
    carry = next;
  }
  fp_reduce_once(z, t + 4);
#endif
}

/* a −= b over 512 bits; returns the borrow. */
static inline unsigned char wide_sub(uint64_t a[8], const uint64_t b[8]) {
  unsigned char borrow = 0;
  for (int i = 0; i < 8; i++) borrow = subb(borrow, a[i], b[i], &a[i]);
  return borrow;
}

/* a += b & mask over 512 bits, mask all ones or zero (the caller knows it does not overflow): a branch-free
 * conditional addition, where the condition is a coin toss the branch predictor would miss half the time. */
static inline void wide_add_masked(uint64_t a[8], const uint64_t b[8], uint64_t mask) {
  unsigned char carry = 0;
#pragma GCC unroll 8
  for (int i = 0; i < 8; i++) {
    uint64_t addend = b[i] & mask;
    __asm__("" : "+r"(addend)); /* keeps gcc from doing the masking in vector registers */
    carry = addc(carry, a[i], addend, &a[i]);
  }
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
  wide_add_masked(v0, FP_P2, 0 - (uint64_t)wide_sub(v0, v1));
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
