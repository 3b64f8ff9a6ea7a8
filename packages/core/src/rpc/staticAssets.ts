/**
 * Static files served from the RPC port (the dashboard): a directory read once at start into memory, answered for
 * GET and HEAD while POST stays JSON-RPC and upgrades stay WebSocket. A request can only name a file that was in
 * the table at start (exact path lookup; symlinks and dotfiles are never loaded), so no path walks out of the
 * directory. Content-hashed names (`app-3FQ2K7ZD.js`) are cached for a year as immutable, everything else is
 * revalidated by ETag; text assets are precompressed with brotli and gzip. HTML carries a CSP that allows only
 * same-origin scripts, styles and connections (the page's WebSocket back to this port).
 */
import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join } from "node:path";
import { brotliCompressSync, gzipSync, constants as zlibConstants } from "node:zlib";
import { MachError } from "../errors.ts";

/** The directory cannot be served (missing, not a directory, or larger than the limits). */
export class StaticAssetsError extends MachError {
  override name = "StaticAssetsError";
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".webmanifest": "application/manifest+json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};
const COMPRESSIBLE = new Set([".html", ".js", ".mjs", ".css", ".json", ".map", ".webmanifest", ".svg", ".txt"]);
/** esbuild's `[name]-[hash]` (8 characters, base32). */
const HASHED_NAME = /-[A-Z0-9]{8,}\.[a-z0-9]+$/;

const HTML_SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
} as const;

export interface StaticAssetsLimits {
  /** Default 2,000. */
  readonly maxFiles?: number;
  /** Default 64 MiB. */
  readonly maxTotalBytes?: number;
}

interface Asset {
  readonly body: Buffer;
  readonly brotli: Buffer | undefined;
  readonly gzip: Buffer | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly etag: string;
}

export interface StaticAssets {
  /** URL paths served, sorted (`/` stands for `/index.html`). */
  readonly paths: readonly string[];
  /** Answers a GET or HEAD request: 200 / 304 with the file, or 404. */
  serve(request: IncomingMessage, response: ServerResponse): void;
}

function compressed(body: Buffer, extension: string) {
  if (!COMPRESSIBLE.has(extension) || body.length < 1024) return { brotli: undefined, gzip: undefined };
  const brotli = brotliCompressSync(body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11 } });
  const gzip = gzipSync(body, { level: 9 });
  return {
    brotli: brotli.length < body.length ? brotli : undefined,
    gzip: gzip.length < body.length ? gzip : undefined,
  };
}

/** Reads every regular file under `dir` (recursively) into memory. */
export function loadStaticAssets(dir: string, limits: StaticAssetsLimits = {}): StaticAssets {
  const maxFiles = limits.maxFiles ?? 2000;
  const maxTotalBytes = limits.maxTotalBytes ?? 64 * 1024 * 1024;
  let stats: ReturnType<typeof lstatSync>;
  try {
    stats = lstatSync(dir);
  } catch (error) {
    throw new StaticAssetsError(`static directory ${dir} cannot be read`, { cause: error });
  }
  if (!stats.isDirectory()) throw new StaticAssetsError(`static directory ${dir} is not a directory`);

  const table = new Map<string, Asset>();
  let totalBytes = 0;
  const walk = (folder: string, urlPrefix: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.name.startsWith(".")) continue;
      const path = join(folder, entry.name);
      const urlPath = `${urlPrefix}/${entry.name}`;
      if (entry.isDirectory()) {
        walk(path, urlPath);
        continue;
      }
      if (!entry.isFile()) continue;
      const body = readFileSync(path);
      totalBytes += body.length;
      if (table.size >= maxFiles || totalBytes > maxTotalBytes) {
        throw new StaticAssetsError(`static directory ${dir} is too large`, {
          details: `at most ${maxFiles} files and ${maxTotalBytes} bytes are served`,
        });
      }
      const extension = extname(entry.name).toLowerCase();
      const headers: Record<string, string> = {
        "content-type": CONTENT_TYPES[extension] ?? "application/octet-stream",
        "cache-control": HASHED_NAME.test(entry.name) ? "public, max-age=31536000, immutable" : "no-cache",
        "x-content-type-options": "nosniff",
        ...(extension === ".html" ? HTML_SECURITY_HEADERS : {}),
      };
      const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
      table.set(urlPath, { body, ...compressed(body, extension), headers, etag });
    }
  };
  walk(dir, "");
  const index = table.get("/index.html");
  if (index) table.set("/", index);

  return {
    paths: [...table.keys()].sort(),
    serve(request, response) {
      // The raw path up to the query, looked up as is: nothing is decoded or resolved, so only table keys match.
      const asset = table.get((request.url ?? "/").split("?", 1)[0] as string);
      if (!asset) {
        response.writeHead(404, { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" });
        response.end(request.method === "HEAD" ? undefined : "not found\n");
        return;
      }
      const headers: Record<string, string> = { ...asset.headers, etag: asset.etag };
      if (asset.brotli || asset.gzip) headers.vary = "accept-encoding";
      if (request.headers["if-none-match"] === asset.etag) {
        response.writeHead(304, headers);
        response.end();
        return;
      }
      const accepted = acceptedEncodings(request.headers["accept-encoding"]);
      let body = asset.body;
      if (asset.brotli && accepted.has("br")) {
        body = asset.brotli;
        headers["content-encoding"] = "br";
      } else if (asset.gzip && accepted.has("gzip")) {
        body = asset.gzip;
        headers["content-encoding"] = "gzip";
      }
      headers["content-length"] = String(body.length);
      response.writeHead(200, headers);
      response.end(request.method === "HEAD" ? undefined : body);
    },
  };
}

/** Encodings the client accepts (a `q=0` entry refuses one). */
function acceptedEncodings(header: string | string[] | undefined): Set<string> {
  const accepted = new Set<string>();
  const text = Array.isArray(header) ? header.join(",") : (header ?? "");
  for (const part of text.split(",")) {
    const [name, ...parameters] = part.trim().split(";");
    if (!name) continue;
    const refused = parameters.some((parameter) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(parameter));
    if (!refused) accepted.add(name.toLowerCase());
  }
  return accepted;
}
