/**
 * `startCelestiaStandIn`: a local celestia-node for devnet and tests. It speaks the node's JSON-RPC 2.0 over HTTP
 * (go-jsonrpc framing and error codes), checks `Authorization: Bearer` JWTs with per-method permissions, validates
 * namespaces and blobs with go-square's rules and texts, computes real share commitments, produces a block every
 * `blockTimeMs` that includes the blobs submitted since the last one, and keeps its chain in `dataDir` so a restart
 * loses nothing. Methods: blob.Submit/Get/GetAll/GetProof/Included, header.GetByHeight/LocalHead/NetworkHead/WaitForHeight.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { BLOB_NOT_FOUND_MESSAGE } from "../rpc/nodeErrors.ts";
import { blobToJson } from "../rpc/wire.ts";
import {
  ALL_PERMISSIONS,
  createJwtSecret,
  METHOD_PERMISSIONS,
  type Permission,
  signAuthToken,
  verifyAuthToken,
} from "./auth.ts";
import { StandInChain } from "./chain.ts";
import {
  checkTxConfig,
  decodeBytes,
  decodeProof,
  decodeSubmittedBlobs,
  decodeUint,
  errorReply,
  HANDLER_ERROR,
  headerToJson,
  INVALID_PARAMS,
  INVALID_REQUEST,
  METHOD_NOT_FOUND,
  PARSE_ERROR,
  paramError,
  proofToJson,
  RpcFailure,
  readBody,
} from "./rpcFraming.ts";
import { StandInStore, type StoredBlob, type StoredHeader } from "./store.ts";

/** The stand-in's default blob cap: room under celestia-app v7+'s 8 MiB MaxTxSize (reference/da.md §2.6). */
export const STANDIN_DEFAULT_MAX_BLOB_BYTES = 7 * 1024 * 1024;
export const STANDIN_DEFAULT_PORT = 26658;
export const STANDIN_DEFAULT_BLOCK_TIME_MS = 1000;

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
