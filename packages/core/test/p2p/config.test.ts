import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_P2P_LISTEN,
  defaultP2pConfig,
  p2pConfigSchema,
} from "../../src/p2p/config.ts";
import { P2pConfigError } from "../../src/p2p/errors.ts";
import { generatePeerKey, parsePeerKey, peerIdOfKey } from "../../src/p2p/peerKey.ts";

const PEER = "/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWMwbkxrSa29XNtrCEie4JEbgV8dPsXudcezQMucVxibBR";

describe("p2p config", () => {
  it("defaults to loopback only, no peers, an ephemeral identity and the named limits", () => {
    assert.deepEqual(defaultP2pConfig.listen, DEFAULT_P2P_LISTEN);
    assert.deepEqual(defaultP2pConfig.bootstrap, []);
    assert.equal(defaultP2pConfig.peerKey, undefined);
    assert.equal(defaultP2pConfig.maxMessageBytes, DEFAULT_MAX_MESSAGE_BYTES);
    assert.deepEqual(defaultP2pConfig.compression, { algorithm: "zstd", level: 3, minBytes: 256 });
  });

  it("names the key path of an invalid value", () => {
    const cases: [unknown, string][] = [
      [{ listen: ["not a multiaddr"] }, "listen.0"],
      [{ bootstrap: ["/ip4/127.0.0.1/tcp/4001"] }, "bootstrap.0"],
      [{ bootstrap: [PEER, "/dns4/x"] }, "bootstrap.1"],
      [{ peerKey: "0x123" }, "peerKey"],
      [{ compression: { level: 40 } }, "compression.level"],
      [{ maxRangeMiniBlocks: 0 }, "maxRangeMiniBlocks"],
    ];
    for (const [input, path] of cases) {
      const result = p2pConfigSchema.safeParse(input);
      assert.equal(result.success, false, JSON.stringify(input));
      assert.deepEqual(
        result.error?.issues.map((issue) => issue.path.join(".")),
        [path],
      );
    }
  });

  it("accepts static peers with their ids and QUIC listen addresses", () => {
    const config = p2pConfigSchema.parse({ listen: ["/ip4/127.0.0.1/udp/0/quic-v1"], bootstrap: [PEER] });
    assert.deepEqual(config.bootstrap, [PEER]);
  });

  it("round-trips a generated peer key to a stable peer id, and refuses other bytes", async () => {
    const key = await generatePeerKey();
    assert.ok(p2pConfigSchema.safeParse({ peerKey: key }).success);
    assert.equal(peerIdOfKey(key), peerIdOfKey(key));
    assert.match(peerIdOfKey(key), /^12D3KooW/);
    assert.notEqual(peerIdOfKey(await generatePeerKey()), peerIdOfKey(key));
    assert.throws(() => parsePeerKey("0xdeadbeef"), P2pConfigError);
  });
});
