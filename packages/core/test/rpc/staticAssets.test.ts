import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { loadStaticAssets, StaticAssetsError } from "../../src/rpc/staticAssets.ts";
import { type Harness, startHarness } from "./harness.ts";

const SCRIPT = `console.log(${JSON.stringify("mach ".repeat(400))});\n`;

/** A raw GET that sends the path as written (fetch would normalize `..`). */
function get(
  url: string,
  path: string,
  headers: Record<string, string> = {},
  method = "GET",
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${url}/`, { method, path, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
    });
    request.on("error", reject);
    request.end();
  });
}

describe("static assets on the RPC port", () => {
  let root: string;
  let h: Harness;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), "mach-static-"));
    const dir = join(root, "dist");
    mkdirSync(join(dir, "assets"), { recursive: true });
    writeFileSync(join(dir, "index.html"), "<!doctype html><title>Mach</title>");
    writeFileSync(join(dir, "assets", "app-3FQ2K7ZD.js"), SCRIPT);
    writeFileSync(join(dir, "assets", "logo.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
    writeFileSync(join(dir, ".env"), "SECRET=1");
    writeFileSync(join(root, "outside.txt"), "outside the directory");
    symlinkSync(join(root, "outside.txt"), join(dir, "linked.txt"));
    h = await startHarness({ staticDir: dir });
  });
  after(async () => {
    await h.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("answers / with index.html, revalidated by ETag, under a same-origin CSP", async () => {
    const page = await get(h.server.url, "/");
    assert.equal(page.status, 200);
    assert.equal(page.body.toString(), "<!doctype html><title>Mach</title>");
    assert.equal(page.headers["content-type"], "text/html; charset=utf-8");
    assert.equal(page.headers["cache-control"], "no-cache");
    assert.match(String(page.headers["content-security-policy"]), /default-src 'self'.*connect-src 'self'/);
    assert.equal(page.headers["x-content-type-options"], "nosniff");
    const again = await get(h.server.url, "/index.html", { "if-none-match": String(page.headers.etag) });
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
  });

  it("caches content-hashed names as immutable and compresses text for clients that accept it", async () => {
    const plain = await get(h.server.url, "/assets/app-3FQ2K7ZD.js");
    assert.equal(plain.headers["content-type"], "text/javascript; charset=utf-8");
    assert.equal(plain.headers["cache-control"], "public, max-age=31536000, immutable");
    assert.equal(plain.body.toString(), SCRIPT);
    const brotli = await get(h.server.url, "/assets/app-3FQ2K7ZD.js", { "accept-encoding": "gzip, br" });
    assert.equal(brotli.headers["content-encoding"], "br");
    assert.equal(brotliDecompressSync(brotli.body).toString(), SCRIPT);
    const gzip = await get(h.server.url, "/assets/app-3FQ2K7ZD.js", { "accept-encoding": "gzip, br;q=0" });
    assert.equal(gzip.headers["content-encoding"], "gzip");
    assert.equal(gunzipSync(gzip.body).toString(), SCRIPT);
    assert.equal((await get(h.server.url, "/assets/logo.svg")).headers["content-type"], "image/svg+xml");
  });

  it("answers HEAD with the headers only", async () => {
    const head = await get(h.server.url, "/assets/app-3FQ2K7ZD.js", {}, "HEAD");
    assert.equal(head.status, 200);
    assert.equal(head.headers["content-length"], String(Buffer.byteLength(SCRIPT)));
    assert.equal(head.body.length, 0);
  });

  it("serves nothing outside the directory, no dotfiles and no symlinks", async () => {
    for (const path of [
      "/../outside.txt",
      "/assets/../../outside.txt",
      "/%2e%2e/outside.txt",
      "/..%2foutside.txt",
      "//outside.txt",
      "/.env",
      "/linked.txt",
      "/assets",
      "/missing.js",
    ]) {
      const answer = await get(h.server.url, path);
      assert.equal(answer.status, 404, path);
      assert.doesNotMatch(answer.body.toString(), /outside the directory|SECRET/, path);
    }
  });

  it("keeps JSON-RPC on POST", async () => {
    assert.equal(await h.result("eth_chainId"), "0x10e6");
  });

  it("refuses a missing directory and one over the limits at start", () => {
    assert.throws(() => loadStaticAssets(join(root, "nope")), StaticAssetsError);
    assert.throws(() => loadStaticAssets(join(root, "outside.txt")), StaticAssetsError);
    assert.throws(() => loadStaticAssets(join(root, "dist"), { maxFiles: 2 }), /too large/);
  });
});
