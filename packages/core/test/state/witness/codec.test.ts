import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { zstdCompressSync } from "node:zlib";
import fc from "fast-check";
import type { Hash } from "../../../src/chain/types.ts";
import {
  decodeBlockWitness,
  decodeBlockWitnessString,
  encodeBlockWitness,
  encodeBlockWitnessString,
} from "../../../src/state/witness/codec.ts";
import { InvalidWitnessError } from "../../../src/state/witness/errors.ts";
import type { BlockWitness } from "../../../src/state/witness/types.ts";
import { address as addressArb, hash32, u64 } from "../../chain/arbitraries.ts";

const witnessArb: fc.Arbitrary<BlockWitness> = fc.record({
  blockNumber: u64,
  headers: fc.array(fc.uint8Array({ minLength: 1, maxLength: 600 }), { maxLength: 4 }),
  nodes: fc.array(fc.uint8Array({ minLength: 1, maxLength: 600 }), { maxLength: 12 }),
  codes: fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 4 }),
  accounts: fc.array(
    fc.record({ address: addressArb, slots: fc.array(hash32, { maxLength: 4 }).map((slots) => slots as Hash[]) }),
    { maxLength: 5 },
  ),
});

const plain = (witness: BlockWitness) =>
  JSON.parse(
    JSON.stringify(witness, (_, v) => (typeof v === "bigint" ? `${v}` : v instanceof Uint8Array ? [...v] : v)),
  );

describe("witness codec", () => {
  it("round-trips any witness through its binary and its v0: string form (property)", () => {
    fc.assert(
      fc.property(witnessArb, (witness) => {
        assert.deepEqual(plain(decodeBlockWitness(encodeBlockWitness(witness))), plain(witness));
        const text = encodeBlockWitnessString(witness);
        assert.match(text, /^v0:[A-Za-z0-9+/]*={0,2}$/);
        assert.deepEqual(plain(decodeBlockWitnessString(text)), plain(witness));
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it("rejects a wrong prefix, bad base64, a non-zstd body and random bytes with InvalidWitnessError only", () => {
    for (const text of ["v1:AAAA", "AAAA", "v0:***", "v0:AAA", `v0:${Buffer.from("not zstd").toString("base64")}`]) {
      assert.throws(() => decodeBlockWitnessString(text), InvalidWitnessError, text);
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = `v0:${Buffer.from(zstdCompressSync(bytes)).toString("base64")}`;
        try {
          decodeBlockWitnessString(text);
        } catch (error) {
          assert.ok(error instanceof InvalidWitnessError, (error as Error).name);
        }
      }),
      { seed: 8, numRuns: 300 },
    );
  });
});
