import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { encodeReceipt } from "../../src/chain/receipt.ts";
import { emptyPathLeafReference } from "../../src/chain/trieRoot.ts";
import type { Address } from "../../src/chain/types.ts";
import { encodeBlockMessage } from "../../src/p2p/blockMessage.ts";
import { DEFAULT_MAX_MESSAGE_BYTES } from "../../src/p2p/config.ts";
import { P2pMessageError } from "../../src/p2p/errors.ts";
import { encodeFrame, type FrameCompression } from "../../src/p2p/frame.ts";
import { encodeMiniBlockMessage, miniBlockRecordOf, type SignedMiniBlock } from "../../src/p2p/miniBlockMessage.ts";
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
import { encodeMiniBlockRecord, keepMiniBlockRecordForms } from "../../src/state/records.ts";
import { CHAIN_ID, chain, expectSequencer, impostor, sequencer, signed, transferMiniBlock } from "./fixtures.ts";

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
    for (const [kind, frames] of [
      ["miniBlocks", miniBlockFrames],
      ["blocks", blockFrames],
    ] as const) {
      const inPlace = await inlineRangeVerifier.verify(kind, frames, verification);
      const inWorker = await worker.verify(kind, frames, verification);
      assert.equal(inWorker.length, frames.length);
      assert.deepEqual(inWorker, inPlace);
    }
  });

  it("re-attaches the record's encodings to a mini-block decoded in the worker", async () => {
    const [received] = (await worker.verify("miniBlocks", [miniBlockFrames[0] as Uint8Array], verification)) as [
      SignedMiniBlock,
    ];
    const record = miniBlockRecordOf(received);
    // Each kept encoding is a span of the record the worker decoded: nothing was encoded again.
    assert.ok(within(encodedStateDiff(received.miniBlock.stateDiff), record));
    for (const receipt of received.miniBlock.receipts) assert.ok(within(encodeReceipt(receipt), record));
    assert.deepEqual(encodeMiniBlockRecord(received.miniBlock), record);
    // The leaves its block's roots hash came hashed from the worker (one buffer for all), equal to fresh hashes.
    const { transactions, receipts } = received.miniBlock;
    const values = [...transactions.map((tx) => tx.raw), ...receipts.map(encodeReceipt)];
    const references = values.map(emptyPathLeafReference);
    assert.equal(new Set(references.map((reference) => reference.buffer)).size, 1);
    references.forEach((reference, i) => {
      assert.deepEqual(reference, emptyPathLeafReference((values[i] as Uint8Array).slice()));
    });
  });

  it("keepMiniBlockRecordForms keeps spans equal to fresh encodings", () => {
    const source = signed(transferMiniBlock({ number: 4n, blockNumber: 2n, index: 0, transfers: 5 }));
    const record = miniBlockRecordOf(source);
    const copy = structuredClone(source.miniBlock);
    const fresh = copy.receipts.map((receipt) => encodeReceipt(structuredClone(receipt)));
    keepMiniBlockRecordForms(copy, record);
    copy.receipts.forEach((receipt, i) => {
      assert.ok(within(encodeReceipt(receipt), record));
      assert.deepEqual(encodeReceipt(receipt), fresh[i]);
    });
    assert.deepEqual(encodeMiniBlockRecord(copy), record);
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
      ["foreign and inconsistent", ["miniBlocks", [foreignAndInconsistent], verification], "reject/wrongSigner"],
    ];
    for (const [name, [kind, frames, check], expected] of cases) {
      const inPlace = await failureOf(() => inlineRangeVerifier.verify(kind, frames, check));
      const inWorker = await failureOf(() => worker.verify(kind, frames, check));
      assert.equal(`${inPlace.action}/${inPlace.reason}`, expected, `${name}, in place`);
      assert.deepEqual(inWorker, inPlace, `${name}, in the worker`);
    }
    // A response that failed leaves the worker answering the next one whole.
    assert.deepEqual(
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
          "blocks",
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
