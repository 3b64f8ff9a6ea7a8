import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { hexToBytes } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { bigintToBytes } from "../../src/chain/bytes.ts";
import { EMPTY_TRIE_ROOT, KECCAK_EMPTY } from "../../src/chain/constants.ts";
import { encodeHeader, hashHeader } from "../../src/chain/header.ts";
import type { MiniBlock } from "../../src/chain/miniBlock.ts";
import { encodeReceipt } from "../../src/chain/receipt.ts";
import { decodeRlp, encodeRlp, RlpDecodeError, type RlpItem } from "../../src/chain/rlp.ts";
import { buildTransaction, decodeTransaction } from "../../src/chain/transaction.ts";
import { computeEmptyPathLeafReference } from "../../src/chain/trieRoot.ts";
import type { Address, Block, Hash, Header, Receipt, Transaction } from "../../src/chain/types.ts";
import { encodeStateDiff } from "../../src/state/diffCodec.ts";
import {
  decodeBlockRecord,
  decodeBlockRecordHeader,
  decodeBlockSealRecord,
  decodeMiniBlockRecord,
  decodeMiniBlockRecordLazily,
  decodeMiniBlockSealRecord,
  decodeReceiptsRecord,
  decodeTxLocation,
  encodeBlockRecord,
  encodeBlockSealRecord,
  encodeMiniBlockRecord,
  encodeMiniBlockSealRecord,
  encodeReceiptsRecord,
  encodeTxLocation,
  miniBlockRecordPosition,
  readMiniBlockRecordHeader,
  readMiniBlockRecordParts,
  StoreCorruptionError,
  txLocationEncoder,
} from "../../src/state/records.ts";
import {
  encodedStoredTransaction,
  plainTransaction,
  StoredReceipt,
  StoredTransaction,
} from "../../src/state/storedItems.ts";
import { address as addressArb, log, u64, u256 } from "../chain/arbitraries.ts";

const CHAIN_ID = 901_901;
const alice = privateKeyToAccount("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
const bob = privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9c86dae88c7a8aa09078b4dad3d5fa");
const ZERO: Hash = `0x${"00".repeat(32)}`;

async function signedTransactions(): Promise<Transaction[]> {
  const raws = [
    await alice.signTransaction({
      chainId: CHAIN_ID,
      type: "eip1559",
      to: bob.address,
      value: 1_000n,
      nonce: 0,
      gas: 21_000n,
      maxFeePerGas: 3_000_000n,
      maxPriorityFeePerGas: 500_000n,
    }),
    await bob.signTransaction({
      chainId: CHAIN_ID,
      type: "legacy",
      to: alice.address,
      value: 7n,
      nonce: 3,
      gas: 50_000n,
      gasPrice: 2_000_000n,
      data: "0xdeadbeef",
    }),
    await alice.signTransaction({
      chainId: CHAIN_ID,
      type: "eip2930",
      to: null,
      value: 0n,
      nonce: 1,
      gas: 200_000n,
      gasPrice: 2_000_000n,
      data: "0x6080604052",
      accessList: [{ address: bob.address, storageKeys: [ZERO] }],
    }),
  ];
  const decoded = raws.map((raw) => decodeTransaction(hexToBytes(raw)));
  const deposit = buildTransaction({
    type: 0x7e,
    sourceHash: `0x${"ab".repeat(32)}`,
    from: "0xdeaddeaddeaddeaddeaddeaddeaddeaddead0001",
    to: "0x4200000000000000000000000000000000000015",
    mint: 0n,
    value: 0n,
    gasLimit: 1_000_000n,
    isSystemTransaction: false,
    data: Uint8Array.of(1, 2, 3),
  });
  return [deposit, ...decoded];
}

function header(number: bigint, stateRoot: Hash = ZERO): Header {
  return {
    parentHash: ZERO,
    ommersHash: ZERO,
    beneficiary: "0x4200000000000000000000000000000000000011",
    stateRoot,
    transactionsRoot: EMPTY_TRIE_ROOT,
    receiptsRoot: EMPTY_TRIE_ROOT,
    logsBloom: new Uint8Array(256),
    difficulty: 0n,
    number,
    gasLimit: 30_000_000n,
    gasUsed: 21_000n,
    timestamp: 1_700_000_000n + number,
    extraData: new Uint8Array(0),
    mixHash: ZERO,
    nonce: new Uint8Array(8),
    baseFeePerGas: 10_000_000n,
    withdrawalsRoot: EMPTY_TRIE_ROOT,
    blobGasUsed: 0n,
    excessBlobGas: 0n,
    parentBeaconBlockRoot: ZERO,
    requestsHash: ZERO,
  };
}

function sampleReceipts(): Receipt[] {
  const bloom = new Uint8Array(256);
  bloom[3] = 0x40;
  return [
    {
      type: 0x7e,
      status: 1,
      cumulativeGasUsed: 45_000n,
      logsBloom: new Uint8Array(256),
      logs: [],
      gasUsed: 45_000n,
      effectiveGasPrice: 0n,
      contractAddress: null,
      depositNonce: 12n,
      depositReceiptVersion: 1n,
      l1Fee: 0n,
      l1GasUsed: 0n,
      l1GasPrice: 0n,
      l1BlobBaseFee: 0n,
      l1BaseFeeScalar: 0n,
      l1BlobBaseFeeScalar: 0n,
    },
    {
      type: 2,
      status: 1,
      cumulativeGasUsed: 66_000n,
      logsBloom: bloom,
      logs: [
        {
          address: "0x4200000000000000000000000000000000000016",
          topics: [ZERO, `0x${"11".repeat(32)}`],
          data: Uint8Array.of(9, 9),
        },
      ],
      gasUsed: 21_000n,
      effectiveGasPrice: 10_500_000n,
      contractAddress: null,
      l1Fee: 123_456n,
      l1GasUsed: 1_600n,
      l1GasPrice: 7_000_000_000n,
      l1BlobBaseFee: 3n,
      l1BaseFeeScalar: 1368n,
      l1BlobBaseFeeScalar: 810_949n,
    },
    {
      type: 0,
      status: 0,
      cumulativeGasUsed: 116_000n,
      logsBloom: new Uint8Array(256),
      logs: [],
      gasUsed: 50_000n,
      effectiveGasPrice: 2_000_000n,
      contractAddress: null,
      l1Fee: 1n,
      l1GasUsed: 2n,
      l1GasPrice: 3n,
      l1BlobBaseFee: 1n,
      l1BaseFeeScalar: 2n,
      l1BlobBaseFeeScalar: 3n,
    },
    {
      type: 1,
      status: 1,
      cumulativeGasUsed: 316_000n,
      logsBloom: new Uint8Array(256),
      logs: [],
      gasUsed: 200_000n,
      effectiveGasPrice: 2_000_000n,
      contractAddress: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
      l1Fee: 99n,
      l1GasUsed: 98n,
      l1GasPrice: 97n,
      l1BlobBaseFee: 5n,
      l1BaseFeeScalar: 4_294_967_295n,
      l1BlobBaseFeeScalar: 0n,
    },
  ];
}

/** Every field the plain objects `expected` have reads the same on `actual` (items decoded when read). */
function assertSameFields(actual: readonly object[], expected: readonly object[]): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((item, i) => {
    for (const [key, value] of Object.entries(item)) {
      assert.deepEqual((actual[i] as Record<string, unknown>)[key], value, `item ${i}: ${key}`);
    }
  });
}

function assertSameTransactions(actual: readonly Transaction[], expected: readonly Transaction[]): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((tx, i) => {
    const got = actual[i] as Transaction;
    assert.equal(got.hash, tx.hash);
    assert.equal(got.from, tx.from);
    assert.deepEqual(got.raw, tx.raw);
    assert.equal(got.type, tx.type);
    assert.equal("nonce" in got ? got.nonce : undefined, "nonce" in tx ? tx.nonce : undefined);
    assert.equal(got.to, tx.to);
    assert.equal(got.value, tx.value);
    assert.deepEqual(got.data, tx.data);
  });
}

/** Rebuilds a record with one top-level field replaced. */
function withField(bytes: Uint8Array, index: number, value: Uint8Array): Uint8Array {
  const fields = decodeRlp(bytes) as RlpItem[];
  fields[index] = value;
  return encodeRlp(fields);
}

/** Decoding must either succeed or throw one of the two errors a corrupt record may raise. */
function assertDecodesOrRejects(decode: (bytes: Uint8Array) => unknown, bytes: Uint8Array): void {
  try {
    decode(bytes);
  } catch (error) {
    assert.ok(
      error instanceof StoreCorruptionError || error instanceof RlpDecodeError,
      `unexpected ${(error as Error).name}: ${(error as Error).message}`,
    );
  }
}

async function sampleMiniBlock(): Promise<MiniBlock> {
  const transactions = await signedTransactions();
  return {
    number: 41n,
    blockNumber: 7n,
    blockTimestamp: 1_700_000_007n,
    index: 3,
    timestampUs: 1_700_000_007_123_456n,
    gasUsed: 316_000n,
    transactions,
    receipts: sampleReceipts(),
    firstTransactionIndex: 5,
    firstLogIndex: 2,
    transactionsRoot: `0x${"22".repeat(32)}`,
    receiptsRoot: `0x${"33".repeat(32)}`,
    stateDiff: {
      accounts: [
        {
          address: alice.address.toLowerCase() as Address,
          account: { nonce: 2n, balance: 10n ** 21n, codeHash: KECCAK_EMPTY },
          storageCleared: false,
          storage: new Map(),
        },
        {
          address: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
          account: { nonce: 1n, balance: 0n, codeHash: `0x${"44".repeat(32)}` },
          code: Uint8Array.of(0x60, 0x80, 0x60, 0x40),
          storageCleared: true,
          storage: new Map<Hash, bigint>([
            [ZERO, 5n],
            [`0x${"00".repeat(31)}01`, 0n],
          ]),
        },
        {
          address: "0x0000000000000000000000000000000000000bad",
          account: null,
          storageCleared: false,
          storage: new Map(),
        },
      ],
    },
  };
}

describe("store records", () => {
  it("round-trip a block: header, hash, transactions with their hash/from/raw, mini-block span", async () => {
    const transactions = await signedTransactions();
    const h = header(7n, `0x${"aa".repeat(32)}`);
    const block: Block = {
      header: h,
      hash: hashHeader(h),
      transactions,
      miniBlockCount: 12,
      miniBlockOffset: 1_234_567n,
    };
    const decoded = decodeBlockRecord(encodeBlockRecord(block));
    // Its header alone, the transactions left undecoded: what a block message is served from.
    assert.deepEqual(decodeBlockRecordHeader(encodeBlockRecord(block)), {
      header: block.header,
      hash: block.hash,
      miniBlockCount: 12,
      miniBlockOffset: 1_234_567n,
    });
    assert.deepEqual(decoded.header, block.header);
    assert.equal(decoded.hash, block.hash);
    assert.equal(decoded.miniBlockCount, 12);
    assert.equal(decoded.miniBlockOffset, 1_234_567n);
    assertSameTransactions(decoded.transactions, transactions);
    // The deposit keeps its given sender, the signed ones their recovered sender.
    assert.equal(decoded.transactions[0]?.from, "0xdeaddeaddeaddeaddeaddeaddeaddeaddead0001");
    assert.equal(decoded.transactions[1]?.from, alice.address.toLowerCase());
    assert.equal(decoded.transactions[2]?.from, bob.address.toLowerCase());
  });

  it("round-trip a block without transactions", () => {
    const h = header(0n);
    const block: Block = { header: h, hash: hashHeader(h), transactions: [], miniBlockCount: 0, miniBlockOffset: 0n };
    assert.deepEqual(decodeBlockRecord(encodeBlockRecord(block)), block);
  });

  it("round-trip receipts: deposit nonce/version, contract address, l1 fee fields", () => {
    const receipts = sampleReceipts();
    assert.deepEqual(decodeReceiptsRecord(encodeReceiptsRecord(receipts)), receipts);
    assert.deepEqual(decodeReceiptsRecord(encodeReceiptsRecord([])), []);
  });

  it("round-trip a deposit receipt with a nonce but no receipt version", () => {
    const [deposit] = sampleReceipts();
    const { depositReceiptVersion: _, ...withoutVersion } = deposit as Receipt;
    const decoded = decodeReceiptsRecord(encodeReceiptsRecord([withoutVersion]));
    assert.deepEqual(decoded, [withoutVersion]);
    assert.equal("depositReceiptVersion" in (decoded[0] as Receipt), false);
  });

  it("round-trip any receipts (property)", () => {
    const status = fc.constantFrom<0 | 1>(0, 1);
    const common = {
      status,
      cumulativeGasUsed: u64,
      logsBloom: fc.uint8Array({ minLength: 256, maxLength: 256 }),
      logs: fc.array(log, { maxLength: 3 }),
      gasUsed: u64,
      effectiveGasPrice: u256,
      contractAddress: fc.option(addressArb, { nil: null }),
      l1Fee: u256,
      l1GasUsed: u64,
      l1GasPrice: u256,
      l1BlobBaseFee: u256,
      l1BaseFeeScalar: fc.bigInt({ min: 0n, max: 2n ** 32n - 1n }),
      l1BlobBaseFeeScalar: fc.bigInt({ min: 0n, max: 2n ** 32n - 1n }),
    };
    const signedReceipt = fc.record({ type: fc.constantFrom<0 | 1 | 2 | 4>(0, 1, 2, 4), ...common });
    const depositReceipt = fc.oneof(
      fc.record({ type: fc.constant<0x7e>(0x7e), ...common }),
      fc.record({ type: fc.constant<0x7e>(0x7e), ...common, depositNonce: u64 }),
      fc.record({ type: fc.constant<0x7e>(0x7e), ...common, depositNonce: u64, depositReceiptVersion: u64 }),
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(signedReceipt, depositReceipt), { maxLength: 6 }), (generated) => {
        // fast-check records have a null prototype; deepEqual compares prototypes.
        const receipts = generated.map((r) => ({ ...r, logs: r.logs.map((l) => ({ ...l })) }) as Receipt);
        assert.deepEqual(decodeReceiptsRecord(encodeReceiptsRecord(receipts)), receipts);
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it("round-trip a mini-block with transactions, receipts and a state diff", async () => {
    const miniBlock = await sampleMiniBlock();
    const decoded = decodeMiniBlockRecord(encodeMiniBlockRecord(miniBlock));
    const { transactions, ...rest } = decoded;
    const { transactions: expectedTransactions, ...expectedRest } = miniBlock;
    assert.deepEqual(rest, expectedRest);
    assertSameTransactions(transactions, expectedTransactions);
  });

  it("encode the nested RLP of their fields, byte for byte, also when items were encoded before", async () => {
    // The records' layout written out as nested RLP: what the store and p2p have always held.
    const storedTx = (tx: Transaction) => [tx.raw, hexToBytes(tx.from)];
    const storedReceipt = (r: Receipt) => [
      encodeReceipt(r),
      bigintToBytes(r.gasUsed),
      bigintToBytes(r.effectiveGasPrice),
      r.contractAddress ? hexToBytes(r.contractAddress) : new Uint8Array(0),
      bigintToBytes(r.l1Fee),
      bigintToBytes(r.l1GasUsed),
      bigintToBytes(r.l1GasPrice),
      bigintToBytes(r.l1BlobBaseFee),
      bigintToBytes(r.l1BaseFeeScalar),
      bigintToBytes(r.l1BlobBaseFeeScalar),
    ];
    const miniBlock = await sampleMiniBlock();
    const expectedMiniBlock = encodeRlp([
      bigintToBytes(2n),
      bigintToBytes(miniBlock.number),
      bigintToBytes(miniBlock.blockNumber),
      bigintToBytes(miniBlock.blockTimestamp),
      bigintToBytes(BigInt(miniBlock.index)),
      bigintToBytes(miniBlock.timestampUs),
      bigintToBytes(miniBlock.gasUsed),
      miniBlock.transactions.map(storedTx),
      miniBlock.receipts.map(storedReceipt),
      bigintToBytes(BigInt(miniBlock.firstTransactionIndex)),
      bigintToBytes(BigInt(miniBlock.firstLogIndex)),
      hexToBytes(miniBlock.transactionsRoot),
      hexToBytes(miniBlock.receiptsRoot),
      encodeStateDiff(miniBlock.stateDiff),
    ]);
    assert.deepEqual(encodeMiniBlockRecord(miniBlock), expectedMiniBlock);
    // The block and its receipts reuse the items' encodings from the mini-block record: the same bytes as fresh.
    const h = header(miniBlock.blockNumber);
    const block: Block = {
      header: h,
      hash: hashHeader(h),
      transactions: miniBlock.transactions,
      miniBlockCount: 1,
      miniBlockOffset: miniBlock.number,
    };
    const expectedBlock = encodeRlp([
      bigintToBytes(1n),
      encodeHeader(h),
      block.transactions.map(storedTx),
      bigintToBytes(1n),
      bigintToBytes(block.miniBlockOffset),
    ]);
    for (let i = 0; i < 2; i++) {
      assert.deepEqual(encodeBlockRecord(block), expectedBlock);
      assert.deepEqual(
        encodeReceiptsRecord(miniBlock.receipts),
        encodeRlp([bigintToBytes(2n), miniBlock.receipts.map(storedReceipt)]),
      );
    }
    const copies = miniBlock.receipts.map((r) => ({ ...r }));
    assert.deepEqual(encodeReceiptsRecord(copies), encodeReceiptsRecord(miniBlock.receipts), "fresh objects too");
    // A replica's path: items decoded from the record keep their spans of it, and give the same records.
    const decoded = decodeMiniBlockRecord(expectedMiniBlock);
    assert.deepEqual(encodeMiniBlockRecord(decoded), expectedMiniBlock);
    assert.deepEqual(encodeBlockRecord({ ...block, transactions: decoded.transactions }), expectedBlock);
    assert.deepEqual(
      encodeReceiptsRecord(decoded.receipts),
      encodeRlp([bigintToBytes(2n), miniBlock.receipts.map(storedReceipt)]),
    );
  });

  it("read a mini-block record's parts without decoding its bodies, as the full decode gives them", async () => {
    const record = encodeMiniBlockRecord(await sampleMiniBlock());
    const full = decodeMiniBlockRecord(record);
    const parts = readMiniBlockRecordParts(record);
    assert.deepEqual(parts.stateDiff, full.stateDiff);
    assert.deepEqual(
      parts.transactionHashes,
      Uint8Array.from(full.transactions.flatMap((tx) => [...hexToBytes(tx.hash)])),
    );
    assert.deepEqual(
      parts.logCounts,
      full.receipts.map((receipt) => receipt.logs.length),
    );
    const bloom = new Uint8Array(256);
    for (const receipt of full.receipts) {
      receipt.logsBloom.forEach((byte, i) => {
        bloom[i] = (bloom[i] as number) | byte;
      });
    }
    assert.deepEqual(parts.logsBloom, bloom);
    assert.deepEqual(parts.leafReferences, [
      ...full.transactions.map((tx) => computeEmptyPathLeafReference(tx.raw)),
      ...full.receipts.map((receipt) => computeEmptyPathLeafReference(encodeReceipt(receipt))),
    ]);
  });

  it("reject a mini-block record whose items do not have a stored transaction's or receipt's fields", async () => {
    const miniBlock = await sampleMiniBlock();
    const fields = decodeRlp(encodeMiniBlockRecord(miniBlock)) as RlpItem[];
    const withItems = (index: 7 | 8, change: (items: RlpItem[][]) => RlpItem[][]) => {
      const copy = [...fields];
      copy[index] = change(fields[index] as RlpItem[][]);
      return encodeRlp(copy as never);
    };
    const noBloom = (receipt: RlpItem[]) => {
      const consensus = receipt[0] as Uint8Array;
      const type = (consensus[0] as number) < 0x80 ? consensus.subarray(0, 1) : new Uint8Array(0);
      const body = decodeRlp(consensus.subarray(type.length)) as RlpItem[];
      body[2] = new Uint8Array(255);
      return [Uint8Array.from([...type, ...encodeRlp(body as never)]), ...receipt.slice(1)];
    };
    for (const [name, record] of [
      ["a transaction without its sender", withItems(7, (txs) => txs.map((tx) => tx.slice(0, 1)))],
      ["a sender of 19 bytes", withItems(7, (txs) => txs.map(([raw]) => [raw as RlpItem, new Uint8Array(19)]))],
      ["a receipt of 9 fields", withItems(8, (receipts) => receipts.map((receipt) => receipt.slice(0, 9)))],
      ["a bloom of 255 bytes", withItems(8, (receipts) => receipts.map(noBloom))],
      ["more receipts than transactions", withItems(8, (receipts) => [...receipts, receipts[0] as RlpItem[]])],
    ] as const) {
      assert.throws(
        () => readMiniBlockRecordParts(record),
        (error: unknown) => error instanceof StoreCorruptionError || error instanceof RlpDecodeError,
        name,
      );
    }
  });

  it("decode a mini-block lazily: every field as the full decode gives, its stored forms spans of the record", async () => {
    const miniBlock = await sampleMiniBlock();
    const record = encodeMiniBlockRecord(miniBlock);
    const full = decodeMiniBlockRecord(record);
    const parts = readMiniBlockRecordParts(record);
    const lazy = decodeMiniBlockRecordLazily(record, parts);
    const { transactions, receipts, digest, ...rest } = lazy;
    const { transactions: fullTransactions, receipts: fullReceipts, ...fullRest } = full;
    assert.deepEqual(rest, fullRest);
    assert.ok(transactions.every((tx) => tx instanceof StoredTransaction));
    assert.ok(receipts.every((receipt) => receipt instanceof StoredReceipt));
    assertSameFields(transactions, fullTransactions);
    assertSameFields(receipts, fullReceipts);
    assertSameTransactions(transactions, miniBlock.transactions);
    assert.deepEqual(
      transactions.map((tx) => plainTransaction(tx)),
      fullTransactions,
    );
    // Written again, the record is the same bytes, copied from its spans.
    assert.deepEqual(encodeMiniBlockRecord(lazy), record);
    assert.deepEqual(encodeReceiptsRecord(receipts), encodeReceiptsRecord(fullReceipts));
    const transactionLeaves = fullTransactions.map((tx) => tx.raw);
    const receiptLeaves = fullReceipts.map(encodeReceipt);
    assert.deepEqual(digest, {
      transactionLeaves,
      receiptLeaves,
      transactionLeafReferences: transactionLeaves.map(computeEmptyPathLeafReference),
      receiptLeafReferences: receiptLeaves.map(computeEmptyPathLeafReference),
      logCounts: parts.logCounts,
      logsBloom: parts.logsBloom,
    });
  });

  it("read a lazily decoded transaction's hash and raw bytes without decoding it; other fields decode when read", () => {
    const from = hexToBytes(alice.address);
    const stored = encodeRlp([Uint8Array.of(0x02, 0xc1, 0x80), from]);
    const hashes = new Uint8Array(64).fill(0xab, 32);
    const tx = new StoredTransaction(stored, hashes, 1).asTransaction();
    assert.equal(tx.hash, `0x${"ab".repeat(32)}`);
    assert.deepEqual(tx.raw, Uint8Array.of(0x02, 0xc1, 0x80));
    assert.throws(() => tx.value, StoreCorruptionError);
    assert.throws(() => tx.from, StoreCorruptionError);
  });

  it("hash a lazily decoded transaction given no hashes, and write its stored form as it was read", async () => {
    for (const tx of await signedTransactions()) {
      const stored = encodedStoredTransaction(tx);
      const lazy = new StoredTransaction(stored).asTransaction();
      assert.equal(lazy.hash, tx.hash);
      assert.equal(lazy.from, tx.from);
      assert.equal(encodedStoredTransaction(lazy), stored);
    }
  });

  it("decode version-1 receipts lazily with the fee inputs as 0, and write them in the current layout", async () => {
    const miniBlock = await sampleMiniBlock();
    const fields = decodeRlp(encodeMiniBlockRecord(miniBlock)) as RlpItem[];
    fields[0] = bigintToBytes(1n);
    fields[8] = (fields[8] as RlpItem[][]).map((receipt) => receipt.slice(0, 7));
    const v1 = encodeRlp(fields as never);
    const full = decodeMiniBlockRecord(v1);
    const lazy = decodeMiniBlockRecordLazily(v1, readMiniBlockRecordParts(v1));
    assertSameFields(lazy.receipts, full.receipts);
    assert.deepEqual(encodeReceiptsRecord(lazy.receipts), encodeReceiptsRecord(full.receipts));
  });

  it("reject parts that do not match the record with StoreCorruptionError", async () => {
    const record = encodeMiniBlockRecord(await sampleMiniBlock());
    const parts = readMiniBlockRecordParts(record);
    for (const wrong of [
      { ...parts, logCounts: parts.logCounts.slice(1) },
      { ...parts, transactionHashes: parts.transactionHashes.subarray(32) },
      { ...parts, leafReferences: [] },
    ]) {
      assert.throws(() => decodeMiniBlockRecordLazily(record, wrong), StoreCorruptionError);
    }
  });

  it("read a mini-block record's number and block, or its signed header fields, without decoding the rest", async () => {
    const miniBlock = await sampleMiniBlock();
    const record = encodeMiniBlockRecord(miniBlock);
    assert.deepEqual(miniBlockRecordPosition(record), {
      number: miniBlock.number,
      blockNumber: miniBlock.blockNumber,
    });
    const { blockNumber, blockTimestamp, index, number, timestampUs, gasUsed, transactionsRoot, receiptsRoot } =
      miniBlock;
    assert.deepEqual(readMiniBlockRecordHeader(record), {
      number,
      blockNumber,
      blockTimestamp,
      index,
      timestampUs,
      gasUsed,
      transactionsRoot,
      receiptsRoot,
    });
    assert.throws(
      () => readMiniBlockRecordHeader(encodeRlp([Uint8Array.of(1), Uint8Array.of(2)])),
      StoreCorruptionError,
    );
  });

  it("round-trip a tx location", () => {
    assert.deepEqual(decodeTxLocation(encodeTxLocation(0n, 0)), { blockNumber: 0n, index: 0 });
    assert.deepEqual(decodeTxLocation(encodeTxLocation(2n ** 40n, 4_999)), { blockNumber: 2n ** 40n, index: 4_999 });
    // The per-block encoder writes what generic RLP writes, across the field-length boundaries.
    for (const blockNumber of [0n, 1n, 127n, 128n, 2n ** 40n, 2n ** 64n - 1n]) {
      const location = txLocationEncoder(blockNumber);
      for (const index of [0, 1, 127, 128, 255, 256, 65_535, 65_536, 2 ** 32 - 1]) {
        assert.deepEqual(
          location(index),
          encodeRlp([bigintToBytes(blockNumber), bigintToBytes(BigInt(index))]),
          `${blockNumber}/${index}`,
        );
      }
    }
  });

  it("reject a record of another version with StoreCorruptionError", async () => {
    const h = header(1n);
    const block = encodeBlockRecord({
      header: h,
      hash: hashHeader(h),
      transactions: [],
      miniBlockCount: 1,
      miniBlockOffset: 0n,
    });
    const receipts = encodeReceiptsRecord(sampleReceipts());
    const miniBlock = encodeMiniBlockRecord(await sampleMiniBlock());
    for (const version of [0n, 2n]) {
      assert.throws(() => decodeBlockRecord(withField(block, 0, bigintToBytes(version))), StoreCorruptionError);
      assert.throws(() => decodeBlockRecordHeader(withField(block, 0, bigintToBytes(version))), StoreCorruptionError);
    }
    for (const version of [0n, 3n]) {
      assert.throws(() => decodeReceiptsRecord(withField(receipts, 0, bigintToBytes(version))), StoreCorruptionError);
      assert.throws(() => decodeMiniBlockRecord(withField(miniBlock, 0, bigintToBytes(version))), {
        name: "StoreCorruptionError",
        message: /miniBlock record version 3|miniBlock record version 0/,
      });
    }
    // A version-2 receipt list labelled version 1 has three fields too many.
    assert.throws(() => decodeReceiptsRecord(withField(receipts, 0, bigintToBytes(1n))), {
      name: "StoreCorruptionError",
      message: /receipt has 10 fields, version 1 has 7/,
    });
  });

  it("read version-1 receipts (before the Ecotone fee inputs) with those inputs as 0", async () => {
    const receipts = sampleReceipts();
    const [, list] = decodeRlp(encodeReceiptsRecord(receipts)) as RlpItem[];
    const v1Receipts = (list as RlpItem[][]).map((fields) => fields.slice(0, 7));
    const v1 = encodeRlp([bigintToBytes(1n), v1Receipts as never]);
    assert.deepEqual(
      decodeReceiptsRecord(v1),
      receipts.map((r) => ({ ...r, l1BlobBaseFee: 0n, l1BaseFeeScalar: 0n, l1BlobBaseFeeScalar: 0n })),
    );
    const miniBlock = await sampleMiniBlock();
    const fields = decodeRlp(encodeMiniBlockRecord(miniBlock)) as RlpItem[];
    fields[0] = bigintToBytes(1n);
    fields[8] = (fields[8] as RlpItem[][]).map((receipt) => receipt.slice(0, 7));
    const decoded = decodeMiniBlockRecord(encodeRlp(fields as never));
    assert.deepEqual(
      decoded.receipts,
      miniBlock.receipts.map((r) => ({ ...r, l1BlobBaseFee: 0n, l1BaseFeeScalar: 0n, l1BlobBaseFeeScalar: 0n })),
    );
  });

  it("reject a record whose fields are lists where bytes belong, or bytes where a list belongs", () => {
    assert.throws(() => decodeReceiptsRecord(encodeRlp(bigintToBytes(1n))), StoreCorruptionError);
    assert.throws(() => decodeReceiptsRecord(encodeRlp([bigintToBytes(1n), bigintToBytes(5n)])), StoreCorruptionError);
    assert.throws(() => decodeBlockRecord(encodeRlp([[bigintToBytes(1n)]])), RlpDecodeError);
  });

  it("reject every truncation of a record with StoreCorruptionError or RlpDecodeError", async () => {
    const transactions = await signedTransactions();
    const h = header(3n);
    const records: [(bytes: Uint8Array) => unknown, Uint8Array][] = [
      [
        decodeBlockRecord,
        encodeBlockRecord({ header: h, hash: hashHeader(h), transactions, miniBlockCount: 2, miniBlockOffset: 9n }),
      ],
      [
        decodeBlockRecordHeader,
        encodeBlockRecord({ header: h, hash: hashHeader(h), transactions, miniBlockCount: 2, miniBlockOffset: 9n }),
      ],
      [decodeReceiptsRecord, encodeReceiptsRecord(sampleReceipts())],
      [decodeMiniBlockRecord, encodeMiniBlockRecord(await sampleMiniBlock())],
      [decodeTxLocation, encodeTxLocation(5n, 1)],
    ];
    for (const [decode, bytes] of records) {
      for (let length = 0; length < bytes.length; length++) {
        assert.throws(
          () => decode(bytes.subarray(0, length)),
          (error: unknown) => error instanceof StoreCorruptionError || error instanceof RlpDecodeError,
          `truncated to ${length} of ${bytes.length}`,
        );
      }
    }
  });

  it("raise only StoreCorruptionError or RlpDecodeError for corrupted bytes (property)", async () => {
    const transactions = await signedTransactions();
    const h = header(3n);
    const records: [(bytes: Uint8Array) => unknown, Uint8Array][] = [
      [
        decodeBlockRecord,
        encodeBlockRecord({ header: h, hash: hashHeader(h), transactions, miniBlockCount: 2, miniBlockOffset: 9n }),
      ],
      [
        decodeBlockRecordHeader,
        encodeBlockRecord({ header: h, hash: hashHeader(h), transactions, miniBlockCount: 2, miniBlockOffset: 9n }),
      ],
      [decodeReceiptsRecord, encodeReceiptsRecord(sampleReceipts())],
      [decodeMiniBlockRecord, encodeMiniBlockRecord(await sampleMiniBlock())],
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...records),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        ([decode, original], edits) => {
          const bytes = original.slice();
          for (const [position, value] of edits) bytes[position % bytes.length] = value;
          assertDecodesOrRejects(decode, bytes);
        },
      ),
      { seed: 7, numRuns: 500 },
    );
  });

  it("reject random bytes with StoreCorruptionError or RlpDecodeError (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        assertDecodesOrRejects(decodeBlockRecord, bytes);
        assertDecodesOrRejects(decodeReceiptsRecord, bytes);
        assertDecodesOrRejects(decodeMiniBlockRecord, bytes);
        assertDecodesOrRejects(decodeTxLocation, bytes);
        assertDecodesOrRejects(decodeMiniBlockSealRecord, bytes);
        assertDecodesOrRejects(decodeBlockSealRecord, bytes);
      }),
      { seed: 3, numRuns: 300 },
    );
  });

  const secp256k1N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
  const signature = fc
    .record({
      r: fc.bigInt({ min: 1n, max: secp256k1N - 1n }),
      s: fc.bigInt({ min: 1n, max: secp256k1N / 2n }),
      yParity: fc.constantFrom<0 | 1>(0, 1),
    })
    .map((value) => ({ ...value }));

  it("round-trip the sequencer's seals of mini-blocks and blocks (property)", () => {
    fc.assert(
      fc.property(signature, signature, u64, (header, seal, sealedAtMs) => {
        const miniBlockSeal = { signature: header, sealedAtMs, seal };
        assert.deepEqual(decodeMiniBlockSealRecord(encodeMiniBlockSealRecord(miniBlockSeal)), miniBlockSeal);
        assert.deepEqual(decodeBlockSealRecord(encodeBlockSealRecord({ sealedAtMs, seal })), { sealedAtMs, seal });
      }),
      { seed: 5, numRuns: 300 },
    );
  });

  it("reject a seal record with a signature of the wrong length as corrupt", () => {
    const bytes = encodeRlp([bigintToBytes(1n), bigintToBytes(5n), new Uint8Array(64)]);
    assert.throws(() => decodeBlockSealRecord(bytes), StoreCorruptionError);
  });
});
