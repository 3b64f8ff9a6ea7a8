/**
 * The transaction pool: per-sender nonce queues in front of the sequencer. Admission validates statelessly (size,
 * decoding and sender recovery, chain id, fee fields, gas limits, intrinsic gas) and against a `StateReader` view and
 * the current base fee (nonce, funds, fee cap), with geth's messages word for word so viem's and ethers' parsers
 * recognize them. A transaction is *pending* when every lower nonce of its sender is in the pool or executed, else
 * *queued* (a nonce gap).
 *
 * The sequencer drains pending transactions with `takeExecutable` (nonce order per sender, round-robin across
 * senders by arrival), then reports each one with `onIncluded` or `onRejected`; `onStateChanged` re-reads nonces,
 * drops what became stale and promotes what became executable.
 *
 * What keeps a flood from clogging it (geth's legacypool rules): the funds check covers everything the sender holds
 * here, pending and queued; a sender may queue at most `maxQueuedPerSender` future transactions, within
 * `maxNonceGap` of its last pending nonce; queued transactions expire after `queuedLifetimeMs` (`expireQueued`);
 * and a full pool evicts to admit a better transaction: queued transactions before pending ones, the lowest
 * effective tip first, always a sender's highest nonce (so eviction never opens a gap), never one in flight.
 */

import { KECCAK_EMPTY } from "../chain/constants.ts";
import { floorDataGas, intrinsicGas, MAX_INIT_CODE_SIZE } from "../chain/fees.ts";
import { decodeTransaction } from "../chain/transaction.ts";
import type { Address, Hash, Transaction } from "../chain/types.ts";
import { TransactionRejectedError, type TransactionRejectionReason } from "../errors.ts";
import type { StateReader } from "../state/types.ts";
import { CandidateHeap } from "./candidateHeap.ts";
import { type TxPoolConfig, txPoolConfigSchema } from "./config.ts";
import {
  cost,
  effectiveTip,
  feeCap,
  type PoolEntry,
  type PoolTransaction,
  SenderQueue,
  type TxStatus,
  tipCap,
} from "./senderQueue.ts";
import type { RecoveryOutcome } from "./senderRecoveryProtocol.ts";

export type { PoolTransaction, TxStatus } from "./senderQueue.ts";

export interface AddResult {
  readonly hash: Hash;
  readonly status: TxStatus;
  /**
   * Set when the transaction was admitted but waits behind a nonce gap: the sender's next executable nonce
   * (`eth_sendRawTransactionSync` answers EIP-7966 code 5 with it).
   */
  readonly expectedNonce?: bigint;
}

/** The metrics the pool reports; `node/` fills it with prom-client (`mach_txpool_*`). */
export interface TxPoolMetrics {
  transactionAdded(status: TxStatus): void;
  transactionRejected(reason: TransactionRejectionReason): void;
  /** A transaction left the pool unexecuted: evicted for a better one, or expired while queued. */
  transactionDropped?(reason: "evicted" | "expired"): void;
}

export interface TxPoolOptions {
  readonly chainId: bigint;
  /** The state admission validates against (the sequencer's latest view). */
  readonly state: StateReader;
  /** Base fee of the block the next transactions go into. */
  readonly baseFeePerGas: bigint;
  readonly blockGasLimit: bigint;
  /** Parsed (`txPoolConfigSchema.parse(…)`); the defaults when absent. */
  readonly config?: TxPoolConfig;
  readonly metrics?: TxPoolMetrics;
  /** Clock in milliseconds (tests inject one). */
  readonly now?: () => number;
}

function reject(reason: TransactionRejectionReason, message: string): never {
  throw new TransactionRejectedError(reason, message);
}

function isDelegation(code: Uint8Array): boolean {
  return code.length === 23 && code[0] === 0xef && code[1] === 0x01 && code[2] === 0x00;
}

export type PendingListener = (tx: PoolTransaction) => void;

/** A transaction the pool may evict when full, ranked by `#rankCandidates`. */
interface EvictionCandidate {
  readonly entry: PoolEntry;
  readonly queued: boolean;
  readonly tip: bigint;
}

/** How long one ranking of eviction candidates serves (ms). */
const EVICTION_RANKING_MS = 1_000;

export class TxPool {
  readonly config: TxPoolConfig;
  readonly chainId: bigint;
  #state: StateReader;
  #baseFeePerGas: bigint;
  #blockGasLimit: bigint;
  /** The node's price floor (geth's `txpool.pricelimit`, anvil's min gas price): least gas price / priority fee. */
  #minGasPrice = 0n;
  readonly #senders = new Map<Address, SenderQueue>();
  readonly #byHash = new Map<Hash, PoolEntry>();
  readonly #listeners = new Set<PendingListener>();
  #arrivals = 0;
  readonly #metrics: TxPoolMetrics | undefined;
  readonly #now: () => number;
  #evictionRanking: { candidates: EvictionCandidate[]; next: number; rankedMs: number } | undefined;
  /** Forgets an entry its sender's queue dropped (below an executed nonce). */
  readonly #forget = (entry: PoolEntry) => this.#byHash.delete(entry.tx.hash);

  constructor(options: TxPoolOptions) {
    this.config = options.config ?? txPoolConfigSchema.parse({});
    this.chainId = options.chainId;
    this.#state = options.state;
    this.#baseFeePerGas = options.baseFeePerGas;
    this.#blockGasLimit = options.blockGasLimit;
    this.#metrics = options.metrics;
    this.#now = options.now ?? Date.now;
  }

  /** Number of transactions held (pending, queued and in flight). */
  get size(): number {
    return this.#byHash.size;
  }

  /** Calls `listener` for every transaction that becomes pending (newPendingTransactions). Returns an unsubscribe. */
  onPending(listener: PendingListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Validates and admits a raw or decoded transaction. Throws `TransactionRejectedError` with geth's message.
   * A decoded transaction must come from `decodeTransaction` (sender recovered, `raw` canonical). `recovered` is
   * that decode of `input` already done elsewhere (a sender-recovery worker): the transaction, or the error it threw,
   * which is then refused here (and counted) as if the pool had decoded it.
   */
  add(input: Uint8Array | Transaction, recovered?: RecoveryOutcome): AddResult {
    if (this.#metrics === undefined) return this.#add(input, recovered);
    try {
      const result = this.#add(input, recovered);
      this.#metrics.transactionAdded(result.status);
      return result;
    } catch (error) {
      if (error instanceof TransactionRejectedError) this.#metrics.transactionRejected(error.reason);
      throw error;
    }
  }

  #add(input: Uint8Array | Transaction, recovered: RecoveryOutcome | undefined): AddResult {
    const raw = input instanceof Uint8Array ? input : input.raw;
    if (raw.length > this.config.maxTxBytes) {
      reject("oversized", `oversized data: transaction size ${raw.length}, limit ${this.config.maxTxBytes}`);
    }
    if (recovered instanceof Error) throw recovered;
    const decoded = recovered ?? (input instanceof Uint8Array ? decodeTransaction(input) : input);
    if (decoded.type === 0x7e) reject("unsupportedType", "transaction type not supported");
    const tx = decoded as PoolTransaction;
    if (this.#byHash.has(tx.hash)) reject("alreadyKnown", "already known");
    this.#validateStateless(tx);
    const queue = this.#senders.get(tx.from);
    const stateNonce = this.#stateNonce(tx.from, queue);
    this.#validateStateful(tx, stateNonce, queue);

    const existing = queue?.get(tx.nonce);
    if (existing !== undefined) this.#checkReplacement(existing, tx);
    else {
      if (queue !== undefined && queue.size >= this.config.maxPerSender) {
        reject("poolFull", "txpool is full: account limit exceeded");
      }
      const queued = queue === undefined ? tx.nonce > stateNonce : queue.wouldQueue(stateNonce, tx.nonce);
      const queuedBefore = queue === undefined ? 0 : queue.queuedCount(stateNonce);
      if (queued && queuedBefore >= this.config.maxQueuedPerSender) {
        reject("poolFull", "txpool is full: account queue limit exceeded");
      }
      if (this.#byHash.size >= this.config.maxTotal) this.#evictFor(tx, queued);
    }

    let sender = queue;
    if (sender === undefined) {
      sender = new SenderQueue(stateNonce);
      this.#senders.set(tx.from, sender);
    } else if (sender.nonce < stateNonce) {
      // The state moved on without onStateChanged for this sender: catch up before placing the transaction.
      sender.advanceNonce(stateNonce, this.#forget);
    }
    if (existing !== undefined) this.#byHash.delete(existing.tx.hash);
    const entry: PoolEntry = { tx, arrival: this.#arrivals++, addedMs: this.#now(), inFlight: false };
    sender.put(entry);
    this.#byHash.set(tx.hash, entry);

    const status = sender.statusOf(tx.nonce);
    if (status === "pending") {
      this.#emitPending(tx);
      // Filling a gap makes the queued transactions behind it pending.
      if (existing === undefined) {
        for (let n = tx.nonce + 1n; ; n++) {
          const next = sender.get(n);
          if (next === undefined) break;
          this.#emitPending(next.tx);
        }
      }
    }
    return status === "queued"
      ? { hash: tx.hash, status, expectedNonce: this.pendingNonce(tx.from) }
      : { hash: tx.hash, status };
  }

  get(hash: Hash): PoolTransaction | undefined {
    return this.#byHash.get(hash)?.tx;
  }

  /** "pending" when executable after the sender's earlier transactions, "queued" behind a nonce gap. */
  status(hash: Hash): TxStatus | undefined {
    const entry = this.#byHash.get(hash);
    if (entry === undefined) return undefined;
    const sender = this.#senders.get(entry.tx.from);
    return sender === undefined ? undefined : sender.statusOf(entry.tx.nonce);
  }

  /**
   * geth's `txpool_status` counts: `pending` = executable after the sender's executed nonce without a gap (in
   * flight included), `queued` = behind a gap.
   */
  counts(): { pending: number; queued: number } {
    let pending = 0;
    for (const sender of this.#senders.values()) pending += sender.pendingCount;
    return { pending, queued: this.#byHash.size - pending };
  }

  /** The nonce the sender's next transaction should use (eth_getTransactionCount "pending"). */
  pendingNonce(address: Address): bigint {
    const sender = this.#senders.get(address);
    const nonce = this.#stateNonce(address, sender);
    return sender === undefined ? nonce : sender.runEndFrom(nonce);
  }

  /** Pending transactions of one sender, in nonce order. */
  pendingOf(address: Address): PoolTransaction[] {
    const sender = this.#senders.get(address);
    const out: PoolTransaction[] = [];
    if (sender === undefined) return out;
    for (let n = sender.nonce; ; n++) {
      const entry = sender.get(n);
      if (entry === undefined) return out;
      out.push(entry.tx);
    }
  }

  /**
   * Up to `max` executable transactions not handed out yet: nonce order within a sender, and round-robin across
   * senders (round k takes each sender's k-th transaction, ordered by arrival). A transaction whose fee cap is below
   * the current base fee holds back its sender. They stay in the pool, in flight, until `onIncluded` / `onRejected`.
   */
  takeExecutable(max: number): PoolTransaction[] {
    const out: PoolTransaction[] = [];
    if (max <= 0) return out;
    const heap = new CandidateHeap();
    for (const sender of this.#senders.values()) {
      const first = sender.nextAvailable(sender.nonce);
      // A transaction whose fee cap fell below the base fee waits (with its sender's later ones) until it drops.
      if (first !== undefined && feeCap(first.tx) < this.#baseFeePerGas) continue;
      // Transactions already in flight count as rounds this sender has had.
      if (first !== undefined) heap.push({ sender, entry: first, round: Number(first.tx.nonce - sender.nonce) });
    }
    while (out.length < max) {
      const candidate = heap.pop();
      if (candidate === undefined) break;
      candidate.entry.inFlight = true;
      out.push(candidate.entry.tx);
      const next = candidate.sender.nextAvailable(candidate.entry.tx.nonce + 1n);
      if (next !== undefined && feeCap(next.tx) >= this.#baseFeePerGas)
        heap.push({ sender: candidate.sender, entry: next, round: candidate.round + 1 });
    }
    return out;
  }

  /** Hands transactions taken with `takeExecutable` back unexecuted (e.g. the mini-block filled up). */
  release(txs: readonly Transaction[]): void {
    for (const tx of txs) {
      const entry = this.#byHash.get(tx.hash);
      if (entry !== undefined) entry.inFlight = false;
    }
  }

  /** The transactions were executed (successfully or not) into a mini-block: drop them, successors move up. */
  markIncluded(txs: readonly Transaction[]): void {
    for (const tx of txs) {
      const entry = this.#byHash.get(tx.hash);
      const sender = this.#senders.get(tx.from);
      // The nonce moves first (dropping the entries below it, this one among them): removed first, the run behind it
      // would be walked again.
      if (sender !== undefined && tx.type !== 0x7e && tx.nonce >= sender.nonce)
        sender.advanceNonce(tx.nonce + 1n, this.#forget);
      if (entry !== undefined) this.#remove(entry);
    }
  }

  /**
   * The sequencer could not include the transaction. A nonce gap (the transactions before it were rejected) or a fee
   * cap below the base fee returns it to the queue; any other reason drops it.
   */
  markRejected(tx: Transaction, error: unknown): void {
    const entry = this.#byHash.get(tx.hash);
    if (entry === undefined) return;
    if (
      error instanceof TransactionRejectedError &&
      (error.reason === "nonceTooHigh" || error.reason === "feeCapTooLow")
    ) {
      entry.inFlight = false;
      return;
    }
    this.#remove(entry);
    this.#prune(tx.from);
  }

  /**
   * The state moved on (a mini-block sealed, a replica applied a diff): re-reads the nonces of `changed` senders
   * (all when omitted), drops transactions below them and announces those that became pending. A new state view
   * and base fee may be passed along.
   */
  onStateChanged(update: { state?: StateReader; baseFeePerGas?: bigint; changed?: Iterable<Address> } = {}): void {
    if (update.state !== undefined) this.#state = update.state;
    if (update.baseFeePerGas !== undefined) this.#baseFeePerGas = update.baseFeePerGas;
    const addresses = update.changed ?? [...this.#senders.keys()];
    for (const address of addresses) {
      const sender = this.#senders.get(address);
      if (sender === undefined) continue;
      const stateNonce = this.#state.getAccount(address)?.nonce ?? 0n;
      if (stateNonce <= sender.nonce) {
        this.#prune(address);
        continue;
      }
      // Those from the old run's end on became pending (the ones before it were already).
      const wasPendingUpTo = sender.runEnd;
      sender.advanceNonce(stateNonce, this.#forget);
      for (let n = wasPendingUpTo > sender.nonce ? wasPendingUpTo : sender.nonce; n < sender.runEnd; n++) {
        this.#emitPending((sender.get(n) as PoolEntry).tx);
      }
      this.#prune(address);
    }
  }

  // --- Development controls (anvil's and Hardhat's txpool methods) ---

  /** Removes a transaction not yet executed (`anvil_dropTransaction`); false when the pool does not hold it. */
  drop(hash: Hash): boolean {
    const entry = this.#byHash.get(hash);
    if (entry === undefined || entry.inFlight) return false;
    this.#remove(entry);
    this.#prune(entry.tx.from);
    return true;
  }

  /** Removes every transaction not in flight (`anvil_dropAllTransactions`, a dev chain going back); returns them. */
  dropAll(): PoolTransaction[] {
    const dropped: PoolTransaction[] = [];
    for (const entry of [...this.#byHash.values()]) {
      if (entry.inFlight) continue;
      this.#remove(entry);
      dropped.push(entry.tx);
    }
    for (const address of [...this.#senders.keys()]) {
      if (this.#senders.get(address)?.size === 0) this.#senders.delete(address);
    }
    return dropped;
  }

  /** Every held transaction by sender and nonce, split as geth's `txpool_content` does (pending / queued). */
  content(): {
    pending: Map<Address, PoolTransaction[]>;
    queued: Map<Address, PoolTransaction[]>;
  } {
    const pending = new Map<Address, PoolTransaction[]>();
    const queued = new Map<Address, PoolTransaction[]>();
    for (const [address, sender] of this.#senders) {
      const held = [...sender.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      for (const [nonce, entry] of held) {
        const into = sender.statusOf(nonce) === "pending" ? pending : queued;
        const list = into.get(address) ?? [];
        list.push(entry.tx);
        into.set(address, list);
      }
    }
    return { pending, queued };
  }

  /** Updates the base fee and block gas limit admission checks against. */
  setBlockParams(params: { baseFeePerGas?: bigint; blockGasLimit?: bigint; minGasPrice?: bigint }): void {
    if (params.minGasPrice !== undefined) this.#minGasPrice = params.minGasPrice;
    if (params.baseFeePerGas !== undefined) this.#baseFeePerGas = params.baseFeePerGas;
    if (params.blockGasLimit !== undefined) this.#blockGasLimit = params.blockGasLimit;
  }

  #validateStateless(tx: PoolTransaction): void {
    if (tx.chainId === undefined) {
      reject("wrongChainId", "only replay-protected (EIP-155) transactions allowed over RPC");
    }
    if (tx.chainId !== this.chainId) {
      // geth's pool: `invalid sender: ` + the signer's error.
      reject("wrongChainId", `invalid sender: invalid chain id for signer: have ${tx.chainId} want ${this.chainId}`);
    }
    if (tx.gasLimit > this.#blockGasLimit) reject("gasLimitExceedsBlock", "exceeds block gas limit");
    if (tipCap(tx) > feeCap(tx)) {
      reject("tipAboveFeeCap", "max priority fee per gas higher than max fee per gas");
    }
    if (tipCap(tx) < this.#minGasPrice) {
      reject("underpriced", `transaction underpriced: tip needed ${this.#minGasPrice}, tip permitted ${tipCap(tx)}`);
    }
    if (tx.to === null && tx.data.length > MAX_INIT_CODE_SIZE) {
      reject("oversized", `max initcode size exceeded: code size ${tx.data.length}, limit ${MAX_INIT_CODE_SIZE}`);
    }
    const intrinsic = intrinsicGas({
      to: tx.to,
      data: tx.data,
      accessList: tx.type === 0 ? undefined : tx.accessList,
      authorizationList: tx.type === 4 ? tx.authorizationList : undefined,
    });
    if (tx.gasLimit < intrinsic) {
      reject("intrinsicGasTooLow", `intrinsic gas too low: gas ${tx.gasLimit}, minimum needed ${intrinsic}`);
    }
    const floor = floorDataGas(tx.data);
    if (tx.gasLimit < floor) {
      reject(
        "intrinsicGasTooLow",
        `insufficient gas for floor data gas cost: gas ${tx.gasLimit}, minimum needed ${floor}`,
      );
    }
  }

  #validateStateful(tx: PoolTransaction, stateNonce: bigint, queue: SenderQueue | undefined): void {
    if (tx.nonce < stateNonce) {
      reject("nonceTooLow", `nonce too low: next nonce ${stateNonce}, tx nonce ${tx.nonce}`);
    }
    // The window starts at the sender's last pending nonce: a burst of consecutive nonces always fits.
    const pendingEnd = queue === undefined ? stateNonce : queue.runEndFrom(stateNonce);
    const gapped = pendingEnd + BigInt(this.config.maxNonceGap);
    if (tx.nonce > gapped) reject("nonceTooHigh", `nonce too high: tx nonce ${tx.nonce}, gapped nonce ${gapped}`);
    if (feeCap(tx) < this.#baseFeePerGas) {
      reject(
        "feeCapTooLow",
        `max fee per gas less than block base fee: address ${tx.from}, maxFeePerGas: ${feeCap(tx)}, baseFee: ${this.#baseFeePerGas}`,
      );
    }
    const account = this.#state.getAccount(tx.from);
    if (account !== undefined && account.codeHash !== KECCAK_EMPTY && !isDelegation(this.#state.getCode(tx.from))) {
      reject("senderNoEOA", `sender not an eoa: address ${tx.from}, codehash: ${account.codeHash}`);
    }
    const balance = account?.balance ?? 0n;
    const txCost = cost(tx);
    if (balance < txCost) {
      reject(
        "insufficientFunds",
        `insufficient funds for gas * price + value: balance ${balance}, tx cost ${txCost}, overshot ${txCost - balance}`,
      );
    }
    if (queue !== undefined) {
      // Everything the sender holds here, pending and queued (a replaced one aside), must stay affordable with this
      // one: parked transactions cost what they would if they ran.
      const replaced = queue.get(tx.nonce);
      const spent = queue.costSum - (replaced === undefined ? 0n : cost(replaced.tx)) - queue.staleCost(stateNonce);
      if (balance < spent + txCost) {
        reject(
          "insufficientFunds",
          `insufficient funds for gas * price + value: balance ${balance}, queued cost ${spent}, tx cost ${txCost}, overshot ${spent + txCost - balance}`,
        );
      }
    }
  }

  /**
   * The pool is full: evict the cheapest evictable transaction if `tx` beats it, else refuse `tx`. Candidates are
   * each sender's highest nonce not in flight; queued ones go before pending ones, the lowest effective tip first.
   * A queued newcomer may only displace a queued transaction.
   */
  #evictFor(tx: PoolTransaction, newcomerQueued: boolean): void {
    const tip = effectiveTip(tx, this.#baseFeePerGas);
    const victim = this.#cheapestCandidate(tx.from);
    // A pending newcomer displaces any queued transaction; otherwise it must pay a strictly higher tip.
    const displaces =
      victim !== undefined &&
      (victim.queued ? !newcomerQueued || tip > victim.tip : !newcomerQueued && tip > victim.tip);
    if (victim === undefined || !displaces) reject("poolFull", "txpool is full");
    this.#remove(victim.entry);
    this.#prune(victim.entry.tx.from);
    this.#metrics?.transactionDropped?.("evicted");
  }

  /**
   * The cheapest eviction candidate not sent by `exclude`. Candidates are ranked once (a pass over the pool) and the
   * ranking serves the evictions of the next `EVICTION_RANKING_MS`: under a flood at a full pool each admission
   * then costs O(1), not a pass over 65k transactions. A ranked candidate that left the pool, went in flight or is no
   * longer its sender's highest nonce is skipped; transactions that arrived after the ranking wait for the next one.
   */
  #cheapestCandidate(exclude: Address): EvictionCandidate | undefined {
    const now = this.#now();
    let ranking = this.#evictionRanking;
    if (
      ranking === undefined ||
      now - ranking.rankedMs > EVICTION_RANKING_MS ||
      ranking.next >= ranking.candidates.length
    ) {
      ranking = { candidates: this.#rankCandidates(), next: 0, rankedMs: now };
      this.#evictionRanking = ranking;
    }
    for (let i = ranking.next; i < ranking.candidates.length; i++) {
      const candidate = ranking.candidates[i] as EvictionCandidate;
      const { entry } = candidate;
      const sender = this.#senders.get(entry.tx.from);
      const valid = this.#byHash.get(entry.tx.hash) === entry && !entry.inFlight && !sender?.has(entry.tx.nonce + 1n);
      if (!valid) {
        if (i === ranking.next) ranking.next++;
        continue;
      }
      // Not consumed here: once evicted it is skipped as gone; if `tx` did not beat it, it stays the cheapest.
      if (entry.tx.from === exclude) continue;
      return candidate;
    }
    return undefined;
  }

  /** Every sender's highest nonce not in flight, queued ones first, then by effective tip, lowest first. */
  #rankCandidates(): EvictionCandidate[] {
    const candidates: EvictionCandidate[] = [];
    for (const sender of this.#senders.values()) {
      const tail = sender.evictableTail();
      if (tail === undefined) continue;
      candidates.push({
        entry: tail,
        queued: tail.tx.nonce > sender.runEnd,
        tip: effectiveTip(tail.tx, this.#baseFeePerGas),
      });
    }
    return candidates.sort((a, b) =>
      a.queued !== b.queued ? (a.queued ? -1 : 1) : a.tip < b.tip ? -1 : a.tip > b.tip ? 1 : 0,
    );
  }

  /**
   * Drops queued transactions (behind a nonce gap) older than `queuedLifetimeMs`; returns how many. The node calls
   * it on a timer.
   */
  expireQueued(): number {
    const oldest = this.#now() - this.config.queuedLifetimeMs;
    let dropped = 0;
    for (const [address, sender] of this.#senders) {
      const end = sender.runEnd;
      for (const [nonce, entry] of sender.entries()) {
        if (nonce > end && entry.addedMs < oldest && !entry.inFlight) {
          this.#remove(entry);
          dropped++;
          this.#metrics?.transactionDropped?.("expired");
        }
      }
      this.#prune(address);
    }
    return dropped;
  }

  #checkReplacement(old: PoolEntry, tx: PoolTransaction): void {
    const bump = BigInt(100 + this.config.priceBumpPercent);
    const oldFee = feeCap(old.tx);
    const oldTip = tipCap(old.tx);
    const ok =
      !old.inFlight &&
      feeCap(tx) > oldFee &&
      tipCap(tx) > oldTip &&
      feeCap(tx) * 100n >= oldFee * bump &&
      tipCap(tx) * 100n >= oldTip * bump;
    if (!ok) reject("replacementUnderpriced", "replacement transaction underpriced");
  }

  /** The sender's next nonce: the state's, or further along when the pool saw later transactions included. */
  #stateNonce(address: Address, queue: SenderQueue | undefined): bigint {
    const stateNonce = this.#state.getAccount(address)?.nonce ?? 0n;
    if (queue === undefined || queue.nonce < stateNonce) return stateNonce;
    return queue.nonce;
  }

  #remove(entry: PoolEntry): void {
    this.#byHash.delete(entry.tx.hash);
    this.#senders.get(entry.tx.from)?.remove(entry);
  }

  /** Forgets a sender without transactions once the state view has caught up with its executed nonce. */
  #prune(address: Address): void {
    const sender = this.#senders.get(address);
    if (sender === undefined || sender.size > 0) return;
    if ((this.#state.getAccount(address)?.nonce ?? 0n) >= sender.nonce) this.#senders.delete(address);
  }

  #emitPending(tx: PoolTransaction): void {
    for (const listener of this.#listeners) listener(tx);
  }
}

/** Creates a pool; `options.config` is parsed with `txPoolConfigSchema` (defaults filled in). */
export function createTxPool(options: TxPoolOptions): TxPool {
  return new TxPool(options);
}
