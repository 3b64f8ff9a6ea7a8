/**
 * `pnpm devnet`'s first-run behaviour, through the launcher itself (`src/main.ts`) as a process: `--dev` starts the
 * L2 node alone, prints its endpoints and writes `devnet.json`; a taken port is refused in one line naming the flag
 * before anything starts; a step that fails (here the DA stand-in, whose port is taken after the check) is named in
 * one line and every process started before it is stopped; SIGTERM stops everything.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { createPublicClient, http } from "viem";
import { isAlive } from "../support/devnetProcess.ts";
import { freePorts } from "../support/ports.ts";

const launcher = new URL("../../src/main.ts", import.meta.url).pathname;

interface Launched {
  readonly child: ChildProcess;
  readonly dir: string;
  readonly exited: Promise<number | null>;
  stdout(): string;
  stderr(): string;
  /** Every process the launcher has had as a direct child so far (sampled while it runs). */
  readonly descendants: Set<number>;
}

/** Direct children of `pid`, from /proc. */
function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

function launch(args: readonly string[]): Launched {
  const dir = mkdtempSync(join(tmpdir(), "mach-launcher-"));
  const child = spawn(process.execPath, [launcher, "--dir", dir, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  const descendants = new Set<number>();
  const sampler = setInterval(() => {
    if (child.pid !== undefined) for (const pid of childrenOf(child.pid)) descendants.add(pid);
  }, 100);
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      clearInterval(sampler);
      resolve(code);
    }),
  );
  return { child, dir, exited, stdout: () => out, stderr: () => err, descendants };
}

/** The full stack's ports from 11 consecutive free ones (the DA stand-in takes up to three from `base + 3`). */
function fullStackPorts(base: number): string[] {
  const ports = { l1: 0, l2: 1, metrics: 2, da: 3, replica: 6, p2p: 8, derive: 9 };
  return Object.entries(ports).flatMap(([name, offset]) => [`--${name}-port`, String(base + offset)]);
}

async function waitForOutput(launched: Launched, text: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!launched.stdout().includes(text)) {
    if (launched.child.exitCode !== null) {
      throw new Error(`launcher exited early:\n${launched.stdout()}\n${launched.stderr()}`);
    }
    if (Date.now() > deadline) throw new Error(`no "${text}" within ${timeoutMs} ms:\n${launched.stdout()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function waitGone(pids: Iterable<number>): Promise<void> {
  for (const pid of pids) {
    for (let i = 0; i < 50 && isAlive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(isAlive(pid), false, `process ${pid} is gone`);
  }
}

describe("pnpm devnet launcher", () => {
  const holders: Server[] = [];
  const launched: Launched[] = [];
  after(async () => {
    for (const run of launched) {
      if (run.child.exitCode === null) run.child.kill("SIGKILL");
      rmSync(run.dir, { recursive: true, force: true });
    }
    for (const server of holders) await new Promise((resolve) => server.close(resolve));
  });

  async function hold(port: number): Promise<void> {
    const server = createServer();
    holders.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", resolve);
    });
  }

  it("--dev starts the L2 node alone, prints its endpoints, writes devnet.json, and SIGTERM stops it", async () => {
    const port = await freePorts(1);
    const run = launch(["--dev", "--l2-port", String(port), "--accounts", "3"]);
    launched.push(run);
    await waitForOutput(run, "Mach dev node is up", 120_000);
    const info = JSON.parse(readFileSync(join(run.dir, "devnet.json"), "utf8"));
    assert.equal(info.mode, "dev");
    assert.equal(info.l1, null);
    assert.equal(info.da, null);
    assert.equal(info.l2.rpcUrl, `http://127.0.0.1:${port}`);
    assert.equal(info.accounts.length, 3);
    assert.ok(run.stdout().includes(`JSON-RPC    ${info.l2.rpcUrl}`));
    assert.match(run.stdout(), /✓ starting the Mach node \(--dev: the L2 alone\) \(\d+\.\d s\)/);
    const l2 = createPublicClient({ transport: http(info.l2.rpcUrl) });
    const accounts = (await l2.request({ method: "eth_accounts" } as never)) as string[];
    assert.deepEqual(
      accounts.map((account) => account.toLowerCase()),
      info.accounts.map((account: { address: string }) => account.address.toLowerCase()),
    );
    const nodePid = Number(Object.values(info.processes)[0]);
    assert.ok(isAlive(nodePid));
    run.child.kill("SIGTERM");
    assert.equal(await run.exited, 0);
    await waitGone([nodePid]);
  });

  it("refuses a taken port in one line naming the port and its flag, before starting anything", async () => {
    const base = await freePorts(11);
    await hold(base + 1);
    const run = launch(["--da", "memory", ...fullStackPorts(base)]);
    launched.push(run);
    assert.equal(await run.exited, 1);
    const lines = run.stderr().trimEnd().split("\n");
    assert.equal(lines.length, 1, run.stderr());
    assert.match(
      lines[0] ?? "",
      new RegExp(`^devnet failed: port ${base + 1} \\(Mach JSON-RPC\\) is already in use: .*--l2-port <free port>`),
    );
    assert.match(run.stdout(), /✗ checking ports/);
    assert.doesNotMatch(run.stdout(), /starting L1/);
    assert.equal(run.descendants.size, 0, "nothing was started");
  });

  it("names the step that failed in one line and stops every process it had started", async () => {
    const base = await freePorts(11);
    const run = launch(["--da", "celestia", ...fullStackPorts(base)]);
    launched.push(run);
    // The port check passed; taking the DA port now makes the DA step fail after L1 is up.
    await waitForOutput(run, "✓ checking ports", 60_000);
    await hold(base + 3);
    assert.equal(await run.exited, 1);
    assert.match(run.stdout(), /✓ starting L1 \(Hardhat node\) \(\d+\.\d s\)/);
    assert.match(run.stdout(), /✗ starting DA \(celestia\) \(\d+\.\d s\)/);
    const lines = run.stderr().trimEnd().split("\n");
    assert.equal(lines.length, 1, run.stderr());
    assert.match(lines[0] ?? "", /^devnet failed: Celestia stand-in exited with code 1 while starting .*\(logs: /);
    assert.ok(run.descendants.size >= 2, "the L1 node and the stand-in were started");
    await waitGone(run.descendants);
  });
});
