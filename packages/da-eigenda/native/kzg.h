/*
 * EigenDA blob commitments over a resident SRS (kzg.c), what the N-API addon (addon.c) exposes to Node. Points go in
 * and out in Mach's uncompressed encoding (points.ts): G1 X ‖ Y, G2 X.A1 ‖ X.A0 ‖ Y.A1 ‖ Y.A0, 32-byte big-endian
 * words; a first byte with the flag bits 0b01 (0x40) is the point at infinity.
 */
#ifndef MACH_KZG_H
#define MACH_KZG_H

#include <stddef.h>
#include <stdint.h>

#define KZG_G1_BYTES 64
#define KZG_G2_BYTES 128

#define KZG_PART_COMMITMENT 1u
#define KZG_PART_LENGTH_COMMITMENT 2u
#define KZG_PART_LENGTH_PROOF 4u

/* How buckets are filled: chosen by cost (auto), or forced (tests compare the two). */
typedef enum {
  KZG_METHOD_AUTO = 0, /* the least estimated cost, tables included when the SRS has them */
  KZG_METHOD_XYZZ = 1,
  KZG_METHOD_BATCH_AFFINE = 2,
  KZG_METHOD_TABLES = 3, /* fixed-base tables (an error when the SRS was loaded without them) */
} kzg_method_t;

/* Fixed-base tables: `tableBits` of kzg_srs_load, 0 for none or KZG_TABLE_BITS_AUTO. */
#define KZG_TABLE_BITS_AUTO (-1)
#define KZG_MIN_TABLE_BITS 2
#define KZG_MAX_TABLE_BITS 16
/*
 * The auto width keeps the SRS with its tables within this many bytes (and goes without tables when none fits), and
 * is at most KZG_MAX_AUTO_TABLE_BITS: wider windows' buckets (2^(c−1) G2 points) outgrow the caches, and measured no
 * faster for 2 MiB blobs at 16 bits than at 15, and slower for small blobs.
 */
#define KZG_MAX_TABLE_BYTES ((size_t)512 << 20)
#define KZG_MAX_AUTO_TABLE_BITS 15

typedef struct kzg_srs kzg_srs_t;

/*
 * Converts `count` points of each section into Montgomery-form affine points and, unless `tableBits` is 0, builds
 * fixed-base tables for them: 2^(k·tableBits) times each point, for every k below ⌈255 / tableBits⌉, so an MSM's
 * windows share one set of buckets and need no doublings (KZG_TABLE_BITS_AUTO: the width of least estimated cost
 * within KZG_MAX_TABLE_BYTES). NULL or an error message.
 */
const char *kzg_srs_load(kzg_srs_t **out, const uint8_t *g1, const uint8_t *g2, const uint8_t *g2Trailing,
                         size_t count, int tableBits);
/* The table width the SRS was loaded with (0: none), and the bytes its points and tables take. */
unsigned kzg_srs_table_bits(const kzg_srs_t *srs);
size_t kzg_srs_bytes(const kzg_srs_t *srs);
void kzg_srs_free(kzg_srs_t *srs);

/*
 * The requested parts of the commitment to `count` 32-byte big-endian words of `blob` (the last one right-padded
 * with zeros when `blobBytes` < 32·count): commitment over g1[0..count), length commitment over g2[0..count), length
 * proof over g2Trailing[trailingStart..trailingStart + count). Every word must be below 2^254 (callers check < r).
 * NULL or an error message.
 */
const char *kzg_commit(const kzg_srs_t *srs, const uint8_t *blob, size_t blobBytes, size_t count, unsigned parts,
                       size_t trailingStart, kzg_method_t method, uint8_t commitment[KZG_G1_BYTES],
                       uint8_t lengthCommitment[KZG_G2_BYTES], uint8_t lengthProof[KZG_G2_BYTES]);

/* The constants field.h uses, big-endian: p, R² mod p (32 bytes each), −p⁻¹ mod 2^64 (8 bytes) and p² (64 bytes). */
void kzg_field_constants(uint8_t modulus[32], uint8_t r2[32], uint8_t inv[8], uint8_t modulusSquared[64]);

#endif
