import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { bytesToHex, type Hex, hexToBytes, type Log as ViemLog, keccak256 as viemKeccak } from "viem";
import { extractTransactionDepositedLogs, getL2TransactionHash, getSourceHash } from "viem/op-stack";
import {
  applyL1ToL2Alias,
  DepositLogError,
  decodeDepositOpaqueData,
  decodeTransactionDepositedLog,
  encodeDepositOpaqueData,
  encodeTransactionDepositedData,
  l1InfoDepositSourceHash,
  TRANSACTION_DEPOSITED_TOPIC,
  transactionDepositedTopics,
  undoL1ToL2Alias,
  upgradeDepositSourceHash,
  userDepositSourceHash,
} from "../../src/chain/deposit.ts";
import { decodeTransaction, encodeTransaction } from "../../src/chain/transaction.ts";

const PORTAL = "0x00000000000000000000000000000000000b0b0b";
const hash32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => bytesToHex(b));
const address = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => bytesToHex(b));
const opaqueFields = fc.record({
  mint: fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }),
  value: fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }),
  gasLimit: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  isCreation: fc.boolean(),
  data: fc.uint8Array({ maxLength: 200 }),
});

describe("deposit source hashes", () => {
  it("match viem's getSourceHash for user deposits", () => {
    fc.assert(
      fc.property(hash32, fc.bigInt({ min: 0n, max: 2n ** 32n }), (blockHash, logIndex) => {
        const expected = getSourceHash({ domain: "userDeposit", l1BlockHash: blockHash, l1LogIndex: Number(logIndex) });
        assert.equal(userDepositSourceHash(blockHash, logIndex), expected);
      }),
      { numRuns: 100 },
    );
  });
  it("match viem's getSourceHash for L1-info deposits", () => {
    const blockHash: Hex = `0x${"12".repeat(32)}`;
    assert.equal(
      l1InfoDepositSourceHash(blockHash, 5n),
      getSourceHash({ domain: "l1InfoDeposit", l1BlockHash: blockHash, sequenceNumber: 5 }),
    );
  });
  it("computes upgrade source hashes from the intent string", () => {
    // Ecotone's L1Block deployment (op-node upgrade intent), value from the OP specs.
    assert.equal(
      upgradeDepositSourceHash("Ecotone: L1 Block Deployment"),
      "0x877a6077205782ea15a6dc8699fa5ebcec5e0f4389f09cb8eda09488231346f8",
    );
  });
});

describe("L1→L2 address aliasing", () => {
  it("adds 0x1111000000000000000000000000000000001111 modulo 2^160", () => {
    assert.equal(
      applyL1ToL2Alias("0x0000000000000000000000000000000000000000"),
      "0x1111000000000000000000000000000000001111",
    );
    assert.equal(
      applyL1ToL2Alias("0xffffffffffffffffffffffffffffffffffffffff"),
      "0x1111000000000000000000000000000000001110",
    );
    assert.equal(
      applyL1ToL2Alias("0xABCDEF0000000000000000000000000000000001"),
      "0xbcdeef0000000000000000000000000000001112",
    );
  });
  it("undo inverts apply for every address", () => {
    fc.assert(
      fc.property(address, (a) => {
        assert.equal(undoL1ToL2Alias(applyL1ToL2Alias(a)), a);
        assert.equal(applyL1ToL2Alias(undoL1ToL2Alias(a)), a);
      }),
    );
  });
});

describe("TransactionDeposited logs", () => {
  it("opaque data round-trips", () => {
    fc.assert(
      fc.property(opaqueFields, (fields) => {
        assert.deepEqual(decodeDepositOpaqueData(encodeDepositOpaqueData(fields)), { ...fields });
      }),
    );
  });

  it("decode to deposits whose L2 hash equals viem's getL2TransactionHash", () => {
    fc.assert(
      fc.property(
        opaqueFields,
        address,
        address,
        hash32,
        fc.integer({ min: 0, max: 10_000 }),
        (fields, from, to, blockHash, logIndex) => {
          const topics = transactionDepositedTopics(from, to);
          const data = encodeTransactionDepositedData(encodeDepositOpaqueData(fields));
          const deposit = decodeTransactionDepositedLog({ topics, data, blockHash, logIndex: BigInt(logIndex) });
          const raw = encodeTransaction(deposit);
          const tx = decodeTransaction(raw);
          assert.equal(tx.from, from);
          assert.equal(tx.to, fields.isCreation ? null : to);
          const viemLog = {
            address: PORTAL,
            topics: topics as [Hex, ...Hex[]],
            data: bytesToHex(data),
            blockHash,
            logIndex,
            blockNumber: 1n,
            transactionHash: `0x${"00".repeat(32)}`,
            transactionIndex: 0,
            removed: false,
          } satisfies ViemLog;
          const [parsed] = extractTransactionDepositedLogs({ logs: [viemLog] });
          assert.ok(parsed);
          assert.equal(tx.hash, getL2TransactionHash({ log: parsed }));
          assert.equal(tx.hash, viemKeccak(raw));
        },
      ),
      { numRuns: 100 },
    );
  });

  it("rejects malformed logs as op-node does", () => {
    const from = "0x00000000000000000000000000000000000000f1";
    const topics = transactionDepositedTopics(from, from);
    const opaque = encodeDepositOpaqueData({
      mint: 1n,
      value: 2n,
      gasLimit: 21000n,
      isCreation: false,
      data: hexToBytes("0x01"),
    });
    const good = encodeTransactionDepositedData(opaque);
    const base = { topics, data: good, blockHash: `0x${"00".repeat(32)}` as Hex, logIndex: 0n };
    assert.equal(decodeTransactionDepositedLog(base).gasLimit, 21000n);
    const bad: Array<Partial<typeof base>> = [
      { topics: topics.slice(0, 3) },
      { topics: [topics[0] as Hex, topics[1] as Hex, topics[2] as Hex, `0x${"00".repeat(31)}01`] },
      { topics: [`0x${"00".repeat(32)}`, topics[1] as Hex, topics[2] as Hex, topics[3] as Hex] },
      { data: good.subarray(0, 63) },
      { data: good.subarray(0, good.length - 1) },
      { data: Uint8Array.from([...good, ...new Uint8Array(32)]) },
      {
        data: (() => {
          const d = Uint8Array.from(good);
          d[31] = 64;
          return d;
        })(),
      },
      {
        data: (() => {
          const d = Uint8Array.from(good);
          d[63] = 0xff;
          return d;
        })(),
      },
      { data: encodeTransactionDepositedData(opaque.subarray(0, 72)) },
    ];
    for (const patch of bad) assert.throws(() => decodeTransactionDepositedLog({ ...base, ...patch }), DepositLogError);
    assert.equal(TRANSACTION_DEPOSITED_TOPIC, "0xb3813568d9991fc951961fcb4c784893574240a28925604d09fc577c55bb7c32");
  });
});
