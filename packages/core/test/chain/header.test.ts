import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createBlockHeader } from "@ethereumjs/block";
import { createCustomCommon, Hardfork, Mainnet } from "@ethereumjs/common";
import fc from "fast-check";
import { bytesToHex, hexToBytes } from "viem";
import { decodeHeader, encodeHeader, hashHeader } from "../../src/chain/header.ts";
import { RlpDecodeError } from "../../src/chain/rlp.ts";
import { header, plain } from "./arbitraries.ts";

const common = createCustomCommon({ chainId: 6342 }, Mainnet, { hardfork: Hardfork.Prague });

describe("header", () => {
  it("hashes and encodes as @ethereumjs/block does for the same Prague fields", () => {
    fc.assert(
      // @ethereumjs refuses gasUsed > gasLimit even without consensus validation.
      fc.property(
        header.filter((x) => x.gasUsed <= x.gasLimit),
        (h) => {
          const ejs = createBlockHeader(
            {
              parentHash: hexToBytes(h.parentHash),
              uncleHash: hexToBytes(h.ommersHash),
              coinbase: h.beneficiary,
              stateRoot: hexToBytes(h.stateRoot),
              transactionsTrie: hexToBytes(h.transactionsRoot),
              receiptTrie: hexToBytes(h.receiptsRoot),
              logsBloom: h.logsBloom,
              difficulty: h.difficulty,
              number: h.number,
              gasLimit: h.gasLimit,
              gasUsed: h.gasUsed,
              timestamp: h.timestamp,
              extraData: h.extraData,
              mixHash: hexToBytes(h.mixHash),
              nonce: h.nonce,
              baseFeePerGas: h.baseFeePerGas,
              withdrawalsRoot: hexToBytes(h.withdrawalsRoot),
              blobGasUsed: h.blobGasUsed,
              excessBlobGas: h.excessBlobGas,
              parentBeaconBlockRoot: hexToBytes(h.parentBeaconBlockRoot),
              requestsHash: hexToBytes(h.requestsHash),
            },
            { common, skipConsensusFormatValidation: true },
          );
          assert.equal(bytesToHex(encodeHeader(h)), bytesToHex(ejs.serialize()));
          assert.equal(hashHeader(h), bytesToHex(ejs.hash()));
        },
      ),
      { numRuns: 100 },
    );
  });

  it("round-trips through encodeHeader and decodeHeader", () => {
    fc.assert(
      fc.property(header, (h) => {
        assert.deepEqual(decodeHeader(encodeHeader(h)), plain(h));
      }),
      { numRuns: 300 },
    );
  });

  it("rejects headers with missing fields, trailing bytes or a short nonce", () => {
    const h = fc.sample(header, { numRuns: 1, seed: 1 })[0];
    assert.ok(h);
    const raw = encodeHeader(h);
    assert.throws(() => decodeHeader(Uint8Array.from([...raw, 0x80])), RlpDecodeError);
    assert.throws(() => decodeHeader(encodeHeader({ ...h, nonce: new Uint8Array(7) })), RlpDecodeError);
    assert.throws(() => decodeHeader(raw.subarray(0, raw.length - 1)), RlpDecodeError);
  });
});
