import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { bigintToBytes, bigintToFixedBytes } from "../../src/chain/bytes.ts";
import { signMiniBlock } from "../../src/chain/miniBlockSignature.ts";
import { decodeRlp, encodeRlp, type RlpItem } from "../../src/chain/rlp.ts";
import { SECP256K1_N } from "../../src/chain/signature.ts";
import type { Address } from "../../src/chain/types.ts";
import {
  type Attestation,
  decodeAttestationMessage,
  encodeAttestationMessage,
  MAX_ATTESTATION_SIGNATURE_BYTES,
} from "../../src/p2p/attestationMessage.ts";
import { encodeBlockMessage } from "../../src/p2p/blockMessage.ts";
import { DEFAULT_MAX_MESSAGE_BYTES } from "../../src/p2p/config.ts";
import { P2pMessageError } from "../../src/p2p/errors.ts";
import { decodeFrame, encodeFrame, type FrameCompression } from "../../src/p2p/frame.ts";
import { encodeMiniBlockMessage, sealMiniBlock } from "../../src/p2p/miniBlockMessage.ts";
import { encodeSealedEnvelope, sealEnvelope } from "../../src/p2p/seal.ts";
import {
  type MessageVerification,
  verifyAttestationMessage,
  verifyBlockMessage,
  verifyMiniBlockMessage,
} from "../../src/p2p/validation.ts";
import { encodeMiniBlockRecord } from "../../src/state/records.ts";
import { address, hash32, u64 } from "../chain/arbitraries.ts";
import {
  CHAIN_ID,
  chain,
  expectSequencer,
  impostor,
  OTHER_KEY,
  SEQUENCER_KEY,
  sequencer,
  signed,
  transferMiniBlock,
} from "./fixtures.ts";

const ZSTD: FrameCompression = { algorithm: "zstd", level: 3, minBytes: 256 };
const verification: MessageVerification = {
  chainId: CHAIN_ID,
  expectedSigner: expectSequencer,
  maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
};

function rejection(reason: string, action: "reject" | "ignore" = "reject") {
  return (error: unknown) => {
    assert.ok(error instanceof P2pMessageError, `expected a P2pMessageError, got ${String(error)}`);
    assert.equal(error.reason, reason);
    assert.equal(error.action, action);
    return true;
  };
}

/** Re-frames a sealed body after `edit` changed one of its seven fields. */
function editEnvelope(frame: Uint8Array, edit: (fields: RlpItem[]) => void): Uint8Array {
  const fields = decodeRlp(decodeFrame(frame, DEFAULT_MAX_MESSAGE_BYTES)) as RlpItem[];
  edit(fields);
  return encodeFrame(encodeRlp(fields), ZSTD);
}

describe("mini-block message", () => {
  it("round-trips a sealed mini-block: the mini-block, both signatures and the exact payload", () => {
    const message = signed(transferMiniBlock({ number: 12n, blockNumber: 3n, index: 2, transfers: 5 }));
    const decoded = verifyMiniBlockMessage(encodeMiniBlockMessage(message, ZSTD), verification);
    assert.deepEqual(decoded.payload, message.payload);
    assert.deepEqual(decoded.signature, message.signature);
    assert.deepEqual(decoded.seal, message.seal);
    assert.equal(decoded.sealedAtMs, message.sealedAtMs);
    const { transactions, stateDiff, ...rest } = decoded.miniBlock;
    const { transactions: expectedTransactions, stateDiff: expectedDiff, ...expectedRest } = message.miniBlock;
    assert.deepEqual(rest, expectedRest);
    assert.deepEqual(stateDiff, expectedDiff);
    assert.deepEqual(
      transactions.map((tx) => [tx.hash, tx.from]),
      expectedTransactions.map((tx) => [tx.hash, tx.from]),
    );
  });

  it("round-trips any header fields, compressed or not", () => {
    fc.assert(
      fc.property(
        u64,
        u64,
        fc.nat({ max: 10_000 }),
        u64,
        fc.nat({ max: 3 }),
        fc.boolean(),
        (number, blockNumber, index, timestampUs, transfers, compress) => {
          const mb = transferMiniBlock({ number, blockNumber, index, transfers, timestampUs });
          const message = signed(mb);
          const compression: FrameCompression = compress ? ZSTD : { algorithm: "none", level: 3, minBytes: 0 };
          const decoded = verifyMiniBlockMessage(encodeMiniBlockMessage(message, compression), verification);
          assert.equal(decoded.miniBlock.number, number);
          assert.equal(decoded.miniBlock.blockNumber, blockNumber);
          assert.equal(decoded.miniBlock.index, index);
          assert.equal(decoded.miniBlock.timestampUs, timestampUs);
          assert.deepEqual(decoded.payload, message.payload);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("rejects a message sealed by another key than the block's sequencer", () => {
    const message = signed(transferMiniBlock({ number: 1n, blockNumber: 1n, index: 0, transfers: 1 }), impostor);
    assert.throws(
      () => verifyMiniBlockMessage(encodeMiniBlockMessage(message, ZSTD), verification),
      rejection("wrongSigner"),
    );
  });

  it("rejects a header signature by another key under the sequencer's seal", () => {
    const miniBlock = transferMiniBlock({ number: 1n, blockNumber: 1n, index: 0, transfers: 1 });
    const message = sealMiniBlock({
      chainId: CHAIN_ID,
      miniBlock,
      signature: signMiniBlock(miniBlock, OTHER_KEY),
      signer: sequencer,
    });
    assert.throws(
      () => verifyMiniBlockMessage(encodeMiniBlockMessage(message, ZSTD), verification),
      rejection("wrongSigner"),
    );
  });

  it("rejects a relayed message whose payload or envelope was altered after sealing", () => {
    const frame = encodeMiniBlockMessage(
      signed(transferMiniBlock({ number: 4n, blockNumber: 2n, index: 0, transfers: 2 })),
      ZSTD,
    );
    const edits: ((fields: RlpItem[]) => void)[] = [
      (f) => {
        const payload = Uint8Array.from(f[5] as Uint8Array);
        const at = payload.length - 80;
        payload[at] = (payload[at] as number) ^ 1;
        f[5] = payload;
      },
      (f) => {
        f[3] = bigintToBytes(5n);
      },
      (f) => {
        f[4] = bigintToBytes(1n);
      },
    ];
    for (const edit of edits) {
      assert.throws(
        () => verifyMiniBlockMessage(editEnvelope(frame, edit), verification),
        (error: unknown) => error instanceof P2pMessageError && error.action === "reject",
      );
    }
  });

  it("rejects a sealed envelope that disagrees with its payload", () => {
    const miniBlock = transferMiniBlock({ number: 9n, blockNumber: 2n, index: 1, transfers: 1 });
    const good = signed(miniBlock);
    const envelope = sealEnvelope(
      {
        kind: "miniBlock",
        chainId: CHAIN_ID,
        blockNumber: 2n,
        number: 10n,
        sealedAtMs: good.sealedAtMs,
        payload: good.payload,
      },
      sequencer,
    );
    assert.throws(
      () => verifyMiniBlockMessage(encodeFrame(encodeSealedEnvelope(envelope), ZSTD), verification),
      rejection("inconsistent"),
    );
  });

  it("rejects another chain's messages, a block on the mini-block topic, and malleated (high-s) seals", () => {
    const message = signed(transferMiniBlock({ number: 1n, blockNumber: 1n, index: 0, transfers: 1 }));
    const frame = encodeMiniBlockMessage(message, ZSTD);
    assert.throws(
      () => verifyMiniBlockMessage(frame, { ...verification, chainId: CHAIN_ID + 1n }),
      rejection("wrongChain"),
    );
    const [block] = chain(1, 0, 0).blocks;
    assert.ok(block !== undefined);
    assert.throws(() => verifyMiniBlockMessage(encodeBlockMessage(block, ZSTD), verification), rejection("wrongKind"));
    const malleated = editEnvelope(frame, (f) => {
      const seal = Uint8Array.from(f[6] as Uint8Array);
      seal.set(bigintToFixedBytes(SECP256K1_N - message.seal.s, 32), 32);
      seal[64] = message.seal.yParity ^ 1;
      f[6] = seal;
    });
    assert.throws(() => verifyMiniBlockMessage(malleated, verification), rejection("badSignature"));
    const unsigned = editEnvelope(frame, (f) => {
      f[6] = new Uint8Array(0);
    });
    assert.throws(() => verifyMiniBlockMessage(unsigned, verification), rejection("badSignature"));
  });

  it("ignores (without blame) a message whose expected signer is not known", () => {
    const frame = encodeMiniBlockMessage(
      signed(transferMiniBlock({ number: 1n, blockNumber: 1n, index: 0, transfers: 0 })),
      ZSTD,
    );
    const unknown = (): Address => {
      throw new Error("registry has no signer for this block yet");
    };
    assert.throws(
      () => verifyMiniBlockMessage(frame, { ...verification, expectedSigner: unknown }),
      rejection("unknownSigner", "ignore"),
    );
  });
});

describe("block message", () => {
  it("round-trips a sealed block: header, hash, mini-block span", () => {
    const { blocks } = chain(2, 3, 0);
    for (const block of blocks) {
      const decoded = verifyBlockMessage(encodeBlockMessage(block, ZSTD), verification);
      assert.deepEqual(decoded, block);
    }
  });

  it("rejects a block sealed by another key", () => {
    const [block] = chain(1, 1, 0, undefined, impostor).blocks;
    assert.ok(block !== undefined);
    assert.throws(() => verifyBlockMessage(encodeBlockMessage(block, ZSTD), verification), rejection("wrongSigner"));
  });
});

describe("attestation message", () => {
  const attestationArb: fc.Arbitrary<Attestation> = fc.record({
    chainId: u64,
    blockNumber: u64,
    blockHash: hash32,
    stateRoot: hash32,
    outputRoot: hash32,
    prover: address,
    signature: fc
      .uint8Array({ minLength: 1, maxLength: MAX_ATTESTATION_SIGNATURE_BYTES })
      .map((b) => `0x${Buffer.from(b).toString("hex")}` as const),
  });

  it("round-trips any attestation with its opaque signature", () => {
    fc.assert(
      fc.property(attestationArb, fc.boolean(), (attestation, compress) => {
        const compression: FrameCompression = compress
          ? { ...ZSTD, minBytes: 0 }
          : { algorithm: "none", level: 1, minBytes: 0 };
        const frame = encodeAttestationMessage(attestation, compression);
        assert.deepEqual(decodeAttestationMessage(frame, DEFAULT_MAX_MESSAGE_BYTES), { ...attestation });
      }),
    );
  });

  it("accepts only what the node's verifier accepts, for this chain", () => {
    fc.assert(
      fc.property(attestationArb, fc.boolean(), (attestation, valid) => {
        const frame = encodeAttestationMessage({ ...attestation, chainId: CHAIN_ID }, ZSTD);
        const check = () =>
          verifyAttestationMessage(frame, {
            chainId: CHAIN_ID,
            maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
            verifyAttestation: () => valid,
          });
        if (valid) assert.equal(check().prover, attestation.prover);
        else assert.throws(check, rejection("unverifiedAttestation"));
        const foreign = encodeAttestationMessage({ ...attestation, chainId: CHAIN_ID + 1n }, ZSTD);
        assert.throws(
          () =>
            verifyAttestationMessage(foreign, {
              chainId: CHAIN_ID,
              maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
              verifyAttestation: () => true,
            }),
          rejection("wrongChain"),
        );
      }),
      { numRuns: 30 },
    );
  });

  it("rejects an empty or oversized signature", () => {
    const base: Attestation = {
      chainId: CHAIN_ID,
      blockNumber: 1n,
      blockHash: `0x${"01".repeat(32)}`,
      stateRoot: `0x${"02".repeat(32)}`,
      outputRoot: `0x${"03".repeat(32)}`,
      prover: sequencer.address,
      signature: "0x",
    };
    assert.throws(
      () => decodeAttestationMessage(encodeAttestationMessage(base, ZSTD), DEFAULT_MAX_MESSAGE_BYTES),
      rejection("badSignature"),
    );
    const long = { ...base, signature: `0x${"ab".repeat(MAX_ATTESTATION_SIGNATURE_BYTES + 1)}` as const };
    assert.throws(
      () => decodeAttestationMessage(encodeAttestationMessage(long, ZSTD), DEFAULT_MAX_MESSAGE_BYTES),
      rejection("badSignature"),
    );
  });
});

describe("frame", () => {
  it("round-trips any body and compresses only when it pays", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), fc.nat({ max: 1024 }), (body, minBytes) => {
        const frame = encodeFrame(body, { algorithm: "zstd", level: 3, minBytes });
        assert.deepEqual(decodeFrame(frame, 8192), body);
        if (frame[1] === 1) assert.ok(frame.length < body.length + 2 && body.length >= minBytes);
      }),
    );
  });

  it("rejects bodies that are, or inflate to, more than the limit", () => {
    const zeros = new Uint8Array(1 << 20);
    const bomb = encodeFrame(zeros, { algorithm: "zstd", level: 19, minBytes: 0 });
    assert.ok(bomb.length < 1024, "a megabyte of zeros compresses to a tiny frame");
    assert.throws(() => decodeFrame(bomb, 64 * 1024), rejection("oversized"));
    assert.throws(
      () => decodeFrame(encodeFrame(zeros, { algorithm: "none", level: 1, minBytes: 0 }), 1024),
      rejection("oversized"),
    );
    assert.deepEqual(decodeFrame(bomb, 1 << 20), zeros);
  });

  it("rejects unknown versions, unknown compression and corrupt zstd", () => {
    assert.throws(() => decodeFrame(Uint8Array.of(2, 0, 1), 100), rejection("malformed"));
    assert.throws(() => decodeFrame(Uint8Array.of(1, 7, 1), 100), rejection("malformed"));
    assert.throws(() => decodeFrame(Uint8Array.of(1, 1, 1, 2, 3, 4), 100), rejection("malformed"));
    assert.throws(() => decodeFrame(Uint8Array.of(1), 100), rejection("malformed"));
  });
});

describe("seal", () => {
  it("is deterministic and covers every envelope field", () => {
    const payload = Uint8Array.of(1, 2, 3);
    const fields = { kind: "block" as const, chainId: 1n, blockNumber: 2n, number: 2n, sealedAtMs: 5n, payload };
    const a = sealEnvelope(fields, sequencer);
    assert.deepEqual(sealEnvelope(fields, sequencer).seal, a.seal);
    for (const other of [
      { ...fields, kind: "miniBlock" as const },
      { ...fields, chainId: 2n },
      { ...fields, blockNumber: 3n },
      { ...fields, number: 3n },
      { ...fields, sealedAtMs: 6n },
      { ...fields, payload: Uint8Array.of(1, 2, 4) },
    ]) {
      assert.notDeepEqual(sealEnvelope(other, sequencer).seal, a.seal);
    }
  });
});

describe("sealing with a pre-encoded record", () => {
  it("seals the same bytes whether the record is given or encoded here", () => {
    const miniBlock = transferMiniBlock({ number: 3n, blockNumber: 1n, index: 3, transfers: 2 });
    const signature = signMiniBlock(miniBlock, SEQUENCER_KEY);
    const sealedAtMs = 1_800_000_000_000n;
    const encodedHere = sealMiniBlock({ chainId: CHAIN_ID, miniBlock, signature, signer: sequencer, sealedAtMs });
    const given = sealMiniBlock({
      chainId: CHAIN_ID,
      miniBlock,
      signature,
      signer: sequencer,
      sealedAtMs,
      record: encodeMiniBlockRecord(miniBlock),
    });
    assert.deepEqual(given.payload, encodedHere.payload);
    assert.deepEqual(given.seal, encodedHere.seal);
  });
});
