#!/usr/bin/env node
/**
 * Runs the stand-in celestia-node alone, for people who want only the DA service:
 *   node bin/celestia-standin.ts --port 26658 --data-dir ./.celestia-standin --block-time-ms 1000
 * Prints the RPC URL and an admin token; stops on SIGINT/SIGTERM.
 */
import { parseArgs } from "node:util";
import { startCelestiaStandIn } from "../src/index.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "26658" },
    host: { type: "string", default: "127.0.0.1" },
    "data-dir": { type: "string", default: ".celestia-standin" },
    "block-time-ms": { type: "string", default: "1000" },
    "auth-token": { type: "string" },
    "skip-auth": { type: "boolean", default: false },
    "max-blob-bytes": { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (values.help) {
  process.stdout.write(
    "celestia-standin [--port 26658] [--host 127.0.0.1] [--data-dir DIR] [--block-time-ms 1000]\n" +
      "                 [--auth-token TOKEN] [--skip-auth] [--max-blob-bytes N]\n",
  );
  process.exit(0);
}

function integer(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) {
    process.stderr.write(`--${name} must be a non-negative integer, got ${text}\n`);
    process.exit(2);
  }
  return value;
}

const standIn = await startCelestiaStandIn({
  port: integer("port", values.port),
  host: values.host,
  dataDir: values["data-dir"],
  blockTimeMs: Math.max(1, integer("block-time-ms", values["block-time-ms"])),
  skipAuth: values["skip-auth"],
  ...(values["auth-token"] === undefined ? {} : { authToken: values["auth-token"] }),
  ...(values["max-blob-bytes"] === undefined
    ? {}
    : { maxBlobBytes: integer("max-blob-bytes", values["max-blob-bytes"]) }),
});
// Before the listening line: a supervisor may stop the stand-in as soon as it reads it, and a signal that comes before
// its listener ends the process without closing the stand-in.
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void standIn.close().then(() => process.exit(0));
  });
}
process.stdout.write(
  `${JSON.stringify({ event: "celestia-standin listening", rpcUrl: standIn.rpcUrl, authToken: standIn.authToken, head: standIn.head() })}\n`,
);
