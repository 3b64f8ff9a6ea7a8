import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { InvalidConfigError, type NodeConfig } from "../../../src/node/config.ts";
import { parseP2pOptions, persistentPeerKey } from "../../../src/node/network/config.ts";
import { peerIdOfKey } from "../../../src/p2p/index.ts";

const section = (options: Record<string, unknown>) => ({ enabled: true, ...options }) as NodeConfig["p2p"];

describe("the node's p2p section", () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("passes the p2p module's options to its schema and names bad keys from the root", () => {
    const options = parseP2pOptions(section({ listen: ["/ip4/127.0.0.1/tcp/9222"], gapGraceMs: 5 }));
    assert.deepEqual(options.listen, ["/ip4/127.0.0.1/tcp/9222"]);
    assert.equal(options.gapGraceMs, 5);
    assert.throws(
      () => parseP2pOptions(section({ listen: ["nowhere"], bootstrap: ["/ip4/127.0.0.1/tcp/1"], lsiten: [] })),
      (error: unknown) =>
        error instanceof InvalidConfigError &&
        /^ {2}p2p\.listen\.0: not a multiaddr/m.test(error.message) &&
        /^ {2}p2p\.bootstrap\.0: /m.test(error.message) &&
        /lsiten/.test(error.message),
    );
  });

  it("keeps a generated peer key in the data directory, so the peer id survives restarts", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mach-peer-key-"));
    dirs.push(dir);
    const options = parseP2pOptions(section({}));
    const first = await persistentPeerKey(options, dir);
    const second = await persistentPeerKey(options, dir);
    assert.ok(first.peerKey);
    assert.equal(second.peerKey, first.peerKey);
    assert.equal(peerIdOfKey(second.peerKey as string), peerIdOfKey(first.peerKey as string));
    const given = await persistentPeerKey({ ...options, peerKey: second.peerKey }, join(dir, "elsewhere"));
    assert.equal(given.peerKey, first.peerKey);
  });
});
