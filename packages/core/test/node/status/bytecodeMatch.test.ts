import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { bytesToHex, hexToBytes } from "../../../src/chain/bytes.ts";
import {
  type ContractArtifact,
  createBytecodeMatcher,
  metadataRange,
  prepareArtifact,
} from "../../../src/node/status/index.ts";

/** solc's metadata tail: CBOR { ipfs: <34 bytes>, solc: <3 bytes> } and its length (0x0033). */
function metadata(seed: number): string {
  return `a264697066735822${seed.toString(16).padStart(2, "0").repeat(34)}64736f6c634300081c0033`;
}

/** A runtime body: PUSH32 <immutable> at offset 1, then some code. */
const BODY = `7f${"00".repeat(32)}6000526020600060f3`;
const IMMUTABLE = { start: 1, length: 32 };

function artifact(name: string, deployedBytecode: string, immutables = [IMMUTABLE]): ContractArtifact {
  return {
    name,
    abi: [{ type: "event", name: `${name}Happened`, inputs: [] }],
    deployedBytecode,
    immutableReferences: immutables,
    file: `${name}.json`,
  };
}

const deployed = (hex: string) => hexToBytes(`0x${hex}`);

describe("matching runtime code to its build artifact", () => {
  const beacon = artifact("Beacon", `0x${BODY}${metadata(1)}`);
  const other = artifact("Other", `0x${BODY.replace("6020", "6040")}${metadata(1)}`, []);
  const matcher = createBytecodeMatcher([beacon, other]);

  it("matches code equal to an artifact's deployedBytecode", () => {
    assert.equal(matcher.match(deployed(`${BODY.replace("6020", "6040")}${metadata(1)}`))?.name, "Other");
  });

  it("matches code whose immutables the constructor filled in", () => {
    const filled = BODY.replace("00".repeat(32), "ab".repeat(32));
    assert.equal(matcher.match(deployed(`${filled}${metadata(1)}`))?.name, "Beacon");
  });

  it("matches code built with other metadata (comments, paths) of the same length", () => {
    assert.equal(matcher.match(deployed(`${BODY}${metadata(9)}`))?.name, "Beacon");
  });

  it("never matches code that differs outside immutables and metadata, or has another length", () => {
    assert.equal(matcher.match(deployed(`${BODY.replace("6000", "6001")}${metadata(1)}`)), undefined);
    assert.equal(matcher.match(deployed(`${BODY}00${metadata(1)}`)), undefined);
  });

  it("matches a library address in place of a link placeholder", () => {
    const placeholder = `__$${"0a".repeat(17)}$__`;
    const linked = artifact("UsesLib", `0x73${placeholder}6000${metadata(2)}`, []);
    const address = "1234567890abcdef1234567890abcdef12345678";
    assert.equal(createBytecodeMatcher([linked]).match(deployed(`73${address}6000${metadata(2)}`))?.name, "UsesLib");
  });

  it("prepares nothing for artifacts without runtime code (interfaces, abstract contracts) or with bad hex", () => {
    assert.equal(prepareArtifact(artifact("IThing", "0x", [])), undefined);
    assert.equal(prepareArtifact(artifact("Broken", "0xzz", [])), undefined);
    assert.equal(createBytecodeMatcher([artifact("IThing", "0x", [])]).size, 0);
  });

  it("finds solc's metadata tail only where the last two bytes point at a CBOR map", () => {
    const code = deployed(`${BODY}${metadata(1)}`);
    assert.deepEqual(metadataRange(code), { start: code.length - 53, length: 53 });
    assert.equal(metadataRange(deployed("6000600055")), undefined);
  });

  it("for any immutable value, matches; for any change outside the open ranges, does not", () => {
    const bodyBytes = deployed(BODY).length;
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.integer({ min: 33, max: bodyBytes - 1 }),
        (immutable, changedAt) => {
          const code = deployed(`${BODY}${metadata(1)}`);
          code.set(immutable, IMMUTABLE.start);
          assert.equal(matcher.match(code)?.name, "Beacon");
          const changed = hexToBytes(bytesToHex(code));
          changed[changedAt] = ((changed[changedAt] ?? 0) + 1) & 0xff;
          assert.equal(matcher.match(changed), undefined);
        },
      ),
    );
  });
});
