/**
 * The JSON-RPC server: node:http and `ws` on one port (WebSocket by HTTP upgrade). HTTP: POST JSON-RPC (single or
 * batch), CORS for browser wallets, keep-alive, a body limit answered with HTTP 413 / -32099 `payload too large`.
 * WebSocket: the same methods plus eth_subscribe; a socket whose unsent bytes exceed `maxWsBufferedBytes` is closed.
 * Backend events are received once and fanned out to receipt waiters, filters and subscriptions.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { type RawData, WebSocket, WebSocketServer } from "ws";
import type { Logger } from "../telemetry.ts";
import type { RpcBackend } from "./backend.ts";
import { defaultRpcLimits, type RpcLimits } from "./config.ts";
import type { MethodTable, RpcContext } from "./context.ts";
import { handlePayload } from "./dispatcher.ts";
import { payloadTooLarge, RpcError, RpcErrorCode, toJsonRpcError } from "./errors.ts";
import { FilterRegistry } from "./filters.ts";
import { rpcMethods } from "./methods/index.ts";
import type { RpcMetrics } from "./metrics.ts";
import { MiniBlockRateMeter } from "./miniBlockRate.ts";
import { ReadSlots } from "./readSlots.ts";
import { ReceiptWaiter } from "./receiptWaiter.ts";
import { SendLatencyRecorder } from "./sendLatency.ts";
import { loadStaticAssets } from "./staticAssets.ts";
import type { StatusSource } from "./statusSource.ts";
import { type SubscriptionConnection, SubscriptionHub } from "./subscriptions.ts";
import { TurnCork } from "./turnCork.ts";

export interface StartRpcServerParameters {
  readonly backend: RpcBackend;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0 (a free port). */
  readonly port?: number;
  /** Parsed limits (`rpcLimitsSchema.parse(…)`); the defaults when absent. */
  readonly limits?: RpcLimits;
  readonly logger?: Logger;
  /** Filled by node/ with prom-client objects. */
  readonly metrics?: RpcMetrics;
  /** Extra or replacement methods (e.g. a node role adding its own `mach_*`). */
  readonly methods?: MethodTable;
  /** What `mach_status` reports of the node's roles (pool, DA, outputs, replicas, provers, known ABIs). */
  readonly status?: StatusSource;
  /** A directory of static files (the dashboard) answered for GET / HEAD; without it GET answers 405. */
  readonly staticDir?: string;
}

export interface RpcServer {
  /** `http://host:port` */
  readonly url: string;
  /** `ws://host:port` (same port). */
  readonly wsUrl: string;
  readonly port: number;
  readonly limits: RpcLimits;
  /** Open WebSocket connections. */
  readonly connectionCount: () => number;
  /** Live eth_subscribe subscriptions across connections. */
  readonly subscriptionCount: () => number;
  /** Stops listening, closes every connection and detaches from the backend. */
  close(): Promise<void>;
}
export type StartRpcServerReturnType = RpcServer;

const CORS_HEADERS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "POST, GET, OPTIONS",
  "access-control-max-age": "86400",
} as const;

function rawToString(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString("utf8");
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.from(data).toString("utf8");
}

export async function startRpcServer(parameters: StartRpcServerParameters): Promise<RpcServer> {
  const { backend, logger, metrics } = parameters;
  const limits = parameters.limits ?? defaultRpcLimits;
  const assets = parameters.staticDir === undefined ? undefined : loadStaticAssets(parameters.staticDir);
  const sendLatency = new SendLatencyRecorder();
  const miniBlockRate = new MiniBlockRateMeter();
  const methods: MethodTable = parameters.methods ? { ...rpcMethods, ...parameters.methods } : rpcMethods;
  const filters = new FilterRegistry(backend, limits);
  const subscriptions = new SubscriptionHub(backend);
  const receipts = new ReceiptWaiter(backend);
  const reads = new ReadSlots(limits);
  const baseContext: RpcContext = {
    backend,
    limits,
    filters,
    subscriptions,
    receipts,
    connection: undefined,
    reads,
    connectionKey: {},
    signal: undefined,
    metrics,
    sendLatency,
    miniBlockRate,
    status: parameters.status,
  };

  const guard =
    <A extends unknown[]>(event: string, fn: (...args: A) => void) =>
    (...args: A): void => {
      try {
        fn(...args);
      } catch (error) {
        logger?.error({ event, err: error }, "rpc event handler failed");
      }
    };
  const detachChain = backend.onChainEvents({
    miniBlock: guard("miniBlock", (miniBlock) => {
      receipts.onMiniBlock(miniBlock);
      sendLatency.onMiniBlock(miniBlock);
      miniBlockRate.onMiniBlock(miniBlock);
      subscriptions.onMiniBlock(miniBlock);
      enforceWsBufferBudget();
    }),
    block: guard("block", (block, blockReceipts) => {
      filters.onBlock(block);
      subscriptions.onBlock(block, blockReceipts);
      enforceWsBufferBudget();
    }),
  });
  const detachBackend = backend.subscribe({
    pendingTransaction: guard("pendingTransaction", (tx) => {
      filters.onPendingTransaction(tx);
      subscriptions.onPendingTransaction(tx);
      enforceWsBufferBudget();
    }),
    syncing: guard("syncing", (progress) => subscriptions.onSyncing(progress)),
  });

  const server = createServer(
    {
      // Slowloris: headers and the whole request must arrive in time; Node checks every `connectionsCheckingInterval`.
      // Node refuses a headers timeout longer than the request timeout.
      headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
      keepAliveTimeout: limits.keepAliveTimeoutMs,
    },
    (request, response) => handleHttp(request, response),
  );

  // Connection bounds, counted on accept for HTTP and WebSocket alike (an upgrade keeps its socket).
  const connectionsByIp = new Map<string, number>();
  let openConnections = 0;
  server.on("connection", (socket: Socket) => {
    const ip = socket.remoteAddress ?? "unknown";
    const fromIp = connectionsByIp.get(ip) ?? 0;
    if (openConnections >= limits.maxConnections || fromIp >= limits.maxConnectionsPerIp) {
      metrics?.connectionsRefusedTotal?.inc();
      logger?.debug({ ip, openConnections, fromIp }, "rpc connection refused: too many connections");
      socket.destroy();
      return;
    }
    openConnections++;
    connectionsByIp.set(ip, fromIp + 1);
    socket.once("close", () => {
      openConnections--;
      const left = (connectionsByIp.get(ip) ?? 1) - 1;
      if (left === 0) connectionsByIp.delete(ip);
      else connectionsByIp.set(ip, left);
    });
  });

  // Unsent WebSocket bytes across clients: past the budget the slowest consumers (most unsent) go first.
  const wsConnections = new Map<WebSocket, SubscriptionConnection>();
  function enforceWsBufferBudget(): void {
    let total = 0;
    for (const ws of wsConnections.keys()) total += ws.bufferedAmount;
    if (total <= limits.maxWsBufferedBytesTotal) return;
    const slowestFirst = [...wsConnections.keys()].sort((a, b) => b.bufferedAmount - a.bufferedAmount);
    for (const ws of slowestFirst) {
      if (total <= limits.maxWsBufferedBytesTotal) break;
      total -= ws.bufferedAmount;
      dropSlowConsumer(ws, "total");
    }
  }
  function dropSlowConsumer(ws: WebSocket, bound: "connection" | "total"): void {
    const connection = wsConnections.get(ws);
    logger?.warn({ bufferedBytes: ws.bufferedAmount, bound }, "rpc websocket too slow, closing");
    metrics?.wsDroppedTotal.inc();
    if (connection) subscriptions.detach(connection);
    wsConnections.delete(ws);
    ws.terminate();
  }

  function send(response: ServerResponse, status: number, body: string | undefined, close = false): void {
    if (response.headersSent) return;
    const headers: Record<string, string> = { ...CORS_HEADERS };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (close) headers.connection = "close";
    response.writeHead(status, headers);
    response.end(body);
  }

  function handleHttp(request: IncomingMessage, response: ServerResponse): void {
    request.on("error", (error) => logger?.debug({ err: error }, "rpc http request error"));
    response.on("error", (error) => logger?.debug({ err: error }, "rpc http response error"));
    if (request.method === "OPTIONS") {
      const headers: Record<string, string> = { ...CORS_HEADERS };
      const requested = request.headers["access-control-request-headers"];
      headers["access-control-allow-headers"] = typeof requested === "string" ? requested : "content-type";
      response.writeHead(204, headers);
      response.end();
      return;
    }
    if (assets && (request.method === "GET" || request.method === "HEAD")) {
      assets.serve(request, response);
      request.resume();
      return;
    }
    if (request.method !== "POST") {
      send(response, 405, JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32600, message: "POST only" } }));
      request.resume();
      return;
    }
    const tooLarge = () => {
      send(response, 413, JSON.stringify({ jsonrpc: "2.0", id: null, error: toJsonRpcError(payloadTooLarge()) }), true);
      request.resume();
    };
    const declared = Number(request.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limits.maxBodyBytes) {
      tooLarge();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let rejected = false;
    request.on("data", (chunk: Buffer) => {
      if (rejected) return;
      size += chunk.length;
      if (size > limits.maxBodyBytes) {
        rejected = true;
        chunks.length = 0;
        tooLarge();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => {
      if (rejected) return;
      // The client hanging up aborts its executions (a running call's worker is stopped).
      const gone = new AbortController();
      response.once("close", () => {
        if (!response.writableFinished) gone.abort(new RpcError(RpcErrorCode.server, "client disconnected"));
      });
      const context: RpcContext = { ...baseContext, connectionKey: request.socket, signal: gone.signal };
      handlePayload(Buffer.concat(chunks).toString("utf8"), context, methods, logger).then(
        (body) => send(response, body === undefined ? 204 : 200, body),
        (error: unknown) => {
          logger?.error({ err: error }, "rpc http dispatch failed");
          send(response, 500, JSON.stringify({ jsonrpc: "2.0", id: null, error: toJsonRpcError(error) }));
        },
      );
    });
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxBodyBytes });
  /** Each WebSocket's cork over its TCP socket: the answers of one event-loop turn leave in one write. */
  const wsCorks = new WeakMap<WebSocket, TurnCork>();
  server.on("upgrade", (request, socket, head) => {
    socket.on("error", (error) => logger?.debug({ err: error }, "rpc upgrade socket error"));
    wss.handleUpgrade(request, socket, head, (ws) => {
      wsCorks.set(ws, new TurnCork(socket));
      wss.emit("connection", ws, request);
    });
  });
  // Heartbeat: a peer that has not answered the previous ping is gone (half-open TCP); free its subscriptions.
  const alive = new WeakMap<WebSocket, boolean>();
  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        logger?.debug({}, "rpc websocket missed a ping, closing");
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, limits.wsPingIntervalMs);
  heartbeat.unref();
  wss.on("connection", (ws: WebSocket) => {
    alive.set(ws, true);
    const cork = wsCorks.get(ws);
    ws.on("pong", () => alive.set(ws, true));
    const connection: SubscriptionConnection = {
      subscriptions: new Map(),
      send(message: string) {
        if (ws.readyState !== WebSocket.OPEN) return;
        if (ws.bufferedAmount + message.length > limits.maxWsBufferedBytes) {
          dropSlowConsumer(ws, "connection");
          return;
        }
        cork?.hold();
        ws.send(message);
      },
    };
    subscriptions.attach(connection);
    wsConnections.set(ws, connection);
    metrics?.wsConnections.set(wss.clients.size);
    const gone = new AbortController();
    const context: RpcContext = { ...baseContext, connection, connectionKey: connection, signal: gone.signal };
    ws.on("message", (data) => {
      handlePayload(rawToString(data), context, methods, logger).then(
        (body) => {
          if (body !== undefined) connection.send(body);
        },
        (error: unknown) => logger?.error({ err: error }, "rpc ws dispatch failed"),
      );
    });
    ws.on("close", () => {
      gone.abort(new RpcError(RpcErrorCode.server, "client disconnected"));
      wsConnections.delete(ws);
      subscriptions.detach(connection);
      metrics?.wsConnections.set(wss.clients.size);
    });
    ws.on("error", (error) => logger?.debug({ err: error }, "rpc websocket error"));
  });

  const host = parameters.host ?? "127.0.0.1";
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(parameters.port ?? 0, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    // Nothing listens: undo the backend subscription and timers so a failed start leaks nothing.
    detachBackend();
    detachChain();
    clearInterval(heartbeat);
    filters.close();
    receipts.close();
    wss.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const publicHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;

  let closed = false;
  return {
    url: `http://${publicHost}:${port}`,
    wsUrl: `ws://${publicHost}:${port}`,
    port,
    limits,
    connectionCount: () => wss.clients.size,
    subscriptionCount: () => subscriptions.subscriptionCount,
    async close() {
      if (closed) return;
      closed = true;
      detachBackend();
      detachChain();
      clearInterval(heartbeat);
      filters.close();
      receipts.close();
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await stopped;
    },
  };
}
