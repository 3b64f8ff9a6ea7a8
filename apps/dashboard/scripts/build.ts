/**
 * Bundles the page into `dist/`: esbuild takes `src/ui/main.tsx` (Preact, the page's logic, viem's ABI decoder and
 * the CSS it imports) to content-hashed files under `dist/assets/`, and `src/index.html` becomes `dist/index.html`
 * naming them. Everything the page loads is in `dist/`: no CDN, no web fonts, no network but the node's own
 * WebSocket. Run by turbo's `build` task (`node scripts/build.ts`).
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { build } from "esbuild";

const root = join(import.meta.dirname, "..");
const dist = join(root, "dist");
const assets = join(dist, "assets");

rmSync(dist, { recursive: true, force: true });
mkdirSync(assets, { recursive: true });

const result = await build({
  entryPoints: [join(root, "src/ui/main.tsx")],
  outdir: assets,
  entryNames: "[name]-[hash]",
  bundle: true,
  format: "esm",
  platform: "browser",
  target: ["es2022", "chrome109", "safari16", "firefox115"],
  jsx: "automatic",
  jsxImportSource: "preact",
  minify: true,
  sourcemap: false,
  legalComments: "linked",
  metafile: true,
  logLevel: "warning",
});

const outputs = Object.keys(result.metafile.outputs).map((path) => join(process.cwd(), path));
const script = outputs.find((path) => path.endsWith(".js"));
const styles = outputs.find((path) => path.endsWith(".css"));
if (!script || !styles) throw new Error(`esbuild produced no script or no stylesheet: ${outputs.join(", ")}`);

const favicon = readFileSync(join(root, "src/favicon.svg"));
const faviconName = `favicon-${createHash("sha256").update(favicon).digest("hex").slice(0, 8).toUpperCase()}.svg`;
writeFileSync(join(assets, faviconName), favicon);

const url = (path: string) => `/${relative(dist, path).split("\\").join("/")}`;
const html = readFileSync(join(root, "src/index.html"), "utf8")
  .replace("%SCRIPT%", url(script))
  .replace("%STYLES%", url(styles))
  .replace("%FAVICON%", `/assets/${faviconName}`);
writeFileSync(join(dist, "index.html"), html);

const sizes = outputs.map((path) => `${basename(path)} ${(readFileSync(path).length / 1024).toFixed(1)} KiB`);
process.stdout.write(`dashboard: dist/index.html, ${sizes.join(", ")}\n`);
