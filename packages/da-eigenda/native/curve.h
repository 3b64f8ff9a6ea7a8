/*
 * Short-Weierstrass points y² = x³ + b (a = 0) over one field, written once for both BN254 groups: msm.c includes this
 * file twice, with F(op) naming the field's functions (fp_… for G1, fp2_… for G2) and PT(name) prefixing this file's
 * names (g1_…, g2_…).
 *
 * Two forms:
 * - affine (x, y): the SRS bases and the batch-affine buckets; "infinity" is kept beside them, not in them;
 * - XYZZ (X, Y, ZZ, ZZZ) with x = X/ZZ, y = Y/ZZZ (ZZ³ = ZZZ²); ZZ = 0 is the point at infinity. Formulas from the
 *   Explicit-Formulas Database, "xyzz" coordinates for a = 0: madd-2008-s (8M + 2S), add-2008-s (12M + 2S),
 *   dbl-2008-s-1 and mdbl-2008-s-1. Every addition checks the doubling (P = Q) and cancelling (P = −Q) cases the
 *   formulas do not cover.
 */

typedef struct {
  F(t) x, y;
} PT(affine_t);

typedef struct {
  F(t) x, y, zz, zzz;
} PT(xyzz_t);

static inline void PT(set_infinity)(PT(xyzz_t) * p) { memset(p, 0, sizeof *p); }

static inline int PT(is_infinity)(const PT(xyzz_t) * p) { return F(is_zero)(&p->zz); }

/* r = 2·q for affine q (mdbl-2008-s-1). q has y ≠ 0: both groups have odd order, so no point of order two. */
static void PT(xyzz_from_affine_dbl)(PT(xyzz_t) * r, const F(t) * x, const F(t) * y) {
  F(t) u, v, w, s, m, t;
  F(dbl)(&u, y);
  F(sqr)(&v, &u);
  F(mul)(&w, &u, &v);
  F(mul)(&s, x, &v);
  F(sqr)(&m, x);
  F(dbl)(&t, &m);
  F(add)(&m, &m, &t); /* M = 3x² */
  F(sqr)(&r->x, &m);
  F(dbl)(&t, &s);
  F(sub)(&r->x, &r->x, &t);
  F(sub)(&t, &s, &r->x);
  F(mul)(&t, &m, &t);
  F(mul)(&r->y, &w, y);
  F(sub)(&r->y, &t, &r->y);
  r->zz = v;
  r->zzz = w;
}

/* r = 2·r (dbl-2008-s-1). */
static void PT(xyzz_dbl)(PT(xyzz_t) * r) {
  if (PT(is_infinity)(r)) return;
  F(t) u, v, w, s, m, t;
  F(dbl)(&u, &r->y);
  F(sqr)(&v, &u);
  F(mul)(&w, &u, &v);
  F(mul)(&s, &r->x, &v);
  F(sqr)(&m, &r->x);
  F(dbl)(&t, &m);
  F(add)(&m, &m, &t);
  F(mul)(&r->y, &w, &r->y); /* W·Y1, before Y is overwritten */
  F(sqr)(&r->x, &m);
  F(dbl)(&t, &s);
  F(sub)(&r->x, &r->x, &t);
  F(sub)(&t, &s, &r->x);
  F(mul)(&t, &m, &t);
  F(sub)(&r->y, &t, &r->y);
  F(mul)(&r->zz, &r->zz, &v);
  F(mul)(&r->zzz, &r->zzz, &w);
}

/* r += (x, ±y): mixed addition of an affine point, negated when `negate` (madd-2008-s). */
static void PT(xyzz_add_affine)(PT(xyzz_t) * r, const PT(affine_t) * q, int negate) {
  F(t) y2;
  if (negate)
    F(neg)(&y2, &q->y);
  else
    y2 = q->y;
  if (PT(is_infinity)(r)) {
    r->x = q->x;
    r->y = y2;
    F(one)(&r->zz);
    F(one)(&r->zzz);
    return;
  }
  F(t) u2, s2, p, rr, pp, ppp, qq, t;
  F(mul)(&u2, &q->x, &r->zz);
  F(mul)(&s2, &y2, &r->zzz);
  F(sub)(&p, &u2, &r->x);
  F(sub)(&rr, &s2, &r->y);
  if (F(is_zero)(&p)) {
    if (F(is_zero)(&rr))
      PT(xyzz_from_affine_dbl)(r, &q->x, &y2);
    else
      PT(set_infinity)(r);
    return;
  }
  F(sqr)(&pp, &p);
  F(mul)(&ppp, &p, &pp);
  F(mul)(&qq, &r->x, &pp);
  F(sqr)(&r->x, &rr);
  F(sub)(&r->x, &r->x, &ppp);
  F(dbl)(&t, &qq);
  F(sub)(&r->x, &r->x, &t);
  F(sub)(&t, &qq, &r->x);
  F(mul)(&t, &rr, &t);
  F(mul)(&r->y, &r->y, &ppp);
  F(sub)(&r->y, &t, &r->y);
  F(mul)(&r->zz, &r->zz, &pp);
  F(mul)(&r->zzz, &r->zzz, &ppp);
}

/* r += q (add-2008-s). */
static void PT(xyzz_add)(PT(xyzz_t) * r, const PT(xyzz_t) * q) {
  if (PT(is_infinity)(q)) return;
  if (PT(is_infinity)(r)) {
    *r = *q;
    return;
  }
  F(t) u1, u2, s1, s2, p, rr, pp, ppp, qq, t;
  F(mul)(&u1, &r->x, &q->zz);
  F(mul)(&u2, &q->x, &r->zz);
  F(mul)(&s1, &r->y, &q->zzz);
  F(mul)(&s2, &q->y, &r->zzz);
  F(sub)(&p, &u2, &u1);
  F(sub)(&rr, &s2, &s1);
  if (F(is_zero)(&p)) {
    if (F(is_zero)(&rr))
      PT(xyzz_dbl)(r);
    else
      PT(set_infinity)(r);
    return;
  }
  F(sqr)(&pp, &p);
  F(mul)(&ppp, &p, &pp);
  F(mul)(&qq, &u1, &pp);
  F(sqr)(&r->x, &rr);
  F(sub)(&r->x, &r->x, &ppp);
  F(dbl)(&t, &qq);
  F(sub)(&r->x, &r->x, &t);
  F(sub)(&t, &qq, &r->x);
  F(mul)(&t, &rr, &t);
  F(mul)(&r->y, &s1, &ppp);
  F(sub)(&r->y, &t, &r->y);
  F(mul)(&r->zz, &r->zz, &q->zz);
  F(mul)(&r->zz, &r->zz, &pp);
  F(mul)(&r->zzz, &r->zzz, &q->zzz);
  F(mul)(&r->zzz, &r->zzz, &ppp);
}

/* Affine form of p (p not at infinity): 1/ZZ = ZZZ·(ZZ·ZZZ)⁻¹ and 1/ZZZ = ZZ·(ZZ·ZZZ)⁻¹, one inversion. */
static void PT(xyzz_to_affine)(PT(affine_t) * a, const PT(xyzz_t) * p) {
  F(t) inv, t;
  F(mul)(&inv, &p->zz, &p->zzz);
  F(inv)(&inv, &inv);
  F(mul)(&t, &p->zzz, &inv);
  F(mul)(&a->x, &p->x, &t);
  F(mul)(&t, &p->zz, &inv);
  F(mul)(&a->y, &p->y, &t);
}

/* y² = x³ + b. */
static int PT(is_on_curve)(const PT(affine_t) * a, const F(t) * b) {
  F(t) lhs, rhs;
  F(sqr)(&lhs, &a->y);
  F(sqr)(&rhs, &a->x);
  F(mul)(&rhs, &rhs, &a->x);
  F(add)(&rhs, &rhs, b);
  return F(eq)(&lhs, &rhs);
}

/*
 * Σ digits·bases for one window with XYZZ buckets: each base goes into the bucket of its digit's magnitude by one
 * mixed addition. `buckets` holds `bucketCount` points; the caller reduces them.
 */
static void PT(fill_buckets_xyzz)(PT(xyzz_t) * buckets, size_t bucketCount, const PT(affine_t) * bases,
                                  const uint8_t *baseIsInfinity, const int32_t *digits, size_t count) {
  for (size_t k = 0; k < bucketCount; k++) PT(set_infinity)(&buckets[k]);
  for (size_t i = 0; i < count; i++) {
    const int32_t digit = digits[i];
    if (digit == 0 || baseIsInfinity[i]) continue;
    const int negate = digit < 0;
    PT(xyzz_add_affine)(&buckets[(negate ? -digit : digit) - 1], &bases[i], negate);
  }
}

/*
 * The same with affine buckets and batched additions: an affine addition A + B needs λ = (yB − yA)/(xB − xA), and
 * the inverses of a batch of independent additions' denominators cost one inversion and three multiplications each
 * (Montgomery's trick, field.h's F(batch_inverse); in Fp2 it runs over the denominators' norms in Fp); with λ² and
 * λ·(xA − x3) that is about 5M + 1S per base against 8M + 2S for a mixed addition.
 * Additions in one batch must touch different buckets: a base whose bucket is already in the batch waits in a queue
 * (as long as the batch) and goes into a later batch; when the queue is full too (digits crowding into few buckets,
 * as in a top window holding few bits) the base goes by mixed addition into an XYZZ overflow bucket beside the
 * affine one. An empty bucket takes the base as it is, without a batch.
 */
typedef struct {
  PT(affine_t) * buckets;
  uint8_t *bucketFull;
  uint32_t *bucketBatch; /* id of the batch that last took the bucket */
  uint32_t batchId;
  size_t batchCapacity, batchCount;
  uint32_t *batchBucket;
  uint32_t *batchBase;
  uint8_t *batchNegate;
  uint8_t *batchKind; /* ADD_GENERIC, ADD_DOUBLING, ADD_CANCELS */
  F(t) * batchDenominator; /* then their inverses */
  fp_t *inverseScratch;     /* 2 × batchCapacity base-field elements for F(batch_inverse) */
  uint32_t *queueBase;
  int32_t *queueDigit;
  size_t queueCount; /* at most batchCapacity */
  PT(xyzz_t) * overflow;
  uint8_t *overflowFull; /* whether the overflow bucket holds a point: only those are touched (cleared, read) */
  const PT(affine_t) * bases;
} PT(batch_state_t);

/* Applies every addition of the batch to its bucket and starts a new batch. */
static void PT(flush_batch)(PT(batch_state_t) * s) {
  const size_t n = s->batchCount;
  if (n > 0) {
    F(t) y2, t;
    for (size_t j = 0; j < n; j++) {
      const PT(affine_t) *a = &s->buckets[s->batchBucket[j]];
      const PT(affine_t) *b = &s->bases[s->batchBase[j]];
      F(t) *d = &s->batchDenominator[j];
      if (!F(eq)(&a->x, &b->x)) {
        s->batchKind[j] = ADD_GENERIC;
        F(sub)(d, &b->x, &a->x);
      } else {
        if (s->batchNegate[j])
          F(neg)(&y2, &b->y);
        else
          y2 = b->y;
        if (F(eq)(&a->y, &y2)) {
          s->batchKind[j] = ADD_DOUBLING;
          F(dbl)(d, &a->y); /* λ = 3x²/2y */
        } else {
          s->batchKind[j] = ADD_CANCELS;
          F(one)(d);
        }
      }
    }
    /* Denominators → their inverses, in place. */
    F(batch_inverse)(s->batchDenominator, n, s->inverseScratch);
    F(t) lambda, x3;
    for (size_t j = 0; j < n; j++) {
      const F(t) *dInv = &s->batchDenominator[j];
      const uint32_t k = s->batchBucket[j];
      PT(affine_t) *a = &s->buckets[k];
      const PT(affine_t) *b = &s->bases[s->batchBase[j]];
      if (s->batchKind[j] == ADD_CANCELS) {
        s->bucketFull[k] = 0;
        continue;
      }
      if (s->batchKind[j] == ADD_GENERIC) {
        if (s->batchNegate[j]) {
          F(add)(&t, &b->y, &a->y); /* (−yB) − yA */
          F(neg)(&t, &t);
        } else {
          F(sub)(&t, &b->y, &a->y);
        }
      } else {
        F(sqr)(&t, &a->x);
        F(dbl)(&y2, &t);
        F(add)(&t, &t, &y2);
      }
      F(mul)(&lambda, &t, dInv);
      F(sqr)(&x3, &lambda);
      F(sub)(&x3, &x3, &a->x);
      F(sub)(&x3, &x3, &b->x);
      F(sub)(&t, &a->x, &x3);
      F(mul)(&t, &lambda, &t);
      F(sub)(&a->y, &t, &a->y);
      a->x = x3;
    }
  }
  s->batchCount = 0;
  s->batchId++;
}

/* Puts base i with digit d into its bucket, the batch or the queue; returns 0 when it had to queue it. */
static int PT(schedule_addition)(PT(batch_state_t) * s, uint32_t i, int32_t digit) {
  const int negate = digit < 0;
  const uint32_t k = (uint32_t)(negate ? -digit : digit) - 1;
  if (!s->bucketFull[k]) {
    s->buckets[k].x = s->bases[i].x;
    if (negate)
      F(neg)(&s->buckets[k].y, &s->bases[i].y);
    else
      s->buckets[k].y = s->bases[i].y;
    s->bucketFull[k] = 1;
    return 1;
  }
  if (s->bucketBatch[k] == s->batchId || s->batchCount == s->batchCapacity) return 0;
  s->bucketBatch[k] = s->batchId;
  const size_t j = s->batchCount++;
  s->batchBucket[j] = k;
  s->batchBase[j] = i;
  s->batchNegate[j] = (uint8_t)negate;
  return 1;
}

/* After a flush: moves queued bases into the new batch where their buckets are free; keeps the rest queued. */
static void PT(drain_queue)(PT(batch_state_t) * s) {
  size_t kept = 0;
  for (size_t q = 0; q < s->queueCount; q++) {
    if (!PT(schedule_addition)(s, s->queueBase[q], s->queueDigit[q])) {
      s->queueBase[kept] = s->queueBase[q];
      s->queueDigit[kept] = s->queueDigit[q];
      kept++;
    }
  }
  s->queueCount = kept;
}

/* Base i with digit d into the queue, or into its overflow bucket when the queue is full. */
static void PT(defer_addition)(PT(batch_state_t) * s, uint32_t i, int32_t digit) {
  if (s->queueCount < s->batchCapacity) {
    s->queueBase[s->queueCount] = i;
    s->queueDigit[s->queueCount] = digit;
    s->queueCount++;
    return;
  }
  const int negate = digit < 0;
  const uint32_t k = (uint32_t)(negate ? -digit : digit) - 1;
  if (!s->overflowFull[k]) {
    PT(set_infinity)(&s->overflow[k]);
    s->overflowFull[k] = 1;
  }
  PT(xyzz_add_affine)(&s->overflow[k], &s->bases[i], negate);
}

static void PT(fill_buckets_affine)(PT(batch_state_t) * s, size_t bucketCount, const uint8_t *baseIsInfinity,
                                    const int32_t *digits, size_t count) {
  memset(s->bucketFull, 0, bucketCount);
  memset(s->overflowFull, 0, bucketCount);
  memset(s->bucketBatch, 0, bucketCount * sizeof *s->bucketBatch);
  s->batchId = 1;
  s->batchCount = 0;
  s->queueCount = 0;
  for (size_t i = 0; i < count; i++) {
    const int32_t digit = digits[i];
    if (digit == 0 || baseIsInfinity[i]) continue;
    if (!PT(schedule_addition)(s, (uint32_t)i, digit)) PT(defer_addition)(s, (uint32_t)i, digit);
    while (s->batchCount == s->batchCapacity) {
      PT(flush_batch)(s);
      PT(drain_queue)(s);
    }
  }
  while (s->batchCount > 0 || s->queueCount > 0) {
    PT(flush_batch)(s);
    PT(drain_queue)(s);
  }
}

/* Σ k·bucket_k as Σ_k (bucket_top + … + bucket_k), two running sums. */
static void PT(reduce_buckets_xyzz)(PT(xyzz_t) * windowSum, const PT(xyzz_t) * buckets, size_t bucketCount) {
  PT(xyzz_t) running;
  PT(set_infinity)(&running);
  PT(set_infinity)(windowSum);
  for (size_t k = bucketCount; k-- > 0;) {
    PT(xyzz_add)(&running, &buckets[k]);
    PT(xyzz_add)(windowSum, &running);
  }
}

static void PT(reduce_buckets_affine)(PT(xyzz_t) * windowSum, const PT(affine_t) * buckets, const uint8_t *full,
                                      const PT(xyzz_t) * overflow, const uint8_t *overflowFull, size_t bucketCount) {
  PT(xyzz_t) running;
  PT(set_infinity)(&running);
  PT(set_infinity)(windowSum);
  for (size_t k = bucketCount; k-- > 0;) {
    if (full[k]) PT(xyzz_add_affine)(&running, &buckets[k], 0);
    if (overflowFull[k]) PT(xyzz_add)(&running, &overflow[k]);
    PT(xyzz_add)(windowSum, &running);
  }
}

/* Frees what batch_state_alloc allocated (also after a partial allocation). */
static void PT(batch_state_free)(PT(batch_state_t) * s) {
  free(s->buckets);
  free(s->bucketFull);
  free(s->bucketBatch);
  free(s->batchBucket);
  free(s->batchBase);
  free(s->batchNegate);
  free(s->batchKind);
  free(s->batchDenominator);
  free(s->inverseScratch);
  free(s->queueBase);
  free(s->queueDigit);
  free(s->overflow);
  free(s->overflowFull);
}

/* Scratch for batch-affine buckets over `bases`; returns 0 (everything freed) when memory could not be had. */
static int PT(batch_state_alloc)(PT(batch_state_t) * s, const PT(affine_t) * bases, size_t maxBucketCount,
                                 size_t batchCapacity) {
  memset(s, 0, sizeof *s);
  s->bases = bases;
  s->batchCapacity = batchCapacity;
  s->buckets = malloc(maxBucketCount * sizeof *s->buckets);
  s->bucketFull = malloc(maxBucketCount);
  s->bucketBatch = malloc(maxBucketCount * sizeof *s->bucketBatch);
  s->batchBucket = malloc(batchCapacity * sizeof *s->batchBucket);
  s->batchBase = malloc(batchCapacity * sizeof *s->batchBase);
  s->batchNegate = malloc(batchCapacity);
  s->batchKind = malloc(batchCapacity);
  s->batchDenominator = malloc(batchCapacity * sizeof *s->batchDenominator);
  s->inverseScratch = malloc(2 * batchCapacity * sizeof *s->inverseScratch);
  s->queueBase = malloc(batchCapacity * sizeof *s->queueBase);
  s->queueDigit = malloc(batchCapacity * sizeof *s->queueDigit);
  s->overflow = malloc(maxBucketCount * sizeof *s->overflow);
  s->overflowFull = malloc(maxBucketCount);
  if (s->buckets && s->bucketFull && s->bucketBatch && s->batchBucket && s->batchBase && s->batchNegate &&
      s->batchKind && s->batchDenominator && s->inverseScratch && s->queueBase && s->queueDigit && s->overflow &&
      s->overflowFull)
    return 1;
  PT(batch_state_free)(s);
  return 0;
}

/*
 * result = Σ scalar_i·base_i from the scalars' signed window digits (window-major, `plan->windows` × count), top
 * window first, as many doublings before a window as it is wide. Returns 0 when scratch memory could not be had.
 */
static int PT(msm)(PT(xyzz_t) * result, const PT(affine_t) * bases, const uint8_t *baseIsInfinity,
                   const msm_plan_t *plan, const int32_t *digits, size_t count) {
  /* The widest window's buckets; a narrower one uses the first half. */
  const size_t maxBucketCount = (size_t)1 << (window_width(plan, plan->windows - 1) - 1);
  PT(set_infinity)(result);
  PT(xyzz_t) windowSum;
  if (!plan->batchAffine) {
    PT(xyzz_t) *buckets = malloc(maxBucketCount * sizeof *buckets);
    if (!buckets) return 0;
    for (unsigned w = plan->windows; w-- > 0;) {
      const unsigned width = window_width(plan, w);
      const size_t bucketCount = (size_t)1 << (width - 1);
      for (unsigned b = 0; b < width; b++) PT(xyzz_dbl)(result);
      PT(fill_buckets_xyzz)(buckets, bucketCount, bases, baseIsInfinity, digits + (size_t)w * count, count);
      PT(reduce_buckets_xyzz)(&windowSum, buckets, bucketCount);
      PT(xyzz_add)(result, &windowSum);
    }
    free(buckets);
    return 1;
  }
  PT(batch_state_t) s;
  if (!PT(batch_state_alloc)(&s, bases, maxBucketCount, plan->batchSize)) return 0;
  for (unsigned w = plan->windows; w-- > 0;) {
    const unsigned width = window_width(plan, w);
    const size_t bucketCount = (size_t)1 << (width - 1);
    for (unsigned b = 0; b < width; b++) PT(xyzz_dbl)(result);
    PT(fill_buckets_affine)(&s, bucketCount, baseIsInfinity, digits + (size_t)w * count, count);
    PT(reduce_buckets_affine)(&windowSum, s.buckets, s.bucketFull, s.overflow, s.overflowFull, bucketCount);
    PT(xyzz_add)(result, &windowSum);
  }
  PT(batch_state_free)(&s);
  return 1;
}

/*
 * points[j] ← 2·points[j] for j < n, in affine form, skipping those flagged at infinity: λ = 3x²/2y, x' = λ² − 2x,
 * y' = λ(x − x') − y, the denominators inverted together (Montgomery's trick, as in flush_batch). y ≠ 0: both groups
 * have odd order. `denominators` holds n elements, `scratch` 2n base-field elements.
 */
static void PT(double_affine_batch)(PT(affine_t) * points, const uint8_t *isInfinity, size_t n, F(t) * denominators,
                                    fp_t *scratch) {
  for (size_t j = 0; j < n; j++) {
    if (isInfinity[j])
      F(one)(&denominators[j]);
    else
      F(dbl)(&denominators[j], &points[j].y);
  }
  F(batch_inverse)(denominators, n, scratch);
  for (size_t j = 0; j < n; j++) {
    if (isInfinity[j]) continue;
    PT(affine_t) *p = &points[j];
    F(t) lambda, t, x3;
    F(sqr)(&t, &p->x);
    F(dbl)(&lambda, &t);
    F(add)(&t, &t, &lambda);
    F(mul)(&lambda, &t, &denominators[j]);
    F(sqr)(&x3, &lambda);
    F(sub)(&x3, &x3, &p->x);
    F(sub)(&x3, &x3, &p->x);
    F(sub)(&t, &p->x, &x3);
    F(mul)(&t, &lambda, &t);
    F(sub)(&p->y, &t, &p->y);
    p->x = x3;
  }
}

/*
 * Fixed-base tables: tables[k·count + j] = 2^(k·bits)·points[j] for k < tableCount, table 0 being the points
 * themselves (already in place): table k is table k − 1 doubled `bits` times, in chunks of CHUNK points. Returns 0
 * when scratch memory could not be had.
 */
static int PT(build_tables)(PT(affine_t) * tables, const uint8_t *isInfinity, size_t count, unsigned tableCount,
                            unsigned bits) {
  enum { CHUNK = 1024 };
  F(t) *denominators = malloc(CHUNK * sizeof *denominators);
  fp_t *scratch = malloc(2 * CHUNK * sizeof *scratch);
  if (!denominators || !scratch) {
    free(denominators);
    free(scratch);
    return 0;
  }
  for (unsigned k = 1; k < tableCount; k++) {
    PT(affine_t) *table = tables + (size_t)k * count;
    memcpy(table, tables + (size_t)(k - 1) * count, count * sizeof *table);
    for (size_t start = 0; start < count; start += CHUNK) {
      const size_t n = count - start < CHUNK ? count - start : CHUNK;
      for (unsigned b = 0; b < bits; b++)
        PT(double_affine_batch)(table + start, isInfinity + start, n, denominators, scratch);
    }
  }
  free(denominators);
  free(scratch);
  return 1;
}

/*
 * The same sum over fixed-base tables (build_tables): with every window `plan->windowBits` wide, window w's digit of
 * scalar i multiplies tables[w·tableStride + i], which is 2^(w·bits) times base i, so all windows share one set of
 * buckets, reduced once, and no doublings are needed. `tables` and `baseIsInfinity` start at the first base (an
 * offset into the SRS); `tableStride` is the SRS's point count. Returns 0 when scratch memory could not be had.
 */
static int PT(msm_tables)(PT(xyzz_t) * result, const PT(affine_t) * tables, size_t tableStride,
                          const uint8_t *baseIsInfinity, const msm_plan_t *plan, const int32_t *digits, size_t count) {
  const size_t bucketCount = (size_t)1 << (plan->windowBits - 1);
  PT(batch_state_t) s;
  if (!PT(batch_state_alloc)(&s, tables, bucketCount, plan->batchSize)) return 0;
  memset(s.bucketFull, 0, bucketCount);
  memset(s.overflowFull, 0, bucketCount);
  memset(s.bucketBatch, 0, bucketCount * sizeof *s.bucketBatch);
  s.batchId = 1;
  for (unsigned w = 0; w < plan->windows; w++) {
    const int32_t *windowDigits = digits + (size_t)w * count;
    const uint32_t first = (uint32_t)((size_t)w * tableStride);
    for (size_t i = 0; i < count; i++) {
      const int32_t digit = windowDigits[i];
      if (digit == 0 || baseIsInfinity[i]) continue;
      const uint32_t base = first + (uint32_t)i;
      if (!PT(schedule_addition)(&s, base, digit)) PT(defer_addition)(&s, base, digit);
      while (s.batchCount == s.batchCapacity) {
        PT(flush_batch)(&s);
        PT(drain_queue)(&s);
      }
    }
  }
  while (s.batchCount > 0 || s.queueCount > 0) {
    PT(flush_batch)(&s);
    PT(drain_queue)(&s);
  }
  PT(reduce_buckets_affine)(result, s.buckets, s.bucketFull, s.overflow, s.overflowFull, bucketCount);
  PT(batch_state_free)(&s);
  return 1;
}
