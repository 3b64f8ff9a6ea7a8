import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { createReplicaPoller, MiniBlockEmissions } from "../../../src/node/status/index.ts";
import type { Logger } from "../../../src/telemetry.ts";
import { capturingLogger } from "../../capturingLogger.ts";

/** A replica's RPC answering `mach_status` with the head it is given (or failing while `down`). */
function fakeReplica() {
  const state = { blockNumber: 7n, miniBlockNumber: 70n as bigint | null, down: false, calls: [] as string[] };
  const server: Server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on("end", () => {
      const { id, method } = JSON.parse(body) as { id: number; method: string };
      state.calls.push(method);
      if (state.down) {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify({ jsonrpc: "2.0", id, error: { code: -32603, message: "replica is down" } }));
        return;
      }
      const head = {
        blockNumber: `0x${state.blockNumber.toString(16)}`,
        miniBlockNumber: state.miniBlockNumber === null ? null : `0x${state.miniBlockNumber.toString(16)}`,
      };
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ jsonrpc: "2.0", id, result: { version: 1, head } }));
    });
  });
  return { state, server };
}

/** A poller of one replica, once a second, with the sequencer's emissions and clock given. */
function pollerOf(rpcUrl: string, emissions: MiniBlockEmissions, logger: Logger, now?: () => number) {
  return createReplicaPoller({
    replicas: [{ id: "replica", rpcUrl }],
    pollMs: 1_000,
    timeoutMs: 2_000,
    emissions,
    logger,
    ...(now === undefined ? {} : { now }),
  });
}

describe("the replica poller", () => {
  const replica = fakeReplica();
  let url: string;

  before(async () => {
    await new Promise<void>((resolve) => replica.server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(replica.server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => replica.server.close(() => resolve())));

  it("reads each replica's head from its mach_status and judges its lag on the sequencer's clock", async () => {
    const emissions = new MiniBlockEmissions(1024);
    for (let n = 60n; n <= 75n; n++) emissions.record(n, 10_000 + Number(n) * 10);
    const { logger } = capturingLogger();
    const poller = pollerOf(url, emissions, logger, () => 10_800);
    assert.deepEqual(poller.replicas(), [{ id: "replica" }]);
    await poller.pollOnce();
    // Newest 75, replica at 70: 5 behind; mini-block 71 went out at 10_710, asked at 10_800.
    assert.deepEqual(poller.replicas(), [
      { id: "replica", headBlockNumber: 7n, miniBlockNumber: 70n, lagMiniBlocks: 5n, lagMs: 90, updatedAt: 10_800 },
    ]);
    assert.deepEqual(replica.state.calls, ["mach_status"]);
  });

  it("keeps a failing replica's last figures with the error beside them, and logs the failure and recovery once", async () => {
    const emissions = new MiniBlockEmissions(1024);
    emissions.record(70n, 500);
    const { logger, lines } = capturingLogger();
    let nowMs = 1_000;
    const poller = pollerOf(url, emissions, logger, () => nowMs);
    await poller.pollOnce();
    replica.state.down = true;
    nowMs = 2_000;
    await poller.pollOnce();
    await poller.pollOnce();
    const [failing] = poller.replicas();
    assert.equal(failing?.updatedAt, 1_000);
    assert.equal(failing?.lagMiniBlocks, 0n);
    assert.match(failing?.error ?? "", /replica is down/);
    replica.state.down = false;
    await poller.pollOnce();
    assert.equal(poller.replicas()[0]?.error, undefined);
    assert.equal(poller.replicas()[0]?.updatedAt, 2_000);
    assert.deepEqual(
      lines.map((line) => line.message),
      ["replica status not read", "replica answers again"],
    );
  });

  it("reports a replica that was never reached as such", async () => {
    const { logger } = capturingLogger();
    // A port nothing listens on: the poll fails at once.
    const poller = pollerOf("http://127.0.0.1:1", new MiniBlockEmissions(4), logger);
    await poller.pollOnce();
    const [gone] = poller.replicas();
    assert.equal(gone?.id, "replica");
    assert.equal(gone?.headBlockNumber, undefined);
    assert.ok(gone?.error);
  });
});
