import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { daProviderIds } from "@mach/contracts";
import { getAddress } from "viem";
import { attachMachL1 } from "../src/index.ts";
import { l2ChainId, startTestL1, type TestL1 } from "./helpers/l1.ts";

describe("attachMachL1", () => {
  let l1: TestL1;
  before(async () => {
    l1 = await startTestL1({ devnetDACertVerifier: true });
  });
  after(async () => {
    await l1.close();
  });

  it("reads the deployment through typed instances at the deployed addresses", async () => {
    const mach = attachMachL1({ publicClient: l1.publicClient, addresses: l1.addresses });
    assert.equal(mach.portal.address, l1.addresses.portal);
    assert.equal(mach.systemConfig.address, l1.addresses.systemConfig);
    assert.equal(getAddress(await mach.systemConfig.read.batcher()), getAddress(l1.accounts.batcher.account.address));
    assert.equal(getAddress(await mach.batchInbox.read.systemConfig()), l1.addresses.systemConfig);
    assert.equal(await mach.portal.read.version(), "3.10.0");
    assert.equal(await mach.portal.read.respectedGameType(), l1.addresses.gameType);
    assert.equal(getAddress(await mach.portal.read.disputeGameFactory()), l1.addresses.disputeGameFactory);
    assert.equal(
      getAddress(await mach.disputeGameFactory.read.gameImpls([l1.addresses.gameType])),
      l1.addresses.machOutputGameImpl,
    );
    assert.equal(await mach.proverRegistry.read.quorum(), 2n);
    assert.deepEqual(
      (await mach.proverRegistry.read.provers()).map((a) => getAddress(a)),
      l1.provers.map((p) => p.address),
    );
    assert.equal(getAddress(await mach.outputVerifier.read.registry()), l1.addresses.proverRegistry);
    assert.equal(getAddress(await mach.batchInbox.read.batcher()), getAddress(l1.accounts.batcher.account.address));
    assert.ok(mach.devnetDACertVerifier);
    assert.equal(
      getAddress(await mach.batchInbox.read.daCertVerifiers([daProviderIds.eigenda])),
      mach.devnetDACertVerifier.address,
    );
    const impl = mach.outputGame(l1.addresses.machOutputGameImpl);
    assert.equal(await impl.read.l2ChainId(), l2ChainId);
  });

  it("writes through the wallet client when one is given", async () => {
    const mach = attachMachL1({
      publicClient: l1.publicClient,
      walletClient: l1.accounts.batcher,
      addresses: l1.addresses,
    });
    const hash = await mach.batchInbox.write.submitBatch([1n, 3n, daProviderIds.memory, "0x00000100000001ff"], {
      account: l1.accounts.batcher.account,
      chain: l1.accounts.batcher.chain,
    });
    const receipt = await l1.publicClient.waitForTransactionReceipt({ hash });
    assert.equal(receipt.status, "success");
    assert.equal(await mach.batchInbox.read.lastL2Block(), 3n);
  });
});
