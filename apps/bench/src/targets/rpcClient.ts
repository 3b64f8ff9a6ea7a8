/**
 * Minimal JSON-RPC clients for load generation: HTTP with a keep-alive agent (batches as JSON arrays) and
 * WebSocket with pipelined requests matched by id. Errors from the server surface as `RpcError` with its code.
 */
import { Agent, request } from "node:http";
import WebSocket from "ws";

export class RpcError extends Error {
  override name = "RpcError";
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

export interface RpcCall {
  readonly method: string;
  readonly params: readonly unknown[];
}

interface RpcResponse {
  readonly id: number;
  readonly result?: unknown;
  readonly error?: { code: number; message: string };
}

export interface HttpRpcClient {
  call<T = unknown>(method: string, params: readonly unknown[]): Promise<T>;
  /** One HTTP request carrying a JSON-RPC batch; results (or RpcError values) in call order. */
  batch(calls: readonly RpcCall[]): Promise<(unknown | RpcError)[]>;
  close(): void;
}

export function createHttpRpcClient(url: string, connections = 8): HttpRpcClient {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const target = new URL(url);
  let nextId = 1;
  const post = (body: string): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: "POST",
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            try {
              resolve(JSON.parse(text));
            } catch {
              reject(new Error(`HTTP ${res.statusCode}: not JSON: ${text.slice(0, 200)}`));
            }
          });
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  const unwrap = (response: RpcResponse): unknown =>
    response.error ? new RpcError(response.error.code, response.error.message) : response.result;
  return {
    async call<T>(method: string, params: readonly unknown[]): Promise<T> {
      const response = (await post(JSON.stringify({ jsonrpc: "2.0", id: nextId++, method, params }))) as RpcResponse;
      const value = unwrap(response);
      if (value instanceof RpcError) throw value;
      return value as T;
    },
    async batch(calls) {
      if (calls.length === 0) return [];
      const first = nextId;
      nextId += calls.length;
      const body = JSON.stringify(
        calls.map((c, i) => ({ jsonrpc: "2.0", id: first + i, method: c.method, params: c.params })),
      );
      const response = await post(body);
      if (!Array.isArray(response)) {
        const error = (response as RpcResponse).error;
        throw new RpcError(error?.code ?? -1, error?.message ?? "batch answered with a non-array");
      }
      const byId = new Map<number, RpcResponse>();
      for (const item of response as RpcResponse[]) byId.set(item.id, item);
      return calls.map((_, i) => {
        const item = byId.get(first + i);
        return item === undefined ? new RpcError(-1, "missing batch response") : unwrap(item);
      });
    },
    close() {
      agent.destroy();
    },
  };
}

export interface WsRpcClient {
  call<T = unknown>(method: string, params: readonly unknown[]): Promise<T>;
  close(): Promise<void>;
}

export async function connectWsRpc(url: string): Promise<WsRpcClient> {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  socket.on("message", (data: Buffer) => {
    const parsed = JSON.parse(data.toString("utf8")) as RpcResponse | RpcResponse[];
    for (const response of Array.isArray(parsed) ? parsed : [parsed]) {
      const entry = pending.get(response.id);
      if (entry === undefined) continue;
      pending.delete(response.id);
      if (response.error) entry.reject(new RpcError(response.error.code, response.error.message));
      else entry.resolve(response.result);
    }
  });
  socket.on("close", () => {
    for (const entry of pending.values()) entry.reject(new Error("WebSocket closed"));
    pending.clear();
  });
  return {
    call<T>(method: string, params: readonly unknown[]): Promise<T> {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        // `ws` drops a send on a closed socket without a word: the call would never be answered.
        if (socket.readyState !== WebSocket.OPEN) {
          reject(new Error("WebSocket closed"));
          return;
        }
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        socket.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
      });
    },
    close() {
      return new Promise((resolve) => {
        if (socket.readyState === WebSocket.CLOSED) return resolve();
        socket.once("close", () => resolve());
        socket.close();
      });
    },
  };
}
