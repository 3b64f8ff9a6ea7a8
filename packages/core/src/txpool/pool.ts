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
 */

import { KECCAK_EMPTY } from "../chain/constants.ts";
import { floorDataGas, intrinsicGas, MAX_INIT_CODE_SIZE } from "../chain/fees.ts";
import { decodeTransaction } from "../chain/transaction.ts";
import type { Address, Hash, Transaction, UnsignedFieldsTransaction } from "../chain/types.ts";
import { TransactionRejectedError, type TransactionRejectionReason } from "../errors.ts";
import type { StateReader } from "../state/types.ts";
import { type TxPoolConfig, txPoolConfigSchema } from "./config.ts";

export type TxStatus = "pending" | "queued";

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
}

/** A signed (non-deposit) transaction as the pool holds it. */
export type PoolTransaction = Transaction & UnsignedFieldsTransaction;

interface Entry {
  readonly tx: PoolTransaction;
  readonly arrival: number;
  /** Handed to the sequencer by `takeExecutable`, not yet reported back. */
  inFlight: boolean;
}

interface SenderQueue {
  /** The sender's next nonce as far as executed transactions go. */
  nonce: bigint;
  readonly entries: Map<bigint, Entry>;
}

function reject(reason: TransactionRejectionReason, message: string): never {
  throw new TransactionRejectedError(reason, message);
}

function feeCap(tx: PoolTransaction): bigint {
  return tx.type === 0 || tx.type === 1 ? tx.gasPrice : tx.maxFeePerGas;
}

function tipCap(tx: PoolTransaction): bigint {
  return tx.type === 0 || tx.type === 1 ? tx.gasPrice : tx.maxPriorityFeePerGas;
}

/** gas × fee cap + value: what the sender must hold for the transaction to be executable. */
function cost(tx: PoolTransaction): bigint {
  return tx.gasLimit * feeCap(tx) + tx.value;
}

function isDelegation(code: Uint8Array): boolean {
  return code.length === 23 && code[0] === 0xef && code[1] === 0x01 && code[2] === 0x00;
}

export type PendingListener = (tx: PoolTransaction) => void;

export class TxPool {
  readonly config: TxPoolConfig;
  readonly chainId: bigint;
  #state: StateReader;
  #baseFeePerGas: bigint;
  #blockGasLimit: bigint;
  /** The node's price floor (geth's `txpool.pricelimit`, anvil's min gas price): least gas price / priority fee. */
  #minGasPrice = 0n;
  readonly #senders = new Map<Address, SenderQueue>();
  readonly #byHash = new Map<Hash, Entry>();
  readonly #listeners = new Set<PendingListener>();
  #arrivals = 0;
  readonly #metrics: TxPoolMetrics | undefined;

  constructor(options: TxPoolOptions) {
    this.config = options.config ?? txPoolConfigSchema.parse({});
    this.chainId = options.chainId;
    this.#state = options.state;
    this.#baseFeePerGas = options.baseFeePerGas;
    this.#blockGasLimit = options.blockGasLimit;
    this.#metrics = options.metrics;
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
   * A decoded transaction must come from `decodeTransaction` (sender recovered, `raw` canonical).
   */
  add(input: Uint8Array | Transaction): AddResult {
    if (this.#metrics === undefined) return this.#add(input);
    try {
      const result = this.#add(input);
      this.#metrics.transactionAdded(result.status);
      return result;
    } catch (error) {
      if (error instanceof TransactionRejectedError) this.#metrics.transactionRejected(error.reason);
      throw error;
    }
  }

  #add(input: Uint8Array | Transaction): AddResult {
    const raw = input instanceof Uint8Array ? input : input.raw;
    if (raw.length > this.config.maxTxBytes) {
      reject("oversized", `oversized data: transaction size ${raw.length}, limit ${this.config.maxTxBytes}`);
    }
    const decoded = input instanceof Uint8Array ? decodeTransaction(input) : input;
    if (decoded.type === 0x7e) reject("unsupportedType", "transaction type not supported");
    const tx = decoded as PoolTransaction;
    if (this.#byHash.has(tx.hash)) reject("alreadyKnown", "already known");
    this.#validateStateless(tx);
    const queue = this.#senders.get(tx.from);
    const stateNonce = this.#stateNonce(tx.from, queue);
    this.#validateStateful(tx, stateNonce, queue);

    const existing = queue?.entries.get(tx.nonce);
    if (existing !== undefined) this.#checkReplacement(existing, tx);
    else {
      if (this.#byHash.size >= this.config.maxTotal) reject("poolFull", "txpool is full");
      if (queue !== undefined && queue.entries.size >= this.config.maxPerSender) {
        reject("poolFull", "txpool is full: account limit exceeded");
      }
    }

    let sender = queue;
    if (sender === undefined) {
      sender = { nonce: stateNonce, entries: new Map() };
      this.#senders.set(tx.from, sender);
    } else if (sender.nonce < stateNonce) {
      // The state moved on without onStateChanged for this sender: catch up before placing the transaction.
      sender.nonce = stateNonce;
      this.#dropStale(sender);
    }
    if (existing !== undefined) this.#byHash.delete(existing.tx.hash);
    const entry: Entry = { tx, arrival: this.#arrivals++, inFlight: false };
    sender.entries.set(tx.nonce, entry);
    this.#byHash.set(tx.hash, entry);

    const status = this.#statusOf(sender, tx.nonce);
    if (status === "pending") {
      this.#emitPending(tx);
      // Filling a gap makes the queued transactions behind it pending.
      if (existing === undefined) {
        for (let n = tx.nonce + 1n; ; n++) {
          const next = sender.entries.get(n);
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
    return sender === undefined ? undefined : this.#statusOf(sender, entry.tx.nonce);
  }

  /**
   * geth's `txpool_status` counts: `pending` = executable after the sender's executed nonce without a gap (in
   * flight included), `queued` = behind a gap. Costs a map lookup per pending transaction: fine for a status poll.
   */
  counts(): { pending: number; queued: number } {
    let pending = 0;
    for (const sender of this.#senders.values()) {
      for (let n = sender.nonce; sender.entries.has(n); n++) pending++;
    }
    return { pending, queued: this.#byHash.size - pending };
  }

  /** The nonce the sender's next transaction should use (eth_getTransactionCount "pending"). */
  pendingNonce(address: Address): bigint {
    const sender = this.#senders.get(address);
    let nonce = this.#stateNonce(address, sender);
    if (sender === undefined) return nonce;
    while (sender.entries.has(nonce)) nonce++;
    return nonce;
  }

  /** Pending transactions of one sender, in nonce order. */
  pendingOf(address: Address): PoolTransaction[] {
    const sender = this.#senders.get(address);
    const out: PoolTransaction[] = [];
    if (sender === undefined) return out;
    for (let n = sender.nonce; ; n++) {
      const entry = sender.entries.get(n);
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
      const first = this.#nextAvailable(sender, sender.nonce);
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
      const next = this.#nextAvailable(candidate.sender, candidate.entry.tx.nonce + 1n);
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
      if (entry !== undefined) this.#remove(entry);
      if (sender !== undefined && tx.type !== 0x7e && tx.nonce >= sender.nonce) {
        sender.nonce = tx.nonce + 1n;
        this.#dropStale(sender);
      }
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
      const wasPending = new Set<bigint>();
      for (let n = sender.nonce; sender.entries.has(n); n++) wasPending.add(n);
      sender.nonce = stateNonce;
      this.#dropStale(sender);
      for (let n = sender.nonce; ; n++) {
        const entry = sender.entries.get(n);
        if (entry === undefined) break;
        if (!wasPending.has(n)) this.#emitPending(entry.tx);
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
      if (this.#senders.get(address)?.entries.size === 0) this.#senders.delete(address);
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
      const nonces = [...sender.entries.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (const nonce of nonces) {
        const entry = sender.entries.get(nonce) as Entry;
        const into = this.#statusOf(sender, nonce) === "pending" ? pending : queued;
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
      reject("wrongChainId", `invalid chain id for signer: have ${tx.chainId} want ${this.chainId}`);
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
    const gapped = stateNonce + BigInt(this.config.maxNonceGap);
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
      // The sender's earlier pending transactions must stay affordable alongside this one.
      let spent = 0n;
      for (let n = queue.nonce; n < tx.nonce; n++) {
        const entry = queue.entries.get(n);
        if (entry === undefined) break;
        spent += cost(entry.tx);
      }
      if (balance < spent + txCost) {
        reject(
          "insufficientFunds",
          `insufficient funds for gas * price + value: balance ${balance}, queued cost ${spent}, tx cost ${txCost}, overshot ${spent + txCost - balance}`,
        );
      }
    }
  }

  #checkReplacement(old: Entry, tx: PoolTransaction): void {
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

  #statusOf(sender: SenderQueue, nonce: bigint): TxStatus {
    for (let n = sender.nonce; n < nonce; n++) if (!sender.entries.has(n)) return "queued";
    return "pending";
  }

  /** The first not-in-flight entry of the contiguous run from `from`, if any. */
  #nextAvailable(sender: SenderQueue, from: bigint): Entry | undefined {
    for (let n = from; ; n++) {
      const entry = sender.entries.get(n);
      if (entry === undefined) return undefined;
      if (!entry.inFlight) return entry;
    }
  }

  #remove(entry: Entry): void {
    this.#byHash.delete(entry.tx.hash);
    const sender = this.#senders.get(entry.tx.from);
    if (sender === undefined) return;
    if (sender.entries.get(entry.tx.nonce) === entry) sender.entries.delete(entry.tx.nonce);
  }

  /** Forgets a sender without transactions once the state view has caught up with its executed nonce. */
  #prune(address: Address): void {
    const sender = this.#senders.get(address);
    if (sender === undefined || sender.entries.size > 0) return;
    if ((this.#state.getAccount(address)?.nonce ?? 0n) >= sender.nonce) this.#senders.delete(address);
  }

  #dropStale(sender: SenderQueue): void {
    for (const [nonce, entry] of sender.entries) if (nonce < sender.nonce) this.#remove(entry);
  }

  #emitPending(tx: PoolTransaction): void {
    for (const listener of this.#listeners) listener(tx);
  }
}

/** Creates a pool; `options.config` is parsed with `txPoolConfigSchema` (defaults filled in). */
export function createTxPool(options: TxPoolOptions): TxPool {
  return new TxPool(options);
}

interface Candidate {
  readonly sender: SenderQueue;
  readonly entry: Entry;
  readonly round: number;
}

/** Min-heap of senders' next transactions by (round, arrival). */
class CandidateHeap {
  readonly #items: Candidate[] = [];

  push(candidate: Candidate): void {
    const items = this.#items;
    items.push(candidate);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i] as Candidate, items[parent] as Candidate)) break;
      [items[i], items[parent]] = [items[parent] as Candidate, items[i] as Candidate];
      i = parent;
    }
  }

  pop(): Candidate | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    items[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < items.length && before(items[l] as Candidate, items[m] as Candidate)) m = l;
      if (r < items.length && before(items[r] as Candidate, items[m] as Candidate)) m = r;
      if (m === i) break;
      [items[i], items[m]] = [items[m] as Candidate, items[i] as Candidate];
      i = m;
    }
    return top;
  }
}

function before(a: Candidate, b: Candidate): boolean {
  return a.round !== b.round ? a.round < b.round : a.entry.arrival < b.entry.arrival;
}
