/**
 * The RPC backend of any role that holds the chain in RAM (sequencer, replica, deriver): block and transaction reads
 * from its `ChainView`, state reads from its state layer, calls through the executor on a throwaway overlay, and
 * transaction admission through whatever the role does with them (its pool, or forwarding to the sequencer).
 */
import type { ChainView, LocatedTransaction } from "../chain/chainView.ts";
import { OP_BASE_FEE_PARAMS } from "../chain/fees.ts";
import type { StateDiff } from "../chain/stateDiff.ts";
import type { Address, Hash, Transaction } from "../chain/types.ts";
import type { BlockEnv, ExecutionResult, Executor } from "../execution/types.ts";
import { mergeStateDiffs } from "../state/diffMerge.ts";
import { plainTransaction } from "../state/storedItems.ts";
import type { StateReader } from "../state/types.ts";
import type { SenderRecovery } from "../txpool/senderRecovery.ts";
import type { RecoveryOutcome } from "../txpool/senderRecoveryProtocol.ts";
import type {
  AccountProof,
  BackendEventHandlers,
  BatchInfo,
  BlockOverrides,
  CallParameters,
  DevControls,
  OutputAtBlock,
  PoolContent,
  RpcBackend,
  StateTarget,
  SubmittedTransaction,
} from "./backend.ts";
import { JsonText } from "./jsonText.ts";
import { createOverlayState } from "./overlay.ts";
import { plainBlockEnv, type ReadOperation, type RenderedTrace } from "./reads/protocol.ts";
import type { ReadExecution } from "./reads/readWorkerPool.ts";
import { type BaseFeeRule, runSimulation, type SimulatedBlock, type SimulationInput } from "./simulate/index.ts";
import { type TraceEngines, traceBlockTransactions, traceCallOn, traceTransactionAfter } from "./traceRuns.ts";

/** How the role admits transactions and what it knows of those not yet executed. */
export interface TxSubmission {
  /** Admits `raw`; `recovered` is its decode and sender recovery done already (`NodeBackendOptions.senderRecovery`). */
  add(raw: Uint8Array, recovered?: RecoveryOutcome): SubmittedTransaction | Promise<SubmittedTransaction>;
  /** A transaction waiting to execute, if this role holds it. */
  get(hash: Hash): Transaction | undefined;
  /** Next nonce counting the sender's waiting transactions. */
  pendingNonce(address: Address): bigint;
  onPending(listener: (tx: Transaction) => void): () => void;
  /** The held transactions by sender (`txpool_*`), if this role can list them. */
  content?(): PoolContent;
}

/** What the backend needs from the state layer. */
export interface StateView {
  /** The streaming state after the newest mini-block. */
  readonly latest: StateReader;
  /** The state after sealed block `number`, if still held. */
  stateAt(number: bigint): StateReader | undefined;
  /** EIP-1186 proof against the newest sealed block's state root (`latest` and the head number alike). */
  getProof(address: Address, slots: readonly Hash[]): AccountProof;
}

export interface NodeBackendOptions {
  readonly chainId: bigint;
  readonly clientVersion: string;
  readonly chain: ChainView;
  readonly txs: TxSubmission;
  readonly state: StateView;
  readonly executor: Executor;
  /** Runs traces (`debug_trace*`): an executor implementing `trace`; `executor` when absent. */
  readonly tracingExecutor?: Executor;
  /**
   * Where calls, estimates and traces execute: read workers following the chain (`rpc/reads/`). Absent → on this
   * thread through `executor`, where a long call holds up everything else (tests and tools only).
   */
  readonly reads?: ReadExecution;
  /** Decodes sent transactions and recovers their senders off this thread, in arrival order; absent → `txs` does. */
  readonly senderRecovery?: SenderRecovery;
  readonly callGasCap?: bigint;
  /** The chain's EIP-1559 rule, which eth_simulateV1's validated blocks follow (default: OP's, no floor). */
  readonly baseFeeRule?: BaseFeeRule;
  /** Newest block whose batch is recorded on L1 (`safe`). */
  readonly safeBlock?: () => bigint;
  /** Newest block of a resolved output (`finalized`). */
  readonly finalizedBlock?: () => bigint;
  readonly listBatches?: (range: { fromBlock: bigint; toBlock: bigint }) => Promise<readonly BatchInfo[]>;
  /** `optimism_outputAtBlock`: the output of a block whose output the node computed and kept. */
  readonly outputAtBlock?: (blockNumber: bigint) => OutputAtBlock | undefined;
  /**
   * eth_getProof at a sealed block older than the head, from what the node keeps of it (the message passer at output
   * blocks: what withdrawals are proven with); undefined when not kept.
   */
  readonly proofAt?: (address: Address, slots: readonly Hash[], blockNumber: bigint) => AccountProof | undefined;
  /** Development controls, on dev nodes only. */
  readonly dev?: DevControls;
  /** Connected p2p peers (`net_peerCount`); 0 without p2p. */
  readonly peerCount?: () => number;
  /** Kept block witnesses, compressed (a sequencer that builds them). */
  readonly blockWitness?: (blockNumber: bigint) => Uint8Array | undefined | Promise<Uint8Array | undefined>;
}

const DEFAULT_BASE_FEE_RULE: BaseFeeRule = { ...OP_BASE_FEE_PARAMS, minBaseFeePerGas: 0n };

/** Priority fee the node suggests (wei): enough to order, far below a cent per transfer. */
const SUGGESTED_PRIORITY_FEE = 1_000_000n;

export function createNodeBackend(options: NodeBackendOptions): RpcBackend {
  const { chain, txs, state, executor, reads, senderRecovery } = options;

  /** BLOCKHASH for calls: the 256 sealed blocks before `number`. */
  function blockHashBefore(number: bigint) {
    return (n: bigint): Hash | undefined =>
      n < number && n + 256n >= number ? chain.getBlockByNumber(n)?.hash : undefined;
  }

  /** The environment of the block being built (or, for a role without one, of the block after the head). */
  function pendingEnv(): BlockEnv {
    const open = chain.openBlock();
    if (open) {
      const env = open.env;
      return {
        chainId: options.chainId,
        number: env.number,
        timestamp: env.timestamp,
        gasLimit: env.gasLimit,
        baseFeePerGas: env.baseFeePerGas,
        coinbase: env.coinbase,
        prevRandao: env.prevRandao,
        getBlockHash: blockHashBefore(env.number),
      };
    }
    const head = chain.head().header;
    return {
      chainId: options.chainId,
      number: head.number + 1n,
      timestamp: head.timestamp + 1n,
      gasLimit: head.gasLimit,
      baseFeePerGas: head.baseFeePerGas,
      coinbase: head.beneficiary,
      prevRandao: head.mixHash,
      getBlockHash: blockHashBefore(head.number + 1n),
    };
  }

  function stateFor(target: StateTarget): StateReader | undefined {
    if (target === "latest") return state.latest;
    return state.stateAt(target);
  }

  function callEnv(target: StateTarget, overrides: BlockOverrides | undefined): BlockEnv {
    let env = pendingEnv();
    if (target !== "latest") {
      const block = chain.getBlockByNumber(target);
      if (block) {
        env = {
          ...env,
          number: block.header.number,
          timestamp: block.header.timestamp,
          gasLimit: block.header.gasLimit,
          baseFeePerGas: block.header.baseFeePerGas,
          coinbase: block.header.beneficiary,
          prevRandao: block.header.mixHash,
          getBlockHash: blockHashBefore(block.header.number),
        };
      }
    }
    if (!overrides) return env;
    return {
      ...env,
      ...(overrides.number !== undefined ? { number: overrides.number } : {}),
      ...(overrides.time !== undefined ? { timestamp: overrides.time } : {}),
      ...(overrides.gasLimit !== undefined ? { gasLimit: overrides.gasLimit } : {}),
      ...(overrides.feeRecipient !== undefined ? { coinbase: overrides.feeRecipient } : {}),
      ...(overrides.prevRandao !== undefined ? { prevRandao: overrides.prevRandao } : {}),
      ...(overrides.baseFeePerGas !== undefined ? { baseFeePerGas: overrides.baseFeePerGas } : {}),
    };
  }

  /** The same refusal as on this thread, before a worker is asked for a state this node no longer keeps. */
  function checkTarget(target: StateTarget): void {
    if (!stateFor(target)) throw new Error(`state for block ${target} is not available`);
  }

  const traceEngines: TraceEngines = { executor, tracing: options.tracingExecutor ?? executor };

  /** A trace run on a read worker, rendered and serialized there. */
  async function traceOnWorker(workers: ReadExecution, operation: ReadOperation, signal: AbortSignal | undefined) {
    return new JsonText(((await workers.run(operation, signal)) as RenderedTrace).traceJson);
  }

  /** The state before block `number` and its transactions, for replays. */
  function replayBase(blockNumber: bigint) {
    const base = state.stateAt(blockNumber - 1n);
    const contents = chain.blockContents(blockNumber);
    if (!base || !contents) return undefined;
    return { base, contents, env: callEnv(contents.hash === null ? "latest" : blockNumber, undefined) };
  }

  function overlayFor(parameters: CallParameters) {
    const base = stateFor(parameters.target);
    if (!base) throw new Error(`state for block ${parameters.target} is not available`);
    return createOverlayState(base, parameters.stateOverride);
  }

  return {
    ...chain,
    chainId: options.chainId,
    clientVersion: options.clientVersion,
    pendingNonce: (address) => txs.pendingNonce(address),
    blockNumberForTag: (tag) => (tag === "safe" ? (options.safeBlock?.() ?? 0n) : (options.finalizedBlock?.() ?? 0n)),
    getTransaction(hash): LocatedTransaction | undefined {
      const executed = chain.getTransaction(hash);
      if (executed) return executed;
      const waiting = txs.get(hash);
      return waiting ? { tx: waiting } : undefined;
    },
    stateAt: stateFor,
    async getProof(address, slots, target) {
      // The committed trie is the newest sealed block's; older blocks answer from what the node keeps of them.
      if (target === "latest" || target === chain.headBlockNumber()) return state.getProof(address, slots);
      return options.proofAt?.(address, slots, target);
    },
    async sendRawTransaction(raw) {
      if (senderRecovery === undefined) return txs.add(raw);
      return senderRecovery.recover(raw, (recovered) => txs.add(raw, recovered));
    },
    async call(parameters) {
      parameters.signal?.throwIfAborted();
      const env = callEnv(parameters.target, parameters.blockOverrides);
      if (reads) {
        checkTarget(parameters.target);
        const result = await reads.run(
          {
            kind: "call",
            target: parameters.target,
            message: parameters.message,
            env: plainBlockEnv(env),
            ...(parameters.stateOverride ? { stateOverride: parameters.stateOverride } : {}),
          },
          parameters.signal,
        );
        return result as ExecutionResult;
      }
      return executor.call(overlayFor(parameters), parameters.message, env);
    },
    async traceTransaction(hash, config, signal) {
      signal?.throwIfAborted();
      const located = chain.getTransaction(hash);
      if (!located?.location) return undefined;
      const { blockNumber, transactionIndex } = located.location;
      const replay = replayBase(blockNumber);
      if (!replay) return undefined;
      const prefix = replay.contents.transactions.slice(0, transactionIndex);
      if (reads) {
        const operation: ReadOperation = {
          kind: "traceTransaction",
          target: blockNumber - 1n,
          prefix: prefix.map(plainTransaction),
          tx: plainTransaction(located.tx),
          env: plainBlockEnv(replay.env),
          config,
        };
        return traceOnWorker(reads, operation, signal);
      }
      return traceTransactionAfter(traceEngines, replay.base, prefix, located.tx, replay.env, config);
    },
    async traceCall(parameters, config) {
      parameters.signal?.throwIfAborted();
      const env = callEnv(parameters.target, parameters.blockOverrides);
      if (reads) {
        checkTarget(parameters.target);
        const operation: ReadOperation = {
          kind: "traceCall",
          target: parameters.target,
          message: parameters.message,
          env: plainBlockEnv(env),
          config,
          ...(parameters.stateOverride ? { stateOverride: parameters.stateOverride } : {}),
        };
        return traceOnWorker(reads, operation, parameters.signal);
      }
      return traceCallOn(traceEngines, overlayFor(parameters), parameters.message, env, config);
    },
    async traceBlock(number, config, signal) {
      signal?.throwIfAborted();
      const replay = replayBase(number);
      if (!replay) return undefined;
      const { transactions } = replay.contents;
      if (reads) {
        const operation: ReadOperation = {
          kind: "traceBlock",
          target: number - 1n,
          transactions: transactions.map(plainTransaction),
          env: plainBlockEnv(replay.env),
          config,
        };
        return traceOnWorker(reads, operation, signal);
      }
      return traceBlockTransactions(traceEngines, replay.base, transactions, replay.env, config, signal);
    },
    async simulate(parameters): Promise<readonly SimulatedBlock[]> {
      parameters.signal?.throwIfAborted();
      const input: SimulationInput = {
        chainId: options.chainId,
        base: parameters.base,
        blocks: parameters.blocks,
        validation: parameters.validation,
        traceTransfers: parameters.traceTransfers,
        gasCap: options.callGasCap ?? pendingEnv().gasLimit,
        baseFeeRule: options.baseFeeRule ?? DEFAULT_BASE_FEE_RULE,
      };
      if (reads) {
        checkTarget(parameters.target);
        const result = await reads.run({ kind: "simulate", target: parameters.target, input }, parameters.signal);
        return result as readonly SimulatedBlock[];
      }
      const base = stateFor(parameters.target);
      if (!base) throw new Error(`state for block ${parameters.target} is not available`);
      const tracing = options.tracingExecutor ?? executor;
      if (!tracing.trace) throw new Error("this executor cannot run a simulation");
      return runSimulation(
        { trace: tracing.trace.bind(tracing) },
        base,
        input,
        (n) => chain.getBlockByNumber(n)?.hash,
        () => parameters.signal?.throwIfAborted(),
      );
    },
    callGasCap: () => options.callGasCap ?? pendingEnv().gasLimit,
    pendingBlockEnv: () => {
      const env = pendingEnv();
      return { gasLimit: env.gasLimit, baseFeePerGas: env.baseFeePerGas, timestamp: env.timestamp };
    },
    gasPrice: () => pendingEnv().baseFeePerGas + SUGGESTED_PRIORITY_FEE,
    maxPriorityFeePerGas: () => SUGGESTED_PRIORITY_FEE,
    syncing: () => false,
    peerCount: () => options.peerCount?.() ?? 0,
    getStateDiff(selector): StateDiff | undefined {
      if ("miniBlockNumber" in selector) return chain.getMiniBlock(selector.miniBlockNumber)?.stateDiff;
      const block = chain.getBlockByNumber(selector.blockNumber);
      if (!block) return undefined;
      const diffs: StateDiff[] = [];
      for (let i = 0n; i < BigInt(block.miniBlockCount); i++) {
        const miniBlock = chain.getMiniBlock(block.miniBlockOffset + i);
        // The write-ahead log is pruned after snapshots: older blocks' diffs are gone.
        if (!miniBlock) return undefined;
        diffs.push(miniBlock.stateDiff);
      }
      return mergeStateDiffs(diffs);
    },
    ...(options.listBatches ? { getBatches: options.listBatches } : {}),
    ...(options.outputAtBlock ? { outputAtBlock: async (n: bigint) => options.outputAtBlock?.(n) } : {}),
    ...(options.blockWitness ? { blockWitness: options.blockWitness } : {}),
    ...(options.dev ? { dev: options.dev } : {}),
    ...(txs.content ? { poolContent: () => (txs.content as () => PoolContent)() } : {}),
    subscribe(handlers: Partial<BackendEventHandlers>) {
      const offs: (() => void)[] = [];
      if (handlers.pendingTransaction) offs.push(txs.onPending(handlers.pendingTransaction));
      return () => {
        for (const off of offs) off();
      };
    },
  };
}
