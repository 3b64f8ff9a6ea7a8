import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { Attestation } from "../../src/p2p/attestationMessage.ts";
import type { SignedBlock } from "../../src/p2p/blockMessage.ts";
import { defaultP2pConfig } from "../../src/p2p/config.ts";
import { P2pError } from "../../src/p2p/errors.ts";
import { encodeMiniBlockMessage, type SignedMiniBlock } from "../../src/p2p/miniBlockMessage.ts";
import { MAX_GOSSIP_FRAME_BYTES, type P2pNode } from "../../src/p2p/network.ts";
import { generatePeerKey, peerIdOfKey } from "../../src/p2p/peerKey.ts";
import { chain, impostor, MemoryBlockSource, sequencer } from "./fixtures.ts";
import { Nodes, recordingMetrics, waitFor } from "./harness.ts";

const LOOPBACK = ["/ip4/127.0.0.1/tcp/0"];

/** Records what a node delivers, as `m<number>` / `b<number>`, and keeps it as a block source for others. */
function replicaLog(node: P2pNode): { delivered: string[]; source: MemoryBlockSource } {
  const delivered: string[] = [];
  const source = new MemoryBlockSource();
  node.onMiniBlock((signed: SignedMiniBlock) => {
    delivered.push(`m${signed.miniBlock.number}`);
    source.addMiniBlock(signed);
  });
  node.onBlock((signed: SignedBlock) => {
    delivered.push(`b${signed.header.number}`);
    source.addBlock(signed);
  });
  return { delivered, source };
}

/** `m0 m1 … b1 …` in chain order for a fixture of `blocks` × `perBlock`. */
function chainOrder(blocks: number, perBlock: number): string[] {
  const order: string[] = [];
  for (let b = 0; b < blocks; b++) {
    for (let i = 0; i < perBlock; i++) order.push(`m${b * perBlock + i}`);
    order.push(`b${b + 1}`);
  }
  return order;
}

async function publishChain(publisher: P2pNode, fixture: ReturnType<typeof chain>, perBlock: number): Promise<void> {
  for (const [b, block] of fixture.blocks.entries()) {
    for (const miniBlock of fixture.miniBlocks.slice(b * perBlock, (b + 1) * perBlock)) {
      await publisher.publishMiniBlock(miniBlock);
    }
    await publisher.publishBlock(block);
  }
}

describe("gossip between real libp2p nodes on loopback", () => {
  const nodes = new Nodes();
  after(() => nodes.stopAll());

  it("delivers every mini-block and block, in chain order, to two receivers of one sequencer", async () => {
    const fixture = chain(4, 5, 2);
    const publisher = await nodes.start({ listen: LOOPBACK }, { blockSource: new MemoryBlockSource(fixture) });
    const bootstrap = publisher.multiaddrs();
    const follow = { nextMiniBlock: 0n, nextBlock: 1n };
    const a = await nodes.start({ listen: LOOPBACK, bootstrap }, { follow });
    const b = await nodes.start({ listen: LOOPBACK, bootstrap }, { follow });
    const logA = replicaLog(a);
    const logB = replicaLog(b);
    await waitFor(
      () => publisher.subscribers("miniBlocks").length === 2 && publisher.subscribers("blocks").length === 2,
    );
    await publishChain(publisher, fixture, 5);
    const expected = chainOrder(4, 5);
    await waitFor(() => logA.delivered.length === expected.length && logB.delivered.length === expected.length);
    assert.deepEqual(logA.delivered, expected);
    assert.deepEqual(logB.delivered, expected);
    assert.equal(a.nextMiniBlock, 20n);
    assert.equal(b.nextBlock, 5n);
  });

  it("lets a receiver that joins late catch up by range requests, served by another receiver", async () => {
    const fixture = chain(3, 4, 1);
    const publisher = await nodes.start({ listen: LOOPBACK }, { blockSource: new MemoryBlockSource(fixture) });
    const follow = { nextMiniBlock: 0n, nextBlock: 1n };
    const early = await nodes.start({ listen: LOOPBACK, bootstrap: publisher.multiaddrs() }, { follow });
    const earlyLog = replicaLog(early);
    await waitFor(() => publisher.subscribers("miniBlocks").length === 1);
    // Two blocks go out before the late receiver exists.
    await publishChain(
      publisher,
      { miniBlocks: fixture.miniBlocks.slice(0, 8), blocks: fixture.blocks.slice(0, 2) },
      4,
    );
    await waitFor(() => earlyLog.delivered.length === 10);
    // The late one knows the early receiver only: history comes from its log, not from the sequencer.
    const lateServer = await nodes.start(
      { listen: LOOPBACK, bootstrap: publisher.multiaddrs() },
      { follow, blockSource: earlyLog.source },
    );
    const late = await nodes.start({ listen: LOOPBACK, bootstrap: lateServer.multiaddrs() }, { follow });
    const lateLog = replicaLog(late);
    // The relay forwards to its mesh: wait until the late receiver is in it for both topics.
    await waitFor(
      () =>
        lateServer.meshPeers("miniBlocks").includes(late.peerId) &&
        lateServer.meshPeers("blocks").includes(late.peerId) &&
        publisher.subscribers("miniBlocks").length === 2,
    );
    // The third block's mini-blocks reach the late receiver through the relay; the gap before is fetched by range.
    await publishChain(publisher, { miniBlocks: fixture.miniBlocks.slice(8), blocks: fixture.blocks.slice(2) }, 4);
    const expected = chainOrder(3, 4);
    await waitFor(() => lateLog.delivered.length === expected.length, 20_000, "late receiver catch-up");
    assert.deepEqual(lateLog.delivered, expected);
    assert.ok(earlyLog.source.requests.length > 0, "the early receiver's log served the range");
  });

  it("rejects a publisher sealing with the wrong key: nothing delivered, its score falls below zero", async () => {
    const metrics = recordingMetrics();
    const honest = chain(1, 3, 1);
    const forged = chain(1, 3, 1, undefined, impostor);
    const receiver = await nodes.start({ listen: LOOPBACK }, { follow: { nextMiniBlock: 0n }, metrics });
    const log = replicaLog(receiver);
    const impostorNode = await nodes.start({ listen: LOOPBACK, bootstrap: receiver.multiaddrs() });
    const publisher = await nodes.start({ listen: LOOPBACK, bootstrap: receiver.multiaddrs() });
    await waitFor(
      () => impostorNode.subscribers("miniBlocks").length === 1 && publisher.subscribers("miniBlocks").length === 1,
    );
    for (const miniBlock of forged.miniBlocks) await impostorNode.publishMiniBlock(miniBlock);
    await waitFor(() => metrics.messages.filter((m) => m.reason === "wrongSigner").length === 3);
    await waitFor(() => receiver.peerScore(impostorNode.peerId) < 0, 20_000, "impostor score below zero");
    assert.deepEqual(log.delivered, []);
    for (const miniBlock of honest.miniBlocks) await publisher.publishMiniBlock(miniBlock);
    await waitFor(() => log.delivered.length === 3);
    assert.deepEqual(log.delivered, ["m0", "m1", "m2"]);
    assert.ok(receiver.peerScore(impostorNode.peerId) < 0);
    assert.ok(receiver.peerScore(publisher.peerId) >= 0);
    assert.deepEqual(
      metrics.messages.filter((m) => m.outcome === "reject").map((m) => m.reason),
      ["wrongSigner", "wrongSigner", "wrongSigner"],
    );
  });

  it("bounds range responses by item count and bytes", async () => {
    const fixture = chain(1, 40, 3);
    const server = await nodes.start(
      { listen: LOOPBACK, maxRangeMiniBlocks: 16, maxResponseBytes: 4_000 },
      { blockSource: new MemoryBlockSource(fixture) },
    );
    const client = await nodes.start({ listen: LOOPBACK, bootstrap: server.multiaddrs(), maxRangeMiniBlocks: 64 });
    await waitFor(() => client.connectedPeers().length === 1);
    const items = await client.requestMiniBlocks(5n, 1_000);
    const bytes = items.reduce(
      (sum, item) => sum + encodeMiniBlockMessage(item, defaultP2pConfig.compression).length,
      0,
    );
    assert.ok(items.length >= 1 && items.length < 16, `${items.length} items: the byte bound cut the response short`);
    assert.ok(bytes <= 4_000, `${bytes} bytes`);
    assert.deepEqual(
      items.map((item) => item.miniBlock.number),
      items.map((_, i) => 5n + BigInt(i)),
    );
    const all = await nodes.start(
      { listen: LOOPBACK, maxRangeMiniBlocks: 16 },
      { blockSource: new MemoryBlockSource(fixture) },
    );
    const client2 = await nodes.start({ listen: LOOPBACK, bootstrap: all.multiaddrs() });
    await waitFor(() => client2.connectedPeers().length === 1);
    assert.equal((await client2.requestMiniBlocks(0n, 1_000)).length, 16);
    assert.equal((await client2.requestMiniBlocks(40n, 10)).length, 0);
  });

  it("serves ranges of what it published from the frames it sent, without encoding them again", async () => {
    const fixture = chain(1, 6, 2);
    // A store whose messages cannot be encoded (their payload throws): only frames kept from publishing can be served.
    const unencodable = (signed: SignedMiniBlock): SignedMiniBlock =>
      Object.create(signed, {
        payload: {
          get() {
            throw new Error("encoded again");
          },
        },
      });
    const source = new MemoryBlockSource({ miniBlocks: fixture.miniBlocks.map(unencodable) });
    const cached = await nodes.start({ listen: LOOPBACK }, { blockSource: source });
    const uncached = await nodes.start({ listen: LOOPBACK, frameCacheBytes: 0 }, { blockSource: source });
    for (const miniBlock of fixture.miniBlocks) {
      await cached.publishMiniBlock(miniBlock);
      await uncached.publishMiniBlock(miniBlock);
    }
    const client = await nodes.start({ listen: LOOPBACK, bootstrap: [...cached.multiaddrs()] });
    await waitFor(() => client.connectedPeers().length === 1);
    const served = await client.requestMiniBlocks(0n, 6);
    assert.deepEqual(
      served.map((item) => item.payload),
      fixture.miniBlocks.map((item) => item.payload),
    );
    // The same store behind a node that keeps no frames: encoding fails, the request is refused.
    const client2 = await nodes.start({ listen: LOOPBACK, bootstrap: [...uncached.multiaddrs()] });
    await waitFor(() => client2.connectedPeers().length === 1);
    assert.deepEqual(await client2.requestMiniBlocks(0n, 6), []);
  });

  it("penalizes a peer that serves a range it did not get from the sequencer", async () => {
    const forged = chain(1, 4, 0, undefined, impostor);
    const liar = await nodes.start({ listen: LOOPBACK }, { blockSource: new MemoryBlockSource(forged) });
    const client = await nodes.start({ listen: LOOPBACK, bootstrap: liar.multiaddrs() });
    await waitFor(() => client.connectedPeers().length === 1);
    assert.deepEqual(await client.requestMiniBlocks(0n, 4), []);
    await waitFor(() => client.peerScore(liar.peerId) < 0, 20_000, "liar score below zero");
  });

  it("carries attestations to peers whose verifier accepts them, and rejects the others", async () => {
    const attestation: Attestation = {
      chainId: 901n,
      blockNumber: 7n,
      blockHash: `0x${"07".repeat(32)}`,
      stateRoot: `0x${"08".repeat(32)}`,
      outputRoot: `0x${"09".repeat(32)}`,
      prover: sequencer.address,
      signature: `0x${"ab".repeat(65)}`,
    };
    const accepting = await nodes.start({ listen: LOOPBACK }, { verifyAttestation: (a) => a.signature.length === 132 });
    const received: Attestation[] = [];
    accepting.onAttestation((a) => {
      received.push(a);
    });
    const prover = await nodes.start({ listen: LOOPBACK, bootstrap: accepting.multiaddrs() });
    await waitFor(() => prover.subscribers("attestations").length === 1);
    await prover.publishAttestation({ ...attestation, signature: "0xabcd" });
    await prover.publishAttestation(attestation);
    await waitFor(() => received.length === 1);
    assert.deepEqual(received, [attestation]);
    await waitFor(() => accepting.peerScore(prover.peerId) < 0, 20_000, "prover penalized for the bad attestation");
  });

  it("runs over QUIC when the addresses say so", async () => {
    const fixture = chain(1, 3, 1);
    const publisher = await nodes.start({ listen: ["/ip4/127.0.0.1/udp/0/quic-v1"] });
    assert.match(publisher.multiaddrs()[0] ?? "", /^\/ip4\/127\.0\.0\.1\/udp\/\d+\/quic-v1\/p2p\//);
    const receiver = await nodes.start(
      { listen: ["/ip4/127.0.0.1/udp/0/quic-v1"], bootstrap: publisher.multiaddrs() },
      { follow: { nextMiniBlock: 0n } },
    );
    const log = replicaLog(receiver);
    await waitFor(() => publisher.subscribers("miniBlocks").length === 1);
    for (const miniBlock of fixture.miniBlocks) await publisher.publishMiniBlock(miniBlock);
    await waitFor(() => log.delivered.length === 3);
    assert.deepEqual(log.delivered, ["m0", "m1", "m2"]);
  });

  it("refuses to publish a frame larger than gossip carries, instead of dropping it silently", async () => {
    const publisher = await nodes.start({ listen: LOOPBACK, compression: { algorithm: "none" } });
    const [small] = chain(1, 1, 0).miniBlocks;
    assert.ok(small !== undefined);
    const huge = { ...small, payload: new Uint8Array(MAX_GOSSIP_FRAME_BYTES) };
    await assert.rejects(publisher.publishMiniBlock(huge), P2pError);
  });

  it("listens only where configured, under the identity configured", async () => {
    const peerKey = await generatePeerKey();
    const node = await nodes.start({ listen: ["/ip4/127.0.0.1/tcp/0"], peerKey });
    assert.equal(node.peerId, peerIdOfKey(peerKey));
    const addresses = node.multiaddrs();
    assert.equal(addresses.length, 1);
    assert.match(addresses[0] ?? "", new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/${node.peerId}$`));
  });
});
