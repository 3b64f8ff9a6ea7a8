import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { bytesToHex } from "../../src/chain/bytes.ts";
import type { Address, Hash } from "../../src/chain/types.ts";
import { formatOutputRecord, type OutputRecord, parseOutputRecord } from "../../src/settlement/outputs.ts";
import { formatOutputProposal, type OutputProposal, parseOutputProposal } from "../../src/settlement/proposals.ts";

const hash = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => bytesToHex(b) as Hash);
const address = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => bytesToHex(b) as Address);
const uint64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });

const outputRecord: fc.Arbitrary<OutputRecord> = fc.record(
  {
    l2BlockNumber: uint64,
    blockHash: hash,
    parentHash: hash,
    timestamp: uint64,
    stateRoot: hash,
    messagePasserStorageRoot: hash,
    outputRoot: hash,
  },
  { noNullPrototype: true },
);

const proposal: fc.Arbitrary<OutputProposal> = fc.record(
  {
    l2BlockNumber: uint64,
    outputRoot: hash,
    status: fc.constantFrom("pending", "proposed", "defenderWins", "challengerWins"),
    game: address,
    gameIndex: uint64,
    bond: fc.bigInt({ min: 0n, max: 2n ** 128n }),
    l1TransactionHash: hash,
    attestedAt: uint64,
    resolvedAt: uint64,
    bondClaimed: fc.constant(true),
    recordedAtMs: fc.nat(),
    proposedAtMs: fc.nat(),
    resolvedAtMs: fc.nat(),
  },
  {
    requiredKeys: ["l2BlockNumber", "outputRoot", "status", "recordedAtMs"],
    noNullPrototype: true,
  },
);

describe("output records and proposals as stored JSON", () => {
  it("output records round-trip", () => {
    fc.assert(
      fc.property(outputRecord, (record) => {
        assert.deepEqual(parseOutputRecord(JSON.parse(JSON.stringify(formatOutputRecord(record)))), record);
      }),
    );
  });

  it("proposals round-trip, absent fields staying absent", () => {
    fc.assert(
      fc.property(proposal, (value) => {
        assert.deepEqual(parseOutputProposal(JSON.parse(JSON.stringify(formatOutputProposal(value)))), value);
      }),
    );
  });
});
