import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pino } from "pino";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { WebSocket } from "ws";
import type { RpcMetrics } from "../../src/rpc/metrics.ts";
import { startRpcServer } from "../../src/rpc/server.ts";
import { FakeBackend } from "./fakeBackend.ts";

describe("rpc metrics", () => {
  it("records requests by method and code, durations and WebSocket connections in prom-client objects", async () => {
    const registry = new Registry();
    const metrics: RpcMetrics = {
      requestsTotal: new Counter({
        name: "mach_rpc_requests_total",
        help: "requests",
        labelNames: ["method", "code"],
        registers: [registry],
      }),
      requestDurationSeconds: new Histogram({
        name: "mach_rpc_request_duration_seconds",
        help: "duration",
        labelNames: ["method"],
        registers: [registry],
      }),
      wsConnections: new Gauge({ name: "mach_rpc_ws_connections", help: "connections", registers: [registry] }),
      wsDroppedTotal: new Counter({ name: "mach_rpc_ws_dropped_total", help: "dropped", registers: [registry] }),
    };
    // A pino logger fits Logger as it is (checked by the type checker).
    const logger = pino({ level: "silent" });
    const server = await startRpcServer({ backend: new FakeBackend(), metrics, logger });
    try {
      const post = (method: string) =>
        fetch(server.url, { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: [] }) }).then(
          (response) => response.json(),
        );
      await post("eth_chainId");
      await post("eth_chainId");
      await post("no_suchMethod_1");
      await post("eth_getBalance");
      const ws = new WebSocket(server.wsUrl);
      await new Promise((resolve) => ws.once("open", resolve));
      while (server.connectionCount() === 0) await new Promise((resolve) => setImmediate(resolve));
      const text = await registry.metrics();
      assert.match(text, /mach_rpc_requests_total\{method="eth_chainId",code="0"\} 2/);
      assert.match(text, /mach_rpc_requests_total\{method="unknown",code="-32601"\} 1/);
      assert.match(text, /mach_rpc_requests_total\{method="eth_getBalance",code="-32602"\} 1/);
      assert.match(text, /mach_rpc_request_duration_seconds_count\{method="eth_chainId"\} 2/);
      assert.match(text, /mach_rpc_ws_connections 1/);
      const closed = new Promise((resolve) => ws.once("close", resolve));
      ws.close();
      await closed;
    } finally {
      await server.close();
    }
  });
});
