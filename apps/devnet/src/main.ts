/**
 * `pnpm devnet`: the whole local stack. L1 Hardhat node → Mach's L1 contracts deployed → the DA stand-in of the
 * chosen provider → the Mach sequencer node wired to it (publishing signed mini-blocks and blocks over libp2p on
 * loopback, building block witnesses) → one replica and three provers (2 of 3 attest an output) following it over
 * libp2p; then prints the endpoints and funded accounts and writes them to `.devnet/devnet.json`. Ctrl-C / SIGTERM
 * stops every process it started, newest first.
 *
 *   pnpm devnet [--da eigenda|celestia|memory] [--l1-rpc-url URL] [--l1-port 8545] [--l2-port 9545]
 *
 * The provers attest outputs proposed on L1; the proposer that proposes them joins with its own role.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_BLOCK_GAS_LIMIT } from "@mach/core/chain";
import { DA_PROVIDER_NAMES } from "@mach/core/da";
import { DEV_MNEMONIC, deriveDevAccounts } from "@mach/core/node";
import { dashboardDir } from "@mach/dashboard";
import { MACH_CLI } from "@mach/node";
import type { DevnetChild } from "./childProcess.ts";
import { spawnChild, waitForJsonLine } from "./childProcess.ts";
import { type DevnetDaProvider, startDa } from "./da.ts";
import { deployContracts, fundAccounts, startL1 } from "./l1.ts";
import { deriveOperators, operatorAccounts } from "./operators.ts";

const root = new URL("../../../", import.meta.url).pathname;
const L2_CHAIN_ID = 901901n;
/** What each operator key holds on L1 from the start (bonds, gas for batches and proposals). */
const OPERATOR_L1_BALANCE = 1_000n * 10n ** 18n;

const USAGE =
  "usage: pnpm devnet [--da eigenda|celestia|memory] [--l1-rpc-url URL] [--l1-port N] [--l2-port N] [--metrics-port N]\n" +
  "                   [--replica-port N] [--p2p-port N] [--da-port N] [--dir DIR]";

function parseOptions(argv: readonly string[]) {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      da: { type: "string", default: "eigenda" },
      "l1-rpc-url": { type: "string" },
      "l1-port": { type: "string", default: "8545" },
      "l2-port": { type: "string", default: "9545" },
      "metrics-port": { type: "string", default: "9546" },
      "replica-port": { type: "string", default: "9547" },
      "p2p-port": { type: "string", default: "9222" },
      "da-port": { type: "string" },
      dir: { type: "string", default: join(root, ".devnet") },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  const port = (name: string, text: string) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1 || value > 65535)
      throw new Error(`--${name} must be a port, got ${text}`);
    return value;
  };
  if (!(DA_PROVIDER_NAMES as readonly string[]).includes(values.da)) {
    throw new Error(`--da must be one of ${DA_PROVIDER_NAMES.join(", ")}, got ${values.da}`);
  }
  return {
    help: values.help,
    da: values.da as DevnetDaProvider,
    l1RpcUrl: values["l1-rpc-url"],
    l1Port: port("l1-port", values["l1-port"]),
    l2Port: port("l2-port", values["l2-port"]),
    metricsPort: port("metrics-port", values["metrics-port"]),
    /** The replica's JSON-RPC (HTTP + WS); its metrics on the next port. */
    replicaPort: port("replica-port", values["replica-port"]),
    /** The sequencer's libp2p TCP port (loopback); replicas and provers bootstrap to it. */
    p2pPort: port("p2p-port", values["p2p-port"]),
    /** First of the DA stand-in's ports (EigenDA: disperser, relay, proxy; Celestia: RPC); default their usual ones. */
    daPort: values["da-port"] === undefined ? undefined : port("da-port", values["da-port"]),
    dir: values.dir,
  };
}

export async function main(argv: readonly string[]): Promise<number> {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
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
    const accounts = deriveDevAccounts(DEV_MNEMONIC, 10);
    const operators = deriveOperators(DEV_MNEMONIC);
    const { deployer, batcher, daSigner } = operators;
    step(`starting L1 (Hardhat node${options.l1RpcUrl ? `, forking ${options.l1RpcUrl}` : ""})`);
    const l1 = await startL1({ port: options.l1Port, logFile: join(logDir, "l1.log"), forkUrl: options.l1RpcUrl });
    children.push(l1.child);
    await fundAccounts(
      l1.rpcUrl,
      operatorAccounts(operators).map(({ account }) => account.address),
      OPERATOR_L1_BALANCE,
    );
    step("deploying Mach L1 contracts");
    const contracts = await deployContracts({
      rpcUrl: l1.rpcUrl,
      chainId: l1.chainId,
      deployerKey: deployer.privateKey,
      l2ChainId: L2_CHAIN_ID,
      l2GasLimit: DEFAULT_BLOCK_GAS_LIMIT,
      batcher: batcher.address,
      sequencer: operators.sequencer.address,
      provers: operators.provers.map((prover) => prover.address),
      quorum: 2n,
    });
    step(`starting DA (${options.da})`);
    const da = await startDa(options.da, {
      dataDir,
      logDir,
      signerKey: daSigner.privateKey,
      ports:
        options.daPort === undefined
          ? { eigendaDisperser: 32005, eigendaRelay: 32006, eigendaProxy: 3100, celestiaRpc: 26658 }
          : {
              eigendaDisperser: options.daPort,
              eigendaRelay: options.daPort + 1,
              eigendaProxy: options.daPort + 2,
              celestiaRpc: options.daPort,
            },
    });
    if (da.child) children.push(da.child);

    step("starting the Mach sequencer node");
    // Replicas and provers rebuild the sequencer's genesis: one timestamp for all.
    const chain = { chainId: L2_CHAIN_ID.toString(), genesisTimestamp: String(Math.floor(Date.now() / 1000)) };
    const nodeConfig = {
      chain,
      sequencer: { signerPrivateKey: operators.sequencer.privateKey },
      p2p: { enabled: true, listen: [`/ip4/127.0.0.1/tcp/${options.p2pPort}`] },
      witness: { enabled: true },
      // The node serves the dashboard (built by `pnpm turbo run build`) on its RPC port.
      rpc: { host: "127.0.0.1", port: options.l2Port, dashboardDir },
      metrics: { enabled: true, host: "127.0.0.1", port: options.metricsPort },
      store: { path: join(dataDir, "node") },
      da: da.nodeConfig,
      batcher: { enabled: true, maxBlocksPerBatch: 30, maxBatchAgeMs: 5_000 },
      // Confirmed batches are recorded in BatchInbox on L1; that moves the `safe` tag.
      settlement: {
        provider: "l1",
        options: {
          l1RpcUrl: l1.rpcUrl,
          batcherPrivateKey: batcher.privateKey,
          batchInbox: contracts.batchInbox,
          portal: contracts.portal,
        },
      },
    };
    const configPath = join(options.dir, "node.json");
    writeFileSync(configPath, `${JSON.stringify(nodeConfig, null, 2)}\n`);
    const node = spawnChild({
      name: "Mach node",
      command: process.execPath,
      args: [MACH_CLI, "node", "--config", configPath],
      logFile: join(logDir, "node.log"),
    });
    children.push(node);
    let sequencerP2p: string[] = [];
    const started = await waitForJsonLine(
      node,
      (entry) => {
        if (entry.msg === "p2p started") sequencerP2p = entry.addresses as string[];
        return entry.msg === "node started";
      },
      120_000,
    );
    const follower = {
      chain,
      p2p: { enabled: true, sequencerAddress: operators.sequencer.address, bootstrap: sequencerP2p },
    };

    step("starting the replica");
    const replicaConfig = {
      ...follower,
      node: { role: "replica" },
      rpc: { host: "127.0.0.1", port: options.replicaPort },
      metrics: { enabled: true, host: "127.0.0.1", port: options.replicaPort + 1 },
      store: { path: join(dataDir, "replica") },
      replica: { sequencerRpcUrl: String(started.rpcUrl) },
    };
    const replica = await startRole(options.dir, logDir, "replica", replicaConfig, children);

    step(`starting ${operators.provers.length} provers (quorum 2)`);
    const provers = [];
    for (const [i, prover] of operators.provers.entries()) {
      const proverConfig = {
        ...follower,
        node: { role: "prover" },
        metrics: { enabled: false },
        store: { path: join(dataDir, `prover${i}`) },
        prover: {
          signerPrivateKey: prover.privateKey,
          witnessRpcUrl: String(replica.started.rpcUrl),
          attestationDomain: { l1ChainId: String(l1.chainId), verifier: contracts.outputVerifier },
          provers: operators.provers.map((account) => account.address),
          quorum: 2,
        },
        settlement: {
          provider: "l1",
          options: {
            l1RpcUrl: l1.rpcUrl,
            disputeGameFactory: contracts.disputeGameFactory,
            attesterPrivateKey: prover.privateKey,
          },
        },
      };
      const role = await startRole(options.dir, logDir, `prover${i}`, proverConfig, children);
      provers.push({ address: prover.address, p2p: role.p2p });
    }

    const devnet = {
      l1: {
        rpcUrl: l1.rpcUrl,
        chainId: l1.chainId,
        forkedFrom: options.l1RpcUrl ?? null,
        contracts: { ...contracts, deployBlock: contracts.deployBlock.toString() },
      },
      l2: {
        rpcUrl: String(started.rpcUrl),
        wsUrl: String(started.wsUrl),
        dashboardUrl: `${String(started.rpcUrl)}/`,
        chainId: Number(L2_CHAIN_ID),
        metricsUrl: `http://127.0.0.1:${options.metricsPort}/metrics`,
        configPath,
        replicaRpcUrl: String(replica.started.rpcUrl),
        replicaWsUrl: String(replica.started.wsUrl),
        replicaMetricsUrl: `http://127.0.0.1:${options.replicaPort + 1}/metrics`,
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
    await new Promise(() => {});
    return 0;
  } catch (error) {
    process.stderr.write(`devnet failed: ${error instanceof Error ? error.message : String(error)}\n`);
    await stopAll();
    return 1;
  }
}

/** Starts one more node process (replica, prover) from its config; resolves once it reports started. */
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

function step(message: string): void {
  process.stdout.write(`• ${message}\n`);
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
    `  L2 provers    ${devnet.provers.map((prover) => prover.address).join(", ")}   (2 of 3 attest)`,
    `  L1 JSON-RPC   ${devnet.l1.rpcUrl}   (chain id ${devnet.l1.chainId})`,
    `  L1 Portal     ${String(devnet.l1.contracts.portal)}`,
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
