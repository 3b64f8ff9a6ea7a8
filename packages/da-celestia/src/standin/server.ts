/**
 * `startCelestiaStandIn`: a local celestia-node for devnet and tests. It speaks the node's JSON-RPC 2.0 over HTTP
 * (go-jsonrpc framing and error codes), checks `Authorization: Bearer` JWTs with per-method permissions, validates
 * namespaces and blobs with go-square's rules and texts, computes real share commitments, produces a block every
 * `blockTimeMs` that includes the blobs submitted since the last one, and keeps its chain in `dataDir` so a restart
 * loses nothing. Methods: blob.Submit/Get/GetAll/GetProof/Included, header.GetByHeight/LocalHead/NetworkHead/WaitForHeight.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { base64ToBytes, bytesToBase64, bytesToHex } from "../bytes.ts";
import { blobProblem, SHARE_VERSION_ONE, SHARE_VERSION_ZERO, type ShareVersion } from "../commitment/shares.ts";
import { blobNamespaceProblem } from "../namespace.ts";
import { BLOB_NOT_FOUND_MESSAGE } from "../rpc/nodeErrors.ts";
import { blobToJson, type ExtendedHeaderJson, type NmtProofJson } from "../rpc/wire.ts";
import {
  ALL_PERMISSIONS,
  createJwtSecret,
  METHOD_PERMISSIONS,
  type Permission,
  signAuthToken,
  verifyAuthToken,
} from "./auth.ts";
import { type BlobSubmission, StandInChain } from "./chain.ts";
import { StandInStore, type StoredBlob, type StoredHeader } from "./store.ts";

/** The stand-in's default blob cap: room under celestia-app v7+'s 8 MiB MaxTxSize (reference/da.md §2.6). */
export const STANDIN_DEFAULT_MAX_BLOB_BYTES = 7 * 1024 * 1024;
export const STANDIN_DEFAULT_PORT = 26658;
export const STANDIN_DEFAULT_BLOCK_TIME_MS = 1000;
export const STANDIN_CHAIN_ID = "mach-celestia-standin";

export interface CelestiaStandInOptions {
  /** TCP port; 0 picks a free one. Default 26658, celestia-node's. */
  readonly port?: number;
  readonly host?: string;
  /** Where the chain lives; reusing it resumes the chain. */
  readonly dataDir: string;
  readonly blockTimeMs?: number;
  /** A token accepted with every permission, besides JWTs signed with the stand-in's secret. Default: a fresh admin JWT. */
  readonly authToken?: string;
  /** Like `--rpc.skip-auth`: every caller gets every permission. */
  readonly skipAuth?: boolean;
  /** Cap on the data bytes of one `blob.Submit`; above it the node answers `blob: over size limit`. */
  readonly maxBlobBytes?: number;
  /** What `blob.GetAll` answers when nothing matches: `null` (current nodes) or the `blob: not found` error (older). */
  readonly getAllEmpty?: "null" | "notFound";
}

export interface CelestiaStandIn {
  readonly rpcUrl: string;
  readonly port: number;
  /** A token with every permission. */
  readonly authToken: string;
  /** Signs a JWT granting only `allow` (e.g. `["public","read"]` for a read-only client). */
  issueToken(allow: readonly Permission[], expiresAtSeconds?: number): string;
  /** Current head height. */
  head(): number;
  /**
   * Test lever: the next request for `method` fails once the way an overloaded node behind a proxy does, with HTTP 503
   * (`unavailable`), or by dropping the connection without a reply (`drop`).
   */
  failNext(method: string, fault?: StandInFault): void;
  close(): Promise<void>;
}

export type StandInFault = "unavailable" | "drop";

class RpcFailure extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

/** go-jsonrpc's codes. Handler errors are 1. */
const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;
const METHOD_NOT_FOUND = -32601;
const INVALID_PARAMS = -32602;
const HANDLER_ERROR = 1;

type Handler = (params: unknown[]) => Promise<unknown>;

export async function startCelestiaStandIn(options: CelestiaStandInOptions): Promise<CelestiaStandIn> {
  const blockTimeMs = options.blockTimeMs ?? STANDIN_DEFAULT_BLOCK_TIME_MS;
  const maxBlobBytes = options.maxBlobBytes ?? STANDIN_DEFAULT_MAX_BLOB_BYTES;
  // go-jsonrpc caps the body at 2 × MaxTxSize; base64 inflates by 4/3.
  const maxRequestBytes = Math.ceil(maxBlobBytes * 2 * (4 / 3)) + 64 * 1024;
  const store = new StandInStore(options.dataDir);
  const secret = store.loadOrCreateSecret(createJwtSecret);
  const chain = new StandInChain(store, blockTimeMs);
  const adminToken = options.authToken ?? signAuthToken(secret, ALL_PERMISSIONS);
  const faults = new Map<string, StandInFault[]>();
  const takeFault = (parsed: unknown): StandInFault | undefined => {
    const method = (parsed as { method?: unknown } | undefined)?.method;
    if (typeof method !== "string") return undefined;
    return faults.get(method)?.shift();
  };

  const resolveHeight = async (height: number): Promise<StoredHeader> => {
    if (height === 0) throw new RpcFailure(HANDLER_ERROR, "height is equal to 0");
    const head = chain.head.height;
    if (height > head + 1) {
      throw new RpcFailure(
        HANDLER_ERROR,
        `header: given height is from the future: networkHeight: ${head}, requestedHeight: ${height}`,
      );
    }
    if (height === head + 1) await chain.waitForHeight(height);
    const header = chain.header(height);
    if (header === undefined) throw new RpcFailure(HANDLER_ERROR, "context canceled");
    return header;
  };

  const findBlob = async (heightParam: unknown, nsParam: unknown, commitmentParam: unknown, method: string) => {
    const height = decodeUint(heightParam, method, 0);
    const namespace = decodeBytes(nsParam, method, 1, "share.Namespace");
    const commitment = decodeBytes(commitmentParam, method, 2, "blob.Commitment");
    await resolveHeight(height);
    const blob = chain.findBlob(height, namespace, commitment);
    if (blob === undefined) throw new RpcFailure(HANDLER_ERROR, BLOB_NOT_FOUND_MESSAGE);
    return { height, blob };
  };

  const handlers: Record<string, { params: number; run: Handler }> = {
    "blob.Submit": {
      params: 2,
      run: async ([blobsParam, txConfig]) => {
        const blobs = decodeSubmittedBlobs(blobsParam);
        checkTxConfig(txConfig);
        const total = blobs.reduce((sum, b) => sum + b.data.length, 0);
        if (total > maxBlobBytes) throw new RpcFailure(HANDLER_ERROR, "blob: over size limit");
        return chain.submit(blobs);
      },
    },
    "blob.Get": {
      params: 3,
      run: async ([h, ns, c]) => {
        const { blob } = await findBlob(h, ns, c, "blob.Get");
        return blobToJson(blob);
      },
    },
    "blob.GetAll": {
      params: 2,
      run: async ([h, nsList]) => {
        const height = decodeUint(h, "blob.GetAll", 0);
        if (!Array.isArray(nsList)) throw paramError("blob.GetAll", 1, "*[]share.Namespace", "not an array");
        const namespaces = nsList.map((ns) => decodeBytes(ns, "blob.GetAll", 1, "*[]share.Namespace"));
        await resolveHeight(height);
        const found = chain.blobs(height).filter((b) => namespaces.some((ns) => Buffer.compare(ns, b.namespace) === 0));
        if (found.length > 0) return found.map((b) => blobToJson(b));
        if (options.getAllEmpty === "notFound") throw new RpcFailure(HANDLER_ERROR, BLOB_NOT_FOUND_MESSAGE);
        return null;
      },
    },
    "blob.GetProof": {
      params: 3,
      run: async ([h, ns, c]) => {
        const { height, blob } = await findBlob(h, ns, c, "blob.GetProof");
        const range = chain.proveBlob(height, blob);
        return [proofToJson(range)];
      },
    },
    "blob.Included": {
      params: 4,
      run: async ([h, ns, proof, c]) => {
        if (proof === null) throw new RpcFailure(HANDLER_ERROR, "blob: proof cannot be nil");
        const proofs = decodeProof(proof);
        let found: { height: number; blob: StoredBlob };
        try {
          found = await findBlob(h, ns, c, "blob.Included");
        } catch (error) {
          if (error instanceof RpcFailure && error.message === BLOB_NOT_FOUND_MESSAGE) return false;
          throw error;
        }
        const [only] = proofs;
        return proofs.length === 1 && only !== undefined && chain.verifyBlobProof(found.height, found.blob, only);
      },
    },
    "header.GetByHeight": {
      params: 1,
      run: async ([h]) => headerToJson(await resolveHeight(decodeUint(h, "header.GetByHeight", 0)), chain),
    },
    "header.WaitForHeight": {
      params: 1,
      run: async ([h]) => {
        const height = decodeUint(h, "header.WaitForHeight", 0);
        if (height === 0) throw new RpcFailure(HANDLER_ERROR, "height is equal to 0");
        await chain.waitForHeight(height);
        const header = chain.header(height);
        if (header === undefined) throw new RpcFailure(HANDLER_ERROR, "context canceled");
        return headerToJson(header, chain);
      },
    },
    "header.LocalHead": { params: 0, run: async () => headerToJson(chain.head, chain) },
    "header.NetworkHead": { params: 0, run: async () => headerToJson(chain.head, chain) },
  };

  const permissionsOf = (request: IncomingMessage): readonly Permission[] | "unauthorized" => {
    if (options.skipAuth) return ALL_PERMISSIONS;
    const header = request.headers.authorization;
    if (header === undefined || header === "") return ["public"];
    if (!header.startsWith("Bearer ")) return "unauthorized";
    const token = header.slice("Bearer ".length);
    if (token === adminToken) return ALL_PERMISSIONS;
    const verified = verifyAuthToken(secret, token, Math.floor(Date.now() / 1000));
    return "allow" in verified ? verified.allow : "unauthorized";
  };

  const handleOne = async (request: unknown, perms: readonly Permission[]): Promise<object | undefined> => {
    if (typeof request !== "object" || request === null || Array.isArray(request)) {
      return errorReply(null, INVALID_REQUEST, "Invalid request");
    }
    const { id = null, method, params } = request as { id?: unknown; method?: unknown; params?: unknown };
    const handler = typeof method === "string" ? handlers[method] : undefined;
    if (typeof method !== "string" || handler === undefined) {
      return errorReply(id, METHOD_NOT_FOUND, `method '${String(method)}' not found`);
    }
    const need = METHOD_PERMISSIONS[method] ?? "admin";
    if (!perms.includes(need)) {
      const goName = method.slice(method.indexOf(".") + 1);
      return errorReply(id, HANDLER_ERROR, `missing permission to invoke '${goName}' (need '${need}')`);
    }
    const list = params === undefined || params === null ? [] : params;
    if (!Array.isArray(list)) return errorReply(id, PARSE_ERROR, "unmarshaling param array: not an array");
    if (list.length !== handler.params) {
      return errorReply(
        id,
        INVALID_PARAMS,
        `wrong param count (method '${method}'): ${list.length} != ${handler.params}`,
      );
    }
    try {
      const result = await handler.run(list);
      return { jsonrpc: "2.0", id, result: result ?? null };
    } catch (error) {
      if (error instanceof RpcFailure) return errorReply(id, error.code, error.message);
      return errorReply(id, HANDLER_ERROR, error instanceof Error ? error.message : String(error));
    }
  };

  const server = createServer((request, response) => {
    void serve(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500);
      response.end(error instanceof Error ? error.message : String(error));
    });
  });

  const serve = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (request.method !== "POST") {
      response.writeHead(405, { allow: "POST" });
      response.end();
      return;
    }
    const perms = permissionsOf(request);
    if (perms === "unauthorized") {
      request.resume();
      response.writeHead(401);
      response.end();
      return;
    }
    const body = await readBody(request, maxRequestBytes);
    let reply: unknown;
    if (body === undefined) {
      reply = errorReply(null, PARSE_ERROR, `request bigger than maximum ${maxRequestBytes} allowed`);
    } else {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        parsed = undefined;
      }
      const fault = Array.isArray(parsed) ? undefined : takeFault(parsed);
      if (fault === "drop") {
        response.socket?.destroy();
        return;
      }
      if (fault === "unavailable") {
        response.writeHead(503, { "content-type": "text/plain" });
        response.end("service unavailable\n");
        return;
      }
      if (parsed === undefined) reply = errorReply(null, PARSE_ERROR, "Parse error");
      else if (Array.isArray(parsed)) reply = await Promise.all(parsed.map((r) => handleOne(r, perms)));
      else reply = await handleOne(parsed, perms);
    }
    const text = `${JSON.stringify(reply)}\n`;
    response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    response.end(text);
  };

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? STANDIN_DEFAULT_PORT, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  chain.start();
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  let closed: Promise<void> | undefined;

  return {
    rpcUrl: `http://${host}:${address.port}`,
    port: address.port,
    authToken: adminToken,
    issueToken: (allow, expiresAtSeconds) => signAuthToken(secret, allow, expiresAtSeconds),
    head: () => chain.head.height,
    failNext: (method, fault = "unavailable") => {
      const list = faults.get(method) ?? [];
      list.push(fault);
      faults.set(method, list);
    },
    close: () => {
      closed ??= (async () => {
        chain.stop(new RpcFailure(HANDLER_ERROR, "context canceled"));
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        store.close();
      })();
      return closed;
    },
  };
}

function errorReply(id: unknown, code: number, message: string): object {
  return { jsonrpc: "2.0", id, error: { code, message } };
}

function paramError(method: string, index: number, goType: string, reason: string): RpcFailure {
  return new RpcFailure(PARSE_ERROR, `unmarshaling params for '${method}' (param: ${index} ${goType}): ${reason}`);
}

function decodeUint(value: unknown, method: string, index: number): number {
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

function decodeBytes(value: unknown, method: string, index: number, goType: string): Uint8Array {
  const bytes = typeof value === "string" ? base64ToBytes(value) : undefined;
  if (bytes === undefined) throw paramError(method, index, goType, "illegal base64 data");
  return bytes;
}

/** `[]*blob.Blob` as the node unmarshals it: `NewBlob` validates namespace, data, share version and signer. */
function decodeSubmittedBlobs(value: unknown): BlobSubmission[] {
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

function checkTxConfig(value: unknown): void {
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

function decodeProof(value: unknown): { start: number; end: number; nodes: Uint8Array[] }[] {
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

function proofToJson(range: { start: number; end: number; nodes: Uint8Array[] }): NmtProofJson {
  const json: NmtProofJson = {
    end: range.end,
    nodes: range.nodes.map(bytesToBase64),
    is_max_namespace_ignored: true,
  };
  if (range.start !== 0) json.start = range.start;
  return json;
}

function headerToJson(header: StoredHeader, chain: StandInChain): ExtendedHeaderJson {
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
function readBody(request: IncomingMessage, limit: number): Promise<string | undefined> {
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
