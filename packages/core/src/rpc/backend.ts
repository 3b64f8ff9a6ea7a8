/**
 * The RPC backend port: everything the JSON-RPC server needs from a node, and nothing about how the node holds it.
 * The node (sequencer or replica) implements it over its chain store, in-RAM state, executor and tx pool; tests use
 * an in-memory fake. All methods are cheap synchronous reads except those that execute or wait, which return
 * promises. Block tags are resolved by the server (see `StateTarget`), so an adapter only ever sees "the newest
 * mini-block state" or "the state after sealed block N".
 *
 * Conventions: numbers are bigint, hashes and addresses lowercase 0x-hex (as in `chain/types.ts`); `undefined`
 * means "not found" (the server answers `null` or the matching JSON-RPC error).
 */

import type { ChainView, LocatedTransaction } from "../chain/chainView.ts";
import type { StateDiff } from "../chain/stateDiff.ts";
import type { AccessList, Address, Hash, Transaction } from "../chain/types.ts";
import type { CallMessage, ExecutionResult } from "../execution/types.ts";
import type { StateReader } from "../state/types.ts";
import type { JsonText } from "./jsonText.ts";
import type { PlannedBlock, SimulatedBlock, SimulationBase } from "./simulate/index.ts";
import type { TraceConfig, TxTrace } from "./tracers.ts";

/** JSON-RPC block tags. `latest` and `pending` both mean the newest mini-block for state reads (MegaETH semantics). */
export type BlockTag = "latest" | "pending" | "safe" | "finalized" | "earliest";

/**
 * Which state a read or a call runs against: `"latest"` = the streaming state after the newest mini-block (what
 * `latest`/`pending` select); a bigint = the state after sealed EVM block N (N ≤ `headBlockNumber()`).
 */
export type StateTarget = "latest" | bigint;

/** Result of admitting a raw transaction into the pool. */
export interface SubmittedTransaction {
  readonly hash: Hash;
  /**
   * Set when the transaction was admitted but cannot run yet because of a nonce gap: the sender's next executable
   * nonce. `eth_sendRawTransactionSync` then answers EIP-7966 code 5 with this nonce as `data`.
   */
  readonly expectedNonce?: bigint;
}

/** eth_call state override for one account (geth's `OverrideAccount`). `state` replaces all storage, `stateDiff` patches. */
export interface AccountOverride {
  readonly nonce?: bigint;
  readonly balance?: bigint;
  readonly code?: Uint8Array;
  readonly state?: ReadonlyMap<Hash, bigint>;
  readonly stateDiff?: ReadonlyMap<Hash, bigint>;
}
export type StateOverride = ReadonlyMap<Address, AccountOverride>;

/** eth_call block overrides (subset of geth's `BlockOverrides`). */
export interface BlockOverrides {
  readonly number?: bigint;
  readonly time?: bigint;
  readonly gasLimit?: bigint;
  readonly feeRecipient?: Address;
  readonly prevRandao?: Hash;
  readonly baseFeePerGas?: bigint;
}

export interface CallParameters {
  readonly message: CallMessage;
  readonly target: StateTarget;
  readonly stateOverride?: StateOverride;
  readonly blockOverrides?: BlockOverrides;
  /** Stops the execution (EVM timeout, client gone); the call then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** eth_simulateV1 as the method hands it to the backend: blocks planned, the base block resolved. */
export interface SimulateParameters {
  readonly target: StateTarget;
  readonly base: SimulationBase;
  readonly blocks: readonly PlannedBlock[];
  readonly validation: boolean;
  readonly traceTransfers: boolean;
  /** Stops the simulation (EVM timeout, client gone); it then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

export interface AccessListResult {
  readonly accessList: AccessList;
  readonly gasUsed: bigint;
  /** EVM failure message, returned beside the list (geth puts it in `error`). */
  readonly error?: string;
}

/** EIP-1186 proof. `rpc/overlay.ts` does not compute proofs: the state layer does. */
export interface AccountProof {
  readonly address: Address;
  readonly accountProof: readonly Uint8Array[];
  readonly balance: bigint;
  readonly codeHash: Hash;
  readonly nonce: bigint;
  readonly storageHash: Hash;
  readonly storageProof: readonly {
    readonly key: Hash;
    readonly value: bigint;
    readonly proof: readonly Uint8Array[];
  }[];
}

/** `eth_syncing` while catching up; `false` when in sync. */
export interface SyncProgress {
  readonly startingBlock: bigint;
  readonly currentBlock: bigint;
  readonly highestBlock: bigint;
}

/** One DA batch as `mach_getBatches` reports it. */
export interface BatchInfo {
  readonly fromBlock: bigint;
  readonly toBlock: bigint;
  /** DA provider name (`memory`, `eigenda`, `celestia`). */
  readonly provider: string;
  /** Opaque adapter pointers, one per frame, in frame order (empty until the batch is confirmed on DA). */
  readonly pointers: readonly Uint8Array[];
  /** `submitting` | `confirmed` (on DA) | `recorded` (on L1) | `failed`. */
  readonly status: string;
  /** L1 block that recorded the pointer, if recorded. */
  readonly l1BlockNumber?: bigint;
  readonly l1TransactionHash?: Hash;
}

/** `optimism_outputAtBlock` result, in Mach's types (the server renders op-node's JSON shape). */
export interface OutputAtBlock {
  readonly version: Hash;
  readonly outputRoot: Hash;
  readonly blockHash: Hash;
  readonly blockNumber: bigint;
  readonly parentHash: Hash;
  readonly timestamp: bigint;
  readonly withdrawalStorageRoot: Hash;
  readonly stateRoot: Hash;
  readonly l1Origin: { readonly hash: Hash; readonly number: bigint };
  /** op-node's snake_case sync status, passed through as JSON. */
  readonly syncStatus: Readonly<Record<string, unknown>>;
}

/**
 * How a development chain runs. `standalone` (`pnpm devnet --dev`): the node alone, every dev method works, history
 * can be rewritten. `rollup` (the full `pnpm devnet`): batcher, derivation, replicas and provers must reproduce every
 * block, so state edits enter blocks as system transactions, time only moves forward and the methods that rewrite
 * history answer `DevMethodUnavailableError`.
 */
export type DevChainMode = "standalone" | "rollup";

/** `eth_sendTransaction` / `eth_signTransaction` request; what is absent is filled in as anvil does. */
export interface DevTransactionRequest {
  readonly from: Address;
  readonly to?: Address | null;
  readonly gas?: bigint;
  readonly gasPrice?: bigint;
  readonly maxFeePerGas?: bigint;
  readonly maxPriorityFeePerGas?: bigint;
  readonly value?: bigint;
  readonly data?: Uint8Array;
  readonly nonce?: bigint;
  readonly accessList?: AccessList;
  /** 0, 1 or 2; inferred from the fee fields when absent. */
  readonly type?: number;
  readonly chainId?: bigint;
}

/** The pool's transactions by sender, as geth's `txpool_content` splits them. */
export interface PoolContent {
  readonly pending: ReadonlyMap<Address, readonly Transaction[]>;
  readonly queued: ReadonlyMap<Address, readonly Transaction[]>;
}

/** What a development node lets clients do to its chain (anvil's and Hardhat's test methods). */
export interface DevControls {
  readonly mode: DevChainMode;

  // --- Blocks ---
  /** Seals `blocks` blocks now, the open one first; `intervalSeconds` apart (default 1). */
  mine(blocks: number, intervalSeconds?: bigint): Promise<void>;
  setAutomine(enabled: boolean): Promise<void>;
  automine(): boolean;
  /** Interval mining: a block every `blockMs` (0 = off). */
  setIntervalMining(blockMs: number): Promise<void>;
  intervalMiningMs(): number;

  // --- Accounts held by the node ---
  /** The dev mnemonic's accounts (then impersonated ones), what `eth_accounts` lists. */
  accounts(): readonly Address[];
  /**
   * Signs (held account) or impersonates, and admits a filled request. `unsigned`: anvil's
   * `eth_sendUnsignedTransaction`, which sends from any address as if impersonated.
   */
  sendTransaction(request: DevTransactionRequest, options?: { readonly unsigned?: boolean }): Promise<Hash>;
  /** Fills and signs with a held key; the raw signed transaction. */
  signTransaction(request: DevTransactionRequest): Promise<Uint8Array>;
  /** EIP-191 personal message signature by a held key (`eth_sign`, `personal_sign`). */
  signMessage(address: Address, message: Uint8Array): Promise<Hash>;
  /** EIP-712 signature by a held key (`eth_signTypedData_v4`). */
  signTypedData(address: Address, typedData: unknown): Promise<Hash>;
  impersonate(address: Address): void;
  stopImpersonating(address: Address): void;
  setAutoImpersonate(enabled: boolean): void;

  // --- State edits ---
  setBalance(address: Address, wei: bigint): Promise<void>;
  setCode(address: Address, code: Uint8Array): Promise<void>;
  setNonce(address: Address, nonce: bigint): Promise<void>;
  setStorageAt(address: Address, slot: Hash, value: bigint): Promise<void>;

  // --- Time (seconds) ---
  /** Moves the clock forward; answers the total offset. */
  increaseTime(seconds: bigint): Promise<bigint>;
  setNextBlockTimestamp(timestamp: bigint): Promise<void>;
  /** Each block `seconds` after its parent (undefined: back to the clock). */
  setBlockTimestampInterval(seconds: bigint | undefined): Promise<void>;

  // --- The next blocks' environment ---
  setNextBlockBaseFeePerGas(wei: bigint): Promise<void>;
  setCoinbase(address: Address): Promise<void>;
  setBlockGasLimit(gas: bigint): Promise<void>;
  setPrevRandao(value: Hash): Promise<void>;
  /** The pool's price floor. */
  setMinGasPrice(wei: bigint): void;

  // --- Pool ---
  dropTransaction(hash: Hash): boolean;
  dropAllTransactions(): void;

  // --- History (standalone only) ---
  snapshot(): Promise<bigint>;
  /** false when the id is unknown (already reverted past, or never taken). */
  revert(id: bigint): Promise<boolean>;
  /** Back to genesis (or to sealed block `toBlock`), pool emptied, every dev setting back to its start. */
  reset(toBlock?: bigint): Promise<void>;
  dumpState(): Promise<Uint8Array>;
  loadState(dump: Uint8Array): Promise<void>;

  setLoggingEnabled(enabled: boolean): void;
}

/** What the backend pushes to the server besides chain events (`ChainView.onChainEvents`); each handler is optional. */
export interface BackendEventHandlers {
  /** A transaction entered the pool. */
  pendingTransaction: (tx: Transaction) => void;
  /** Sync state changed (`false` = in sync). */
  syncing: (progress: SyncProgress | false) => void;
}

/** Block and transaction reads come from the `ChainView` the backend extends (one `latest` rule for every method). */
export interface RpcBackend extends ChainView {
  readonly chainId: bigint;
  /** `web3_clientVersion`, e.g. `Mach/v0.1.0/linux-x64/node22`. */
  readonly clientVersion: string;

  /** Block number a `safe` / `finalized` tag points at; `undefined` when none yet (answered as unknown block). */
  blockNumberForTag(tag: "safe" | "finalized"): bigint | undefined;

  /** Like `ChainView.getTransaction`, and also finds transactions still waiting in the pool (no location). */
  getTransaction(hash: Hash): LocatedTransaction | undefined;

  /**
   * The sender's next nonce counting its transactions still in the pool, for `eth_getTransactionCount(…, "pending")`
   * (wallets sending back-to-back within one mini-block interval need it). Absent → `pending` reads like `latest`.
   */
  pendingNonce?(address: Address): bigint;
  /** State to read; `undefined` when the block's state is no longer kept (answered 4444 `Pruned history unavailable`). */
  stateAt(target: StateTarget): StateReader | undefined;
  /** EIP-1186 proof against the state root of `target` (for `"latest"`: the newest sealed block's state). */
  getProof?(address: Address, slots: readonly Hash[], target: StateTarget): Promise<AccountProof | undefined>;

  /** Admits a raw transaction into the pool. Throws `TransactionRejectedError` with geth's message. */
  sendRawTransaction(raw: Uint8Array): Promise<SubmittedTransaction>;

  /**
   * Runs a message on a throwaway overlay of the target state (see `createOverlayState` in `rpc/overlay.ts` for a
   * ready-made overlay with overrides applied). Reverts come back as `status: 0` results, not as throws.
   */
  call(parameters: CallParameters): Promise<ExecutionResult>;
  /**
   * debug_traceTransaction: re-executes a mined transaction on the state before it (its block's earlier transactions
   * replayed) with the tracer `config` names, answering geth's JSON (or its text, a `JsonText`); `undefined` if the
   * transaction or its state is unknown. `signal` stops the execution (trace timeout, client gone); the promise then
   * rejects with its reason.
   */
  traceTransaction?(hash: Hash, config: TraceConfig, signal?: AbortSignal): Promise<unknown>;
  /** debug_traceCall: runs a message as `call` does (`parameters.signal` included), traced as `config` says. */
  traceCall?(parameters: CallParameters, config: TraceConfig): Promise<unknown>;
  /**
   * debug_traceBlockBy*: re-executes every transaction of a block in order, each traced as `config` says (geth's
   * `[{txHash, result}]`, as `TxTrace`s or their text); `undefined` if the block or its state is unknown.
   */
  traceBlock?(
    number: bigint,
    config: TraceConfig,
    signal?: AbortSignal,
  ): Promise<readonly TxTrace[] | JsonText | undefined>;
  /**
   * `eth_createAccessList`: the storage keys and addresses the message touches (precompiles and sender/recipient
   * excluded, as geth does) and the gas used with that list; absent → method not available.
   */
  createAccessList?(parameters: CallParameters): Promise<AccessListResult>;

  /**
   * eth_simulateV1: runs the planned blocks on the target state (a throwaway overlay), under the call gas cap for all
   * calls together; absent → method not available.
   */
  simulate?(parameters: SimulateParameters): Promise<readonly SimulatedBlock[]>;

  /** Gas cap for `eth_call` / `eth_estimateGas` when the request gives none (and the upper bound of estimation). */
  callGasCap(): bigint;
  /** Block gas limit and base fee of the block being built (estimation bound; last entry of `eth_feeHistory`). */
  pendingBlockEnv(): { readonly gasLimit: bigint; readonly baseFeePerGas: bigint; readonly timestamp: bigint };
  /** `eth_gasPrice` (MegaETH: fixed `0xf4240`). */
  gasPrice(): bigint;
  /** `eth_maxPriorityFeePerGas` (MegaETH: `0x0`). */
  maxPriorityFeePerGas(): bigint;

  syncing(): SyncProgress | false;
  /** Number of connected p2p peers (`net_peerCount`). */
  peerCount(): number;

  /** State diff of one mini-block or one sealed block (`mach_getStateDiff`). */
  getStateDiff(
    selector: { readonly miniBlockNumber: bigint } | { readonly blockNumber: bigint },
  ): StateDiff | undefined;
  /** DA batches overlapping a block range (`mach_getBatches`); absent → method not available. */
  getBatches?(range: { readonly fromBlock: bigint; readonly toBlock: bigint }): Promise<readonly BatchInfo[]>;
  /**
   * Sealed block `blockNumber`'s witness, compressed (`compressBlockWitness`), while kept; absent → the witness
   * methods are not available.
   */
  blockWitness?(blockNumber: bigint): Uint8Array | undefined | Promise<Uint8Array | undefined>;
  /** `optimism_outputAtBlock`; absent → method not available. */
  outputAtBlock?(blockNumber: bigint): Promise<OutputAtBlock | undefined>;

  /** The pool's transactions (`txpool_content`, `txpool_status`, `txpool_inspect`); absent → method not available. */
  poolContent?(): PoolContent;

  /** Development controls (`evm_mine`, …); absent on production nodes, whose dev methods then do not exist. */
  readonly dev?: DevControls;

  /** Registers event handlers; returns the function that removes them. */
  subscribe(handlers: Partial<BackendEventHandlers>): () => void;
}
