import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

/** The modules an import of `entry` loads, as resolved URLs, recorded by a resolve hook in a fresh process. */
async function modulesLoadedBy(entry: string): Promise<string[]> {
  const script = `
    import { registerHooks } from "node:module";
    const urls = [];
    registerHooks({ resolve(specifier, context, next) { const result = next(specifier, context); urls.push(result.url); return result; } });
    await import(${JSON.stringify(entry)});
    console.log(JSON.stringify(urls));
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "[]") as string[];
}

const LIBP2P = /\/(libp2p|@libp2p|@chainsafe|@multiformats)\//;

describe("p2p isolation", () => {
  it("importing any other @mach/core entry point (the node's included) loads no libp2p module", async () => {
    const exports = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      exports: Record<string, string>;
    };
    for (const [entry, path] of Object.entries(exports.exports)) {
      if (entry === "./p2p") continue;
      const urls = await modulesLoadedBy(fileURLToPath(new URL(`../../${path}`, import.meta.url)));
      assert.ok(urls.length > 0, `${entry}: ${urls.length} modules recorded`);
      assert.deepEqual(
        urls.filter((url) => LIBP2P.test(url) || url.includes("/src/p2p/")),
        [],
        entry,
      );
    }
  });

  it("importing @mach/core/p2p does load libp2p (the check above can fail)", async () => {
    const urls = await modulesLoadedBy(fileURLToPath(new URL("../../src/p2p/index.ts", import.meta.url)));
    assert.ok(urls.some((url) => LIBP2P.test(url)));
  });
});
