import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { Stream } from "@libp2p/interface";
import { lpStream } from "@libp2p/utils";
import fc from "fast-check";
import { bigintToBytes } from "../../src/chain/bytes.ts";
import { encodeRlp } from "../../src/chain/rlp.ts";
import { defaultP2pConfig } from "../../src/p2p/config.ts";
import { encodeMiniBlockMessage } from "../../src/p2p/miniBlockMessage.ts";
import { decodeRangeRequest, encodeRangeRequest } from "../../src/p2p/rangeProtocol.ts";
import { rangeProtocol } from "../../src/p2p/topics.ts";
import { CHAIN_ID, chain } from "./fixtures.ts";
import { Nodes, waitFor } from "./harness.ts";

const fixture = chain(1, 4, 1);
const header = (status: number, count: number) =>
  encodeRlp([bigintToBytes(BigInt(status)), bigintToBytes(BigInt(count))]);
const frame = (i: number) =>
  encodeMiniBlockMessage(fixture.miniBlocks[i] as (typeof fixture.miniBlocks)[number], defaultP2pConfig.compression);

/** How a misbehaving server answers a request for `count` mini-blocks from `from`. */
type Answer = (lp: ReturnType<typeof lpStream<Stream>>, stream: Stream, from: bigint, count: number) => Promise<void>;

const answers: Record<string, Answer> = {
  "more items than asked for": async (lp, _s, _from, count) => {
    await lp.write(header(0, count + 1));
  },
  "an item out of the range": async (lp) => {
    await lp.write(header(0, 1));
    await lp.write(frame(3));
  },
  "items out of order": async (lp) => {
    await lp.write(header(0, 2));
    await lp.write(frame(1));
    await lp.write(frame(0));
  },
  "garbage instead of an item": async (lp) => {
    await lp.write(header(0, 1));
    await lp.write(Uint8Array.of(1, 0, 0xc0));
  },
  "a length prefix beyond the message bound": async (lp, stream) => {
    await lp.write(header(0, 1));
    stream.send(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f));
  },
  "a malformed response header": async (lp) => {
    await lp.write(Uint8Array.of(0xc3, 0x01));
  },
};

describe("range protocol", () => {
  const nodes = new Nodes();
  after(() => nodes.stopAll());

  it("round-trips a request", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.nat({ max: 2 ** 32 - 1 }), (from, count) => {
        assert.deepEqual(decodeRangeRequest(encodeRangeRequest(from, count)), { from, count });
      }),
    );
  });

  for (const [name, answer] of Object.entries(answers)) {
    it(`penalizes a server answering with ${name}, and returns nothing from it`, async () => {
      const server = await nodes.startRaw();
      await server.handle(rangeProtocol(CHAIN_ID, "miniBlocks"), async (stream) => {
        const lp = lpStream(stream);
        const { from, count } = decodeRangeRequest((await lp.read()).subarray());
        await answer(lp, stream, from, count);
        await stream.close();
      });
      const client = await nodes.start({
        listen: ["/ip4/127.0.0.1/tcp/0"],
        bootstrap: server.getMultiaddrs().map(String),
        maxMessageBytes: 64 * 1024,
        requestTimeoutMs: 5_000,
      });
      await waitFor(() => client.connectedPeers().length === 1);
      assert.deepEqual(await client.requestMiniBlocks(0n, 3), []);
      await waitFor(() => client.peerScore(server.peerId.toString()) < 0, 20_000, "server penalized");
    });
  }
});
