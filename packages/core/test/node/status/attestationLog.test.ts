import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Address, Hash } from "../../../src/chain/types.ts";
import { AttestationLog } from "../../../src/node/status/index.ts";
import type { Attestation } from "../../../src/p2p/index.ts";

const root = (byte: string): Hash => `0x${byte.repeat(32)}` as Hash;
const prover = (byte: string): Address => `0x${byte.repeat(20)}` as Address;

function attestation(blockNumber: bigint, who: Address, outputRoot: Hash): Attestation {
  return {
    chainId: 901901n,
    blockNumber,
    blockHash: root("bb"),
    stateRoot: root("cc"),
    outputRoot,
    prover: who,
    signature: "0x00",
  };
}

describe("AttestationLog", () => {
  const own = new Map<bigint, Hash>([
    [10n, root("01")],
    [20n, root("02")],
  ]);

  it("lists attestations newest first, each compared with the node's own output root at that block", () => {
    const log = new AttestationLog(8, (n) => own.get(n));
    log.add(attestation(10n, prover("a1"), root("01")), 100);
    log.add(attestation(20n, prover("a2"), root("ff")), 200);
    log.add(attestation(30n, prover("a1"), root("03")), 300);
    assert.deepEqual(
      log.list().map((entry) => [entry.blockNumber, entry.prover, entry.matchesOwnOutput, entry.receivedAt]),
      [
        [30n, prover("a1"), undefined, 300],
        [20n, prover("a2"), false, 200],
        [10n, prover("a1"), true, 100],
      ],
    );
  });

  it("keeps one entry per prover and block, and at most its capacity", () => {
    const log = new AttestationLog(2, (n) => own.get(n));
    log.add(attestation(10n, prover("a1"), root("01")), 100);
    log.add(attestation(10n, prover("a1"), root("01")), 150);
    assert.deepEqual(
      log.list().map((entry) => entry.receivedAt),
      [150],
    );
    log.add(attestation(10n, prover("a2"), root("01")), 200);
    log.add(attestation(20n, prover("a2"), root("02")), 300);
    assert.deepEqual(
      log.list().map((entry) => [entry.blockNumber, entry.prover]),
      [
        [20n, prover("a2")],
        [10n, prover("a2")],
      ],
    );
  });
});
