import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { Worker } from "node:worker_threads";
import { THREAD_NAME_MAX_BYTES } from "../src/threadName.ts";

/** The names of this process's threads, as the kernel lists them. */
function threadNames(): string[] {
  return readdirSync("/proc/self/task").map((tid) => readFileSync(`/proc/self/task/${tid}/comm`, "utf8").trim());
}

describe("nameThisThread", { skip: process.platform !== "linux" && "thread names are set on Linux only" }, () => {
  it("names a worker thread as the kernel shows it, cut to 15 bytes", async () => {
    const url = new URL("../src/threadName.ts", import.meta.url).href;
    const worker = new Worker(
      `import(${JSON.stringify(url)}).then(({ nameThisThread }) => {
         const { parentPort } = require("node:worker_threads");
         parentPort.postMessage(nameThisThread("mach-test-worker-with-a-long-name"));
         parentPort.once("message", () => process.exit(0));
       });`,
      { eval: true },
    );
    try {
      const named = await new Promise((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
      });
      assert.equal(named, true);
      const expected = "mach-test-worker-with-a-long-name".slice(0, THREAD_NAME_MAX_BYTES);
      assert.ok(threadNames().includes(expected), `threads: ${threadNames().join(", ")}`);
      // The worker named itself only: the main thread (the process's name) keeps its own.
      assert.notEqual(readFileSync("/proc/self/comm", "utf8").trim(), expected);
    } finally {
      worker.postMessage("stop");
      await new Promise((resolve) => worker.once("exit", resolve));
    }
  });
});
