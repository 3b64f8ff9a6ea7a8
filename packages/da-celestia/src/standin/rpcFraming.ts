/**
 * How the stand-in frames replies and decodes params, as go-jsonrpc and celestia-node's JSON types do: handler errors
 * are code 1 with the Go error text; param decoding failures are -32700 `unmarshaling params for '<method>' …`.
 */
import type { IncomingMessage } from "node:http";
import { base64ToBytes, bytesToBase64, bytesToHex } from "../bytes.ts";
import { blobProblem, SHARE_VERSION_ONE, SHARE_VERSION_ZERO, type ShareVersion } from "../commitment/shares.ts";
import { blobNamespaceProblem } from "../namespace.ts";
import type { ExtendedHeaderJson, NmtProofJson } from "../rpc/wire.ts";
import type { BlobSubmission, StandInChain } from "./chain.ts";
import type { StoredHeader } from "./store.ts";

export const STANDIN_CHAIN_ID = "mach-celestia-standin";

export class RpcFailure extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

/** go-jsonrpc's codes. Handler errors are 1. */
export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const METHOD_NOT_FOUND = -32601;
export const INVALID_PARAMS = -32602;
export const HANDLER_ERROR = 1;

export function errorReply(id: unknown, code: number, message: string): object {
  return { jsonrpc: "2.0", id, error: { code, message } };
}

export function paramError(method: string, index: number, goType: string, reason: string): RpcFailure {
  return new RpcFailure(PARSE_ERROR, `unmarshaling params for '${method}' (param: ${index} ${goType}): ${reason}`);
}

export function decodeUint(value: unknown, method: string, index: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw paramError(
      method,
      index,
      "*uint64",
      `json: cannot unmarshal ${JSON.stringify(value)} into Go value of type uint64`,
    );
  }
  return value;
}

export function decodeBytes(value: unknown, method: string, index: number, goType: string): Uint8Array {
  const bytes = typeof value === "string" ? base64ToBytes(value) : undefined;
  if (bytes === undefined) throw paramError(method, index, goType, "illegal base64 data");
  return bytes;
}

/** `[]*blob.Blob` as the node unmarshals it: `NewBlob` validates namespace, data, share version and signer. */
export function decodeSubmittedBlobs(value: unknown): BlobSubmission[] {
  const goType = "*[]*blob.Blob";
  if (!Array.isArray(value) || value.length === 0) throw paramError("blob.Submit", 0, goType, "no blobs");
  return value.map((item) => {
    if (typeof item !== "object" || item === null) throw paramError("blob.Submit", 0, goType, "blob is not an object");
    const { namespace, data, share_version, signer } = item as Record<string, unknown>;
    const ns = decodeBytes(namespace, "blob.Submit", 0, goType);
    const nsProblem = blobNamespaceProblem(ns);
    if (nsProblem !== undefined) throw paramError("blob.Submit", 0, goType, nsProblem);
    const bytes = decodeBytes(data ?? "", "blob.Submit", 0, goType);
    const version = share_version ?? 0;
    if (version !== SHARE_VERSION_ZERO && version !== SHARE_VERSION_ONE) {
      throw paramError("blob.Submit", 0, goType, `share version ${String(version)} not supported. Please use 0 or 1`);
    }
    const submission: BlobSubmission = {
      namespace: ns,
      data: bytes,
      shareVersion: version as ShareVersion,
      ...(signer === undefined || signer === null ? {} : { signer: decodeBytes(signer, "blob.Submit", 0, goType) }),
    };
    const problem = blobProblem(submission);
    if (problem !== undefined) throw paramError("blob.Submit", 0, goType, problem);
    return submission;
  });
}

export function checkTxConfig(value: unknown): void {
  if (value === null || value === undefined) return;
  if (typeof value !== "object" || Array.isArray(value)) {
    throw paramError("blob.Submit", 1, "*state.TxConfig", "not an object");
  }
  const { gas_price, is_gas_price_set, max_gas_price } = value as Record<string, unknown>;
  if (
    is_gas_price_set === true &&
    typeof gas_price === "number" &&
    typeof max_gas_price === "number" &&
    max_gas_price > 0 &&
    gas_price > max_gas_price
  ) {
    throw new RpcFailure(HANDLER_ERROR, "state: estimated gas price exceeds max gas price in tx config");
  }
}

export function decodeProof(value: unknown): { start: number; end: number; nodes: Uint8Array[] }[] {
  const goType = "*blob.Proof";
  if (!Array.isArray(value)) throw paramError("blob.Included", 2, goType, "not an array");
  return value.map((p) => {
    if (typeof p !== "object" || p === null) throw paramError("blob.Included", 2, goType, "proof is not an object");
    const { start = 0, end, nodes = [] } = p as { start?: unknown; end?: unknown; nodes?: unknown };
    if (typeof start !== "number" || typeof end !== "number" || !Array.isArray(nodes)) {
      throw paramError("blob.Included", 2, goType, "malformed nmt proof");
    }
    return { start, end, nodes: nodes.map((n) => decodeBytes(n, "blob.Included", 2, goType)) };
  });
}

export function proofToJson(range: { start: number; end: number; nodes: Uint8Array[] }): NmtProofJson {
  const json: NmtProofJson = {
    end: range.end,
    nodes: range.nodes.map(bytesToBase64),
    is_max_namespace_ignored: true,
  };
  if (range.start !== 0) json.start = range.start;
  return json;
}

export function headerToJson(header: StoredHeader, chain: StandInChain): ExtendedHeaderJson {
  const parent = chain.header(header.height - 1);
  return {
    header: {
      version: { block: "11", app: "0" },
      chain_id: STANDIN_CHAIN_ID,
      height: String(header.height),
      time: new Date(header.timeMs).toISOString(),
      // The stand-in has no block hash; the parent's data root links headers instead (empty at genesis).
      last_block_id: { hash: parent ? bytesToHex(parent.dataRoot).slice(2).toUpperCase() : "" },
      data_hash: bytesToHex(header.dataRoot).slice(2).toUpperCase(),
    },
    dah: { row_roots: [bytesToBase64(chain.rowRoot(header.height))], column_roots: [] },
  };
}

/** The request body as text, or `undefined` if it exceeds `limit` bytes. */
export function readBody(request: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      else chunks.push(chunk);
    });
    request.on("end", () => resolve(over ? undefined : Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}
