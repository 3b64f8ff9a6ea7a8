/**
 * The executor configurations the execution suite compares, each started from the bench world's genesis on a state
 * of its own, in pairs that do the same work:
 *
 *   execution only (no state root)       mach               Mach's executor on its own EVM (`createMachExecutor`)
 *                                                           over a `WorldState` (flat maps), never committed
 *                                        mach-ethereumjs    the same executor on the @ethereumjs/evm engine
 *                                                           (`createEthereumJsExecutor`), the reference engine
 *                                        ethereumjs-simple  @ethereumjs/vm `runTx` over its in-memory
 *                                                           SimpleStateManager (maps, no trie; it copies every
 *                                                           map at each checkpoint, so it slows as state grows)
 *                                        ethereumjs-cached  `runTx` over a MerkleStateManager with its caches
 *                                                           inside one checkpoint that is never committed: the
 *                                                           caches never reach the trie (its fastest no-trie run)
 *   execution + a state root per block   mach-root          Mach's own EVM, `WorldState.commit()` (root)
 *                                                           after every block of `blockTransactions`
 *                                        ethereumjs-merkle  `runTx` over a MerkleStateManager with its caches, the
 *                                                           block checkpointed as runBlock does (so caches reach the
 *                                                           trie once per block, not after every transaction), then
 *                                                           the state root
 *
 * Both sides recover senders before the timer (Mach at decode, @ethereumjs cached on the tx object) and hash with
 * hash-wasm keccak.
 */
import { createBlock } from "@ethereumjs/block";
import { createCustomCommon, Hardfork, Mainnet } from "@ethereumjs/common";
import { Caches, MerkleStateManager, SimpleStateManager } from "@ethereumjs/statemanager";
import { createTxFromRLP, type TypedTransaction } from "@ethereumjs/tx";
import { bigIntToUnpaddedBytes, createAccount, Address as EvmAddress, hexToBytes } from "@ethereumjs/util";
import { createVM, runTx, type VM } from "@ethereumjs/vm";
import { type Address, decodeTransaction, keccak256, type Transaction } from "@mach/core/chain";
import { type BlockEnv, createEthereumJsExecutor, createMachExecutor, type Executor } from "@mach/core/execution";
import { buildGenesisState, type WorldState } from "@mach/core/state";
import { type Alloc, BENCH_CHAIN_ID, slotKey } from "../workloads/world.ts";

export const BENCH_BASE_FEE = 10_000_000n;
export const BENCH_COINBASE: Address = "0x4200000000000000000000000000000000000011";
const BLOCK_GAS_LIMIT = 1_000_000_000_000n;
const TIMESTAMP = 1_800_000_000n;

export const EXECUTION_CONFIGURATIONS = [
  "mach",
  "mach-ethereumjs",
  "ethereumjs-simple",
  "ethereumjs-cached",
  "mach-root",
  "ethereumjs-merkle",
] as const;
export type ExecutionConfigurationName = (typeof EXECUTION_CONFIGURATIONS)[number];

export interface ExecutionConfiguration {
  /** Short name for table cells. */
  readonly label: string;
  /** Everything that sets its speed. */
  readonly description: string;
  /** Computes a state root once per block (pairs only with a configuration that does too). */
  readonly stateRoot: boolean;
}

/** The configurations, and the two like-for-like pairs (Mach, @ethereumjs) the report compares. */
export function executionConfigurations(
  blockTransactions: number,
): Readonly<Record<ExecutionConfigurationName, ExecutionConfiguration>> {
  const ethereumjs = "@ethereumjs/vm 10.1.3 runTx, hash-wasm keccak, senders recovered before timing";
  return {
    mach: {
      label: "Mach EVM, no state root",
      description:
        "Mach createMachExecutor (Mach's own EVM) over WorldState (flat maps), no state root, senders recovered at decode",
      stateRoot: false,
    },
    "mach-ethereumjs": {
      label: "Mach on @ethereumjs/evm, no state root",
      description:
        "Mach createEthereumJsExecutor (the @ethereumjs/evm reference engine) over WorldState, no state root, senders recovered at decode",
      stateRoot: false,
    },
    "ethereumjs-simple": {
      label: "@ethereumjs/vm SimpleStateManager (no trie)",
      description: `${ethereumjs}, SimpleStateManager (in-memory maps, no trie; it copies its maps at every checkpoint)`,
      stateRoot: false,
    },
    "ethereumjs-cached": {
      label: "@ethereumjs/vm MerkleStateManager + caches, never flushed (no trie)",
      description: `${ethereumjs}, MerkleStateManager with Caches (account/storage/code) inside one checkpoint that is never committed, so the caches never reach the trie (no state root)`,
      stateRoot: false,
    },
    "mach-root": {
      label: `Mach EVM, state root per ${blockTransactions} txs`,
      description: `Mach createMachExecutor (Mach's own EVM) over WorldState, WorldState.commit() (state root) after every ${blockTransactions} transactions`,
      stateRoot: true,
    },
    "ethereumjs-merkle": {
      label: `@ethereumjs/vm MerkleStateManager + caches, root per ${blockTransactions} txs`,
      description: `${ethereumjs}, MerkleStateManager with Caches (account/storage/code), one checkpoint per block of ${blockTransactions} transactions: caches flushed to the trie and the state root taken once per block`,
      stateRoot: true,
    },
  };
}

/** The like-for-like pairs: [Mach configuration, @ethereumjs configuration]. */
export const EXECUTION_PAIRS = [
  ["mach", "ethereumjs-simple"],
  ["mach", "ethereumjs-cached"],
  ["mach-ethereumjs", "ethereumjs-cached"],
  ["mach-root", "ethereumjs-merkle"],
] as const satisfies readonly (readonly [ExecutionConfigurationName, ExecutionConfigurationName])[];

export interface ExecutedTx {
  readonly status: 0 | 1;
  readonly gasUsed: bigint;
}

/**
 * A started executor with its state: `prepare` runs before the timer; `execute`, `beginBlock` and `endBlock` are
 * timed. A configuration that computes state roots does so in `endBlock`, once per block.
 */
export interface ExecutionTarget<Prepared> {
  prepare(raw: readonly Uint8Array[]): Prepared[];
  execute(tx: Prepared): Promise<ExecutedTx>;
  beginBlock(): Promise<void>;
  endBlock(): Promise<void>;
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

/**
 * `stateRoot`: commit the state (compute its root) at the end of every block; `engine`: Mach's own EVM (default) or
 * the @ethereumjs/evm reference engine.
 */
export async function createMachTarget(
  alloc: Alloc,
  options: { stateRoot?: boolean; engine?: "mach" | "ethereumjs" } = {},
): Promise<MachTarget> {
  const state = buildGenesisState({ alloc });
  const executor =
    options.engine === "ethereumjs"
      ? await createEthereumJsExecutor({ chainId: BENCH_CHAIN_ID })
      : createMachExecutor({ chainId: BENCH_CHAIN_ID });
  const env = machBlockEnv();
  return {
    state,
    executor,
    prepare: (raw) => raw.map((bytes) => decodeTransaction(bytes)),
    async execute(tx) {
      const result = await executor.executeTransaction(state, tx, env);
      return { status: result.status, gasUsed: result.gasUsed };
    },
    async beginBlock() {},
    async endBlock() {
      if (options.stateRoot === true) state.commit();
    },
  };
}

export interface EthereumJsTarget extends ExecutionTarget<TypedTransaction> {
  readonly vm: VM;
}

function ethereumJsCommon() {
  return createCustomCommon({ chainId: Number(BENCH_CHAIN_ID) }, Mainnet, {
    hardfork: Hardfork.Prague,
    customCrypto: { keccak256 },
  });
}

/**
 * `simple`: SimpleStateManager, no trie, nothing to do at block boundaries. `merkle`: MerkleStateManager with caches;
 * a block is one outer checkpoint (runTx's own checkpoints then stay inside it, so the caches are not flushed to
 * the trie after every transaction), committed at the block's end (the flush) followed by the state root. `cached`:
 * the same state manager inside one outer checkpoint opened after genesis and never committed (no flush, no root).
 */
export async function createEthereumJsTarget(
  alloc: Alloc,
  stateManagerKind: "simple" | "cached" | "merkle",
): Promise<EthereumJsTarget> {
  const common = ethereumJsCommon();
  const merkleKind = stateManagerKind !== "simple";
  const merkle = merkleKind ? new MerkleStateManager({ common, caches: new Caches() }) : undefined;
  const stateManager = merkle ?? new SimpleStateManager({ common });
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
  await merkle?.getStateRoot(); // the genesis root: the first timed block pays for its own keys only
  // runTx's checkpoints now nest inside this one, whose commit (the only flush to the trie) never comes.
  if (stateManagerKind === "cached") await merkle?.checkpoint();
  const perBlockRoot = stateManagerKind === "merkle" ? merkle : undefined;
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
    async beginBlock() {
      await perBlockRoot?.checkpoint();
    },
    async endBlock() {
      if (perBlockRoot === undefined) return;
      await perBlockRoot.commit();
      await perBlockRoot.getStateRoot();
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
