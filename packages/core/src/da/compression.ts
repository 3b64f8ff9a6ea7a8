/**
 * Batch body compression. The algorithm is named by a one-byte id in the batch header, so a batch stays decodable
 * when the batcher's default changes. Decompression is bounded by the declared length (and zstd's window by
 * `ZSTD_WINDOW_LOG_MAX`), so a hostile body can neither hang the decoder nor make it allocate beyond that bound.
 *
 * Default choice (`DEFAULT_BATCH_COMPRESSION` in batch.ts: zstd level 3), measured with
 * `node test/da/compression.bench.ts 10 400` (packages/core; Node 22.23, 2 shared cores) on a batch body of 10 blocks
 * × 400 signed EIP-1559 ERC-20 `transfer` txs (1000 senders, 20k recipients, 5 tokens): 726,242 B, 181.6 B/tx.
 *
 *   algorithm level   bytes    B/tx  ratio  compress MB/s  decompress MB/s
 *   brotli      4    419,237  104.8  0.577      42.7           231.8
 *   brotli      6    407,603  101.9  0.561      14.6           358.9
 *   brotli      9    407,259  101.8  0.561       5.8           471.3
 *   brotli     11    404,110  101.0  0.556       0.4           176.7
 *   zstd        1    422,923  105.7  0.582     275.6           374.6
 *   zstd        3    415,218  103.8  0.572     118.1           824.1
 *   zstd        9    412,813  103.2  0.568      28.7          1015.8
 *   zstd       19    407,296  101.8  0.561       3.5           831.9
 *
 * Signatures and recipient addresses dominate and do not compress, so every setting lands within 5% of the others;
 * zstd 3 gives up 2.7% against brotli 11 (1.9% against brotli 6) for 8× brotli 6's compression speed and 2.3× its
 * decompression speed (derivation reads every batch). zstd 19 / brotli 9 remain options for a DA-cost-bound chain.
 */
import { brotliCompressSync, brotliDecompressSync, constants, zstdCompressSync, zstdDecompressSync } from "node:zlib";
import { BatchDecodeError } from "./errors.ts";

export const CompressionAlgorithmId = { none: 0, brotli: 1, zstd: 2 } as const;
export type CompressionAlgorithm = keyof typeof CompressionAlgorithmId;

export interface CompressionSettings {
  readonly algorithm: CompressionAlgorithm;
  /** brotli quality 0–11 / zstd level 1–22; ignored for `none`. */
  readonly level: number;
}

/** zstd frames may ask for a window up to 2^27; the decoder refuses more than 2^24 (16 MiB) of window memory. */
export const ZSTD_WINDOW_LOG_MAX = 24;

export function compressionAlgorithmFromId(id: number): CompressionAlgorithm | undefined {
  for (const [name, value] of Object.entries(CompressionAlgorithmId)) {
    if (value === id) return name as CompressionAlgorithm;
  }
  return undefined;
}

export function compress(data: Uint8Array, settings: CompressionSettings): Uint8Array {
  switch (settings.algorithm) {
    case "none":
      return data;
    case "brotli":
      return new Uint8Array(
        brotliCompressSync(data, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: settings.level,
            [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
            [constants.BROTLI_PARAM_LGWIN]: 24,
          },
        }),
      );
    case "zstd":
      return new Uint8Array(
        zstdCompressSync(data, {
          pledgedSrcSize: data.length,
          params: {
            [constants.ZSTD_c_compressionLevel]: settings.level,
            [constants.ZSTD_c_windowLog]: ZSTD_WINDOW_LOG_MAX,
          },
        }),
      );
  }
}

/** Inflates `data` to exactly `expectedLength` bytes or throws `BatchDecodeError("decompression")`. */
export function decompress(data: Uint8Array, algorithm: CompressionAlgorithm, expectedLength: number): Uint8Array {
  let out: Uint8Array;
  try {
    switch (algorithm) {
      case "none":
        out = data;
        break;
      case "brotli":
        out = brotliDecompressSync(data, { maxOutputLength: Math.max(1, expectedLength) });
        break;
      case "zstd":
        out = zstdDecompressSync(data, {
          maxOutputLength: Math.max(1, expectedLength),
          params: { [constants.ZSTD_d_windowLogMax]: ZSTD_WINDOW_LOG_MAX },
        });
        break;
    }
  } catch (error) {
    throw new BatchDecodeError("decompression", `batch body does not inflate with ${algorithm}`, { cause: error });
  }
  if (out.length !== expectedLength) {
    throw new BatchDecodeError("decompression", "batch body inflates to the wrong length", {
      details: `declared ${expectedLength}, got ${out.length}`,
    });
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
