import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Worker } from "node:worker_threads";
import { isLoadedAnnouncement, terminateWhenLoaded, whenLoaded } from "../src/workerLifecycle.ts";

/** A worker (CommonJS, eval) that posts "working" and, after `delayMs`, the load announcement (or never: -1). */
function slowWorker(delayMs: number): Worker {
  const announce =
    delayMs < 0 ? "" : `setTimeout(() => parentPort.postMessage(${JSON.stringify("mach:worker-loaded")}), ${delayMs});`;
  return new Worker(
    `const { parentPort } = require("node:worker_threads"); parentPort.postMessage("working"); ${announce} setInterval(() => {}, 1000);`,
    { eval: true },
  );
}

describe("worker lifecycle", () => {
  it("terminates a worker only once it announced that its modules have run", async () => {
    const worker = slowWorker(300);
    const loaded = whenLoaded(worker);
    const seen: string[] = [];
    worker.on("message", (message) => seen.push(isLoadedAnnouncement(message) ? "loaded" : String(message)));
    const started = performance.now();
    await terminateWhenLoaded(worker, loaded);
    assert.deepEqual(seen, ["working", "loaded"]);
    assert.ok(performance.now() - started >= 250, "terminated before the announcement");
  });

  it("terminates a worker that never announces after the grace period", async () => {
    const worker = slowWorker(-1);
    const loaded = whenLoaded(worker);
    let settled = false;
    void loaded.then(() => {
      settled = true;
    });
    const started = performance.now();
    await terminateWhenLoaded(worker, loaded, 200);
    assert.ok(performance.now() - started >= 180);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(settled, true, "whenLoaded resolves once the worker exited");
  });

  it("does not wait for a worker that already exited", async () => {
    const worker = new Worker(`process.exit(0)`, { eval: true });
    const loaded = whenLoaded(worker);
    await new Promise((resolve) => worker.once("exit", resolve));
    const started = performance.now();
    await terminateWhenLoaded(worker, loaded, 5_000);
    assert.ok(performance.now() - started < 1_000);
  });

  it("tells its announcement from other messages", () => {
    assert.equal(isLoadedAnnouncement("mach:worker-loaded"), true);
    assert.equal(isLoadedAnnouncement({ id: 1 }), false);
    assert.equal(isLoadedAnnouncement(undefined), false);
  });
});
