/** Test helpers: a stand-in in a temp dir that can be restarted over its data, and a scriptable fake node. */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CelestiaStandIn, type CelestiaStandInOptions, startCelestiaStandIn } from "../../src/index.ts";

export const TEST_NAMESPACE = "0102030405060708090a";

export interface StandInHandle {
  current: CelestiaStandIn;
  readonly dataDir: string;
  /** Stops the stand-in and starts it again over the same data dir (and, if `samePort`, the same port). */
  restart(samePort?: boolean): Promise<CelestiaStandIn>;
  stop(): Promise<void>;
  /** Stops it and deletes its data dir. */
  dispose(): Promise<void>;
}

export async function startTestStandIn(
  options: Omit<CelestiaStandInOptions, "dataDir" | "port"> = {},
): Promise<StandInHandle> {
  const dataDir = mkdtempSync(join(tmpdir(), "mach-celestia-"));
  const base = { blockTimeMs: 20, ...options, dataDir };
  let current = await startCelestiaStandIn({ ...base, port: 0 });
  let stopped = false;
  const handle: StandInHandle = {
    current,
    dataDir,
    async restart(samePort = false) {
      const port = samePort ? current.port : 0;
      await current.close();
      current = await startCelestiaStandIn({ ...base, port, authToken: current.authToken });
      handle.current = current;
      stopped = false;
      return current;
    },
    async stop() {
      stopped = true;
      await current.close();
    },
    async dispose() {
      if (!stopped) await current.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return handle;
}

export type FakeMethod = (params: unknown[]) => { result: unknown } | { error: { code: number; message: string } };

/** A JSON-RPC server whose replies the test scripts per method; records every call. */
export async function startFakeNode(methods: Record<string, FakeMethod>): Promise<{
  url: string;
  calls: { method: string; params: unknown[] }[];
  close(): Promise<void>;
}> {
  const calls: { method: string; params: unknown[] }[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        id: number;
        method: string;
        params: unknown[];
      };
      calls.push({ method: body.method, params: body.params });
      const handler = methods[body.method];
      const reply = handler
        ? { jsonrpc: "2.0", id: body.id, ...handler(body.params) }
        : { jsonrpc: "2.0", id: body.id, error: { code: -32601, message: `method '${body.method}' not found` } };
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
