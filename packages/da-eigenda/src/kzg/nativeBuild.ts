/**
 * Builds the native KZG addon (native/*.c → native/build/kzg_msm.node) with the machine's C compiler and the
 * `node-api-headers` package's headers: no node-gyp, nothing downloaded. `-O3`, no `-march=native`; on an x86-64
 * CPU with BMI2 and ADX (Intel since Broadwell, AMD since Zen) also `-mbmi2 -madx`, which switch field.h to its
 * MULX/ADCX/ADOX assembly multiplication. Those flags come from this machine's /proc/cpuinfo and are part of the
 * digest, so an addon carried to a CPU without them is rebuilt there without them; a compiler that refuses them gets
 * the portable build. The build is keyed by a digest of the sources and flags (written beside the addon): a changed
 * source is rebuilt on next use, an unchanged one is not. Run at install (native/build.ts, the package's postinstall)
 * and lazily by nativeAddon.ts when the addon is missing or stale.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { threadId } from "node:worker_threads";

const NATIVE_DIR = fileURLToPath(new URL("../../native/", import.meta.url));
const SOURCES = ["field.h", "curve.h", "kzg.h", "kzg.c", "addon.c"];
const COMPILED = ["addon.c", "kzg.c"];
const CFLAGS = ["-O3", "-std=gnu11", "-shared", "-fPIC", "-fvisibility=hidden", "-Wall", "-Wextra"];

export const NATIVE_KZG_ADDON_PATH = join(NATIVE_DIR, "build", "kzg_msm.node");
const DIGEST_PATH = join(NATIVE_DIR, "build", "kzg_msm.digest");

export class NativeKzgBuildError extends Error {
  override name = "NativeKzgBuildError";
}

/** The flags for this CPU's extensions field.h uses: BMI2 (MULX) and ADX (ADCX/ADOX), when it has both. */
let cpuFlagsCache: readonly string[] | undefined;
function cpuFlags(): readonly string[] {
  cpuFlagsCache ??= detectCpuFlags();
  return cpuFlagsCache;
}

function detectCpuFlags(): readonly string[] {
  if (process.arch !== "x64") return [];
  try {
    const line = /^flags\s*:(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "";
    const flags = new Set(line.trim().split(/\s+/));
    return flags.has("bmi2") && flags.has("adx") ? ["-mbmi2", "-madx"] : [];
  } catch {
    return []; // no /proc (not Linux): the portable build
  }
}

/** The C compiler: $CC, else gcc. */
function compiler(): string {
  return process.env.CC || "gcc";
}

function headersDir(): string {
  const headers = createRequire(import.meta.url)("node-api-headers") as { include_dir: string };
  return headers.include_dir;
}

/** Digest of what the addon is built from: sources, flags and compiler name. */
function sourceDigest(): string {
  const hash = createHash("sha256").update(JSON.stringify([compiler(), CFLAGS, cpuFlags()]));
  for (const source of SOURCES) hash.update(source).update(readFileSync(join(NATIVE_DIR, source)));
  return hash.digest("hex");
}

/** Whether the addon on disk was built from the current sources. */
export function nativeKzgAddonIsCurrent(): boolean {
  return (
    existsSync(NATIVE_KZG_ADDON_PATH) &&
    existsSync(DIGEST_PATH) &&
    readFileSync(DIGEST_PATH, "utf8").trim() === sourceDigest()
  );
}

/**
 * Compiles the addon's sources to `output` with the common flags and `extraFlags` (no digest, no fallback): what
 * buildNativeKzgAddon runs, and what the tests use to build the portable variant beside the installed one.
 */
export function compileNativeKzgAddon(output: string, extraFlags: readonly string[]): void {
  execFileSync(
    compiler(),
    [...CFLAGS, ...extraFlags, `-I${headersDir()}`, ...COMPILED.map((c) => join(NATIVE_DIR, c)), "-o", output],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
}

/** The CPU flags this machine's build adds (empty: the portable build). */
export function nativeKzgCpuFlags(): readonly string[] {
  return cpuFlags();
}

/**
 * Builds the addon unless it is current; returns its path. Throws NativeKzgBuildError (with the compiler's output)
 * when the compiler is missing or fails. Safe to run from several processes or threads at once: each compiles to its
 * own file and renames it into place.
 */
export function buildNativeKzgAddon(): string {
  if (nativeKzgAddonIsCurrent()) return NATIVE_KZG_ADDON_PATH;
  const digest = sourceDigest();
  mkdirSync(join(NATIVE_DIR, "build"), { recursive: true });
  const tmp = `${NATIVE_KZG_ADDON_PATH}.${process.pid}.${threadId}.tmp`;
  try {
    try {
      compileNativeKzgAddon(tmp, cpuFlags());
    } catch (error) {
      // A compiler without the CPU flags (or its assembler without MULX/ADX) still builds the portable code.
      if (cpuFlags().length === 0 || (error as { code?: string }).code === "ENOENT") throw error;
      compileNativeKzgAddon(tmp, []);
    }
  } catch (error) {
    rmSync(tmp, { force: true });
    const { code, stderr } = error as { code?: string; stderr?: Buffer };
    const detail = code === "ENOENT" ? `${compiler()} not found` : (stderr?.toString().trim() ?? String(error));
    throw new NativeKzgBuildError(`cannot build the native KZG addon: ${detail}`, { cause: error });
  }
  renameSync(tmp, NATIVE_KZG_ADDON_PATH);
  writeFileSync(`${DIGEST_PATH}.${process.pid}.${threadId}.tmp`, digest);
  renameSync(`${DIGEST_PATH}.${process.pid}.${threadId}.tmp`, DIGEST_PATH);
  return NATIVE_KZG_ADDON_PATH;
}
