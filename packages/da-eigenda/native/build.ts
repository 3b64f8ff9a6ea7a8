/**
 * The package's postinstall: builds the native KZG addon (src/kzg/nativeBuild.ts). A failed build does not fail the
 * install: the "native" engine then reports itself unavailable and the default engine falls back to mcl.
 *   node native/build.ts
 */
import { buildNativeKzgAddon } from "../src/kzg/nativeBuild.ts";

try {
  const started = performance.now();
  const path = buildNativeKzgAddon();
  process.stderr.write(`native KZG addon ready: ${path} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
} catch (error) {
  process.stderr.write(`warning: ${(error as Error).message}\nthe "mcl" KZG engine will be used instead\n`);
}
