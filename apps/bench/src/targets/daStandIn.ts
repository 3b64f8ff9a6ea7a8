/**
 * The DA stand-ins as child processes (their packages' bins, as `pnpm devnet` starts them: the stand-in's
 * commitment checks and block production get their own process, not the bench's event loop), on free ports with a
 * temp data directory, and the Mach node's `da` config section that points at each. EigenDA's insecure dev SRS is
 * generated once per SRS size and cached in the bench's output directory (generating 4,096 points takes ~45 s).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateInsecureDevSrsWithMcl, writeMachSrsFile } from "@mach/da-eigenda";
import { keccak256, toHex } from "viem";
import { type ManagedProcess, spawnUntilReady } from "./process.ts";

export type DaStandInProvider = "eigenda" | "celestia";

export interface DaStandInSettings {
  /** EigenDA: points of the dev SRS (the largest blob is (points − 1) × 31 payload bytes). */
  readonly eigendaSrsPoints: number;
  /** EigenDA: the stand-in's status tick (QUEUED → … → COMPLETE, one step per tick) and the client's poll. */
  readonly eigendaStatusIntervalMs: number;
  /** Celestia: the stand-in's block time. */
  readonly celestiaBlockTimeMs: number;
  /** Where the EigenDA dev SRS is cached between runs. */
  readonly cacheDir: string;
}

export interface DaStandIn {
  readonly provider: DaStandInProvider;
  /** The Mach node's `da` section. */
  readonly nodeConfig: { readonly provider: DaStandInProvider; readonly options: Record<string, unknown> };
  /** How the stand-in and the client were set up (named in every row). */
  readonly configuration: string;
  readonly process: ManagedProcess;
  close(): Promise<void>;
}

const binOf = (entry: string, bin: string) => fileURLToPath(new URL(`../bin/${bin}`, import.meta.resolve(entry)));

/** The cached dev SRS file of `points` points, generated (mcl's WebAssembly: ~0.8 ms a point) when absent. */
export async function ensureDevSrs(points: number, cacheDir: string): Promise<string> {
  mkdirSync(cacheDir, { recursive: true });
  const path = join(cacheDir, `eigenda-insecure-dev-${points}.srs`);
  if (!existsSync(path)) await writeMachSrsFile(path, await generateInsecureDevSrsWithMcl({ numPoints: points }));
  return path;
}

export async function startDaStandIn(provider: DaStandInProvider, settings: DaStandInSettings): Promise<DaStandIn> {
  const dataDir = mkdtempSync(join(tmpdir(), `mach-bench-${provider}-`));
  try {
    return provider === "eigenda" ? await startEigenDa(dataDir, settings) : await startCelestia(dataDir, settings);
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

async function startEigenDa(dataDir: string, settings: DaStandInSettings): Promise<DaStandIn> {
  const srsPath = await ensureDevSrs(settings.eigendaSrsPoints, settings.cacheDir);
  const { process: child, ready } = await spawnUntilReady({
    name: "EigenDA stand-in",
    command: process.execPath,
    args: [
      binOf("@mach/da-eigenda", "eigenda-standin.ts"),
      "--data-dir",
      dataDir,
      "--port",
      "0",
      "--proxy-port",
      "none",
      "--status-interval-ms",
      String(settings.eigendaStatusIntervalMs),
      "--srs-path",
      srsPath,
    ],
    timeoutMs: 120_000,
    ready(line) {
      if (!line.startsWith("{")) return undefined;
      const entry = JSON.parse(line) as { disperser?: string; relay?: string };
      return entry.disperser && entry.relay ? { disperser: entry.disperser, relay: entry.relay } : undefined;
    },
  });
  return {
    provider: "eigenda",
    nodeConfig: {
      provider: "eigenda",
      options: {
        disperser: ready.disperser,
        relays: { "0": ready.relay },
        signerPrivateKey: keccak256(toHex("mach-bench EigenDA signer")),
        srs: { format: "mach", path: srsPath },
        statusPollIntervalMs: settings.eigendaStatusIntervalMs,
        certificateTimeoutMs: 120_000,
      },
    },
    configuration: `EigenDA stand-in (bin, own process; status tick ${settings.eigendaStatusIntervalMs} ms, insecure dev SRS of ${settings.eigendaSrsPoints.toLocaleString("en-US")} points: frames of ≤ ${((settings.eigendaSrsPoints - 1) * 31).toLocaleString("en-US")} B), Mach's EigenDA client with its defaults (default KZG engine, native or mcl-wasm, in 1 worker thread)`,
    process: child,
    async close() {
      await child.stop("SIGTERM", 10_000);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function startCelestia(dataDir: string, settings: DaStandInSettings): Promise<DaStandIn> {
  const { process: child, ready } = await spawnUntilReady({
    name: "Celestia stand-in",
    command: process.execPath,
    args: [
      binOf("@mach/da-celestia", "celestia-standin.ts"),
      "--data-dir",
      dataDir,
      "--port",
      "0",
      "--block-time-ms",
      String(settings.celestiaBlockTimeMs),
    ],
    timeoutMs: 60_000,
    ready(line) {
      if (!line.startsWith("{")) return undefined;
      const entry = JSON.parse(line) as { rpcUrl?: string; authToken?: string };
      return entry.rpcUrl && entry.authToken ? { rpcUrl: entry.rpcUrl, authToken: entry.authToken } : undefined;
    },
  });
  return {
    provider: "celestia",
    nodeConfig: {
      provider: "celestia",
      // The batcher retries on its own; one attempt per call keeps the two backoffs from stacking (as the devnet).
      options: { rpcUrl: ready.rpcUrl, authToken: ready.authToken, namespace: "0x6d616368", retry: { attempts: 1 } },
    },
    configuration: `Celestia stand-in (bin, own process; block time ${settings.celestiaBlockTimeMs} ms), Mach's Celestia client (share commitment in JS)`,
    process: child,
    async close() {
      await child.stop("SIGTERM", 10_000);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
