import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { orBloomInto } from "../../src/chain/bloom.ts";
import type { MiniBlock } from "../../src/chain/miniBlock.ts";
import { encodeReceipt } from "../../src/chain/receipt.ts";
import { decodeRlp, encodeRlp, type RlpItem } from "../../src/chain/rlp.ts";
import { computeEmptyPathLeafReference } from "../../src/chain/trieRoot.ts";
import type { Address } from "../../src/chain/types.ts";
import { encodeBlockMessage } from "../../src/p2p/blockMessage.ts";
import { DEFAULT_MAX_MESSAGE_BYTES } from "../../src/p2p/config.ts";
import { P2pMessageError } from "../../src/p2p/errors.ts";
import { encodeFrame, type FrameCompression } from "../../src/p2p/frame.ts";
import {
  encodeMiniBlockMessage,
  miniBlockRecordOf,
  type SignedMiniBlock,
  sealMiniBlock,
} from "../../src/p2p/miniBlockMessage.ts";
import {
  createWorkerRangeVerifier,
  inlineRangeVerifier,
  settleFrames,
  takeFirst,
} from "../../src/p2p/rangeVerifier.ts";
import { encodeSealedEnvelope, sealEnvelope } from "../../src/p2p/seal.ts";
import type { RangeKind } from "../../src/p2p/topics.ts";
import type { MessageVerification } from "../../src/p2p/validation.ts";
import { encodedStateDiff } from "../../src/state/diffCodec.ts";
import { encodeMiniBlockRecord } from "../../src/state/records.ts";
import {
  encodedStoredReceipt,
  encodedStoredTransaction,
  StoredReceipt,
  StoredTransaction,
} from "../../src/state/storedItems.ts";
import { CHAIN_ID, chain, expectSequencer, impostor, sequencer, signed } from "./fixtures.ts";

const ZSTD: FrameCompression = { algorithm: "zstd", level: 3, minBytes: 64 };
const NONE: FrameCompression = { algorithm: "none", level: 3, minBytes: 0 };
const verification: MessageVerification = {
  chainId: CHAIN_ID,
  expectedSigner: expectSequencer,
  maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
};

/** The P2pMessageError a verifier throws, as `{action, reason}`. */
async function failureOf(run: () => Promise<unknown>): Promise<{ action: string; reason: string }> {
  try {
    await run();
  } catch (error) {
    assert.ok(error instanceof P2pMessageError, `expected a P2pMessageError, got ${String(error)}`);
    return { action: error.action, reason: error.reason };
  }
  assert.fail("expected the verifier to throw");
}

/**
 * `actual` (a mini-block whose transactions and receipts decode when read) holds what `expected` (decoded in full)
 * does, field by field.
 */
function assertSameMiniBlock(actual: MiniBlock, expected: MiniBlock): void {
  const { transactions, receipts, digest: _digest, ...header } = actual;
  const { transactions: expectedTransactions, receipts: expectedReceipts, ...expectedHeader } = expected;
  assert.deepEqual(header, expectedHeader);
  assert.equal(transactions.length, expectedTransactions.length);
  assert.equal(receipts.length, expectedReceipts.length);
  const sameFields = (item: object, expectedItem: object) => {
    for (const [key, value] of Object.entries(expectedItem)) {
      assert.deepEqual((item as Record<string, unknown>)[key], value, key);
    }
  };
  transactions.forEach((tx, i) => {
    sameFields(tx, expectedTransactions[i] as object);
  });
  receipts.forEach((receipt, i) => {
    sameFields(receipt, expectedReceipts[i] as object);
  });
}

/** The same messages, their mini-blocks compared with `assertSameMiniBlock`. */
function assertSameMessages(actual: readonly SignedMiniBlock[], expected: readonly SignedMiniBlock[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((received, i) => {
    const { miniBlock, ...message } = received;
    const { miniBlock: expectedMiniBlock, ...expectedMessage } = expected[i] as SignedMiniBlock;
    assert.deepEqual(message, expectedMessage);
    assertSameMiniBlock(miniBlock, expectedMiniBlock);
  });
}

/** `bytes` is a view into `whole`'s memory. */
function within(bytes: Uint8Array, whole: Uint8Array): boolean {
  return (
    bytes.buffer === whole.buffer &&
    bytes.byteOffset >= whole.byteOffset &&
    bytes.byteOffset + bytes.length <= whole.byteOffset + whole.length
  );
}

describe("range verifier", () => {
  const worker = createWorkerRangeVerifier();
  after(() => worker.close());
  const fixture = chain(2, 3, 4);
  const miniBlockFrames = fixture.miniBlocks.map((m, i) => encodeMiniBlockMessage(m, i % 2 === 0 ? ZSTD : NONE));
  const blockFrames = fixture.blocks.map((b) => encodeBlockMessage(b, ZSTD));

  it("decodes in the worker what it decodes in place, mini-blocks and blocks", async () => {
    const inPlaceBlocks = await inlineRangeVerifier.verify("blocks", blockFrames, verification);
    assert.deepEqual(await worker.verify("blocks", blockFrames, verification), inPlaceBlocks);
    const inWorker = await worker.verify("miniBlocks", miniBlockFrames, verification);
    assert.equal(inWorker.length, miniBlockFrames.length);
    assertSameMessages(inWorker, await inlineRangeVerifier.verify("miniBlocks", miniBlockFrames, verification));
  });

  it("hands a mini-block over with what its block needs, its transactions and receipts decoded when read", async () => {
    const [received] = (await worker.verify("miniBlocks", [miniBlockFrames[0] as Uint8Array], verification)) as [
      SignedMiniBlock,
    ];
    const [expected] = (await inlineRangeVerifier.verify(
      "miniBlocks",
      [miniBlockFrames[0] as Uint8Array],
      verification,
    )) as [SignedMiniBlock];
    const record = miniBlockRecordOf(received);
    const { transactions, receipts, digest } = received.miniBlock;
    assert.ok(transactions.every((tx) => tx instanceof StoredTransaction));
    assert.ok(receipts.every((receipt) => receipt instanceof StoredReceipt));
    // Its stored forms and the diff's encoding are spans of the record: nothing is encoded again.
    assert.ok(within(encodedStateDiff(received.miniBlock.stateDiff), record));
    for (const tx of transactions) assert.ok(within(encodedStoredTransaction(tx), record));
    for (const receipt of receipts) assert.ok(within(encodedStoredReceipt(receipt), record));
    assert.deepEqual(encodeMiniBlockRecord(received.miniBlock), record);
    // The digest: the roots' leaves (spans of the record), their references hashed in the worker (one buffer for all,
    // equal to fresh hashes), the log counts and the OR'ed bloom.
    assert.ok(digest !== undefined);
    const leaves = [...digest.transactionLeaves, ...digest.receiptLeaves];
    const references = [...(digest.transactionLeafReferences ?? []), ...(digest.receiptLeafReferences ?? [])];
    assert.deepEqual(leaves, [
      ...expected.miniBlock.transactions.map((tx) => tx.raw),
      ...expected.miniBlock.receipts.map(encodeReceipt),
    ]);
    for (const leaf of leaves) assert.ok(within(leaf, record));
    assert.equal(references.length, leaves.length);
    assert.equal(new Set(references.map((reference) => reference.buffer)).size, 1);
    references.forEach((reference, i) => {
      assert.deepEqual(reference, computeEmptyPathLeafReference(leaves[i] as Uint8Array));
    });
    assert.deepEqual(
      digest.logCounts,
      expected.miniBlock.receipts.map((receipt) => receipt.logs.length),
    );
    const bloom = new Uint8Array(256);
    for (const receipt of expected.miniBlock.receipts) orBloomInto(bloom, receipt.logsBloom);
    assert.deepEqual(digest.logsBloom, bloom);
  });

  it("fails a response as gossip validation does, in the same order of checks", async () => {
    const good = miniBlockFrames[0] as Uint8Array;
    const message = fixture.miniBlocks[0] as SignedMiniBlock;
    const foreign = encodeMiniBlockMessage(signed(message.miniBlock, impostor), ZSTD);
    // The payload's numbers are not the envelope's: sealed by the sequencer, and by someone else (whose seal is
    // judged first).
    const misnumbered = (sealer: typeof sequencer) =>
      encodeFrame(
        encodeSealedEnvelope(
          sealEnvelope(
            {
              kind: "miniBlock",
              chainId: CHAIN_ID,
              blockNumber: 1n,
              number: 7n,
              sealedAtMs: message.sealedAtMs,
              payload: message.payload,
            },
            sealer,
          ),
        ),
        ZSTD,
      );
    // A record sealed by the sequencer whose receipts lack fields: its layout is checked before it is applied.
    const truncatedReceipts = (() => {
      const fields = decodeRlp(miniBlockRecordOf(message)) as RlpItem[];
      fields[8] = (fields[8] as RlpItem[][]).map((receipt) => receipt.slice(0, 9));
      return encodeMiniBlockMessage(
        sealMiniBlock({
          chainId: CHAIN_ID,
          miniBlock: message.miniBlock,
          signature: message.signature,
          signer: sequencer,
          sealedAtMs: message.sealedAtMs,
          record: encodeRlp(fields as never),
        }),
        ZSTD,
      );
    })();
    const inconsistent = misnumbered(sequencer);
    const foreignAndInconsistent = misnumbered(impostor);
    const unknownSigner: MessageVerification = {
      ...verification,
      expectedSigner: (): Address => {
        throw new Error("registry not synced");
      },
    };
    const cases: [string, [RangeKind, Uint8Array[], MessageVerification], string][] = [
      ["garbage", ["miniBlocks", [good, Uint8Array.of(1, 2, 3)], verification], "reject/malformed"],
      // The worker answers frame by frame and stops at the first failure: the frames after it are never checked.
      [
        "garbage before good frames",
        ["miniBlocks", [good, Uint8Array.of(1, 2, 3), good, good], verification],
        "reject/malformed",
      ],
      [
        "a block where mini-blocks belong",
        ["miniBlocks", [blockFrames[0] as Uint8Array], verification],
        "reject/wrongKind",
      ],
      ["another chain", ["miniBlocks", [good], { ...verification, chainId: CHAIN_ID + 1n }], "reject/wrongChain"],
      ["a foreign seal", ["miniBlocks", [good, foreign], verification], "reject/wrongSigner"],
      ["an unknown signer", ["miniBlocks", [good], unknownSigner], "ignore/unknownSigner"],
      ["an inconsistent payload", ["miniBlocks", [inconsistent], verification], "reject/inconsistent"],
      ["receipts without their fields", ["miniBlocks", [good, truncatedReceipts], verification], "reject/malformed"],
      ["foreign and inconsistent", ["miniBlocks", [foreignAndInconsistent], verification], "reject/wrongSigner"],
    ];
    for (const [name, [kind, frames, check], expected] of cases) {
      const inPlace = await failureOf(() => inlineRangeVerifier.verify(kind, frames, check));
      const inWorker = await failureOf(() => worker.verify(kind, frames, check));
      assert.equal(`${inPlace.action}/${inPlace.reason}`, expected, `${name}, in place`);
      assert.deepEqual(inWorker, inPlace, `${name}, in the worker`);
    }
    // A response that failed leaves the worker answering the next one whole.
    assertSameMessages(
      await worker.verify("miniBlocks", miniBlockFrames, verification),
      await inlineRangeVerifier.verify("miniBlocks", miniBlockFrames, verification),
    );
  });

  it("takes waiting ranges blocks first, then in chain order, then in the order they came", () => {
    const waiting = [
      { id: 0, kind: "miniBlocks", order: 64n },
      { id: 1, kind: "miniBlocks", order: 32n },
      { id: 2, kind: "blocks", order: 9n },
      { id: 3, kind: "miniBlocks", order: 0n },
      { id: 4, kind: "blocks", order: 1n },
      { id: 5, kind: "miniBlocks", order: 0n },
    ] as const satisfies readonly { id: number; kind: RangeKind; order: bigint }[];
    const queue = [...waiting];
    const taken: number[] = [];
    for (let next = takeFirst(queue); next !== undefined; next = takeFirst(queue)) taken.push(next.id);
    assert.deepEqual(taken, [4, 2, 3, 5, 1, 0]);
  });

  it("answers ranges posted out of chain order, each with its own items", async () => {
    const [fromFour, fromTwo, fromZero, blocks] = await Promise.all([
      worker.verify("miniBlocks", miniBlockFrames.slice(4), verification, 4n),
      worker.verify("miniBlocks", miniBlockFrames.slice(2, 4), verification, 2n),
      worker.verify("miniBlocks", miniBlockFrames.slice(0, 2), verification, 0n),
      worker.verify("blocks", blockFrames, verification, 1n),
    ]);
    assert.deepEqual(
      [fromFour, fromTwo, fromZero].map((items) => items.map((item) => (item as SignedMiniBlock).miniBlock.number)),
      [
        [4n, 5n],
        [2n, 3n],
        [0n, 1n],
      ],
    );
    assert.deepEqual(blocks, await inlineRangeVerifier.verify("blocks", blockFrames, verification));
  });

  it("settles an item whose worker result says the payload failed only after its signer passed", () => {
    assert.throws(
      () =>
        settleFrames(
          [
            {
              blockNumber: 1n,
              sealer: impostor.address.toLowerCase() as Address,
              failure: { stage: "payload", action: "reject", reason: "malformed", details: "x" },
            },
          ],
          verification,
        ),
      (error: unknown) => error instanceof P2pMessageError && error.reason === "wrongSigner",
    );
  });

  it("started at once (startNow), answers as in place", async () => {
    const verifier = createWorkerRangeVerifier({ startNow: true });
    try {
      const items = await verifier.verify("blocks", blockFrames, verification);
      assert.deepEqual(items, await inlineRangeVerifier.verify("blocks", blockFrames, verification));
    } finally {
      await verifier.close();
    }
  });

  it("answers what was waiting in place when it is closed, and starts a new worker after", async () => {
    const verifier = createWorkerRangeVerifier();
    const pending = verifier.verify("miniBlocks", miniBlockFrames, verification);
    await verifier.close();
    assert.equal((await pending).length, miniBlockFrames.length);
    const again = await verifier.verify("blocks", blockFrames, verification);
    assert.deepEqual(again, await inlineRangeVerifier.verify("blocks", blockFrames, verification));
    await verifier.close();
  });
});
