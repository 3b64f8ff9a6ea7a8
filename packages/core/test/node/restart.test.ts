/**
 * Which fatal errors a node recovers from in the same process, and with what config: a sequencer after a passed
 * sequencing window starts again on the endpoints it had bound, without the censoring test fault; anything else, and
 * any other role, ends the process.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type NodeProviders, parseNodeConfig as parseWith } from "../../src/node/config.ts";
import { restartConfigAfter } from "../../src/node/restart.ts";
import { SequencingWindowPassedError } from "../../src/sequencer/l1Origins.ts";

/** No DA or settlement provider linked: the memory DA and no settlement, the defaults. */
const providers: NodeProviders = { da: {}, settlement: {} };
const parseNodeConfig = (input: unknown) => parseWith(input, providers);

const endpoints = {
  rpcUrl: "http://127.0.0.1:41234",
  metricsUrl: "http://127.0.0.1:41235/metrics",
  p2pAddresses: ["/ip4/127.0.0.1/tcp/41236/p2p/12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo"],
};

describe("restartConfigAfter", () => {
  it("starts a sequencer again on its bound endpoints, without the censoring fault, after a passed window", () => {
    const config = parseNodeConfig({
      rpc: { port: 0 },
      metrics: { enabled: true, port: 0 },
      p2p: { enabled: true, listen: ["/ip4/127.0.0.1/tcp/0"] },
      sequencer: {
        signerPrivateKey: `0x${"22".repeat(32)}`,
        testFaults: { holdL1OriginAt: 3, wrongStateRootAtBlock: 9 },
      },
    });
    const again = restartConfigAfter(new SequencingWindowPassedError("L1 epoch 4 passed"), config, endpoints);
    assert.ok(again);
    assert.equal(again.rpc.port, 41234);
    assert.equal(again.metrics.port, 41235);
    assert.deepEqual(again.p2p.listen, ["/ip4/127.0.0.1/tcp/41236"]);
    assert.deepEqual(again.sequencer.testFaults, { wrongStateRootAtBlock: 9n });
    assert.equal(again.chain.chainId, config.chain.chainId);
  });

  it("drops an emptied test-fault section, and keeps the config's own ports when nothing was bound", () => {
    const config = parseNodeConfig({ rpc: { port: 8547 }, sequencer: { testFaults: { holdL1OriginAt: 3 } } });
    const again = restartConfigAfter(new SequencingWindowPassedError("passed"), config, {
      rpcUrl: undefined,
      metricsUrl: undefined,
      p2pAddresses: [],
    });
    assert.ok(again);
    assert.equal(again.sequencer.testFaults, undefined);
    assert.equal(again.rpc.port, 8547);
    assert.deepEqual(again.p2p, config.p2p);
  });

  it("keeps the config's port when the bound URL names none (port 80)", () => {
    const config = parseNodeConfig({ rpc: { port: 80 } });
    const again = restartConfigAfter(new SequencingWindowPassedError("passed"), config, {
      ...endpoints,
      rpcUrl: "http://127.0.0.1:80",
    });
    assert.equal(again?.rpc.port, 80);
  });

  it("ends the process on any other error, and for any other role", () => {
    const config = parseNodeConfig({});
    assert.equal(restartConfigAfter(new Error("disk full"), config, endpoints), undefined);
    const replica = parseNodeConfig({
      node: { role: "replica" },
      chain: { genesisTimestamp: "1700000000" },
      p2p: { enabled: true, sequencerAddress: `0x${"11".repeat(20)}` },
      replica: { sequencerRpcUrl: "http://127.0.0.1:8545" },
    });
    assert.equal(restartConfigAfter(new SequencingWindowPassedError("passed"), replica, endpoints), undefined);
  });
});
