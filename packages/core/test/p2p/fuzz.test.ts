import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { multiaddr } from "@multiformats/multiaddr";
import fc from "fast-check";
import { decodeRlp, encodeRlp, type RlpItem } from "../../src/chain/rlp.ts";
import { encodeAttestationMessage } from "../../src/p2p/attestationMessage.ts";
import { encodeBlockMessage } from "../../src/p2p/blockMessage.ts";
import { DEFAULT_MAX_MESSAGE_BYTES } from "../../src/p2p/config.ts";
import { P2pMessageError } from "../../src/p2p/errors.ts";
import { decodeFrame, encodeFrame, type FrameCompression } from "../../src/p2p/frame.ts";
import { encodeMiniBlockMessage, type SignedMiniBlock } from "../../src/p2p/miniBlockMessage.ts";
import { gossipTopic } from "../../src/p2p/topics.ts";
import {
  type MessageVerification,
  verifyAttestationMessage,
  verifyBlockMessage,
  verifyMiniBlockMessage,
} from "../../src/p2p/validation.ts";
import { CHAIN_ID, chain, expectSequencer, sequencer } from "./fixtures.ts";
import { Nodes, recordingMetrics, waitFor } from "./harness.ts";

const verification: MessageVerification = {
  chainId: CHAIN_ID,
  expectedSigner: expectSequencer,
  maxMessageBytes: 64 * 1024,
};
const RAW: FrameCompression = { algorithm: "none", level: 1, minBytes: 0 };
const ZSTD: FrameCompression = { algorithm: "zstd", level: 3, minBytes: 0 };

const fixture = chain(2, 2, 2);
const validMiniBlocks = fixture.miniBlocks.flatMap((m) => [
  encodeMiniBlockMessage(m, RAW),
  encodeMiniBlockMessage(m, ZSTD),
]);
const validBlocks = fixture.blocks.flatMap((b) => [encodeBlockMessage(b, RAW), encodeBlockMessage(b, ZSTD)]);
const validAttestation = encodeAttestationMessage(
  {
    chainId: CHAIN_ID,
    blockNumber: 1n,
    blockHash: fixture.blocks[0]?.hash ?? "0x",
    stateRoot: `0x${"01".repeat(32)}`,
    outputRoot: `0x${"02".repeat(32)}`,
    prover: sequencer.address,
    signature: `0x${"cd".repeat(65)}`,
  },
  RAW,
);

type Mutation =
  | { readonly op: "flip"; readonly at: number; readonly bit: number }
  | { readonly op: "truncate"; readonly at: number }
  | { readonly op: "insert"; readonly at: number; readonly bytes: Uint8Array }
  | { readonly op: "overwrite"; readonly at: number; readonly bytes: Uint8Array };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("flip" as const), at: fc.nat(), bit: fc.nat({ max: 7 }) }),
  fc.record({ op: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("insert" as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({
    op: fc.constant("overwrite" as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
);

function mutate(input: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let bytes = Uint8Array.from(input);
  for (const m of mutations) {
    const at = bytes.length === 0 ? 0 : m.at % bytes.length;
    switch (m.op) {
      case "flip":
        if (bytes.length > 0) bytes[at] = (bytes[at] as number) ^ (1 << m.bit);
        break;
      case "truncate":
        bytes = bytes.slice(0, at);
        break;
      case "insert":
        bytes = Uint8Array.from([...bytes.subarray(0, at), ...m.bytes, ...bytes.subarray(at)]);
        break;
      case "overwrite":
        bytes.set(m.bytes.subarray(0, Math.max(0, bytes.length - at)), at);
        break;
    }
  }
  return bytes;
}

/** Replaces one leaf of the body's RLP tree (chosen by `pick`) with `value`, then re-frames: structure-aware. */
function mutateField(frame: Uint8Array, pick: number, value: Uint8Array, compression: FrameCompression): Uint8Array {
  const body = decodeFrame(frame, DEFAULT_MAX_MESSAGE_BYTES);
  const tree = decodeRlp(body);
  const leaves: { parent: RlpItem[]; index: number }[] = [];
  const walk = (item: RlpItem) => {
    if (!Array.isArray(item)) return;
    item.forEach((child, index) => {
      if (Array.isArray(child)) walk(child);
      else leaves.push({ parent: item, index });
    });
  };
  walk(tree);
  const leaf = leaves[pick % leaves.length];
  if (leaf !== undefined) leaf.parent[leaf.index] = value;
  return encodeFrame(encodeRlp(tree), compression);
}

/** Runs a validator; a result must be exactly one of the messages the sequencer sealed. */
function assertDropsOrIsOriginal(bytes: Uint8Array): void {
  for (const verify of [verifyMiniBlockMessage, verifyBlockMessage] as const) {
    try {
      const result = verify(bytes, verification);
      const original = [...fixture.miniBlocks, ...fixture.blocks].find(
        (m) => Buffer.compare(Buffer.from(m.payload), Buffer.from(result.payload)) === 0,
      );
      assert.ok(original !== undefined, "a message that verifies must be one the sequencer sealed");
      assert.deepEqual(result.seal, original.seal);
    } catch (error) {
      assert.ok(error instanceof P2pMessageError, `${(error as Error)?.name}: ${(error as Error)?.message}`);
      assert.notEqual(error.reason, "internal");
    }
  }
  try {
    verifyAttestationMessage(bytes, { chainId: CHAIN_ID, maxMessageBytes: 64 * 1024, verifyAttestation: () => false });
    assert.fail("the verifier accepts nothing");
  } catch (error) {
    assert.ok(error instanceof P2pMessageError, `${(error as Error)?.name}: ${(error as Error)?.message}`);
  }
}

describe("fuzzing the p2p codecs and validator", () => {
  it("drops random bytes with a P2pMessageError, never another exception", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 512 }),
          fc.uint8Array({ maxLength: 512 }).map((b) => Uint8Array.from([1, 0, ...b])),
          fc.uint8Array({ maxLength: 512 }).map((b) => Uint8Array.from([1, 1, ...b])),
        ),
        (bytes) => assertDropsOrIsOriginal(bytes),
      ),
      { numRuns: 500 },
    );
  });

  it("drops every byte-level mutation of valid messages, or recognizes the original", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...validMiniBlocks, ...validBlocks, validAttestation),
        fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
        (frame, mutations) => assertDropsOrIsOriginal(mutate(frame, mutations)),
      ),
      { numRuns: 500 },
    );
  });

  it("drops every field-level mutation of valid messages (re-encoded, so the RLP stays well-formed)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...validMiniBlocks, ...validBlocks),
        fc.nat(),
        fc.uint8Array({ maxLength: 40 }),
        fc.boolean(),
        (frame, pick, value, compress) => {
          const mutated = mutateField(frame, pick, value, compress ? ZSTD : RAW);
          assertDropsOrIsOriginal(mutated);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("fuzzing through a real gossip link", () => {
  const nodes = new Nodes();
  after(() => nodes.stopAll());

  it("a receiver fed random and mutated gossip delivers only the sequencer's chain, in order", async () => {
    const metrics = recordingMetrics();
    const receiver = await nodes.start(
      { listen: ["/ip4/127.0.0.1/tcp/0"] },
      { follow: { nextMiniBlock: 0n, nextBlock: 1n }, metrics },
    );
    const delivered: string[] = [];
    receiver.onMiniBlock((m: SignedMiniBlock) => {
      delivered.push(`m${m.miniBlock.number}`);
    });
    receiver.onBlock((b) => {
      delivered.push(`b${b.header.number}`);
    });
    // The attacker speaks plain gossipsub: whatever bytes it likes, on the receiver's topics.
    const attacker = await nodes.startRaw();
    await attacker.dial(multiaddr(receiver.multiaddrs()[0] ?? ""));
    const topics = [gossipTopic(CHAIN_ID, "miniBlocks"), gossipTopic(CHAIN_ID, "blocks")];
    await waitFor(() => topics.every((topic) => attacker.services.pubsub.getSubscribers(topic).length === 1));
    const samples = fc.sample(
      fc.oneof(
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc
          .tuple(
            fc.constantFrom(...validMiniBlocks, ...validBlocks),
            fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
          )
          .map(([frame, mutations]) => mutate(frame, mutations)),
      ),
      { numRuns: 40, seed: 42 },
    );
    let sent = 0;
    for (const [i, bytes] of samples.entries()) {
      if (bytes.length === 0) continue;
      await attacker.services.pubsub.publish(topics[i % 2] as string, bytes);
      sent++;
    }
    assert.ok(sent > 30);
    // Until graylisted, every message the attacker sends is judged; none may be delivered or crash the receiver.
    await waitFor(() => receiver.peerScore(attacker.peerId.toString()) < -200, 20_000, "attacker graylisted");
    assert.deepEqual(delivered, []);
    assert.ok(metrics.messages.length >= 5, `${metrics.messages.length} messages judged`);
    assert.ok(metrics.messages.every((m) => m.outcome !== "accept" && m.reason !== "internal"));
    // The honest chain still gets through, untouched.
    const publisher = await nodes.start({ listen: ["/ip4/127.0.0.1/tcp/0"], bootstrap: receiver.multiaddrs() });
    await waitFor(
      () => publisher.subscribers("miniBlocks").length === 1 && publisher.subscribers("blocks").length === 1,
    );
    for (const [b, block] of fixture.blocks.entries()) {
      for (const m of fixture.miniBlocks.slice(b * 2, b * 2 + 2)) await publisher.publishMiniBlock(m);
      await publisher.publishBlock(block);
    }
    await waitFor(() => delivered.length === 6);
    assert.deepEqual(delivered, ["m0", "m1", "b1", "m2", "m3", "b2"]);
  });
});
