/**
 * An in-memory RpcBackend for the RPC tests: a toy chain that decodes real signed transactions with chain/'s codec,
 * "executes" value transfers (plus two magic contracts: LOG_EMITTER logs its calldata, REVERTER always reverts),
 * seals mini-blocks and blocks on demand, and emits the events a sequencer would. Not an EVM.
 */
import { encodeAbiParameters, hexToBytes, keccak256, padHex, stringToHex } from "viem";
import { bloomOf } from "../../src/chain/bloom.ts";
import type { BlockContents, ChainEvents, LocatedReceipt, LocatedTransaction } from "../../src/chain/chainView.ts";
import { keccak256Hex } from "../../src/chain/hash.ts";
import { hashHeader } from "../../src/chain/header.ts";
import type { MiniBlock } from "../../src/chain/miniBlock.ts";
import { OpenBlock } from "../../src/chain/openBlock.ts";
import type { AccountDiff } from "../../src/chain/stateDiff.ts";
import { decodeTransaction } from "../../src/chain/transaction.ts";
import { blockTxLocations, type TxLocation } from "../../src/chain/txLocation.ts";
import type {
  Account,
  Address,
  Block,
  DepositTransaction,
  Hash,
  Header,
  Log,
  Receipt,
  Transaction,
} from "../../src/chain/types.ts";
import { TransactionRejectedError } from "../../src/errors.ts";
import { AccessRecordingState } from "../../src/execution/tracing/prestateTracer.ts";
import type { ExecutionResult } from "../../src/execution/types.ts";
import type {
  AccessListResult,
  AccountProof,
  BackendEventHandlers,
  BatchInfo,
  CallParameters,
  OutputAtBlock,
  RpcBackend,
  StateTarget,
  SubmittedTransaction,
  SyncProgress,
} from "../../src/rpc/backend.ts";
import { createOverlayState } from "../../src/rpc/overlay.ts";
import { prepareTracer, type TraceConfig } from "../../src/rpc/tracers.ts";
import type { StateReader } from "../../src/state/types.ts";

export const CHAIN_ID = 4326n;
export const BASE_FEE = 1_000_000n;
export const BLOCK_GAS_LIMIT = 30_000_000n;
export const LOG_EMITTER: Address = "0x00000000000000000000000000000000000010ee";
export const REVERTER: Address = "0x000000000000000000000000000000000000dead";
export const PING_TOPIC: Hash = keccak256(stringToHex("Ping(address,bytes)"));
export const KECCAK_EMPTY: Hash = "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470";
const ZERO_HASH: Hash = `0x${"0".repeat(64)}`;

interface AccountState {
  nonce: bigint;
  balance: bigint;
  code: Uint8Array;
  storage: Map<Hash, bigint>;
}

type World = Map<Address, AccountState>;

function cloneWorld(world: World): World {
  const out: World = new Map();
  for (const [address, account] of world) out.set(address, { ...account, storage: new Map(account.storage) });
  return out;
}

function readerOf(world: World): StateReader {
  return {
    getAccount(address): Account | undefined {
      const account = world.get(address);
      if (!account) return undefined;
      return {
        nonce: account.nonce,
        balance: account.balance,
        codeHash: account.code.length === 0 ? KECCAK_EMPTY : keccak256Hex(account.code),
      };
    },
    getCode: (address) => world.get(address)?.code ?? new Uint8Array(0),
    getStorage: (address, slot) => world.get(address)?.storage.get(slot) ?? 0n,
  };
}

export interface FakeBackendOptions {
  /** Seal a mini-block automatically right after each admitted executable transaction (default false). */
  readonly autoSeal?: boolean;
  readonly funded?: readonly Address[];
}

export class FakeBackend implements RpcBackend {
  readonly chainId = CHAIN_ID;
  readonly clientVersion = "Mach/v0.1.0-test";
  autoSeal: boolean;
  world: World = new Map();
  readonly snapshots = new Map<bigint, World>();
  readonly blocks: Block[] = [];
  readonly receiptsByBlock = new Map<Hash, Receipt[]>();
  readonly txIndex = new Map<Hash, { tx: Transaction; receipt?: Receipt; location?: TxLocation }>();
  readonly pool: Transaction[] = [];
  readonly queued: Transaction[] = [];
  readonly pendingDeposits: DepositTransaction[] = [];
  readonly miniBlocks: MiniBlock[] = [];
  /** Mini-blocks sealed since the last block. */
  openMiniBlocks: MiniBlock[] = [];
  readonly handlers = new Set<Partial<BackendEventHandlers & ChainEvents>>();
  syncState: SyncProgress | false = false;
  safe: bigint | undefined = 0n;
  finalized: bigint | undefined = undefined;
  batches: BatchInfo[] = [];
  sendCount = 0;

  constructor(options: FakeBackendOptions = {}) {
    this.autoSeal = options.autoSeal ?? false;
    for (const address of options.funded ?? []) {
      this.world.set(address, { nonce: 0n, balance: 10n ** 24n, code: new Uint8Array(0), storage: new Map() });
    }
    const slot = padHex("0x1", { size: 32 });
    this.world.set(LOG_EMITTER, {
      nonce: 1n,
      balance: 0n,
      code: hexToBytes("0x6001"),
      storage: new Map([[slot, 42n]]),
    });
    this.sealBlock();
  }

  // ------------------------------------------------------------------ chain driving (test controls)

  get headNumber(): bigint {
    return BigInt(this.blocks.length - 1);
  }

  /** Executes pool transactions (deposits first) into a new mini-block and emits it. */
  sealMiniBlock(): MiniBlock {
    const blockNumber = this.headNumber + 1n;
    const blockTimestamp = 1_700_000_000n + blockNumber;
    const previous = this.openMiniBlocks.at(-1);
    const firstTransactionIndex = previous ? previous.firstTransactionIndex + previous.transactions.length : 0;
    const firstLogIndex = previous
      ? previous.firstLogIndex + previous.receipts.reduce((sum, receipt) => sum + receipt.logs.length, 0)
      : 0;
    let cumulative = previous?.receipts.at(-1)?.cumulativeGasUsed ?? 0n;
    const txs: Transaction[] = [];
    const receipts: Receipt[] = [];
    const touched = new Set<Address>();
    let logIndex = firstLogIndex;
    const deposits = this.pendingDeposits.splice(0).map((deposit) => this.#depositTransaction(deposit));
    for (const tx of [...deposits, ...this.pool.splice(0)]) {
      const receipt = this.#execute(tx, cumulative, touched);
      cumulative = receipt.cumulativeGasUsed;
      const index = firstTransactionIndex + txs.length;
      txs.push(tx);
      receipts.push(receipt);
      this.txIndex.set(tx.hash, {
        tx,
        receipt,
        location: {
          blockNumber,
          blockHash: null,
          blockTimestamp,
          transactionIndex: index,
          firstLogIndex: logIndex,
          baseFeePerGas: BASE_FEE,
        },
      });
      logIndex += receipt.logs.length;
    }
    const accounts: AccountDiff[] = [...touched].map((address) => {
      const account = readerOf(this.world).getAccount(address) ?? null;
      return { address, account, storageCleared: false, storage: new Map() };
    });
    const miniBlock: MiniBlock = {
      number: BigInt(this.miniBlocks.length),
      blockNumber,
      blockTimestamp,
      index: this.openMiniBlocks.length,
      timestampUs: blockTimestamp * 1_000_000n - 1000n + BigInt(this.openMiniBlocks.length),
      gasUsed: receipts.reduce((sum, receipt) => sum + receipt.gasUsed, 0n),
      transactions: txs,
      receipts,
      firstTransactionIndex,
      firstLogIndex,
      transactionsRoot: keccak256Hex(new Uint8Array([1, txs.length])),
      receiptsRoot: keccak256Hex(new Uint8Array([2, receipts.length])),
      stateDiff: { accounts },
    };
    this.miniBlocks.push(miniBlock);
    this.openMiniBlocks.push(miniBlock);
    for (const handler of this.handlers) handler.miniBlock?.(miniBlock);
    return miniBlock;
  }

  /** Seals the open mini-blocks into an EVM block and emits it. */
  sealBlock(): Block {
    const number = BigInt(this.blocks.length);
    const parent = this.blocks.at(-1);
    const txs = this.openMiniBlocks.flatMap((miniBlock) => miniBlock.transactions);
    const receipts = this.openMiniBlocks.flatMap((miniBlock) => miniBlock.receipts);
    const header: Header = {
      parentHash: parent?.hash ?? ZERO_HASH,
      ommersHash: "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347",
      beneficiary: "0x4200000000000000000000000000000000000011",
      stateRoot: keccak256Hex(new Uint8Array([3, Number(number % 256n)])),
      transactionsRoot: keccak256Hex(new Uint8Array([4, txs.length])),
      receiptsRoot: keccak256Hex(new Uint8Array([5, receipts.length])),
      logsBloom: bloomOf(receipts.flatMap((receipt) => receipt.logs)),
      difficulty: 0n,
      number,
      gasLimit: BLOCK_GAS_LIMIT,
      gasUsed: receipts.at(-1)?.cumulativeGasUsed ?? 0n,
      timestamp: 1_700_000_000n + number,
      extraData: new Uint8Array(0),
      mixHash: ZERO_HASH,
      nonce: new Uint8Array(8),
      baseFeePerGas: BASE_FEE,
      withdrawalsRoot: "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421",
      blobGasUsed: 0n,
      excessBlobGas: 0n,
      parentBeaconBlockRoot: ZERO_HASH,
      requestsHash: "0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    };
    const block: Block = {
      header,
      hash: hashHeader(header),
      transactions: txs,
      miniBlockCount: this.openMiniBlocks.length,
      miniBlockOffset: this.openMiniBlocks[0]?.number ?? BigInt(this.miniBlocks.length),
    };
    this.blocks.push(block);
    this.receiptsByBlock.set(block.hash, receipts);
    for (const tx of txs) {
      const entry = this.txIndex.get(tx.hash);
      if (entry?.location) entry.location = { ...entry.location, blockHash: block.hash };
    }
    this.snapshots.set(number, cloneWorld(this.world));
    this.openMiniBlocks = [];
    for (const handler of this.handlers) handler.block?.(block, receipts);
    return block;
  }

  addDeposit(deposit: DepositTransaction): void {
    this.pendingDeposits.push(deposit);
  }

  setSyncing(progress: SyncProgress | false): void {
    this.syncState = progress;
    for (const handler of this.handlers) handler.syncing?.(progress);
  }

  #depositTransaction(deposit: DepositTransaction): Transaction {
    const raw = new Uint8Array([0x7e, ...hexToBytes(deposit.sourceHash)]);
    return { ...deposit, hash: keccak256Hex(raw), from: deposit.from, raw };
  }

  #account(address: Address): AccountState {
    let account = this.world.get(address);
    if (!account) {
      account = { nonce: 0n, balance: 0n, code: new Uint8Array(0), storage: new Map() };
      this.world.set(address, account);
    }
    return account;
  }

  #execute(tx: Transaction, cumulative: bigint, touched: Set<Address>): Receipt {
    const gasUsed = 21_000n + 16n * BigInt(tx.data.length);
    const sender = this.#account(tx.from);
    touched.add(tx.from);
    const depositNonce = sender.nonce;
    sender.nonce++;
    const price = tx.type === 0x7e ? 0n : this.#effectivePrice(tx);
    if (tx.type === 0x7e) sender.balance += tx.mint;
    sender.balance -= gasUsed * price;
    const logs: Log[] = [];
    let status: 0 | 1 = 1;
    if (tx.to === REVERTER) status = 0;
    else if (tx.to) {
      sender.balance -= tx.value;
      this.#account(tx.to).balance += tx.value;
      touched.add(tx.to);
      if (tx.to === LOG_EMITTER) {
        logs.push({
          address: LOG_EMITTER,
          topics: [PING_TOPIC, padHex(tx.from, { size: 32 })],
          data: tx.data,
        });
      }
    }
    const receipt: Receipt = {
      type: tx.type,
      status,
      cumulativeGasUsed: cumulative + gasUsed,
      logsBloom: bloomOf(logs),
      logs,
      gasUsed,
      effectiveGasPrice: price,
      contractAddress: tx.to === null ? (`0x${"c".repeat(40)}` as Address) : null,
      l1Fee: tx.type === 0x7e ? 0n : 1234n,
      l1GasUsed: tx.type === 0x7e ? 0n : 1600n,
      l1GasPrice: tx.type === 0x7e ? 0n : 7n,
      l1BlobBaseFee: tx.type === 0x7e ? 0n : 2n,
      l1BaseFeeScalar: tx.type === 0x7e ? 0n : 1368n,
      l1BlobBaseFeeScalar: tx.type === 0x7e ? 0n : 810_949n,
      ...(tx.type === 0x7e ? { depositNonce, depositReceiptVersion: 1n } : {}),
    };
    return receipt;
  }

  #effectivePrice(tx: Transaction): bigint {
    if (tx.type === 0 || tx.type === 1) return tx.gasPrice;
    if (tx.type === 0x7e) return 0n;
    const tip = tx.maxFeePerGas - BASE_FEE;
    return BASE_FEE + (tx.maxPriorityFeePerGas < tip ? tx.maxPriorityFeePerGas : tip);
  }

  // ------------------------------------------------------------------ RpcBackend

  head(): Block {
    return this.blocks.at(-1) as Block;
  }
  headBlockNumber(): bigint {
    return this.headNumber;
  }
  openBlock(): OpenBlock | undefined {
    const head = this.head();
    const open = new OpenBlock({
      number: head.header.number + 1n,
      timestamp: 1_700_000_000n + head.header.number + 1n,
      baseFeePerGas: BASE_FEE,
      gasLimit: BLOCK_GAS_LIMIT,
      parentHash: head.hash,
      coinbase: head.header.beneficiary,
      prevRandao: ZERO_HASH,
      miniBlockOffset: this.openMiniBlocks[0]?.number ?? BigInt(this.miniBlocks.length),
    });
    for (const miniBlock of this.openMiniBlocks) open.add(miniBlock);
    return open;
  }
  newestBlockNumber(): bigint {
    return this.openMiniBlocks.length > 0 ? this.headNumber + 1n : this.headNumber;
  }
  blockContents(number: bigint): BlockContents | undefined {
    if (number === this.headNumber + 1n) {
      const open = this.openBlock();
      if (!open || open.miniBlocks.length === 0) return undefined;
      return {
        number,
        hash: null,
        timestamp: open.env.timestamp,
        baseFeePerGas: BASE_FEE,
        transactions: open.transactions,
        receipts: open.receipts,
        locations: open.locations,
      };
    }
    const block = this.getBlockByNumber(number);
    const receipts = block && this.receiptsByBlock.get(block.hash);
    if (!block || !receipts) return undefined;
    return {
      number,
      hash: block.hash,
      timestamp: block.header.timestamp,
      baseFeePerGas: block.header.baseFeePerGas,
      transactions: block.transactions,
      receipts,
      locations: blockTxLocations(block, receipts),
      logsBloom: block.header.logsBloom,
    };
  }
  getMiniBlock(number: bigint): MiniBlock | undefined {
    return this.miniBlocks[Number(number)];
  }
  onChainEvents(handlers: Partial<ChainEvents>): () => void {
    this.handlers.add(handlers);
    return () => this.handlers.delete(handlers);
  }
  latestMiniBlock(): MiniBlock | undefined {
    return this.miniBlocks.at(-1);
  }
  blockNumberForTag(tag: "safe" | "finalized"): bigint | undefined {
    return tag === "safe" ? this.safe : this.finalized;
  }
  getBlockByNumber(number: bigint): Block | undefined {
    return number < 0n || number > this.headNumber ? undefined : this.blocks[Number(number)];
  }
  getBlockByHash(hash: Hash): Block | undefined {
    return this.blocks.find((block) => block.hash === hash);
  }
  getBlockReceipts(blockHash: Hash): readonly Receipt[] | undefined {
    return this.receiptsByBlock.get(blockHash);
  }
  getTransaction(hash: Hash): LocatedTransaction | undefined {
    const entry = this.txIndex.get(hash);
    if (!entry) return undefined;
    return entry.location ? { tx: entry.tx, location: entry.location } : { tx: entry.tx };
  }
  getReceipt(hash: Hash): LocatedReceipt | undefined {
    const entry = this.txIndex.get(hash);
    if (!entry?.receipt || !entry.location) return undefined;
    return { tx: entry.tx, receipt: entry.receipt, location: entry.location };
  }
  pendingNonce(address: Address): bigint {
    const inPool = this.pool.filter((pending) => pending.from === address).length;
    return (this.world.get(address)?.nonce ?? 0n) + BigInt(inPool);
  }
  stateAt(target: StateTarget): StateReader | undefined {
    if (target === "latest") return readerOf(this.world);
    const snapshot = this.snapshots.get(target);
    return snapshot ? readerOf(snapshot) : undefined;
  }
  async getProof(address: Address, slots: readonly Hash[], target: StateTarget): Promise<AccountProof | undefined> {
    const state = this.stateAt(target);
    if (!state) return undefined;
    const account = state.getAccount(address);
    return {
      address,
      accountProof: [hexToBytes("0xf8518080")],
      balance: account?.balance ?? 0n,
      codeHash: account?.codeHash ?? KECCAK_EMPTY,
      nonce: account?.nonce ?? 0n,
      storageHash: "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421",
      storageProof: slots.map((key) => ({ key, value: state.getStorage(address, key), proof: [] })),
    };
  }

  async sendRawTransaction(raw: Uint8Array): Promise<SubmittedTransaction> {
    this.sendCount++;
    const tx = decodeTransaction(raw);
    if (tx.type !== 0x7e && tx.type !== 0 && tx.chainId !== CHAIN_ID) {
      throw new TransactionRejectedError("wrongChainId", "invalid chain id for signer");
    }
    if (this.txIndex.has(tx.hash)) throw new TransactionRejectedError("alreadyKnown", "already known");
    const account = this.world.get(tx.from);
    const inPool = this.pool.filter((pending) => pending.from === tx.from).length;
    const expected = (account?.nonce ?? 0n) + BigInt(inPool);
    const nonce = tx.type === 0x7e ? expected : tx.nonce;
    if (nonce < expected) throw new TransactionRejectedError("nonceTooLow", "nonce too low");
    const cost =
      tx.value + tx.gasLimit * (tx.type === 0 || tx.type === 1 ? tx.gasPrice : tx.type === 0x7e ? 0n : tx.maxFeePerGas);
    if ((account?.balance ?? 0n) < cost) {
      throw new TransactionRejectedError("insufficientFunds", "insufficient funds for gas * price + value");
    }
    this.txIndex.set(tx.hash, { tx });
    for (const handler of this.handlers) handler.pendingTransaction?.(tx);
    if (nonce > expected) {
      this.queued.push(tx);
      return { hash: tx.hash, expectedNonce: expected };
    }
    this.pool.push(tx);
    if (this.autoSeal) setImmediate(() => this.sealMiniBlock());
    return { hash: tx.hash };
  }

  async call(parameters: CallParameters): Promise<ExecutionResult> {
    const state = this.stateAt(parameters.target);
    if (!state) throw new Error("state unavailable");
    const overlay = createOverlayState(state, parameters.stateOverride);
    const { message } = parameters;
    const gasUsed = 21_000n + 16n * BigInt(message.data.length);
    const base = { type: 2 as const, effectiveGasPrice: 0n, logs: [], contractAddress: null };
    if (message.gasLimit < gasUsed) {
      return { ...base, status: 0, gasUsed: message.gasLimit, returnData: new Uint8Array(0), error: "out of gas" };
    }
    if (message.to === REVERTER) {
      const data = `0x08c379a0${encodeAbiParameters([{ type: "string" }], ["nope"]).slice(2)}` as const;
      return { ...base, status: 0, gasUsed, returnData: hexToBytes(data), error: "execution reverted" };
    }
    if (message.to === LOG_EMITTER) {
      // Returns the balance of `from` (as seen through overrides) as a word, plus the block number override.
      const balance = overlay.getAccount(message.from)?.balance ?? 0n;
      const number = parameters.blockOverrides?.number ?? 0n;
      return {
        ...base,
        status: 1,
        gasUsed,
        returnData: hexToBytes(encodeAbiParameters([{ type: "uint256" }, { type: "uint256" }], [balance, number])),
      };
    }
    return { ...base, status: 1, gasUsed, returnData: message.data };
  }

  async createAccessList(parameters: CallParameters): Promise<AccessListResult> {
    const result = await this.call(parameters);
    const accessList =
      parameters.message.to === LOG_EMITTER
        ? [{ address: LOG_EMITTER, storageKeys: [padHex("0x1", { size: 32 })] }]
        : [];
    return { accessList, gasUsed: result.gasUsed, ...(result.error === undefined ? {} : { error: result.error }) };
  }

  /** Feeds the tracer one top-level frame per traced execution (the toy chain has no EVM steps). */
  async traceTransaction(hash: Hash, config: TraceConfig): Promise<unknown> {
    const entry = this.txIndex.get(hash);
    if (!entry?.receipt) return undefined;
    const { tracer, render } = prepareTracer(config);
    tracer.enter?.({
      type: "CALL",
      from: entry.tx.from,
      to: entry.tx.to ?? (ZERO_HASH.slice(0, 42) as Address),
      value: entry.tx.value,
      gas: entry.tx.gasLimit,
      input: entry.tx.data,
      depth: 0,
    });
    tracer.exit?.({ output: new Uint8Array(0), gasUsed: entry.receipt.gasUsed });
    const state = new AccessRecordingState(createOverlayState(this.stateAt("latest") as StateReader));
    state.getAccount(entry.tx.from);
    return render({
      result: {
        type: entry.tx.type,
        status: entry.receipt.status,
        gasUsed: entry.receipt.gasUsed,
        effectiveGasPrice: entry.receipt.effectiveGasPrice,
        logs: entry.receipt.logs,
        contractAddress: entry.receipt.contractAddress,
        returnData: new Uint8Array(0),
      },
      gasLimit: entry.tx.gasLimit,
      state,
      tx: entry.tx,
    });
  }

  async traceCall(parameters: CallParameters, config: TraceConfig): Promise<unknown> {
    const result = await this.call(parameters);
    const { tracer, render } = prepareTracer(config);
    tracer.enter?.({
      type: "CALL",
      from: parameters.message.from,
      to: parameters.message.to ?? (ZERO_HASH.slice(0, 42) as Address),
      value: parameters.message.value,
      gas: parameters.message.gasLimit,
      input: parameters.message.data,
      depth: 0,
    });
    tracer.exit?.({ output: result.returnData, gasUsed: result.gasUsed });
    const state = new AccessRecordingState(createOverlayState(this.stateAt("latest") as StateReader));
    return render({ result, gasLimit: parameters.message.gasLimit, state });
  }

  callGasCap(): bigint {
    return 50_000_000n;
  }
  pendingBlockEnv() {
    return { gasLimit: BLOCK_GAS_LIMIT, baseFeePerGas: BASE_FEE, timestamp: 1_700_000_000n + this.headNumber + 1n };
  }
  gasPrice(): bigint {
    return 0xf4240n;
  }
  maxPriorityFeePerGas(): bigint {
    return 0n;
  }
  syncing(): SyncProgress | false {
    return this.syncState;
  }
  peerCount(): number {
    return 3;
  }
  getStateDiff(selector: { readonly miniBlockNumber: bigint } | { readonly blockNumber: bigint }) {
    if ("miniBlockNumber" in selector) return this.miniBlocks[Number(selector.miniBlockNumber)]?.stateDiff;
    const block = this.getBlockByNumber(selector.blockNumber);
    if (!block) return undefined;
    const accounts = this.miniBlocks
      .filter((miniBlock) => miniBlock.blockNumber === selector.blockNumber)
      .flatMap((miniBlock) => miniBlock.stateDiff.accounts);
    return { accounts };
  }
  async getBatches(range: { readonly fromBlock: bigint; readonly toBlock: bigint }): Promise<readonly BatchInfo[]> {
    return this.batches.filter((batch) => batch.toBlock >= range.fromBlock && batch.fromBlock <= range.toBlock);
  }
  async outputAtBlock(blockNumber: bigint): Promise<OutputAtBlock | undefined> {
    const block = this.getBlockByNumber(blockNumber);
    if (!block) return undefined;
    return {
      version: ZERO_HASH,
      outputRoot: keccak256Hex(hexToBytes(block.hash)),
      blockHash: block.hash,
      blockNumber,
      parentHash: block.header.parentHash,
      timestamp: block.header.timestamp,
      withdrawalStorageRoot: ZERO_HASH,
      stateRoot: block.header.stateRoot,
      l1Origin: { hash: ZERO_HASH, number: 7n },
      syncStatus: { unsafe_l2: { number: Number(this.headNumber) } },
    };
  }
  subscribe(handlers: Partial<BackendEventHandlers>): () => void {
    this.handlers.add(handlers);
    return () => this.handlers.delete(handlers);
  }
}
