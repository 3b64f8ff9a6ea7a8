import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getAddress, zeroAddress } from "viem";
import { connectMachL1 } from "../test-helpers/setup.ts";

describe("ProverRegistry", async () => {
  const l1 = await connectMachL1();
  const { alice, stranger } = l1.accounts;
  const [p0, p1, p2] = l1.provers.map((p) => getAddress(p.address));
  if (!p0 || !p1 || !p2) throw new Error("provers");

  it("starts with the deployed provers and quorum", async () => {
    const { registry } = await l1.fresh();
    assert.deepEqual(
      (await registry.read.provers()).map((p) => getAddress(p)),
      [p0, p1, p2],
    );
    assert.equal(await registry.read.isProver([p0]), true);
    assert.equal(await registry.read.isProver([alice.account.address]), false);
    assert.equal(await registry.read.quorum(), 2n);
  });

  it("adds and removes provers with events", async () => {
    const { registry } = await l1.fresh();
    await l1.viem.assertions.emitWithArgs(registry.write.addProver([alice.account.address]), registry, "ProverAdded", [
      getAddress(alice.account.address),
    ]);
    assert.equal(await registry.read.proverCount(), 4n);
    await l1.viem.assertions.emitWithArgs(registry.write.removeProver([p0]), registry, "ProverRemoved", [p0]);
    assert.equal(await registry.read.isProver([p0]), false);
    assert.deepEqual(
      new Set((await registry.read.provers()).map((p) => getAddress(p))),
      new Set([p1, p2, getAddress(alice.account.address)]),
    );
  });

  it("rejects duplicate, unknown and zero provers", async () => {
    const { registry } = await l1.fresh();
    await l1.viem.assertions.revertWithCustomErrorWithArgs(registry.write.addProver([p0]), registry, "AlreadyProver", [
      p0,
    ]);
    await l1.viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.removeProver([alice.account.address]),
      registry,
      "NotProver",
      [getAddress(alice.account.address)],
    );
    await l1.viem.assertions.revertWithCustomError(registry.write.addProver([zeroAddress]), registry, "ZeroAddress");
  });

  it("keeps 1 <= quorum <= prover count", async () => {
    const { registry } = await l1.fresh();
    await l1.viem.assertions.emitWithArgs(registry.write.setQuorum([3n]), registry, "QuorumChanged", [2n, 3n]);
    await l1.viem.assertions.revertWithCustomErrorWithArgs(registry.write.setQuorum([4n]), registry, "InvalidQuorum", [
      4n,
      3n,
    ]);
    await l1.viem.assertions.revertWithCustomErrorWithArgs(registry.write.setQuorum([0n]), registry, "InvalidQuorum", [
      0n,
      3n,
    ]);
    await l1.viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.removeProver([p0]),
      registry,
      "InvalidQuorum",
      [3n, 2n],
    );
  });

  it("refuses a deployment whose quorum the provers cannot reach", async () => {
    await l1.fresh();
    await assert.rejects(l1.viem.deployContract("ProverRegistry", [alice.account.address, [p0], 2n]), /InvalidQuorum/);
  });

  it("leaves changes to the owner", async () => {
    const { registry } = await l1.fresh();
    await l1.viem.assertions.revertWithCustomError(
      registry.write.addProver([stranger.account.address], { account: stranger.account }),
      registry,
      "Unauthorized",
    );
    await l1.viem.assertions.revertWithCustomError(
      registry.write.removeProver([p0], { account: stranger.account }),
      registry,
      "Unauthorized",
    );
    await l1.viem.assertions.revertWithCustomError(
      registry.write.setQuorum([1n], { account: stranger.account }),
      registry,
      "Unauthorized",
    );
    await registry.write.transferOwnership([stranger.account.address]);
    await registry.write.setQuorum([1n], { account: stranger.account });
    assert.equal(await registry.read.quorum(), 1n);
  });
});
