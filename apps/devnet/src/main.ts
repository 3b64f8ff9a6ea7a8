/**
 * `pnpm devnet`: the whole local stack. L1 Hardhat node → Mach's L1 contracts deployed (with the devnet's short
 * windows, `DEVNET_SETTLEMENT`) → the DA stand-in of the chosen provider → the Mach sequencer node wired to it: its
 * batcher posts to DA and records on L1 (`safe`), its proposer posts an output every `outputIntervalBlocks` blocks
 * and resolves them (`finalized`); it publishes signed mini-blocks and blocks over libp2p on loopback and builds block
 * witnesses → one replica and three provers follow it over libp2p (2 of 3 provers attest each output on L1) → one
 * derive node rebuilds the chain from BatchInbox and DA alone; then prints the endpoints and funded accounts and
 * writes them to `.devnet/devnet.json`. Ctrl-C / SIGTERM stops every
 * process it started, newest first.
 *
 *   pnpm devnet [--dev] [--da eigenda|celestia|memory] [--l1-rpc-url URL] [--l1-port 8545] [--l2-port 9545] …
 *
 * L1 deposits (`OptimismPortal.depositTransaction`, viem's `depositTransaction`) reach L2 once their L1 block is
 * `L1_CONFIRMATION_DEPTH` blocks deep: the L1 mines a block every `--l1-block-ms` besides one per transaction. L2
 * blocks take one L1 block after another as their origin (at most one more per block, as the OP Stack does), so the
 * L1 must make fewer blocks per second than L2 (one a second) for deposits to keep up.
 *
 * `--dev`: the L2 node alone (no L1, DA or roles), ready in seconds like anvil, with every dev method (snapshots,
 * impersonation, time) in `standalone` mode. The full stack runs dev methods in `rollup` mode (see `node/dev/`).
 * Options come from `devnet.config.json` and flags (`options.ts`); each step prints its duration (`progress.ts`);
 * taken ports are refused up front (`ports.ts`).
 *
 * The provers attest: each re-executes every block from its witness alone and signs the outputs whose roots it
 * reproduced; the sequencer's process holds no attester key.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { DEFAULT_BLOCK_GAS_LIMIT } from "@mach/core/chain";
import { DEV_MNEMONIC, deriveDevAccounts, genesisConfigSchema } from "@mach/core/node";
import { dashboardDir } from "@mach/dashboard";
import { MACH_CLI } from "@mach/node";
import { parseEther } from "viem";
import { artifactDirs } from "./artifactDirs.ts";
import type { DevnetChild } from "./childProcess.ts";
import { spawnChild, waitForJsonLine } from "./childProcess.ts";
import { type DevnetDaProvider, daPortUses, devnetDaPorts, startDa } from "./da.ts";
import { devNodeConfig } from "./devConfig.ts";
import { deployContracts, fundAccounts, l1Head, mineL1Every, startL1 } from "./l1.ts";
import { deriveOperators, operatorAccounts } from "./operators.ts";
import { parseDevnetOptions, usage } from "./options.ts";
import { assertPortsFree } from "./ports.ts";
import { createProgress } from "./progress.ts";
import { startStatusLine } from "./statusLine.ts";

const root = new URL("../../../", import.meta.url).pathname;
/** L1 blocks a deposit's block needs on top before the sequencer includes it (the sequencer's L1 origin depth). */
const L1_CONFIRMATION_DEPTH = 2;
/** What each operator key holds on L1 from the start (bonds, gas for batches and proposals). */
const OPERATOR_L1_BALANCE = 1_000n * 10n ** 18n;

/**
 * The devnet's settlement timing: short enough that a withdrawal goes from L2 to L1 in about a minute of wall time
 * (an output every 10 blocks, 12 s challenge window, 12 s proof maturity) without touching the L1 clock. The
 * attestation window is long so that a client moving the L1 clock with `evm_increaseTime` does not make games lapse
 * before the provers have attested them. Production values are the config and deploy defaults.
 */
export const DEVNET_SETTLEMENT = {
  outputIntervalBlocks: 10,
  challengeWindowSeconds: 12n,
  attestationWindowSeconds: 86_400n,
  proofMaturityDelaySeconds: 12n,
  disputeGameFinalityDelaySeconds: 0n,
  /** Each output game holds this bond until the proposer claims it back after resolution. */
  initBond: parseEther("0.01"),
  /** Signatures an output game needs: 2 of the devnet's 3 provers. */
  proverQuorum: 2n,
} as const;

export async function main(argv: readonly string[]): Promise<number> {
  let parsed: ReturnType<typeof parseDevnetOptions>;
  try {
    parsed = parseDevnetOptions(argv, process.cwd());
  } catch (error) {
    process.stderr.write(`devnet: ${(error as Error).message}\n\n${usage()}\n`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  const options = {
    ...parsed.options,
    dir: resolve(root, parsed.options.dir),
    cacheDir: resolve(root, parsed.options.cacheDir ?? join(parsed.options.dir, "cache")),
  };
  const L2_CHAIN_ID = BigInt(options.chainId);
  const progress = createProgress();
  const dataDir = join(options.dir, "data");
  const logDir = join(options.dir, "logs");
  // Every start is a fresh chain: the L1 node keeps its state in memory, so L2 state must not outlive it.
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(logDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(logDir, { recursive: true });

  const children: DevnetChild[] = [];
  let stopping = false;
  const stopAll = async () => {
    stopping = true;
    for (const child of [...children].reverse()) await child.stop();
  };
  const onSignal = () => {
    if (stopping) return;
    process.stdout.write("\nstopping the devnet…\n");
    void stopAll().then(() => process.exit(0));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  try {
    const accounts = deriveDevAccounts(DEV_MNEMONIC, options.accounts);
    if (options.mode === "dev") {
      await progress.step("checking ports", () =>
        assertPortsFree([{ port: options.l2Port, flag: "--l2-port", what: "Mach JSON-RPC" }]),
      );
      const nodeConfig = devNodeConfig({
        chainId: options.chainId,
        port: options.l2Port,
        storePath: join(dataDir, "node"),
        dashboardDir,
        accountCount: options.accounts,
        artifactDirs: artifactDirs(options.artifacts, process.cwd()),
      });
      const configPath = join(options.dir, "node.json");
      writeFileSync(configPath, `${JSON.stringify(nodeConfig, null, 2)}\n`);
      const started = await progress.step("starting the Mach node (--dev: the L2 alone)", async () => {
        const node = spawnChild({
          name: "Mach node",
          command: process.execPath,
          args: [MACH_CLI, "node", "--config", configPath],
          logFile: join(logDir, "node.log"),
        });
        children.push(node);
        return waitForJsonLine(node, (entry) => entry.msg === "node started", 60_000);
      });
      const devnet = {
        mode: "dev",
        l1: null,
        l2: {
          rpcUrl: String(started.rpcUrl),
          wsUrl: String(started.wsUrl),
          dashboardUrl: `${String(started.rpcUrl)}/`,
          chainId: options.chainId,
          metricsUrl: null,
          configPath,
        },
        da: null,
        accounts: accounts.map(({ address, privateKey }) => ({ address, privateKey, balance: "10000 ETH" })),
        mnemonic: DEV_MNEMONIC,
        logs: logDir,
        processes: Object.fromEntries(children.map((child) => [child.name, child.process.pid])),
      };
      writeFileSync(join(options.dir, "devnet.json"), `${JSON.stringify(devnet, null, 2)}\n`);
      printDevSummary(devnet);
      await new Promise(() => {});
      return 0;
    }
    const daPorts = devnetDaPorts(options.daPort);
    await progress.step("checking ports", () =>
      assertPortsFree([
        { port: options.l1Port, flag: "--l1-port", what: "L1 JSON-RPC" },
        { port: options.l2Port, flag: "--l2-port", what: "Mach JSON-RPC" },
        { port: options.metricsPort, flag: "--metrics-port", what: "Mach metrics" },
        { port: options.replicaPort, flag: "--replica-port", what: "Mach replica JSON-RPC" },
        { port: options.replicaPort + 1, flag: "--replica-port", what: "Mach replica metrics (the next port)" },
        { port: options.derivePort, flag: "--derive-port", what: "Mach derive node JSON-RPC" },
        { port: options.derivePort + 1, flag: "--derive-port", what: "Mach derive node metrics (the next port)" },
        { port: options.p2pPort, flag: "--p2p-port", what: "Mach sequencer libp2p" },
        ...daPortUses(options.da as DevnetDaProvider, daPorts),
      ]),
    );
    const operators = deriveOperators(DEV_MNEMONIC);
    const { deployer, batcher, daSigner, proposer } = operators;
    const l1 = await progress.step(
      `starting L1 (Hardhat node${options.l1RpcUrl ? `, forking ${options.l1RpcUrl}` : ""})`,
      async () => {
        const started = await startL1({
          port: options.l1Port,
          logFile: join(logDir, "l1.log"),
          forkUrl: options.l1RpcUrl,
          onChild: (child) => children.push(child),
        });
        await fundAccounts(
          started.rpcUrl,
          operatorAccounts(operators).map(({ account }) => account.address),
          OPERATOR_L1_BALANCE,
        );
        return started;
      },
    );
    const contracts = await progress.step("deploying Mach L1 contracts", () =>
      deployContracts({
        rpcUrl: l1.rpcUrl,
        chainId: l1.chainId,
        deployerKey: deployer.privateKey,
        l2ChainId: L2_CHAIN_ID,
        l2GasLimit: DEFAULT_BLOCK_GAS_LIMIT,
        batcher: batcher.address,
        sequencer: operators.sequencer.address,
        provers: operators.provers.map((prover) => prover.address),
        proposer: proposer.address,
        quorum: DEVNET_SETTLEMENT.proverQuorum,
        challengeWindowSeconds: DEVNET_SETTLEMENT.challengeWindowSeconds,
        attestationWindowSeconds: DEVNET_SETTLEMENT.attestationWindowSeconds,
        proofMaturityDelaySeconds: DEVNET_SETTLEMENT.proofMaturityDelaySeconds,
        disputeGameFinalityDelaySeconds: DEVNET_SETTLEMENT.disputeGameFinalityDelaySeconds,
        initBond: DEVNET_SETTLEMENT.initBond,
      }),
    );
    // The ETH the L2 genesis gives the dev accounts is backed on L1: the portal holds it, so withdrawing it pays out.
    const l2Genesis = genesisConfigSchema.parse({});
    await fundAccounts(l1.rpcUrl, [contracts.portal], BigInt(l2Genesis.accountCount) * l2Genesis.accountBalance);
    // Block 1's L1 origin: the L1 head now. SystemConfig is there, and no deposit can predate it (the Portal is new
    // and nobody else uses this L1 yet); starting at the head spares L2 catching up through the deploy's blocks.
    const l1StartBlock = await l1Head(l1.rpcUrl);
    if (options.l1BlockMs > 0) await mineL1Every(l1.rpcUrl, options.l1BlockMs);
    const da = await progress.step(`starting DA (${options.da})`, () =>
      startDa(options.da as DevnetDaProvider, {
        dataDir,
        // Outside `data/`: the dev SRS depends on nothing of the chain, and generating it takes ~3.5 s of a start.
        eigendaSrsCacheDir: options.cacheDir,
        logDir,
        signerKey: daSigner.privateKey,
        ports: daPorts,
        onChild: (child) => children.push(child),
      }),
    );

    // Replicas and provers rebuild the sequencer's genesis: one timestamp for all.
    const chain = {
      chainId: L2_CHAIN_ID.toString(),
      l1StartBlock: l1StartBlock.toString(),
      genesisTimestamp: String(Math.floor(Date.now() / 1000)),
    };
    const nodeConfig = {
      chain,
      sequencer: { l1ConfirmationDepth: L1_CONFIRMATION_DEPTH, signerPrivateKey: operators.sequencer.privateKey },
      p2p: { enabled: true, listen: [`/ip4/127.0.0.1/tcp/${options.p2pPort}`] },
      witness: { enabled: true },
      // The node serves the dashboard (built by `pnpm turbo run build`) on its RPC port.
      rpc: { host: "127.0.0.1", port: options.l2Port, dashboardDir },
      metrics: { enabled: true, host: "127.0.0.1", port: options.metricsPort },
      store: { path: join(dataDir, "node") },
      da: da.nodeConfig,
      batcher: { enabled: true, maxBlocksPerBatch: 30, maxBatchAgeMs: 5_000 },
      // Confirmed batches are recorded in BatchInbox on L1; that moves the `safe` tag. Outputs of safe blocks are
      // proposed as games from the proposer's key and attested with a prover's; resolved ones move `finalized`.
      // Deposits come from the Portal, each L1 origin's fee scalars from SystemConfig.
      // Dev methods in rollup mode: state edits become block content, time only moves forward (see node/dev/).
      dev: { enabled: true, mode: "rollup" },
      settlement: {
        provider: "l1",
        options: {
          l1RpcUrl: l1.rpcUrl,
          batcherPrivateKey: batcher.privateKey,
          batchInbox: contracts.batchInbox,
          portal: contracts.portal,
          disputeGameFactory: contracts.disputeGameFactory,
          gameType: contracts.gameType,
          proposerPrivateKey: proposer.privateKey,
          systemConfig: contracts.systemConfig,
        },
      },
      outputs: { intervalBlocks: DEVNET_SETTLEMENT.outputIntervalBlocks },
      proposer: { enabled: true, pollIntervalMs: 1_000 },
      // The dashboard's roles panel: the replica's lag (its mach_status polled), the provers' attestations (read off
      // p2p), and contracts named from the developer's build artifacts.
      status: {
        replicas: [{ id: "replica", rpcUrl: `http://127.0.0.1:${options.replicaPort}` }],
        attestations: {
          attestationDomain: { l1ChainId: String(l1.chainId), verifier: contracts.outputVerifier },
          provers: operators.provers.map((prover) => prover.address),
        },
        artifacts: artifactDirs(options.artifacts, process.cwd()),
      },
    };
    const configPath = join(options.dir, "node.json");
    writeFileSync(configPath, `${JSON.stringify(nodeConfig, null, 2)}\n`);
    let sequencerP2p: string[] = [];
    const started = await progress.step("starting the Mach sequencer node", () => {
      const node = spawnChild({
        name: "Mach node",
        command: process.execPath,
        args: [MACH_CLI, "node", "--config", configPath],
        logFile: join(logDir, "node.log"),
      });
      children.push(node);
      return waitForJsonLine(
        node,
        (entry) => {
          if (entry.msg === "p2p started") sequencerP2p = entry.addresses as string[];
          return entry.msg === "node started";
        },
        120_000,
      );
    });
    const follower = {
      chain,
      p2p: { enabled: true, sequencerAddress: operators.sequencer.address, bootstrap: sequencerP2p },
      // The sequencer's dev state edits are block content: provers re-execute them, the replica's traces replay them.
      dev: { enabled: true, mode: "rollup" },
    };
    // L1 + DA as the derive node reads them: blocks no peer serves any more (the sequencer prunes its mini-block log
    // behind snapshots) the replica derives from the batches recorded on L1, then follows the sequencer again.
    const l1Reads = {
      da: da.nodeConfig,
      settlement: {
        provider: "l1",
        options: {
          l1RpcUrl: l1.rpcUrl,
          batchInbox: contracts.batchInbox,
          portal: contracts.portal,
          systemConfig: contracts.systemConfig,
        },
      },
    };
    const replicaConfig = {
      ...follower,
      ...l1Reads,
      node: { role: "replica" },
      rpc: { host: "127.0.0.1", port: options.replicaPort },
      metrics: { enabled: true, host: "127.0.0.1", port: options.replicaPort + 1 },
      store: { path: join(dataDir, "replica") },
      replica: { sequencerRpcUrl: String(started.rpcUrl) },
    };
    const replica = await progress.step("starting the replica", () =>
      startRole(options.dir, logDir, "replica", replicaConfig, children),
    );
    const provers = await progress.step(
      `starting ${operators.provers.length} provers (quorum ${DEVNET_SETTLEMENT.proverQuorum})`,
      async () => {
        const started: { address: string; p2p: string[] }[] = [];
        for (const [i, prover] of operators.provers.entries()) {
          const proverConfig = {
            ...follower,
            // The provers gossip their attestations to each other: each dials those started before it.
            p2p: { ...follower.p2p, bootstrap: [...sequencerP2p, ...started.flatMap((other) => other.p2p)] },
            node: { role: "prover" },
            metrics: { enabled: false },
            store: { path: join(dataDir, `prover${i}`) },
            prover: {
              signerPrivateKey: prover.privateKey,
              witnessRpcUrl: String(replica.started.rpcUrl),
              attestationDomain: { l1ChainId: String(l1.chainId), verifier: contracts.outputVerifier },
              provers: operators.provers.map((account) => account.address),
              quorum: Number(DEVNET_SETTLEMENT.proverQuorum),
            },
            settlement: {
              provider: "l1",
              options: {
                l1RpcUrl: l1.rpcUrl,
                disputeGameFactory: contracts.disputeGameFactory,
                gameType: contracts.gameType,
                attesterPrivateKey: prover.privateKey,
              },
            },
          };
          const role = await startRole(options.dir, logDir, `prover${i}`, proverConfig, children);
          started.push({ address: prover.address, p2p: role.p2p });
        }
        return started;
      },
    );

    // The chain from L1 + DA alone: a derive node reads BatchInbox and the Portal, fetches the batches from DA and
    // re-executes them (dev state edits included, as the sequencer's dev methods make them block content).
    const deriveConfig = {
      chain,
      node: { role: "derive" },
      rpc: { host: "127.0.0.1", port: options.derivePort },
      metrics: { enabled: true, host: "127.0.0.1", port: options.derivePort + 1 },
      store: { path: join(dataDir, "derive") },
      ...l1Reads,
      dev: { enabled: true, mode: "rollup" },
      derivation: { sequencerRpcUrl: String(started.rpcUrl) },
    };
    const derive = await progress.step("starting the derive node", () =>
      startRole(options.dir, logDir, "derive", deriveConfig, children),
    );

    const devnet = {
      mode: "full",
      l1: {
        rpcUrl: l1.rpcUrl,
        chainId: l1.chainId,
        forkedFrom: options.l1RpcUrl ?? null,
        contracts: { ...contracts, deployBlock: contracts.deployBlock.toString() },
        settlement: {
          outputIntervalBlocks: DEVNET_SETTLEMENT.outputIntervalBlocks,
          challengeWindowSeconds: Number(DEVNET_SETTLEMENT.challengeWindowSeconds),
          attestationWindowSeconds: Number(DEVNET_SETTLEMENT.attestationWindowSeconds),
          proofMaturityDelaySeconds: Number(DEVNET_SETTLEMENT.proofMaturityDelaySeconds),
          disputeGameFinalityDelaySeconds: Number(DEVNET_SETTLEMENT.disputeGameFinalityDelaySeconds),
          initBond: DEVNET_SETTLEMENT.initBond.toString(),
          proverQuorum: Number(DEVNET_SETTLEMENT.proverQuorum),
          attesters: provers.map((prover) => prover.address),
        },
      },
      l2: {
        rpcUrl: String(started.rpcUrl),
        wsUrl: String(started.wsUrl),
        dashboardUrl: `${String(started.rpcUrl)}/`,
        chainId: options.chainId,
        metricsUrl: `http://127.0.0.1:${options.metricsPort}/metrics`,
        configPath,
        replicaRpcUrl: String(replica.started.rpcUrl),
        replicaWsUrl: String(replica.started.wsUrl),
        replicaMetricsUrl: `http://127.0.0.1:${options.replicaPort + 1}/metrics`,
        deriveRpcUrl: String(derive.started.rpcUrl),
        deriveWsUrl: String(derive.started.wsUrl),
        deriveMetricsUrl: `http://127.0.0.1:${options.derivePort + 1}/metrics`,
      },
      p2p: { sequencer: sequencerP2p, replica: replica.p2p },
      provers,
      da: da.endpoints,
      operators: Object.fromEntries(
        operatorAccounts(operators).map(({ role, account }) => [
          role,
          { address: account.address, privateKey: account.privateKey },
        ]),
      ),
      accounts: accounts.map(({ address, privateKey }) => ({ address, privateKey, balance: "10000 ETH" })),
      mnemonic: DEV_MNEMONIC,
      logs: logDir,
      processes: Object.fromEntries(children.map((child) => [child.name, child.process.pid])),
    };
    writeFileSync(join(options.dir, "devnet.json"), `${JSON.stringify(devnet, null, 2)}\n`);
    printSummary(devnet);
    // One line per sealed block from here on: the rollup moving (height, DA, safe, finalized).
    const statusLine = startStatusLine({
      rpcUrl: String(started.rpcUrl),
      replicaRpcUrl: String(replica.started.rpcUrl),
      write: (line) => process.stdout.write(`${line}\n`),
    });
    process.once("exit", () => statusLine.stop());
    await new Promise(() => {});
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    process.stderr.write(`devnet failed: ${message} (logs: ${logDir})\n`);
    await stopAll();
    return 1;
  }
}

function printDevSummary(devnet: {
  l2: { rpcUrl: string; wsUrl: string; dashboardUrl: string; chainId: number };
  accounts: { address: string; privateKey: string }[];
  mnemonic: string;
}): void {
  const lines = [
    "",
    "Mach dev node is up (--dev: the L2 alone; anvil's and Hardhat's dev methods; Ctrl-C stops it)",
    "",
    `  JSON-RPC    ${devnet.l2.rpcUrl}   (chain id ${devnet.l2.chainId})`,
    `  WebSocket   ${devnet.l2.wsUrl}`,
    `  Dashboard   ${devnet.l2.dashboardUrl}`,
    "",
    "  Accounts (10,000 ETH each, held by the node for eth_sendTransaction; public dev keys, never hold value with them):",
    ...devnet.accounts.map((account, i) => `    (${i}) ${account.address}  ${account.privateKey}`),
    `  Mnemonic    ${devnet.mnemonic}`,
    "",
    "  Endpoints: .devnet/devnet.json",
    "",
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

/** Starts one more node process (replica, prover, derive) from its config; resolves once it reports started. */
async function startRole(
  dir: string,
  logDir: string,
  name: string,
  config: Record<string, unknown>,
  children: DevnetChild[],
): Promise<{ started: Record<string, unknown>; p2p: string[] }> {
  const configPath = join(dir, `${name}.json`);
  writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
  const child = spawnChild({
    name: `Mach ${name}`,
    command: process.execPath,
    args: [MACH_CLI, "node", "--config", configPath],
    logFile: join(logDir, `${name}.log`),
  });
  children.push(child);
  let p2p: string[] = [];
  const started = await waitForJsonLine(
    child,
    (entry) => {
      if (entry.msg === "p2p started") p2p = entry.addresses as string[];
      return entry.msg === "node started";
    },
    120_000,
  );
  return { started, p2p };
}

function printSummary(devnet: {
  l1: { rpcUrl: string; chainId: number; contracts: Record<string, unknown> };
  l2: {
    rpcUrl: string;
    wsUrl: string;
    dashboardUrl: string;
    chainId: number;
    metricsUrl: string;
    replicaRpcUrl: string;
    replicaWsUrl: string;
    deriveRpcUrl: string;
  };
  provers: { address: string }[];
  da: Record<string, unknown>;
  accounts: { address: string; privateKey: string }[];
}): void {
  const lines = [
    "",
    "Mach devnet is up (Ctrl-C stops it)",
    "",
    `  Dashboard     ${devnet.l2.dashboardUrl}`,
    `  L2 JSON-RPC   ${devnet.l2.rpcUrl}   (chain id ${devnet.l2.chainId})`,
    `  L2 WebSocket  ${devnet.l2.wsUrl}`,
    `  L2 metrics    ${devnet.l2.metricsUrl}`,
    `  L2 replica    ${devnet.l2.replicaRpcUrl}   (WebSocket ${devnet.l2.replicaWsUrl})`,
    `  L2 derive     ${devnet.l2.deriveRpcUrl}   (the chain from L1 + DA alone)`,
    `  L2 provers    ${devnet.provers.map((prover) => prover.address).join(", ")}   (2 of 3 attest)`,
    `  L1 JSON-RPC   ${devnet.l1.rpcUrl}   (chain id ${devnet.l1.chainId})`,
    `  L1 Portal     ${String(devnet.l1.contracts.portal)}`,
    `  L1 DisputeGameFactory ${String(devnet.l1.contracts.disputeGameFactory)}`,
    `  DA            ${JSON.stringify(devnet.da)}`,
    "",
    "  Funded accounts (10,000 ETH each on L1 and L2; public dev keys, never hold value with them):",
    ...devnet.accounts.map((account, i) => `    (${i}) ${account.address}  ${account.privateKey}`),
    "",
    "  Endpoints and addresses: .devnet/devnet.json",
    "",
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code !== 0) process.exit(code);
    },
    (error: unknown) => {
      process.stderr.write(`devnet: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
