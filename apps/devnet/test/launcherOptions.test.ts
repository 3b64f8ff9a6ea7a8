/**
 * The launcher's first-run parts without starting anything: options from `devnet.config.json` and flags (flags win,
 * errors name the flag), `--help` listing every option with its default, the port check's one-line refusal, the DA
 * stand-in's ports, and the progress lines with durations.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { after, describe, it } from "node:test";
import { daPortUses, devnetDaPorts } from "../src/da.ts";
import {
  CONFIG_FILE,
  DevnetOptionsError,
  devnetOptionsSchema,
  FLAGS,
  parseDevnetOptions,
  usage,
} from "../src/options.ts";
import { assertPortsFree } from "../src/ports.ts";
import { createProgress } from "../src/progress.ts";
import { freePorts } from "./support/ports.ts";

describe("pnpm devnet options", () => {
  const dir = mkdtempSync(join(tmpdir(), "mach-devnet-options-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const emptyDir = () => mkdtempSync(join(dir, "cwd-"));

  it("defaults to the full stack on the usual ports without a config file or flags", () => {
    const { help, options } = parseDevnetOptions([], emptyDir());
    assert.equal(help, false);
    assert.deepEqual(options, devnetOptionsSchema.parse({}));
    assert.equal(options.mode, "full");
    assert.equal(options.da, "eigenda");
    assert.equal(options.l2Port, 9545);
  });

  it("reads devnet.config.json from the working directory, and flags win over it", () => {
    const cwd = emptyDir();
    writeFileSync(join(cwd, CONFIG_FILE), JSON.stringify({ mode: "dev", l2Port: 9600, da: "celestia" }));
    const fromFile = parseDevnetOptions([], cwd).options;
    assert.equal(fromFile.mode, "dev");
    assert.equal(fromFile.l2Port, 9600);
    assert.equal(fromFile.da, "celestia");
    const withFlags = parseDevnetOptions(["--l2-port", "9700", "--da", "memory"], cwd).options;
    assert.equal(withFlags.l2Port, 9700);
    assert.equal(withFlags.da, "memory");
    assert.equal(withFlags.mode, "dev", "a flag left out keeps the file's value");
  });

  it("takes --cache-dir (what outlives every chain), unset by default (the launcher then uses <dir>/cache)", () => {
    assert.equal(parseDevnetOptions([], emptyDir()).options.cacheDir, undefined);
    assert.equal(parseDevnetOptions(["--cache-dir", "/tmp/shared"], emptyDir()).options.cacheDir, "/tmp/shared");
    assert.throws(() => parseDevnetOptions(["--cache-dir", ""], emptyDir()));
  });

  it("reads another file named by --config, and --dev selects the node alone", () => {
    const path = join(emptyDir(), "mine.json");
    writeFileSync(path, JSON.stringify({ accounts: 3 }));
    const { options } = parseDevnetOptions(["--config", path, "--dev"], emptyDir());
    assert.equal(options.accounts, 3);
    assert.equal(options.mode, "dev");
  });

  it("refuses bad values naming the flag, and unknown keys in the file", () => {
    assert.throws(() => parseDevnetOptions(["--l2-port", "eighty"], emptyDir()), {
      name: "DevnetOptionsError",
      message: "--l2-port must be a whole number, got eighty",
    });
    assert.throws(
      () => parseDevnetOptions(["--l1-port", "70000"], emptyDir()),
      (error: unknown) => {
        assert.ok(error instanceof DevnetOptionsError);
        assert.match(error.message, /^--l1-port: /);
        return true;
      },
    );
    assert.throws(() => parseDevnetOptions(["--da", "ipfs"], emptyDir()), /^DevnetOptionsError: --da: /);
    const cwd = emptyDir();
    writeFileSync(join(cwd, CONFIG_FILE), JSON.stringify({ l2port: 1 }));
    assert.throws(() => parseDevnetOptions([], cwd), /l2port/);
  });

  it("refuses a config file that is not JSON or does not exist, naming the file", () => {
    const cwd = emptyDir();
    writeFileSync(join(cwd, CONFIG_FILE), "{ nope");
    assert.throws(
      () => parseDevnetOptions([], cwd),
      (error: unknown) => {
        assert.ok(error instanceof DevnetOptionsError);
        assert.ok(error.message.startsWith(`cannot read ${join(cwd, CONFIG_FILE)}`));
        return true;
      },
    );
    assert.throws(() => parseDevnetOptions(["--config", join(cwd, "absent.json")], emptyDir()), /absent\.json/);
  });

  it("refuses an unknown flag", () => {
    assert.throws(() => parseDevnetOptions(["--l2port", "1"], emptyDir()), /l2port/);
  });

  it("answers --help and -h, and the help lists every option with its default", () => {
    assert.equal(parseDevnetOptions(["--help"], emptyDir()).help, true);
    assert.equal(parseDevnetOptions(["-h"], emptyDir()).help, true);
    const text = usage();
    const keys = Object.keys(devnetOptionsSchema.shape);
    assert.deepEqual(new Set(FLAGS.map((flag) => flag.key)), new Set(keys), "every option has a flag");
    for (const flag of FLAGS) {
      const listed = text.split("\n").find((candidate) => candidate.trimStart().split(" ")[0] === `--${flag.flag}`);
      assert.ok(listed, `--${flag.flag} is listed`);
      assert.ok(listed.endsWith(`(default: ${flag.defaultText})`), `--${flag.flag} shows its default`);
    }
    assert.match(text, /--config FILE/);
    assert.match(text, /devnet\.config\.json/);
  });

  it("shows defaults that are the schema's own", () => {
    const defaults = devnetOptionsSchema.parse({}) as Record<string, unknown>;
    for (const flag of FLAGS) {
      const value = defaults[flag.key];
      if (typeof value === "number") assert.equal(flag.defaultText, String(value), `--${flag.flag}`);
    }
    assert.equal(FLAGS.find((flag) => flag.key === "da")?.defaultText, defaults.da);
  });
});

describe("pnpm devnet port check", () => {
  const holders: Server[] = [];
  after(async () => {
    for (const server of holders) await new Promise((resolve) => server.close(resolve));
  });

  it("passes free ports and refuses a taken one in one line naming the port, what it is for and the flag", async () => {
    const base = await freePorts(2);
    await assertPortsFree([
      { port: base, flag: "--l2-port", what: "Mach JSON-RPC" },
      { port: base + 1, flag: "--l1-port", what: "L1 JSON-RPC" },
    ]);
    const holder = createServer();
    holders.push(holder);
    await new Promise<void>((resolve) => holder.listen(base + 1, "127.0.0.1", resolve));
    await assert.rejects(
      assertPortsFree([
        { port: base, flag: "--l2-port", what: "Mach JSON-RPC" },
        { port: base + 1, flag: "--l1-port", what: "L1 JSON-RPC" },
      ]),
      (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.equal(error.message.includes("\n"), false, "one line");
        assert.match(error.message, new RegExp(`^port ${base + 1} \\(L1 JSON-RPC\\) is already in use: .* --l1-port`));
        return true;
      },
    );
  });

  it("checks the DA stand-in's ports: EigenDA's three, Celestia's one, none for memory", () => {
    const usual = devnetDaPorts();
    assert.deepEqual(
      daPortUses("eigenda", usual).map((use) => use.port),
      [32005, 32006, 3100],
    );
    assert.deepEqual(
      daPortUses("celestia", usual).map((use) => use.port),
      [26658],
    );
    assert.deepEqual(daPortUses("memory", usual), []);
    const moved = devnetDaPorts(40_000);
    assert.deepEqual(
      daPortUses("eigenda", moved).map((use) => [use.port, use.flag]),
      [
        [40_000, "--da-port"],
        [40_001, "--da-port"],
        [40_002, "--da-port"],
      ],
    );
    assert.equal(moved.celestiaRpc, 40_000);
  });
});

describe("pnpm devnet progress", () => {
  function capture() {
    const out = new PassThrough();
    let text = "";
    out.on("data", (chunk: Buffer) => {
      text += chunk.toString();
    });
    return { out, text: () => text };
  }

  it("prints each step as it starts and then with its duration", async () => {
    const { out, text } = capture();
    const progress = createProgress(out);
    const value = await progress.step("starting L1", async () => {
      await new Promise((resolve) => setTimeout(resolve, 120));
      return 7;
    });
    assert.equal(value, 7);
    const lines = text().trimEnd().split("\n");
    assert.equal(lines[0], "• starting L1 …");
    const done = /^✓ starting L1 \((\d+\.\d) s\)$/.exec(lines[1] ?? "");
    assert.ok(done, lines[1]);
    assert.ok(Number(done[1]) >= 0.1, "the duration is the step's");
  });

  it("marks a failed step and passes its error on", async () => {
    const { out, text } = capture();
    const progress = createProgress(out);
    await assert.rejects(
      progress.step("deploying Mach L1 contracts", async () => {
        throw new Error("deploy reverted");
      }),
      /deploy reverted/,
    );
    assert.match(text(), /^✗ deploying Mach L1 contracts \(\d+\.\d s\)$/m);
  });
});
