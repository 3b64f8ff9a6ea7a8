/**
 * The executors the execution suite compares, each started from the bench world's genesis:
 *  - Mach, either engine: `createMachExecutor` (Mach's own interpreter) or `createEthereumJsExecutor` (@ethereumjs/evm
 *    behind Mach's executor), over a `WorldState` (flat maps; the root is not computed while executing);
 *  - @ethereumjs/vm 10.1 `runTx` over a MerkleStateManager with its account/storage/code caches on and the
 *    hash-wasm keccak (writes reach its trie as it runs), and over its SimpleStateManager (flat maps, no trie, the
 *    like-for-like peer of Mach's rows); senders recovered before timing, as Mach's are.
 */
import { createBlock } from "@ethereumjs/block";
import { createCustomCommon, Hardfork, Mainnet } from "@ethereumjs/common";
import { Caches, MerkleStateManager, SimpleStateManager } from "@ethereumjs/statemanager";
import { createTxFromRLP, type TypedTransaction } from "@ethereumjs/tx";
import { bigIntToUnpaddedBytes, createAccount, Address as EvmAddress, hexToBytes } from "@ethereumjs/util";
import { createVM, runTx, type VM } from "@ethereumjs/vm";
import {
  type Address,
  type BlockEnv,
  buildGenesisState,
  createEthereumJsExecutor,
  createMachExecutor,
  decodeTransaction,
  type Executor,
  keccak256,
  type Transaction,
  type WorldState,
} from "@mach/core";
import { type Alloc, BENCH_CHAIN_ID, slotKey } from "../workloads/world.ts";

export const BENCH_BASE_FEE = 10_000_000n;
export const BENCH_COINBASE: Address = "0x4200000000000000000000000000000000000011";
const BLOCK_GAS_LIMIT = 1_000_000_000_000n;
const TIMESTAMP = 1_800_000_000n;

export const ETHEREUMJS_CONFIGURATION =
  "@ethereumjs/vm 10.1.3 runTx, MerkleStateManager with Caches (account/storage/code), hash-wasm keccak, senders recovered before timing";
export const ETHEREUMJS_SIMPLE_CONFIGURATION =
  "@ethereumjs/vm 10.1.3 runTx, SimpleStateManager (flat maps, no trie; copies them at each checkpoint), hash-wasm keccak, senders recovered before timing; times the first 300 transactions of each workload";
export const MACH_CONFIGURATION =
  "Mach createEthereumJsExecutor (@ethereumjs/evm engine) over WorldState (flat maps, no root), senders recovered at decode";
export const MACH_ENGINE_CONFIGURATION =
  "Mach createMachExecutor (Mach's own EVM) over WorldState (flat maps, no root), senders recovered at decode";

export interface ExecutedTx {
  readonly status: 0 | 1;
  readonly gasUsed: bigint;
}

/** A started executor with its state: `prepare` runs before the timer, `execute` is what is timed. */
export interface ExecutionTarget<Prepared> {
  prepare(raw: readonly Uint8Array[]): Prepared[];
  execute(tx: Prepared): Promise<ExecutedTx>;
}

export function machBlockEnv(): BlockEnv {
  return {
    chainId: BENCH_CHAIN_ID,
    number: 1n,
    timestamp: TIMESTAMP,
    gasLimit: BLOCK_GAS_LIMIT,
    baseFeePerGas: BENCH_BASE_FEE,
    coinbase: BENCH_COINBASE,
    prevRandao: `0x${"00".repeat(32)}`,
    getBlockHash: () => undefined,
  };
}

export interface MachTarget extends ExecutionTarget<Transaction> {
  readonly state: WorldState;
  readonly executor: Executor;
}

export async function createMachTarget(
  alloc: Alloc,
  engine: "mach" | "ethereumjs" = "ethereumjs",
): Promise<MachTarget> {
  const state = buildGenesisState({ alloc });
  const executor =
    engine === "mach"
      ? createMachExecutor({ chainId: BENCH_CHAIN_ID })
      : await createEthereumJsExecutor({ chainId: BENCH_CHAIN_ID });
  const env = machBlockEnv();
  return {
    state,
    executor,
    prepare: (raw) => raw.map((bytes) => decodeTransaction(bytes)),
    async execute(tx) {
      const result = await executor.executeTransaction(state, tx, env);
      return { status: result.status, gasUsed: result.gasUsed };
    },
  };
}

export interface EthereumJsTarget extends ExecutionTarget<TypedTransaction> {
  readonly vm: VM;
  /**
   * Sets each sender's nonce to that of its first transaction in `raw` (untimed): a target that runs only a prefix
   * of each workload (SimpleStateManager) starts the next workload where its nonces begin.
   */
  alignNonces(raw: readonly Uint8Array[]): Promise<void>;
}

function ethereumJsCommon() {
  return createCustomCommon({ chainId: Number(BENCH_CHAIN_ID) }, Mainnet, {
    hardfork: Hardfork.Prague,
    customCrypto: { keccak256 },
  });
}

export async function createEthereumJsTarget(
  alloc: Alloc,
  kind: "merkle" | "simple" = "merkle",
): Promise<EthereumJsTarget> {
  const common = ethereumJsCommon();
  const stateManager =
    kind === "merkle" ? new MerkleStateManager({ common, caches: new Caches() }) : new SimpleStateManager({ common });
  const vm = await createVM({ common, stateManager });
  await stateManager.checkpoint();
  for (const [address, entry] of Object.entries(alloc)) {
    const evmAddress = new EvmAddress(hexToBytes(address as Address));
    await stateManager.putAccount(evmAddress, createAccount({ balance: BigInt(entry.balance), nonce: 0n }));
    if (entry.code !== undefined) await stateManager.putCode(evmAddress, hexToBytes(entry.code));
    for (const [slot, value] of Object.entries(entry.storage ?? {})) {
      await stateManager.putStorage(
        evmAddress,
        hexToBytes(slotKey(slot as Address)),
        bigIntToUnpaddedBytes(BigInt(value)),
      );
    }
  }
  await stateManager.commit();
  await stateManager.flush();
  const block = createBlock(
    {
      header: {
        number: 1n,
        gasLimit: BLOCK_GAS_LIMIT,
        baseFeePerGas: BENCH_BASE_FEE,
        timestamp: TIMESTAMP,
        coinbase: hexToBytes(BENCH_COINBASE),
      },
    },
    { common },
  );
  return {
    vm,
    async alignNonces(raw) {
      const seen = new Set<string>();
      for (const bytes of raw) {
        const tx = createTxFromRLP(bytes, { common });
        const sender = tx.getSenderAddress();
        if (seen.has(sender.toString())) continue;
        seen.add(sender.toString());
        await stateManager.modifyAccountFields(sender, { nonce: tx.nonce });
      }
    },
    prepare(raw) {
      return raw.map((bytes) => {
        const tx = createTxFromRLP(bytes, { common });
        tx.getSenderAddress(); // cached on the frozen tx object: recovery stays out of the timed loop
        return tx;
      });
    },
    async execute(tx) {
      const result = await runTx(vm, { tx, block, skipBlockGasLimitValidation: true });
      return { status: result.execResult.exceptionError === undefined ? 1 : 0, gasUsed: result.totalGasSpent };
    },
  };
}

/** Decodes and recovers senders the way each stack admits a raw transaction (reported as the admission rate). */
export function admitMach(raw: readonly Uint8Array[]): void {
  for (const bytes of raw) decodeTransaction(bytes);
}

export function admitEthereumJs(raw: readonly Uint8Array[]): void {
  const common = ethereumJsCommon();
  for (const bytes of raw) createTxFromRLP(bytes, { common }).getSenderAddress();
}
