#!/usr/bin/env node
// Installs Mach's toolchain into the repo (idempotently) and runs a command under it.
// Runs on any Node >= 18 so `npm test` / `npm run devnet` work on a machine with only the system Node.
// Usage: node scripts/bootstrap.mjs [command args...]
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const NODE_VERSION = "22.23.3";
const PNPM_VERSION = "12.4.2";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tools = join(root, ".tools");
const log = (message) => process.stderr.write(`[bootstrap] ${message}\n`);

/** Runs one install step, printing its name and then its duration (or that it failed), as the devnet's steps do. */
function step(name, run) {
  const started = performance.now();
  log(`• ${name} …`);
  const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
  try {
    const result = run();
    log(`✓ ${name} (${seconds()} s)`);
    return result;
  } catch (error) {
    log(`✗ ${name} (${seconds()} s)`);
    throw error;
  }
}

function nodePackageName() {
  const arch = { x64: "x64", arm64: "arm64" }[process.arch];
  if (process.platform !== "linux" || !arch) {
    throw new Error(`no pinned Node binary for ${process.platform}/${process.arch}: install Node >= 22 yourself`);
  }
  return `node-linux-${arch}`;
}

function npmInstall(prefix, spec) {
  mkdirSync(prefix, { recursive: true });
  execFileSync("npm", ["install", "--no-save", "--no-package-lock", "--ignore-scripts", "--prefix", prefix, spec], {
    stdio: ["ignore", "inherit", "inherit"],
  });
}

/** Returns the directory holding a Node >= 22 binary: the system one if new enough, else a pinned copy. */
function ensureNode() {
  const major = Number(process.versions.node.split(".")[0]);
  if (major >= 22) return dirname(process.execPath);
  const pkg = nodePackageName();
  const binDir = join(tools, "node", "node_modules", pkg, "bin");
  const stamp = join(tools, "node", "version");
  if (!existsSync(join(binDir, "node")) || readStamp(stamp) !== NODE_VERSION) {
    step(`installing Node ${NODE_VERSION} from the npm registry into .tools/node`, () =>
      npmInstall(join(tools, "node"), `${pkg}@${NODE_VERSION}`),
    );
    writeFileSync(stamp, NODE_VERSION);
  }
  return binDir;
}

function ensurePnpm(env) {
  const bin = join(tools, "pnpm", "node_modules", ".bin");
  const stamp = join(tools, "pnpm", "version");
  if (!existsSync(join(bin, "pnpm")) || readStamp(stamp) !== PNPM_VERSION) {
    step(`installing pnpm ${PNPM_VERSION} into .tools/pnpm`, () =>
      execFileSync(
        "npm",
        ["install", "--no-save", "--no-package-lock", "--prefix", join(tools, "pnpm"), `pnpm@${PNPM_VERSION}`],
        { stdio: ["ignore", "inherit", "inherit"], env },
      ),
    );
    writeFileSync(stamp, PNPM_VERSION);
  }
  return bin;
}

function readStamp(path) {
  return existsSync(path) ? readFileSync(path, "utf8").trim() : "";
}

/** Installs the locked dependencies when the lockfile (or the Node binary) changed since the last install. */
function ensureDependencies(env) {
  const lock = join(root, "pnpm-lock.yaml");
  const hash = createHash("sha256")
    .update(existsSync(lock) ? readFileSync(lock) : "")
    .update(NODE_VERSION)
    .digest("hex");
  const stamp = join(root, "node_modules", ".mach-install");
  if (readStamp(stamp) === hash) return;
  step("installing locked dependencies with pnpm", () =>
    execFileSync("pnpm", ["install", "--frozen-lockfile"], { cwd: root, stdio: ["ignore", "inherit", "inherit"], env }),
  );
  writeFileSync(stamp, hash);
}

const nodeBin = ensureNode();
const pathWithNode = [nodeBin, process.env.PATH].join(":");
const baseEnv = { ...process.env, PATH: pathWithNode };
const pnpmBin = ensurePnpm(baseEnv);
const env = { ...baseEnv, PATH: [nodeBin, pnpmBin, join(root, "node_modules", ".bin"), process.env.PATH].join(":") };
ensureDependencies(env);

const [command, ...args] = process.argv.slice(2);
if (command) {
  const child = spawn(command, args, { cwd: process.cwd(), stdio: "inherit", env });
  const forward = (signal) => child.kill(signal);
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
}
