/*
 * EigenDA blob commitments in C (kzg.h): the SRS resident as Montgomery-form affine points, each MSM Pippenger's
 * bucket method with signed window digits (curve.h), the digits computed once per blob and shared by the G1 MSM and
 * the two G2 MSMs.
 */
#include "kzg.h"

#include <stdlib.h>
#include <string.h>

#include "field.h"

/* Scalars are below r < 2^254. */
#define MAX_SCALAR_BITS 254
#define MIN_WINDOW_BITS 2
#define MAX_WINDOW_BITS 16
#define MAX_BATCH 1024

/*
 * The windows need not be equally wide: `windows` windows cover exactly the scalars' bits plus one, the lowest
 * `windows − wideWindows` of them `windowBits` bits wide and the top `wideWindows` one bit wider. (Equal widths would
 * leave the top window holding a few bits only, e.g. 2 of 13 for 248-bit scalars: as many additions as a full window
 * for almost nothing, and into so few buckets that the batch-affine method's batches cannot take them.)
 */
typedef struct {
  unsigned windowBits;
  unsigned windows;
  unsigned wideWindows;
  int batchAffine;
  size_t batchSize;
  double cost; /* estimated, in field multiplications (msm_plan) */
} msm_plan_t;

/* Width of window w (0 = least significant). */
static inline unsigned window_width(const msm_plan_t *plan, unsigned w) {
  return plan->windowBits + (w >= plan->windows - plan->wideWindows ? 1 : 0);
}

/* Bit offset of window w: the widths of the windows below it. */
static inline unsigned window_offset(const msm_plan_t *plan, unsigned w) {
  const unsigned narrow = plan->windows - plan->wideWindows;
  return w * plan->windowBits + (w > narrow ? w - narrow : 0);
}

enum { ADD_GENERIC = 0, ADD_DOUBLING = 1, ADD_CANCELS = 2 };

#define F(op) fp_##op
#define PT(name) g1_##name
#include "curve.h"
#undef F
#undef PT

#define F(op) fp2_##op
#define PT(name) g2_##name
#include "curve.h"
#undef F
#undef PT

/*
 * The SRS's points, each section followed by its fixed-base tables when it has them (tableCount > 1): section[k·count
 * + j] = 2^(k·tableBits)·point j, k < tableCount, k = 0 the points themselves.
 */
struct kzg_srs {
  size_t count;
  unsigned tableBits;  /* 0: no tables */
  unsigned tableCount; /* 1 without tables */
  g1_affine_t *g1;
  g2_affine_t *g2;
  g2_affine_t *g2Trailing;
  uint8_t *g1Infinity;
  uint8_t *g2Infinity;
  uint8_t *g2TrailingInfinity;
};

#define FLAG_MASK 0xc0
#define FLAG_INFINITY 0x40

/* b = 3 for G1; b' = 3/(9 + u) for G2 (the D-type twist), plain values, converted to Montgomery form on use. */
static const fp_t G1_B_PLAIN = {{3, 0, 0, 0}};
static const fp2_t G2_B_PLAIN = {
    {{0x3267e6dc24a138e5ULL, 0xb5b4c5e559dbefa3ULL, 0x81be18991be06ac3ULL, 0x2b149d40ceb8aaaeULL}},
    {{0xe4a2bd0685c315d2ULL, 0xa74fa084e52d1852ULL, 0xcd2cafadeed8fdf4ULL, 0x009713b03af0fed4ULL}},
};

static const char *load_g1(g1_affine_t *points, uint8_t *infinity, const uint8_t *bytes, size_t count) {
  fp_t b;
  fp_to_mont(&b, &G1_B_PLAIN);
  for (size_t i = 0; i < count; i++) {
    const uint8_t *p = bytes + i * KZG_G1_BYTES;
    const uint8_t flags = p[0] & FLAG_MASK;
    infinity[i] = flags == FLAG_INFINITY;
    if (infinity[i]) {
      memset(&points[i], 0, sizeof points[i]);
      continue;
    }
    if (flags != 0) return "SRS G1 point is not uncompressed";
    if (!fp_from_be_bytes(&points[i].x, p) || !fp_from_be_bytes(&points[i].y, p + 32))
      return "SRS G1 coordinate is not below the field modulus";
    if (!g1_is_on_curve(&points[i], &b)) return "SRS G1 point is not on the curve";
  }
  return NULL;
}

static const char *load_g2(g2_affine_t *points, uint8_t *infinity, const uint8_t *bytes, size_t count) {
  fp2_t b;
  fp_to_mont(&b.c0, &G2_B_PLAIN.c0);
  fp_to_mont(&b.c1, &G2_B_PLAIN.c1);
  for (size_t i = 0; i < count; i++) {
    const uint8_t *p = bytes + i * KZG_G2_BYTES;
    const uint8_t flags = p[0] & FLAG_MASK;
    infinity[i] = flags == FLAG_INFINITY;
    if (infinity[i]) {
      memset(&points[i], 0, sizeof points[i]);
      continue;
    }
    if (flags != 0) return "SRS G2 point is not uncompressed";
    /* X.A1 ‖ X.A0 ‖ Y.A1 ‖ Y.A0 */
    if (!fp_from_be_bytes(&points[i].x.c1, p) || !fp_from_be_bytes(&points[i].x.c0, p + 32) ||
        !fp_from_be_bytes(&points[i].y.c1, p + 64) || !fp_from_be_bytes(&points[i].y.c0, p + 96))
      return "SRS G2 coordinate is not below the field modulus";
    if (!g2_is_on_curve(&points[i], &b)) return "SRS G2 point is not on the curve";
  }
  return NULL;
}

void kzg_srs_free(kzg_srs_t *srs) {
  if (!srs) return;
  free(srs->g1);
  free(srs->g2);
  free(srs->g2Trailing);
  free(srs->g1Infinity);
  free(srs->g2Infinity);
  free(srs->g2TrailingInfinity);
  free(srs);
}

/* Windows a table MSM of `bits`-bit windows needs for scalars of up to MAX_SCALAR_BITS bits (plus one, window_digits). */
static unsigned table_windows(unsigned bits) { return (MAX_SCALAR_BITS + 1 + bits - 1) / bits; }

/* Estimated cost (field multiplications, as msm_plan counts them) of a table MSM over `count` bases, `windows`
 * windows of `bits` bits: every digit a batch-affine addition, one reduction of 2^(bits−1) buckets. */
static double table_cost(size_t count, unsigned windows, unsigned bits);

/*
 * Table width of least estimated cost for MSMs over the whole SRS whose tables fit KZG_MAX_TABLE_BYTES; 0 (no tables)
 * when none fits.
 */
static unsigned auto_table_bits(size_t count) {
  unsigned best = 0;
  double bestCost = -1;
  for (unsigned bits = KZG_MIN_TABLE_BITS; bits <= KZG_MAX_AUTO_TABLE_BITS; bits++) {
    const unsigned windows = table_windows(bits);
    const double bytes = (double)windows * (double)count * (sizeof(g1_affine_t) + 2 * sizeof(g2_affine_t));
    if (bytes > (double)KZG_MAX_TABLE_BYTES) continue;
    const double cost = table_cost(count, windows, bits);
    if (bestCost < 0 || cost < bestCost) {
      bestCost = cost;
      best = bits;
    }
  }
  return best;
}

const char *kzg_srs_load(kzg_srs_t **out, const uint8_t *g1, const uint8_t *g2, const uint8_t *g2Trailing,
                         size_t count, int tableBits) {
  *out = NULL;
  if (tableBits == KZG_TABLE_BITS_AUTO) tableBits = (int)auto_table_bits(count);
  if (tableBits != 0 && (tableBits < KZG_MIN_TABLE_BITS || tableBits > KZG_MAX_TABLE_BITS))
    return "table bits out of range";
  kzg_srs_t *srs = calloc(1, sizeof *srs);
  if (!srs) return "out of memory for the SRS";
  srs->count = count;
  srs->tableBits = (unsigned)tableBits;
  srs->tableCount = tableBits > 0 ? table_windows((unsigned)tableBits) : 1;
  const size_t slots = count > 0 ? count : 1;
  srs->g1 = malloc(srs->tableCount * slots * sizeof *srs->g1);
  srs->g2 = malloc(srs->tableCount * slots * sizeof *srs->g2);
  srs->g2Trailing = malloc(srs->tableCount * slots * sizeof *srs->g2Trailing);
  srs->g1Infinity = malloc(slots);
  srs->g2Infinity = malloc(slots);
  srs->g2TrailingInfinity = malloc(slots);
  if (!srs->g1 || !srs->g2 || !srs->g2Trailing || !srs->g1Infinity || !srs->g2Infinity || !srs->g2TrailingInfinity) {
    kzg_srs_free(srs);
    return "out of memory for the SRS";
  }
  const char *error = load_g1(srs->g1, srs->g1Infinity, g1, count);
  if (!error) error = load_g2(srs->g2, srs->g2Infinity, g2, count);
  if (!error) error = load_g2(srs->g2Trailing, srs->g2TrailingInfinity, g2Trailing, count);
  if (!error && srs->tableCount > 1 &&
      !(g1_build_tables(srs->g1, srs->g1Infinity, count, srs->tableCount, srs->tableBits) &&
        g2_build_tables(srs->g2, srs->g2Infinity, count, srs->tableCount, srs->tableBits) &&
        g2_build_tables(srs->g2Trailing, srs->g2TrailingInfinity, count, srs->tableCount, srs->tableBits)))
    error = "out of memory for the SRS tables";
  if (error) {
    kzg_srs_free(srs);
    return error;
  }
  *out = srs;
  return NULL;
}

/* Batch size of the batch-affine method: small against the bucket count, so few bases wait for a busy bucket. */
static size_t batch_size(unsigned windowBits) {
  const size_t buckets = (size_t)1 << (windowBits - 1);
  const size_t size = buckets / 8;
  return size < 1 ? 1 : size > MAX_BATCH ? MAX_BATCH : size;
}

/*
 * Windows and method of least estimated cost, in field multiplications: per window, count × cost of putting a base
 * into a bucket + buckets × (mixed + full addition) to reduce them. A base costs 10 (madd, 8M + 2S) with XYZZ
 * buckets; about 6 with batch-affine ones, plus the batch's inversion (≈ 380 multiplications) shared by its bases.
 * Each window count W splits the bits to cover (the scalars' bits plus one, see window_digits) into W windows as
 * evenly as it goes: c = ⌊bits/W⌋ bits, the rest one bit wider.
 */
static double per_base_cost(int affine, size_t batch) { return affine ? 6.0 + 380.0 / (double)batch : 10.0; }

static double table_cost(size_t count, unsigned windows, unsigned bits) {
  return (double)windows * (double)count * per_base_cost(1, batch_size(bits)) + (double)((size_t)1 << (bits - 1)) * 24.0;
}

static msm_plan_t msm_plan(size_t count, unsigned scalarBits, kzg_method_t method) {
  unsigned cover = scalarBits + 1;
  if (cover < MIN_WINDOW_BITS) cover = MIN_WINDOW_BITS;
  msm_plan_t best = {MIN_WINDOW_BITS, (cover + MIN_WINDOW_BITS - 1) / MIN_WINDOW_BITS, 0, 0, 1, 0};
  double bestCost = -1;
  for (int affine = 0; affine <= 1; affine++) {
    if ((method == KZG_METHOD_XYZZ && affine) || (method == KZG_METHOD_BATCH_AFFINE && !affine)) continue;
    for (unsigned windows = 1; windows <= cover; windows++) {
      const unsigned bits = cover / windows, wide = cover - bits * windows;
      if (bits < MIN_WINDOW_BITS) break;
      if (bits + (wide > 0) > MAX_WINDOW_BITS) continue;
      const size_t batch = batch_size(bits);
      const double perBase = per_base_cost(affine, batch);
      const double narrowCost = (double)count * perBase + (double)((size_t)1 << (bits - 1)) * 24.0;
      const double wideCost = (double)count * perBase + (double)((size_t)1 << bits) * 24.0;
      const double cost = (windows - wide) * narrowCost + wide * wideCost;
      if (bestCost < 0 || cost < bestCost) {
        bestCost = cost;
        best = (msm_plan_t){bits, windows, wide, affine, batch, cost};
      }
    }
  }
  return best;
}

/* Word i of the blob as little-endian limbs (the last word right-padded with zeros). */
static void read_word(uint64_t limbs[4], const uint8_t *blob, size_t blobBytes, size_t i) {
  uint8_t word[32] = {0};
  const size_t start = i * 32;
  memcpy(word, blob + start, blobBytes - start < 32 ? blobBytes - start : 32);
  for (int limb = 0; limb < 4; limb++) {
    uint64_t v = 0;
    for (int k = 0; k < 8; k++) v = (v << 8) | word[(3 - limb) * 8 + k];
    limbs[limb] = v;
  }
}

/* Bit length of the largest word (0 when all are zero): encoded payloads leave each word's top byte zero, so their
 * scalars have 248 bits at most and need fewer windows. */
static unsigned scalar_bits(const uint8_t *blob, size_t blobBytes, size_t count) {
  uint64_t any[4] = {0};
  for (size_t i = 0; i < count; i++) {
    uint64_t limbs[4];
    read_word(limbs, blob, blobBytes, i);
    for (int limb = 0; limb < 4; limb++) any[limb] |= limbs[limb];
  }
  for (int limb = 3; limb >= 0; limb--) {
    if (any[limb]) return (unsigned)(64 * limb + 64 - __builtin_clzll(any[limb]));
  }
  return 0;
}

/*
 * Signed window digits, window-major (digit of scalar i in window w at w·count + i). A window's c bits plus the carry
 * from the window below give v in [0, 2^c]; v > 2^(c−1) becomes v − 2^c and carries one up, so digits lie in
 * [−2^(c−1) + 1, 2^(c−1)] and a window needs 2^(c−1) buckets. The windows cover one bit more than the scalars have
 * (msm_plan), so the top window holds at most c − 1 of their bits, its digit is at most 2^(c−1) and nothing carries
 * out of it.
 */
static void window_digits(int32_t *digits, const uint8_t *blob, size_t blobBytes, size_t count,
                          const msm_plan_t *plan) {
  for (size_t i = 0; i < count; i++) {
    uint64_t limbs[5] = {0};
    read_word(limbs, blob, blobBytes, i);
    int64_t carry = 0;
    for (unsigned w = 0; w < plan->windows; w++) {
      const unsigned width = window_width(plan, w), bit = window_offset(plan, w);
      const unsigned limb = bit / 64, shift = bit % 64;
      uint64_t value = limbs[limb] >> shift;
      if (shift + width > 64 && limb + 1 < 5) value |= limbs[limb + 1] << (64 - shift);
      int64_t v = (int64_t)(value & (((uint64_t)1 << width) - 1)) + carry;
      carry = v > ((int64_t)1 << (width - 1));
      digits[(size_t)w * count + i] = (int32_t)(v - carry * ((int64_t)1 << width));
    }
  }
}

static void write_g1(uint8_t out[KZG_G1_BYTES], const g1_xyzz_t *p) {
  memset(out, 0, KZG_G1_BYTES);
  if (g1_is_infinity(p)) {
    out[0] = FLAG_INFINITY;
    return;
  }
  g1_affine_t a;
  g1_xyzz_to_affine(&a, p);
  fp_to_be_bytes(out, &a.x);
  fp_to_be_bytes(out + 32, &a.y);
}

static void write_g2(uint8_t out[KZG_G2_BYTES], const g2_xyzz_t *p) {
  memset(out, 0, KZG_G2_BYTES);
  if (g2_is_infinity(p)) {
    out[0] = FLAG_INFINITY;
    return;
  }
  g2_affine_t a;
  g2_xyzz_to_affine(&a, p);
  fp_to_be_bytes(out, &a.x.c1);
  fp_to_be_bytes(out + 32, &a.x.c0);
  fp_to_be_bytes(out + 64, &a.y.c1);
  fp_to_be_bytes(out + 96, &a.y.c0);
}

const char *kzg_commit(const kzg_srs_t *srs, const uint8_t *blob, size_t blobBytes, size_t count, unsigned parts,
                       size_t trailingStart, kzg_method_t method, uint8_t commitment[KZG_G1_BYTES],
                       uint8_t lengthCommitment[KZG_G2_BYTES], uint8_t lengthProof[KZG_G2_BYTES]) {
  if (count == 0) return "cannot commit to an empty blob";
  if (count > srs->count) return "blob exceeds the SRS";
  if (blobBytes > count * 32 || blobBytes <= (count - 1) * 32) return "blob size does not match the word count";
  if ((parts & KZG_PART_LENGTH_PROOF) && (trailingStart > srs->count || srs->count - trailingStart < count))
    return "length proof bases run past the SRS";
  const unsigned bits = scalar_bits(blob, blobBytes, count);
  if (bits > MAX_SCALAR_BITS) return "blob word is not below 2^254";
  if (method == KZG_METHOD_TABLES && srs->tableCount < 2) return "the SRS was loaded without tables";
  msm_plan_t plan = msm_plan(count, bits, method == KZG_METHOD_TABLES ? KZG_METHOD_AUTO : method);
  int useTables = 0;
  if (srs->tableCount > 1 && (method == KZG_METHOD_TABLES || method == KZG_METHOD_AUTO)) {
    /* Windows all tableBits wide, covering the scalars' bits plus one (window_digits). */
    const unsigned windows = (bits + 1 + srs->tableBits - 1) / srs->tableBits;
    const double cost = table_cost(count, windows, srs->tableBits);
    if (method == KZG_METHOD_TABLES || cost < plan.cost) {
      plan = (msm_plan_t){srs->tableBits, windows, 0, 1, batch_size(srs->tableBits), cost};
      useTables = 1;
    }
  }
  int32_t *digits = malloc((size_t)plan.windows * count * sizeof *digits);
  if (!digits) return "out of memory for the window digits";
  const char *error = NULL;
  window_digits(digits, blob, blobBytes, count, &plan);
  {
    g1_xyzz_t g1Result;
    g2_xyzz_t g2Result;
    if (!error && (parts & KZG_PART_COMMITMENT)) {
      if (useTables ? g1_msm_tables(&g1Result, srs->g1, srs->count, srs->g1Infinity, &plan, digits, count)
                    : g1_msm(&g1Result, srs->g1, srs->g1Infinity, &plan, digits, count))
        write_g1(commitment, &g1Result);
      else
        error = "out of memory for the MSM";
    }
    if (!error && (parts & KZG_PART_LENGTH_COMMITMENT)) {
      if (useTables ? g2_msm_tables(&g2Result, srs->g2, srs->count, srs->g2Infinity, &plan, digits, count)
                    : g2_msm(&g2Result, srs->g2, srs->g2Infinity, &plan, digits, count))
        write_g2(lengthCommitment, &g2Result);
      else
        error = "out of memory for the MSM";
    }
    if (!error && (parts & KZG_PART_LENGTH_PROOF)) {
      if (useTables ? g2_msm_tables(&g2Result, srs->g2Trailing + trailingStart, srs->count,
                                    srs->g2TrailingInfinity + trailingStart, &plan, digits, count)
                    : g2_msm(&g2Result, srs->g2Trailing + trailingStart, srs->g2TrailingInfinity + trailingStart, &plan,
                             digits, count))
        write_g2(lengthProof, &g2Result);
      else
        error = "out of memory for the MSM";
    }
  }
  free(digits);
  return error;
}

unsigned kzg_srs_table_bits(const kzg_srs_t *srs) { return srs->tableBits; }

size_t kzg_srs_bytes(const kzg_srs_t *srs) {
  return srs->tableCount * srs->count * (sizeof(g1_affine_t) + 2 * sizeof(g2_affine_t));
}

static void write_be(uint8_t *out, const uint64_t *limbs, int count) {
  for (int limb = 0; limb < count; limb++) {
    for (int k = 0; k < 8; k++) out[(count - 1 - limb) * 8 + k] = (uint8_t)(limbs[limb] >> (56 - 8 * k));
  }
}

void kzg_field_constants(uint8_t modulus[32], uint8_t r2[32], uint8_t inv[8], uint8_t modulusSquared[64]) {
  write_be(modulus, FP_P, 4);
  write_be(r2, FP_R2, 4);
  write_be(inv, &FP_INV, 1);
  write_be(modulusSquared, FP_P2, 8);
}
