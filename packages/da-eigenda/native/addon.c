/*
 * Node-API binding of kzg.c (loaded by src/kzg/nativeAddon.ts):
 *   loadSrs(g1, g2, g2Trailing, count, tableBits) → an external holding the converted SRS and its fixed-base tables
 *     (tableBits: 0 none, −1 the width of least estimated cost, else that width; freed when it is garbage collected)
 *   srsInfo(srs) → { tableBits, bytes }: the tables' width (0: none) and the bytes the points and tables take
 *   commit(srs, blob, count, parts, trailingStart, method) → [commitment, lengthCommitment, lengthProof], each a
 *     Buffer of Mach's uncompressed encoding or undefined when not requested (parts: kzg.h's KZG_PART_* bits)
 *   fieldConstants() → { modulus, montgomeryR2, montgomeryInv, modulusSquared } as hex, for the test that recomputes
 *     them
 * NAPI_MODULE_INIT registers the module per environment, so every worker thread can load it.
 */
#include <node_api.h>
#include <stdio.h>

#include "kzg.h"

#define CHECK(env, call)                                         \
  do {                                                           \
    if ((call) != napi_ok) {                                     \
      napi_throw_error((env), NULL, "kzg addon: " #call " failed"); \
      return NULL;                                               \
    }                                                            \
  } while (0)

static napi_value throw_error(napi_env env, const char *message) {
  napi_throw_error(env, NULL, message);
  return NULL;
}

/* The bytes of a Uint8Array (or Buffer) argument; 0 when it is not one. */
static int typed_bytes(napi_env env, napi_value value, const uint8_t **data, size_t *length) {
  bool isTyped = false;
  if (napi_is_typedarray(env, value, &isTyped) != napi_ok || !isTyped) return 0;
  napi_typedarray_type type;
  void *raw = NULL;
  if (napi_get_typedarray_info(env, value, &type, length, &raw, NULL, NULL) != napi_ok) return 0;
  if (type != napi_uint8_array) return 0;
  *data = raw;
  return 1;
}

/* A non-negative integer argument that fits a size_t; 0 when it is not one. */
static int size_arg(napi_env env, napi_value value, size_t *out) {
  double number = 0;
  if (napi_get_value_double(env, value, &number) != napi_ok) return 0;
  if (!(number >= 0 && number <= 9007199254740991.0) || number != (double)(size_t)number) return 0;
  *out = (size_t)number;
  return 1;
}

static void free_srs(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  kzg_srs_free(data);
}

static napi_value load_srs(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  const uint8_t *g1, *g2, *trailing;
  size_t g1Bytes, g2Bytes, trailingBytes, count;
  int32_t tableBits = 0;
  if (argc < 5 || !typed_bytes(env, argv[0], &g1, &g1Bytes) || !typed_bytes(env, argv[1], &g2, &g2Bytes) ||
      !typed_bytes(env, argv[2], &trailing, &trailingBytes) || !size_arg(env, argv[3], &count) ||
      napi_get_value_int32(env, argv[4], &tableBits) != napi_ok)
    return throw_error(env, "loadSrs(g1, g2, g2Trailing, count, tableBits): three Uint8Arrays and two numbers");
  if (g1Bytes != count * KZG_G1_BYTES || g2Bytes != count * KZG_G2_BYTES || trailingBytes != count * KZG_G2_BYTES)
    return throw_error(env, "SRS sections do not hold count points each");
  kzg_srs_t *srs = NULL;
  const char *error = kzg_srs_load(&srs, g1, g2, trailing, count, tableBits);
  if (error) return throw_error(env, error);
  napi_value external;
  if (napi_create_external(env, srs, free_srs, NULL, &external) != napi_ok) {
    kzg_srs_free(srs);
    return throw_error(env, "kzg addon: napi_create_external failed");
  }
  return external;
}

static napi_value commit(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  void *srs = NULL;
  const uint8_t *blob;
  size_t blobBytes, count, parts, trailingStart, method;
  if (argc < 6 || napi_get_value_external(env, argv[0], &srs) != napi_ok || !srs ||
      !typed_bytes(env, argv[1], &blob, &blobBytes) || !size_arg(env, argv[2], &count) ||
      !size_arg(env, argv[3], &parts) || !size_arg(env, argv[4], &trailingStart) || !size_arg(env, argv[5], &method))
    return throw_error(env, "commit(srs, blob, count, parts, trailingStart, method): bad arguments");
  if (parts > 7 || method > KZG_METHOD_TABLES) return throw_error(env, "commit: bad parts or method");
  uint8_t out[KZG_G1_BYTES + 2 * KZG_G2_BYTES];
  const char *error = kzg_commit(srs, blob, blobBytes, count, (unsigned)parts, trailingStart, (kzg_method_t)method,
                                 out, out + KZG_G1_BYTES, out + KZG_G1_BYTES + KZG_G2_BYTES);
  if (error) return throw_error(env, error);
  napi_value result, undefined;
  CHECK(env, napi_create_array_with_length(env, 3, &result));
  CHECK(env, napi_get_undefined(env, &undefined));
  const size_t offsets[3] = {0, KZG_G1_BYTES, KZG_G1_BYTES + KZG_G2_BYTES};
  const size_t sizes[3] = {KZG_G1_BYTES, KZG_G2_BYTES, KZG_G2_BYTES};
  for (unsigned i = 0; i < 3; i++) {
    napi_value point = undefined;
    if (parts & (1u << i)) CHECK(env, napi_create_buffer_copy(env, sizes[i], out + offsets[i], NULL, &point));
    CHECK(env, napi_set_element(env, result, i, point));
  }
  return result;
}

static napi_value srs_info(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  void *srs = NULL;
  if (argc < 1 || napi_get_value_external(env, argv[0], &srs) != napi_ok || !srs)
    return throw_error(env, "srsInfo(srs): bad arguments");
  napi_value result, tableBits, bytes;
  CHECK(env, napi_create_object(env, &result));
  CHECK(env, napi_create_uint32(env, kzg_srs_table_bits(srs), &tableBits));
  CHECK(env, napi_create_double(env, (double)kzg_srs_bytes(srs), &bytes));
  CHECK(env, napi_set_named_property(env, result, "tableBits", tableBits));
  CHECK(env, napi_set_named_property(env, result, "bytes", bytes));
  return result;
}

static napi_value hex_string(napi_env env, const uint8_t *bytes, size_t length) {
  char text[2 * 64 + 1];
  for (size_t i = 0; i < length; i++) snprintf(text + 2 * i, 3, "%02x", bytes[i]);
  napi_value value;
  if (napi_create_string_utf8(env, text, 2 * length, &value) != napi_ok) return NULL;
  return value;
}

static napi_value field_constants(napi_env env, napi_callback_info info) {
  (void)info;
  uint8_t modulus[32], r2[32], inv[8], modulusSquared[64];
  kzg_field_constants(modulus, r2, inv, modulusSquared);
  napi_value result;
  CHECK(env, napi_create_object(env, &result));
  CHECK(env, napi_set_named_property(env, result, "modulus", hex_string(env, modulus, 32)));
  CHECK(env, napi_set_named_property(env, result, "montgomeryR2", hex_string(env, r2, 32)));
  CHECK(env, napi_set_named_property(env, result, "montgomeryInv", hex_string(env, inv, 8)));
  CHECK(env, napi_set_named_property(env, result, "modulusSquared", hex_string(env, modulusSquared, 64)));
  return result;
}

NAPI_MODULE_INIT() {
  const napi_property_descriptor properties[] = {
      {"loadSrs", NULL, load_srs, NULL, NULL, NULL, napi_default, NULL},
      {"commit", NULL, commit, NULL, NULL, NULL, napi_default, NULL},
      {"srsInfo", NULL, srs_info, NULL, NULL, NULL, napi_default, NULL},
      {"fieldConstants", NULL, field_constants, NULL, NULL, NULL, napi_default, NULL},
  };
  if (napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties) != napi_ok) return NULL;
  return exports;
}
