import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { bn254 } from "@noble/curves/bn254.js";
import { sha256 } from "@noble/hashes/sha2.js";
import fc from "fast-check";
import { benchmarkSrs } from "../../bench/kzgThroughput.ts";
import {
  type BlobCommitment,
  blobCommitmentToBytes,
  blobMatchesCommitment,
  computeBlobCommitment,
  computeG1Commitment,
  createReferenceKzgEngine,
} from "../../src/kzg/commitment.ts";
import { createInlineCommitter, createWorkerCommitter } from "../../src/kzg/committer.ts";
import { createKzgEngine, DEFAULT_KZG_ENGINE, defaultKzgEngine, type KzgEngine } from "../../src/kzg/engine.ts";
import { createMclKzgEngine } from "../../src/kzg/mclEngine.ts";
import { loadNativeKzgAddon, NATIVE_MSM_METHODS, type NativeKzgAddon } from "../../src/kzg/nativeAddon.ts";
import { compileNativeKzgAddon, nativeKzgCpuFlags } from "../../src/kzg/nativeBuild.ts";
import {
  createNativeKzgEngine,
  type NativeKzgEngineOptions,
  NativeKzgUnavailableError,
} from "../../src/kzg/nativeEngine.ts";
import { G1, G2, g1ToCompressed } from "../../src/kzg/points.ts";
import {
  generateInsecureDevSrs,
  loadGnarkSrsFiles,
  readMachSrsSections,
  type Srs,
  SrsError,
  serializeMachSrs,
} from "../../src/kzg/srs.ts";
import { BN254_FR_MODULUS, encodePayloadToBlob, maxPayloadBytesForSymbols } from "../../src/payload/encoding.ts";
import { writeGnarkSrsFiles } from "../fixtures.ts";

const ORDER = 2n ** 12n;
/** The engine configurations every comparison runs: the default, each bucket method forced, tables of two widths. */
const CONFIGS: Readonly<Record<string, NativeKzgEngineOptions>> = {
  auto: {},
  xyzz: { method: "xyzz", tables: "off" },
  batchAffine: { method: "batchAffine", tables: "off" },
  tables: { method: "tables" },
  "tables of 6 bits": { method: "tables", tables: 6 },
};
const CONFIG_NAMES = Object.keys(CONFIGS);
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

/** The wire form (gnark-compressed points and the length) as hex, what must match byte for byte. */
function wire(c: BlobCommitment): string[] {
  const b = blobCommitmentToBytes(c);
  return [hex(b.commitment), hex(b.lengthCommitment), hex(b.lengthProof), String(b.length)];
}

function wordsToBlob(words: readonly bigint[], cut = 0): Uint8Array {
  const bytes = Buffer.concat(words.map((w) => Buffer.from(w.toString(16).padStart(64, "0"), "hex")));
  return new Uint8Array(bytes.subarray(0, bytes.length - cut));
}

/** 32-byte big-endian words below r, possibly cut short at the end (the last word is then right-padded). */
const rawBlobArb = (maxWords: number) =>
  fc
    .array(fc.bigInt({ min: 0n, max: BN254_FR_MODULUS - 1n }), { minLength: 1, maxLength: maxWords })
    .chain((words) => fc.integer({ min: 0, max: 31 }).map((cut) => wordsToBlob(words, cut)));

/** Deterministic words below r: sha256(seed ‖ i) reduced mod r (full 254-bit scalars, unlike encoded payloads). */
function seededWords(count: number, seed: string): bigint[] {
  return Array.from(
    { length: count },
    (_, i) => BigInt(`0x${hex(sha256(new TextEncoder().encode(`${seed}/${i}`)))}`) % BN254_FR_MODULUS,
  );
}

/** Whether this machine has the C compiler the addon is built with ($CC or gcc). */
function compilerPresent(): boolean {
  try {
    execFileSync(process.env.CC || "gcc", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const addonExpected = compilerPresent();
let srs: Srs;
let dir: string;
before(async () => {
  srs = generateInsecureDevSrs({ numPoints: 128, order: ORDER });
  dir = await mkdtemp(join(tmpdir(), "mach-eigenda-native-kzg-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("native KZG addon build", () => {
  it("builds and loads when a C compiler is present; otherwise says why and the default falls back to mcl", async () => {
    const status = loadNativeKzgAddon();
    if (addonExpected) {
      assert.ok(status.available, status.available ? "" : `the addon did not build: ${status.reason}`);
      assert.equal(defaultKzgEngine(), DEFAULT_KZG_ENGINE);
      assert.equal(DEFAULT_KZG_ENGINE, "native");
    } else {
      assert.equal(status.available, false);
      assert.equal(defaultKzgEngine(), "mcl");
      await assert.rejects(createNativeKzgEngine(srs), NativeKzgUnavailableError);
    }
  });

  it("falls back to mcl by default, saying why once, when the compiler is missing; the named engine refuses", () => {
    // A child process whose $CC does not exist: the addon's digest covers the compiler, so it must rebuild and fails
    // (the addon already built for gcc stays in place).
    const source = (file: string) => fileURLToPath(new URL(`../../src/kzg/${file}`, import.meta.url));
    const script = [
      `import { defaultKzgEngine } from ${JSON.stringify(source("engine.ts"))};`,
      `import { createNativeKzgEngine } from ${JSON.stringify(source("nativeEngine.ts"))};`,
      "console.log(defaultKzgEngine(), defaultKzgEngine());",
      "const srs = { order: 2n, g1: [], g2: [], g2Trailing: [], insecure: true };",
      "await createNativeKzgEngine(srs).catch((error) => console.log(error.name));",
    ].join("\n");
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      env: { ...process.env, CC: "/nonexistent/cc" },
      encoding: "utf8",
    });
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(child.stdout.trim().split("\n"), ["mcl mcl", "NativeKzgUnavailableError"]);
    const warnings = child.stderr.split("\n").filter((line) => line.includes("/nonexistent/cc not found"));
    assert.equal(warnings.length, 1, child.stderr);
    assert.match(warnings[0] ?? "", /using the "mcl" engine/);
    assert.ok(loadNativeKzgAddon().available || !addonExpected);
  });

  it("commits as the portable build does (no BMI2/ADX flags: field.h's C multiplication instead of its assembly)", () => {
    const status = loadNativeKzgAddon();
    assert.ok(status.available, status.available ? "" : status.reason);
    // On a CPU without BMI2 and ADX both are the portable build; the comparison then still holds, trivially.
    const path = join(dir, "portable.node");
    compileNativeKzgAddon(path, []);
    const portable = createRequire(import.meta.url)(path) as NativeKzgAddon;
    const large = benchmarkSrs(1024);
    const sections = readMachSrsSections(serializeMachSrs(large));
    const builds = [status.addon, portable].map((addon) => ({
      addon,
      handle: addon.loadSrs(sections.g1, sections.g2, sections.g2Trailing, 1024, 5),
    }));
    const blobs = [
      wordsToBlob(seededWords(1024, "portable")),
      wordsToBlob(seededWords(300, "portable-short"), 7),
      wordsToBlob(new Array(64).fill(BN254_FR_MODULUS - 1n)),
      encodePayloadToBlob(wordsToBlob(seededWords(500, "portable-enc")).subarray(0, maxPayloadBytesForSymbols(512))),
    ];
    for (const blob of blobs) {
      const count = Math.ceil(blob.length / 32);
      let length = 1;
      while (length < count) length *= 2;
      for (const method of Object.values(NATIVE_MSM_METHODS)) {
        const [installed, built] = builds.map(({ addon, handle }) =>
          addon.commit(handle, blob, count, 7, 1024 - length, method).map((part) => hex(part ?? new Uint8Array())),
        );
        assert.deepEqual(built, installed, `flags ${nativeKzgCpuFlags().join(" ")}, ${count} words, method ${method}`);
      }
    }
  });

  it("compiles in the Montgomery constants recomputed here: p, R² mod p, −p⁻¹ mod 2^64 (R = 2^256) and p²", () => {
    const status = loadNativeKzgAddon();
    assert.ok(status.available, status.available ? "" : status.reason);
    const p = bn254.fields.Fp.ORDER;
    const word = 2n ** 64n;
    let inverse = 1n; // p⁻¹ mod 2^64 by Newton's iteration: each step doubles the correct low bits
    for (let i = 0; i < 7; i++) inverse = (inverse * (2n - p * inverse)) % word;
    assert.equal((((p * inverse) % word) + word) % word, 1n);
    const constants = status.addon.fieldConstants();
    assert.equal(BigInt(`0x${constants.modulus}`), p);
    assert.equal(BigInt(`0x${constants.montgomeryR2}`), 2n ** 512n % p);
    assert.equal(BigInt(`0x${constants.montgomeryInv}`), (word - (((inverse % word) + word) % word)) % word);
    assert.equal(BigInt(`0x${constants.modulusSquared}`), p * p);
  });
});

describe("native KZG engine against the reference and mcl engines", () => {
  let engines: Record<string, KzgEngine>;
  before(async () => {
    const built = await Promise.all(CONFIG_NAMES.map((name) => createNativeKzgEngine(srs, CONFIGS[name])));
    engines = Object.fromEntries(CONFIG_NAMES.map((name, i) => [name, built[i] as KzgEngine]));
  });

  it("computes the reference's commitment, length commitment, length proof and length for random blobs, each method", () => {
    fc.assert(
      fc.property(rawBlobArb(128), (blob) => {
        const expected = wire(computeBlobCommitment(srs, blob));
        for (const name of CONFIG_NAMES) assert.deepEqual(wire(engines[name]!.computeBlobCommitment(blob)), expected);
      }),
      { numRuns: 10 },
    );
  });

  it("matches for one symbol, a non-power-of-two count cut short, all-zero and all-(r − 1) coefficients", () => {
    const blobs = [
      wordsToBlob([123456789n]),
      wordsToBlob(seededWords(1, "one")),
      wordsToBlob(seededWords(37, "odd"), 5),
      new Uint8Array(5 * 32),
      wordsToBlob(new Array(128).fill(BN254_FR_MODULUS - 1n)),
      wordsToBlob(new Array(3).fill(BN254_FR_MODULUS - 1n), 1),
    ];
    for (const blob of blobs) {
      const expected = wire(computeBlobCommitment(srs, blob));
      for (const name of CONFIG_NAMES) {
        assert.deepEqual(wire(engines[name]!.computeBlobCommitment(blob)), expected, `${name}, ${blob.length} B`);
      }
    }
    const zero = engines.auto!.computeBlobCommitment(new Uint8Array(5 * 32));
    assert.ok(zero.commitment.is0() && zero.lengthCommitment.is0() && zero.lengthProof.is0());
  });

  it("matches for encoded payloads of every blob length the SRS allows (2 to 128 symbols), full and G1 only", () => {
    for (let symbols = 2; symbols <= 128; symbols *= 2) {
      const blob = encodePayloadToBlob(
        wordsToBlob(seededWords(symbols, "payload")).subarray(0, maxPayloadBytesForSymbols(symbols)),
      );
      assert.equal(blob.length / 32, symbols);
      assert.deepEqual(wire(engines.auto!.computeBlobCommitment(blob)), wire(computeBlobCommitment(srs, blob)));
      assert.equal(
        hex(g1ToCompressed(engines.auto!.computeG1Commitment(blob))),
        hex(g1ToCompressed(computeG1Commitment(srs, blob))),
      );
    }
  });

  it("adds a point to itself (doubling) and to its negation (cancelling) inside a bucket, with both methods", async () => {
    // Bases that repeat and negate each other, scalars that put them into the same buckets of every window.
    const q1 = G1.BASE.multiply(7n);
    const q2 = G2.BASE.multiply(11n);
    const g1 = [q1, q1, q1.negate(), q1.double(), q1, G1.ZERO, q1.negate(), q1];
    const g2 = [q2, q2, q2.negate(), q2.double(), q2, G2.ZERO, q2.negate(), q2];
    const odd: Srs = { order: ORDER, g1, g2, g2Trailing: [...g2].reverse(), insecure: true };
    const blobs = [
      wordsToBlob(new Array(8).fill(5n)),
      wordsToBlob([3n, 3n, 3n, 6n, 3n, 3n, 3n, 3n]),
      wordsToBlob(new Array(8).fill(BN254_FR_MODULUS - 1n)),
      wordsToBlob(seededWords(8, "odd-srs")),
      wordsToBlob([1n, 1n]),
    ];
    for (const name of CONFIG_NAMES) {
      const engine = await createNativeKzgEngine(odd, CONFIGS[name]);
      for (const blob of blobs) {
        assert.deepEqual(wire(engine.computeBlobCommitment(blob)), wire(computeBlobCommitment(odd, blob)), name);
      }
    }
  });

  it("commits over an SRS holding points at infinity as the reference does", async () => {
    const withInfinity: Srs = {
      ...srs,
      g1: [G1.ZERO, ...srs.g1.slice(1)],
      g2: [...srs.g2.slice(0, 3), G2.ZERO, ...srs.g2.slice(4)],
      g2Trailing: [...srs.g2Trailing.slice(0, -1), G2.ZERO],
    };
    for (const name of CONFIG_NAMES) {
      const engine = await createNativeKzgEngine(withInfinity, CONFIGS[name]);
      const blob = wordsToBlob(seededWords(4, "infinity"));
      assert.deepEqual(wire(engine.computeBlobCommitment(blob)), wire(computeBlobCommitment(withInfinity, blob)));
    }
  });

  it("matches the reference over an SRS loaded from gnark-format g1.point / g2.point / g2.trailing.point files", async () => {
    const files = await writeGnarkSrsFiles(dir, srs);
    const loaded = await loadGnarkSrsFiles({ ...files, numPoints: 32, order: ORDER });
    const engine = await createNativeKzgEngine(loaded);
    fc.assert(
      fc.property(rawBlobArb(32), (blob) => {
        assert.deepEqual(wire(engine.computeBlobCommitment(blob)), wire(computeBlobCommitment(loaded, blob)));
      }),
      { numRuns: 8 },
    );
  });

  it("matches the mcl engine on 4,096 and 8,192 random full-width coefficients (both methods at 4,096)", async () => {
    const large = benchmarkSrs(8192);
    const mcl = await createMclKzgEngine(large);
    const natives = await Promise.all(CONFIG_NAMES.map((name) => createNativeKzgEngine(large, CONFIGS[name])));
    const blob4096 = wordsToBlob(seededWords(4096, "4096"));
    const expected4096 = wire(mcl.computeBlobCommitment(blob4096));
    for (const engine of natives) assert.deepEqual(wire(engine.computeBlobCommitment(blob4096)), expected4096);
    const blob8192 = wordsToBlob(seededWords(8192, "8192"));
    assert.deepEqual(wire(natives[0]!.computeBlobCommitment(blob8192)), wire(mcl.computeBlobCommitment(blob8192)));
    const encoded = encodePayloadToBlob(
      wordsToBlob(seededWords(4000, "enc")).subarray(0, maxPayloadBytesForSymbols(8192)),
    );
    assert.equal(
      hex(g1ToCompressed(natives[0]!.computeG1Commitment(encoded))),
      hex(g1ToCompressed(mcl.computeG1Commitment(encoded))),
    );
  });

  it("matches the mcl engine for scalars of every width: each splits into windows of two widths differently", async () => {
    // The windows cover exactly the largest scalar's bits plus one, some a bit wider than the rest (msm_plan): each
    // width below gives another split. The first word is the widest (2^bits − 1, or r − 1: every digit carries).
    const large = benchmarkSrs(512);
    const mcl = await createMclKzgEngine(large);
    const natives = await Promise.all(CONFIG_NAMES.map((name) => createNativeKzgEngine(large, CONFIGS[name])));
    for (const bits of [1, 2, 3, 12, 13, 14, 27, 64, 65, 128, 129, 200, 246, 247, 248, 249, 253, 254]) {
      const top = bits === 254 ? BN254_FR_MODULUS - 1n : 2n ** BigInt(bits) - 1n;
      const words = [top, ...seededWords(511, `width-${bits}`).map((w) => w % (top + 1n))];
      const blob = wordsToBlob(words);
      const expected = wire(mcl.computeBlobCommitment(blob));
      natives.forEach((engine, i) => {
        assert.deepEqual(wire(engine.computeBlobCommitment(blob)), expected, `${bits} bits, ${CONFIG_NAMES[i]}`);
      });
    }
  });

  it("refuses what the reference refuses, with the same errors: empty, larger than the SRS, a word not below r", () => {
    const reference = createReferenceKzgEngine(srs);
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array(0), /empty blob/],
      [new Uint8Array(129 * 32), /exceeds the SRS/],
      [new Uint8Array(64).fill(0xff), /not a BN254 field element/],
    ];
    for (const [blob, reason] of cases) {
      const expected = captureError(() => reference.computeBlobCommitment(blob));
      const actual = captureError(() => engines.auto!.computeBlobCommitment(blob));
      assert.match(expected.message, reason);
      assert.equal(actual.constructor, expected.constructor);
      assert.equal(actual.message, expected.message);
    }
  });

  it("refuses SRS points that are flagged compressed, have a coordinate not below p, or are off the curve", async () => {
    const bytes = serializeMachSrs({
      ...srs,
      g1: srs.g1.slice(0, 4),
      g2: srs.g2.slice(0, 4),
      g2Trailing: srs.g2Trailing.slice(0, 4),
    });
    const sections = readMachSrsSections(bytes);
    const status = loadNativeKzgAddon();
    assert.ok(status.available, status.available ? "" : status.reason);
    const load = (g1: Uint8Array, g2: Uint8Array) => () => status.addon.loadSrs(g1, g2, sections.g2Trailing, 4, 0);
    const mutate = (section: Uint8Array, change: (copy: Uint8Array) => void) => {
      const copy = section.slice();
      change(copy);
      return copy;
    };
    assert.throws(
      load(
        mutate(sections.g1, (c) => {
          c[0] = (c[0] as number) | 0x80;
        }),
        sections.g2,
      ),
      /not uncompressed/,
    );
    assert.throws(
      load(
        sections.g1,
        mutate(sections.g2, (c) => {
          c[128] = (c[128] as number) | 0xc0;
        }),
      ),
      /not uncompressed/,
    );
    assert.throws(
      load(
        mutate(sections.g1, (c) => c.fill(0xff, 0, 32).fill(0x3f, 0, 1)),
        sections.g2,
      ),
      /not below the field modulus/,
    );
    assert.throws(
      load(
        mutate(sections.g1, (c) => {
          c[63] = (c[63] as number) ^ 1;
        }),
        sections.g2,
      ),
      /G1 point is not on the curve/,
    );
    assert.throws(
      load(
        sections.g1,
        mutate(sections.g2, (c) => {
          c[127] = (c[127] as number) ^ 1;
        }),
      ),
      /G2 point is not on the curve/,
    );
    assert.throws(() => status.addon.loadSrs(sections.g1, sections.g2, sections.g2Trailing, 5, 0), /count points/);
  });

  it("builds fixed-base tables of the asked width (auto: by estimated cost within 512 MiB), and refuses a bad one", async () => {
    const status = loadNativeKzgAddon();
    assert.ok(status.available, status.available ? "" : status.reason);
    const { addon } = status;
    const sections = readMachSrsSections(serializeMachSrs(srs));
    const pointBytes = 64 + 2 * 128; // Montgomery-form affine G1 and two G2 sections, per point
    const info = (tableBits: number) =>
      addon.srsInfo(addon.loadSrs(sections.g1, sections.g2, sections.g2Trailing, srs.g1.length, tableBits));
    assert.deepEqual(info(0), { tableBits: 0, bytes: srs.g1.length * pointBytes });
    // Widths 3 and 16: ⌈255 / bits⌉ tables (table 0 the points themselves).
    assert.deepEqual(info(3), { tableBits: 3, bytes: 85 * srs.g1.length * pointBytes });
    assert.deepEqual(info(16), { tableBits: 16, bytes: 16 * srs.g1.length * pointBytes });
    const auto = info(-1);
    assert.ok(auto.tableBits >= 2 && auto.tableBits <= 16, String(auto.tableBits));
    const large = readMachSrsSections(serializeMachSrs(benchmarkSrs(4096)));
    const largeInfo = addon.srsInfo(addon.loadSrs(large.g1, large.g2, large.g2Trailing, 4096, -1));
    assert.ok(
      largeInfo.tableBits > auto.tableBits,
      `${largeInfo.tableBits} for 4,096 points, ${auto.tableBits} for 128`,
    );
    assert.ok(largeInfo.bytes <= 512 * 2 ** 20);
    for (const bad of [1, 17, -2]) assert.throws(() => info(bad), /table bits out of range/);
    for (const bad of [1, 17, 2.5, Number.NaN]) {
      await assert.rejects(createNativeKzgEngine(srs, { tables: bad }), RangeError);
    }
    const withoutTables = await createNativeKzgEngine(srs, { method: "tables", tables: "off" });
    assert.throws(() => withoutTables.computeBlobCommitment(wordsToBlob([1n, 2n])), /loaded without tables/);
  });
});

describe("commitment check and committers on the native engine", () => {
  it("checks claimed commitments with the engine's MSM: accepts the right one, rejects a wrong point or length", async () => {
    const native = await createKzgEngine("native", srs);
    assert.equal(native.name, "native");
    for (const symbols of [16, 128]) {
      const blob = encodePayloadToBlob(new Uint8Array((symbols - 1) * 31).fill(symbols));
      const other = computeBlobCommitment(srs, encodePayloadToBlob(new TextEncoder().encode("another blob")));
      const c = computeBlobCommitment(srs, blob);
      assert.ok(blobMatchesCommitment(srs, blob, c, native));
      assert.equal(blobMatchesCommitment(srs, blob, { ...c, commitment: other.commitment }, native), false);
      assert.equal(blobMatchesCommitment(srs, blob, { ...c, lengthProof: other.lengthProof }, native), false);
      assert.equal(blobMatchesCommitment(srs, blob, { ...c, length: c.length * 2 }, native), false);
    }
  });

  it("passes the native engine's table option to worker and inline committers", async () => {
    const blob = wordsToBlob(seededWords(100, "committer-tables"));
    const expected = wire(computeBlobCommitment(srs, blob));
    for (const nativeTables of ["off", 6, "auto"] as const) {
      const options = { engine: "native", engineOptions: { nativeTables } } as const;
      const inWorker = createWorkerCommitter(async () => srs, options);
      try {
        assert.deepEqual(wire(await inWorker.commit(blob)), expected, String(nativeTables));
      } finally {
        await inWorker.close();
      }
      assert.deepEqual(wire(await createInlineCommitter(async () => srs, options).commit(blob)), expected);
    }
    // A width out of range reaches the worker's engine and comes back as the committer's error.
    const bad = createWorkerCommitter(async () => srs, { engine: "native", engineOptions: { nativeTables: 40 } });
    try {
      await assert.rejects(bad.commit(blob), /tables must be/);
    } finally {
      await bad.close();
    }
  });

  it("computes the reference's commitments in a pool of worker threads and inline, and recovers from an error", async () => {
    const blobs = [8, 40, 128].map((symbols) => wordsToBlob(seededWords(symbols, `worker-${symbols}`)));
    const expected = blobs.map((blob) => wire(computeBlobCommitment(srs, blob)));
    for (const workers of [1, 2]) {
      const committer = createWorkerCommitter(async () => srs, { workers, engine: "native" });
      try {
        const results = await Promise.all(blobs.map((b) => committer.commit(b)));
        assert.deepEqual(results.map(wire), expected, `${workers} workers`);
        assert.equal(hex(g1ToCompressed(await committer.commitG1(blobs[0] as Uint8Array))), expected[0]?.[0]);
        await assert.rejects(committer.commit(new Uint8Array(129 * 32)), SrsError);
        assert.deepEqual(wire(await committer.commit(blobs[1] as Uint8Array)), expected[1]);
      } finally {
        await committer.close();
      }
    }
    const inline = createInlineCommitter(async () => srs);
    assert.deepEqual(wire(await inline.commit(blobs[2] as Uint8Array)), expected[2]);
  });
});

function captureError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  assert.fail("expected an error");
}
