/**
 * celestia-node's JSON shapes (Go `encoding/json`: `[]byte` as padded base64, uint64 as a number, except header
 * heights, which tendermint writes as strings), with zod parsers for what the client reads back.
 */
import { z } from "zod";
import { base64ToBytes, bytesToBase64 } from "../bytes.ts";

const base64Bytes = z.string().transform((text, ctx) => {
  const bytes = base64ToBytes(text);
  if (bytes === undefined) {
    ctx.addIssue({ code: "custom", message: "not standard padded base64" });
    return z.NEVER;
  }
  return bytes;
});

/** `blob.Blob` JSON (`blob/blob.go` `jsonBlob`). */
export interface BlobJson {
  namespace: string;
  data: string;
  share_version: number;
  commitment: string;
  signer?: string;
  index: number;
}

export const blobJsonSchema = z.object({
  namespace: base64Bytes,
  data: base64Bytes,
  share_version: z.number().int().nonnegative(),
  commitment: base64Bytes,
  signer: base64Bytes.optional(),
  index: z.number().int().default(-1),
});
export type DecodedBlob = z.output<typeof blobJsonSchema>;

export function blobToJson(blob: {
  namespace: Uint8Array;
  data: Uint8Array;
  shareVersion: number;
  commitment: Uint8Array;
  signer?: Uint8Array;
  index?: number;
}): BlobJson {
  const json: BlobJson = {
    namespace: bytesToBase64(blob.namespace),
    data: bytesToBase64(blob.data),
    share_version: blob.shareVersion,
    commitment: bytesToBase64(blob.commitment),
    index: blob.index ?? -1,
  };
  if (blob.signer !== undefined) json.signer = bytesToBase64(blob.signer);
  return json;
}

/** `nmt.Proof` JSON: `start` is omitted when 0. */
export interface NmtProofJson {
  start?: number;
  end: number;
  nodes: string[];
  leaf_hash?: string;
  is_max_namespace_ignored: boolean;
}

export const nmtProofJsonSchema = z.object({
  start: z.number().int().nonnegative().default(0),
  end: z.number().int().nonnegative(),
  nodes: z.array(base64Bytes).default([]),
  leaf_hash: base64Bytes.optional(),
  is_max_namespace_ignored: z.boolean().default(false),
});

/** `blob.Proof`: one NMT proof per row the blob spans. */
export const blobProofJsonSchema = z.array(nmtProofJsonSchema);

/** The parts of an `ExtendedHeader` the adapter reads. */
export const extendedHeaderJsonSchema = z.object({
  header: z.object({
    height: z.string().regex(/^\d+$/),
    time: z.string(),
    data_hash: z.string(),
  }),
  dah: z.object({ row_roots: z.array(z.string()).nullable(), column_roots: z.array(z.string()).nullable() }),
});

/** The `ExtendedHeader` subset the stand-in writes (tendermint header fields as strings and upper-case hex). */
export interface ExtendedHeaderJson {
  header: {
    version: { block: string; app: string };
    chain_id: string;
    height: string;
    time: string;
    last_block_id: { hash: string };
    data_hash: string;
  };
  dah: { row_roots: string[]; column_roots: string[] };
}
