/**
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core loads the page from a real Mach node
 * (the node serves it on its RPC port) while a load of transfers runs, and checks what a developer would look at:
 * the mini-block counter moves, a transaction shows up with its receipt, the lookup finds it with its decoded log
 * and its mini-block's state diff, and a log of a contract deployed on the node is decoded with the ABI of its build
 * artifact (a Hardhat-layout file in a directory the node is given). Screenshots (laptop and phone) land in
 * `.test-results/` as artifacts.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { dashboardDir } from "@mach/dashboard";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { encodeFunctionData, type Hex, keccak256, parseAbi } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { clients, DEV_KEYS, signTransfer } from "../support/chain.ts";
import { testContracts } from "../support/contracts.ts";
import { type MachProcess, startMach } from "../support/machProcess.ts";

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = new URL("../../.test-results/", import.meta.url).pathname;
const tokenAbi = parseAbi([
  "constructor(uint256 supply)",
  "function transfer(address to, uint256 value) returns (bool)",
  "event Transfer(address indexed from, address indexed to, uint256 value)",
]);
/** Dev accounts 3… of the mnemonic send the background load (accounts 0–2 are the test's own). */
const LOAD_KEYS: readonly Hex[] = [
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
];

/** Sends value transfers from each load key back to back (each waits for its receipt), until stopped. */
function startLoad(mach: MachProcess) {
  let running = true;
  let sent = 0;
  const loops = LOAD_KEYS.map(async (key) => {
    const account = privateKeyToAccount(key);
    let nonce = 0;
    while (running) {
      const raw = await signTransfer(account, { nonce, value: BigInt(nonce + 1) });
      const answer = await rpc(mach, "realtime_sendRawTransaction", [raw]);
      if (answer.error) throw new Error(`load send failed: ${answer.error.message}`);
      nonce++;
      sent++;
      // A steady trickle: the feed keeps the 10 newest transactions, so each stays on screen for about a second.
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });
  return {
    sent: () => sent,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

async function rpc(mach: MachProcess, method: string, params: unknown[] = []) {
  const response = await fetch(mach.rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return (await response.json()) as { result?: unknown; error?: { message: string } };
}

/**
 * The few DOM globals the in-page checks touch. This package's TypeScript has no DOM library; the functions run in
 * the page, where these are the real ones (passed as functions, not strings: the page's CSP forbids eval).
 */
declare const document: {
  querySelector(selector: string): { textContent: string | null } | null;
  readonly documentElement: { readonly scrollWidth: number };
};
declare const window: { readonly innerWidth: number; scrollTo(x: number, y: number): void };
/** axe-core, evaluated into the page. */
declare const axe: {
  run(
    context: unknown,
    options: object,
  ): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown }[] }[] }>;
};
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const miniBlockNumber = async (page: Page) =>
  Number((await page.getByTestId("mini-block-number").textContent())?.replace(/[#,]/g, ""));

describe("the dashboard in Chromium", () => {
  let mach: MachProcess;
  let context: BrowserContext;
  let profile: string;
  let page: Page;
  let load: ReturnType<typeof startLoad>;
  let token: Hex;
  let beacon: Hex;
  let markedHash: Hex;
  let artifactsDir: string;
  const pageErrors: string[] = [];

  before(async () => {
    // The developer's build output, as Hardhat lays it out: Beacon's artifact, and a file that is not JSON (skipped).
    const compiledBeacon = testContracts().Beacon;
    artifactsDir = mkdtempSync(join(tmpdir(), "mach-artifacts-"));
    const artifactPath = join(artifactsDir, "contracts", "TestContracts.sol", "Beacon.json");
    mkdirSync(join(artifactPath, ".."), { recursive: true });
    writeFileSync(
      artifactPath,
      JSON.stringify({
        _format: "hh3-artifact-1",
        contractName: "Beacon",
        sourceName: "contracts/TestContracts.sol",
        abi: compiledBeacon.abi,
        bytecode: compiledBeacon.bytecode,
        deployedBytecode: compiledBeacon.deployedBytecode,
        immutableReferences: compiledBeacon.immutableReferences,
      }),
    );
    writeFileSync(join(artifactsDir, "Broken.json"), "{ not json");
    mach = await startMach({
      config: {
        rpc: { host: "127.0.0.1", port: 0, dashboardDir },
        sequencer: { blockMs: 500 },
        batcher: { maxBlocksPerBatch: 4, maxBatchAgeMs: 1000 },
        status: { artifacts: [artifactsDir] },
      },
    });
    const c = clients(mach.rpcUrl, mach.wsUrl);
    const deploy = await c.wallet.deployContract({
      abi: tokenAbi,
      bytecode: testContracts().TestToken.bytecode,
      args: [10n ** 24n],
    });
    const receipt = await c.public.waitForTransactionReceipt({ hash: deploy });
    assert.ok(receipt.contractAddress);
    token = receipt.contractAddress;
    // Beacon's constructor fills in an immutable: its code matches the artifact around it, not byte for byte.
    const beaconDeploy = await c.wallet.deployContract({ abi: compiledBeacon.abi, bytecode: compiledBeacon.bytecode });
    const beaconReceipt = await c.public.waitForTransactionReceipt({ hash: beaconDeploy });
    assert.ok(beaconReceipt.contractAddress);
    beacon = beaconReceipt.contractAddress.toLowerCase() as Hex;
    const deployedCode = await c.public.getCode({ address: beacon });
    assert.notEqual(deployedCode, compiledBeacon.deployedBytecode, "the immutable makes the code differ");
    // The node names it once the deploy's mini-block is in; the page loads after, so its first status has it.
    const status = (await rpc(mach, "mach_status")).result as { abis: Record<string, { name: string }> };
    assert.equal(status.abis[beacon]?.name, "Beacon");
    load = startLoad(mach);
    profile = mkdtempSync(join(tmpdir(), "mach-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      viewport: { width: 1440, height: 1000 },
      colorScheme: "dark",
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") pageErrors.push(message.text());
    });
    await page.goto(`${mach.rpcUrl}/`);
  });

  after(async () => {
    if (artifactsDir) rmSync(artifactsDir, { recursive: true, force: true });
    await load?.stop();
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await mach?.stop();
    mach?.cleanup();
  });

  it("connects over the node's WebSocket and the mini-block counter advances", async () => {
    await page.getByTestId("connection").filter({ hasText: "Live" }).waitFor();
    await page.getByTestId("mini-block-number").filter({ hasText: /#\d/ }).waitFor();
    const first = await miniBlockNumber(page);
    await page.waitForFunction(
      (seen) =>
        Number(document.querySelector("[data-testid=mini-block-number]")?.textContent?.replace(/[#,]/g, "")) > seen,
      first,
    );
    assert.ok((await miniBlockNumber(page)) > first);
    assert.ok(load.sent() > 0);
  });

  it("shows a submitted transaction with its receipt in the live feed", async () => {
    const sender = privateKeyToAccount(DEV_KEYS[2]);
    const raw = await sender.signTransaction({
      chainId: 901901,
      type: "eip1559",
      nonce: 0,
      to: token,
      gas: 100_000n,
      maxFeePerGas: 10n ** 9n,
      maxPriorityFeePerGas: 1n,
      data: encodeFunctionData({ abi: tokenAbi, functionName: "transfer", args: [sender.address, 0n] }),
    });
    // The deployer holds the supply; a zero-value transfer from an empty account still succeeds and logs Transfer.
    markedHash = keccak256(raw);
    // Watch for the row before sending: under load it scrolls out of the feed within a second.
    const seen = page.waitForFunction(
      (hash) => document.querySelector(`[data-tx-hash="${hash}"]`)?.textContent ?? false,
      markedHash,
    );
    const answer = await rpc(mach, "eth_sendRawTransaction", [raw]);
    assert.equal(answer.error, undefined);
    assert.equal(answer.result, markedHash);
    const text = String(await (await seen).jsonValue());
    assert.match(text, /Success/);
    assert.match(text, /1 log/);
  });

  it("finds the transaction with the lookup: receipt, decoded Transfer log, its mini-block's state diff", async () => {
    await page.getByTestId("lookup-input").fill(markedHash);
    await page.getByRole("button", { name: "Look up" }).click();
    const result = page.getByTestId("lookup-transaction");
    await result.waitFor();
    assert.equal(await page.getByTestId("lookup-status").textContent(), "Success");
    const log = page.getByTestId("lookup-log").first();
    assert.match((await log.textContent()) ?? "", /Transfer.*ERC-20/);
    const diff = page.getByTestId("lookup-state-diff");
    await diff.waitFor();
    assert.match((await diff.textContent()) ?? "", /State diff of mini-block #\d/);
    // The sender's nonce moved in that mini-block.
    assert.match((await diff.textContent()) ?? "", new RegExp(privateKeyToAccount(DEV_KEYS[2]).address, "i"));
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-laptop.png"), fullPage: true });
  });

  it("decodes a log of a contract deployed on the node with the ABI of its build artifact", async () => {
    const c = clients(mach.rpcUrl, mach.wsUrl);
    const hash = await c.wallet.writeContract({
      address: beacon,
      abi: testContracts().Beacon.abi,
      functionName: "ping",
      args: ["hello from the dashboard test"],
    });
    assert.equal((await c.public.waitForTransactionReceipt({ hash })).status, "success");
    await page.getByTestId("lookup-input").fill(hash);
    await page.getByRole("button", { name: "Look up" }).click();
    await page.getByTestId("lookup-transaction").filter({ hasText: hash }).waitFor();
    const log = (await page.getByTestId("lookup-log").first().textContent()) ?? "";
    assert.match(log, /Pinged/);
    assert.match(log, /Beacon/);
    assert.match(log, /hello from the dashboard test/);
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-artifact-log.png"), fullPage: true });
  });

  it("has no serious or critical accessibility violations in either theme (axe-core, WCAG 2.1 AA)", async () => {
    await page.evaluate(AXE_SOURCE);
    for (const colorScheme of ["dark", "light"] as const) {
      await page.emulateMedia({ colorScheme });
      const { violations } = await page.evaluate(() =>
        axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
      );
      const serious = violations.filter(
        (violation) => violation.impact === "serious" || violation.impact === "critical",
      );
      assert.deepEqual(
        serious.map(
          (violation) =>
            `${colorScheme}: ${violation.id}: ${violation.help} at ${JSON.stringify(violation.nodes.map((node) => node.target))}`,
        ),
        [],
      );
    }
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-laptop-light.png") });
    await page.emulateMedia({ colorScheme: "dark" });
  });

  it("fits a phone screen without sideways scrolling", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.evaluate(() => window.scrollTo(0, 0));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.equal(overflow, 0);
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-phone.png") });
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-phone-full.png"), fullPage: true });
    assert.deepEqual(pageErrors, []);
  });
});
