/**
 * Execution throughput on ERC-20 transfers, execution only, on the same pre-signed transactions with senders
 * recovered beforehand everywhere. Rows and their configurations:
 *  - mach engine: `createMachExecutor` (Mach's own interpreter) over a WorldState (flat maps), no state root;
 *  - mach ethereumjs engine: `createEthereumJsExecutor` (@ethereumjs/evm behind Mach's executor) over a WorldState,
 *    no state root;
 *  - @ethereumjs/vm runTx over SimpleStateManager (flat maps, no trie: no state root either);
 *  - @ethereumjs/vm runTx over MerkleStateManager with caches: its writes go to a Merkle trie as it runs (the caches
 *    are flushed into the trie at checkpoints), so this row pays for trie updates the others do not.
 * Run: node bench/execution/erc20.ts [senders] [rounds] [mach|machjs|ethereumjs]   (from packages/core)
 *      MACH_BENCH_PROFILE=/tmp/mach.cpuprofile node bench/execution/erc20.ts 500 8 mach
 *      profiles the measured loop of the Mach engine only (signing the workload is excluded)
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { createCustomCommon, Hardfork, Mainnet } from "@ethereumjs/common";
import { Caches, MerkleStateManager, SimpleStateManager } from "@ethereumjs/statemanager";
import { createTxFromRLP } from "@ethereumjs/tx";
import { bigIntToBytes, createAccount, Address as EvmAddress, hexToBytes as ejsHexToBytes } from "@ethereumjs/util";
import { createVM, runTx } from "@ethereumjs/vm";
import { encodeFunctionData, type Hex, hexToBytes, keccak256, pad } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { decodeTransaction } from "../../src/chain/transaction.ts";
import type { Address, Hash, Transaction } from "../../src/chain/types.ts";
import { createEthereumJsExecutor } from "../../src/execution/ethereumjsExecutor.ts";
import { createMachExecutor } from "../../src/execution/machExecutor.ts";
import type { BlockEnv, Executor } from "../../src/execution/types.ts";
import { WorldState } from "../../src/state/worldState.ts";
import { Token } from "../../test/execution/contracts.ts";

const senderCount = Number(process.argv[2] ?? 500);
const rounds = Number(process.argv[3] ?? 4);
const only = process.argv[4];
const CHAIN_ID = 901n;
const TOKEN: Address = "0x00000000000000000000000000000000000070c0";
const GWEI = 1_000_000_000n;
const KECCAK_EMPTY: Hash = "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470";

const env: BlockEnv = {
  chainId: CHAIN_ID,
  number: 1n,
  timestamp: 1_700_000_000n,
  gasLimit: 1_000_000_000n,
  baseFeePerGas: GWEI,
  coinbase: "0x00000000000000000000000000000000c0ffee00",
  prevRandao: `0x${"11".repeat(32)}`,
  getBlockHash: () => undefined,
};

function balanceSlot(holder: Address): Hash {
  return keccak256(`0x${pad(holder).slice(2)}${"0".repeat(64)}`);
}

// --- Workload: each sender holds tokens and sends `rounds` transfers to a fresh recipient each time. ---
const signers = Array.from({ length: senderCount }, (_, i) =>
  privateKeyToAccount(`0x${(i + 1).toString(16).padStart(64, "0")}`),
);
const senders = signers.map((s) => s.address.toLowerCase() as Address);
const txs: Transaction[] = [];
for (let round = 0; round < rounds; round++) {
  for (let i = 0; i < senderCount; i++) {
    const signer = signers[i];
    if (signer === undefined) throw new Error("unreachable");
    const to = `0x${(0x10000 + round * senderCount + i).toString(16).padStart(40, "0")}` as Address;
    const raw = await signer.signTransaction({
      type: "eip1559",
      chainId: Number(CHAIN_ID),
      nonce: round,
      to: TOKEN,
      gas: 100_000n,
      maxFeePerGas: 2n * GWEI,
      maxPriorityFeePerGas: GWEI,
      data: encodeFunctionData({ abi: Token.abi, functionName: "transfer", args: [to, 1n] }),
    });
    txs.push(decodeTransaction(hexToBytes(raw)));
  }
}
const warmup = txs.slice(0, senderCount);
const measured = txs.slice(senderCount);

/** Wall-clock and on-CPU rates: on a shared machine the CPU figure is the steadier one. */
function report(name: string, count: number, gas: bigint, ms: number, cpuMs: number): void {
  const perSecond = (count / ms) * 1000;
  const perCpuSecond = (count / cpuMs) * 1000;
  console.log(
    `${name.padEnd(42)} ${perSecond.toFixed(0).padStart(7)} tx/s  ${(Number(gas) / ms / 1000).toFixed(2).padStart(6)} Mgas/s  ${perCpuSecond.toFixed(0).padStart(7)} tx/CPU-s  (${count} txs, ${ms.toFixed(0)} ms)`,
  );
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

// --- Mach, either engine ---
async function runMach(engine: "mach" | "ethereumjs"): Promise<void> {
  const state = new WorldState();
  const code = hexToBytes(Token.deployedBytecode as Hex);
  state.putAccount(TOKEN, { nonce: 1n, balance: 0n, codeHash: keccak256(code) });
  state.putCode(TOKEN, code);
  for (const sender of senders) {
    state.putAccount(sender, { nonce: 0n, balance: 10n ** 20n, codeHash: KECCAK_EMPTY });
    state.putStorage(TOKEN, balanceSlot(sender), 1_000_000n);
  }
  const executor: Executor =
    engine === "mach"
      ? createMachExecutor({ chainId: CHAIN_ID })
      : await createEthereumJsExecutor({ chainId: CHAIN_ID });
  for (const tx of warmup) await executor.executeTransaction(state, tx, env);
  const profile = engine === "mach" ? process.env.MACH_BENCH_PROFILE : undefined;
  const session = profile ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: 100 });
    await session.post("Profiler.start");
  }
  let gas = 0n;
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (const tx of measured) {
    const result = await executor.executeTransaction(state, tx, env);
    if (result.status !== 1) throw new Error(`transfer failed: ${result.error}`);
    gas += result.gasUsed;
  }
  const name = engine === "mach" ? "mach engine (MachExecutor)/WorldState" : "mach ethereumjs engine/WorldState";
  report(name, measured.length, gas, performance.now() - start, cpuMsSince(cpu));
  if (session && profile) {
    const { profile: data } = await session.post("Profiler.stop");
    writeFileSync(profile, JSON.stringify(data));
    session.disconnect();
  }
}

// --- @ethereumjs/vm ---
async function runEthereumJs(kind: "simple" | "merkle"): Promise<void> {
  const common = createCustomCommon({ chainId: Number(CHAIN_ID) }, Mainnet, { hardfork: Hardfork.Prague });
  // @ethereumjs's two fast configurations: SimpleStateManager (flat maps, no trie, like Mach's state; it copies its
  // maps at every checkpoint, so it slows down as the state grows) and the Merkle state manager with its caches.
  const stateManager =
    kind === "simple" ? new SimpleStateManager({ common }) : new MerkleStateManager({ common, caches: new Caches() });
  const vm = await createVM({ common, stateManager });
  const token = new EvmAddress(ejsHexToBytes(TOKEN));
  await vm.stateManager.putAccount(token, createAccount({ nonce: 1n, balance: 0n }));
  await vm.stateManager.putCode(token, hexToBytes(Token.deployedBytecode as Hex));
  for (const sender of senders) {
    await vm.stateManager.putAccount(
      new EvmAddress(ejsHexToBytes(sender)),
      createAccount({ nonce: 0n, balance: 10n ** 20n }),
    );
    await vm.stateManager.putStorage(token, ejsHexToBytes(balanceSlot(sender)), bigIntToBytes(1_000_000n));
  }
  const block = {
    header: {
      number: env.number,
      coinbase: new EvmAddress(ejsHexToBytes(env.coinbase)),
      timestamp: env.timestamp,
      difficulty: 0n,
      prevRandao: ejsHexToBytes(env.prevRandao),
      gasLimit: env.gasLimit,
      baseFeePerGas: env.baseFeePerGas,
      gasUsed: 0n,
      getBlobGasPrice: () => 1n,
    },
  };
  const prepared = txs.map((tx) => {
    const ejsTx = createTxFromRLP(tx.raw, { common });
    ejsTx.getSenderAddress(); // recovered beforehand (cached on the tx), like Mach's admission does
    return ejsTx;
  });
  // biome-ignore lint/suspicious/noExplicitAny: runTx reads only these header fields.
  const run = (tx: (typeof prepared)[number]) => runTx(vm, { tx, block: block as any, skipHardForkValidation: true });
  for (const tx of prepared.slice(0, senderCount)) await run(tx);
  let gas = 0n;
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (const tx of prepared.slice(senderCount)) {
    const result = await run(tx);
    if (result.execResult.exceptionError) throw new Error("transfer failed");
    gas += result.totalGasSpent;
  }
  report(
    `@ethereumjs/vm runTx (${kind === "simple" ? "SimpleStateManager" : "Merkle SM + caches"})`,
    measured.length,
    gas,
    performance.now() - start,
    cpuMsSince(cpu),
  );
}

if (only === undefined || only === "mach") await runMach("mach");
if (only === undefined || only === "machjs") await runMach("ethereumjs");
if (only === undefined || only === "ethereumjs") {
  await runEthereumJs("simple");
  await runEthereumJs("merkle");
}
