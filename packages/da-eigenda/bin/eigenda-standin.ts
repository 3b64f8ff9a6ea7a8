#!/usr/bin/env node
/**
 * Runs the EigenDA stand-in on its own: disperser + relay over gRPC and the eigenda-proxy REST face, persisting to
 * --data-dir. Without --srs-path it generates the INSECURE dev SRS (publicly known τ) once and caches it in
 * --srs-cache-dir (default: the data dir; a devnet that starts each chain afresh keeps it elsewhere, since the SRS
 * does not depend on the chain); a cached file that does not read back is generated again. Prints the endpoints as
 * one JSON line, stops cleanly on SIGINT/SIGTERM.
 *
 *   node bin/eigenda-standin.ts --data-dir .devnet/eigenda --port 32005 --proxy-port 3100
 */
import { access } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  defaultKzgEngine,
  generateInsecureDevSrsWithMcl,
  KZG_ENGINE_NAMES,
  type KzgEngineName,
  type NativeKzgTables,
  readMachSrsFile,
  type Srs,
  SrsError,
  startEigenDaStandIn,
  writeMachSrsFile,
} from "../src/index.ts";

const { values } = parseArgs({
  options: {
    "data-dir": { type: "string", default: ".eigenda-standin" },
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: "32005" },
    "relay-port": { type: "string" },
    "proxy-port": { type: "string", default: "3100" },
    "status-interval-ms": { type: "string", default: "1000" },
    "srs-path": { type: "string" },
    "srs-points": { type: "string", default: "4096" },
    "srs-cache-dir": { type: "string" },
    "tls-cert": { type: "string" },
    "tls-key": { type: "string" },
    "kzg-engine": { type: "string" },
    "kzg-tables": { type: "string", default: "auto" },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  process.stdout.write(
    "eigenda-standin [--data-dir DIR] [--host H] [--port P] [--relay-port P] [--proxy-port P|none]\n" +
      "                [--status-interval-ms MS] [--srs-path FILE | --srs-points N [--srs-cache-dir DIR]]\n" +
      "                [--tls-cert PEM --tls-key PEM]\n" +
      `                [--kzg-engine ${KZG_ENGINE_NAMES.join("|")}] [--kzg-tables auto|off|BITS]\n`,
  );
  process.exit(0);
}

const dataDir = values["data-dir"];

/** The SRS and the file it is in (a client of the stand-in reads the same file: the endpoints line names it). */
async function loadSrs(): Promise<{ srs: Srs; path: string }> {
  if (values["srs-path"]) return { srs: await readMachSrsFile(values["srs-path"]), path: resolve(values["srs-path"]) };
  const points = Number(values["srs-points"]);
  const cacheDir = values["srs-cache-dir"] ?? dataDir;
  const cached = resolve(cacheDir, `insecure-dev-${points}.srs`);
  try {
    await access(cached);
    return { srs: await readMachSrsFile(cached), path: cached };
  } catch (error) {
    if (error instanceof SrsError) {
      process.stderr.write(`the cached dev SRS ${cached} does not read back (${error.message}): generating it again\n`);
    } else if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  process.stderr.write(`generating an INSECURE dev SRS of ${points} points (publicly known tau) into ${cached}\n`);
  const srs = await generateInsecureDevSrsWithMcl({ numPoints: points });
  const { mkdir } = await import("node:fs/promises");
  await mkdir(cacheDir, { recursive: true });
  await writeMachSrsFile(cached, srs);
  return { srs, path: cached };
}

const kzgEngine = (values["kzg-engine"] ?? defaultKzgEngine()) as KzgEngineName;
if (!KZG_ENGINE_NAMES.includes(kzgEngine)) {
  process.stderr.write(`--kzg-engine must be one of ${KZG_ENGINE_NAMES.join(", ")}\n`);
  process.exit(2);
}
const kzgTables: NativeKzgTables = /^\d+$/.test(values["kzg-tables"])
  ? Number(values["kzg-tables"])
  : (values["kzg-tables"] as NativeKzgTables);
if (
  kzgTables !== "auto" &&
  kzgTables !== "off" &&
  !(typeof kzgTables === "number" && kzgTables >= 2 && kzgTables <= 16)
) {
  process.stderr.write("--kzg-tables must be auto, off or a width of 2 to 16 bits\n");
  process.exit(2);
}
const { srs, path: srsPath } = await loadSrs();
const proxyPort = values["proxy-port"] === "none" ? undefined : Number(values["proxy-port"]);
const standIn = await startEigenDaStandIn({
  host: values.host,
  port: Number(values.port),
  ...(values["relay-port"] ? { relayPort: Number(values["relay-port"]) } : {}),
  ...(proxyPort === undefined ? {} : { proxyPort }),
  ...(values["tls-cert"] && values["tls-key"]
    ? { tls: { certPath: values["tls-cert"], keyPath: values["tls-key"] } }
    : {}),
  dataDir,
  statusIntervalMs: Number(values["status-interval-ms"]),
  srs,
  kzgEngine,
  kzgTables,
});
// Before the endpoints line: a supervisor may stop the stand-in as soon as it reads it, and a signal that comes
// before its listener ends the process without closing the stand-in.
const stop = async () => {
  await standIn.close();
  process.exit(0);
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
process.stdout.write(
  `${JSON.stringify({
    disperser: standIn.disperserUrl,
    relay: standIn.relayUrl,
    proxy: standIn.proxyUrl ?? null,
    srsPoints: srs.g1.length,
    srsPath,
    insecureSrs: srs.insecure,
  })}\n`,
);
