import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getAddress, type Hex, keccak256, zeroAddress } from "viem";
import { daCertStatus, daProviderIds, toBatcherHash } from "../generated/index.ts";
import { connectMachL1 } from "../test-helpers/setup.ts";

const pointer: Hex = "0x01abcdef";

describe("BatchInbox", async () => {
  const l1 = await connectMachL1();
  const { batcher, stranger } = l1.accounts;

  it("records a batch's L2 block range, DA provider and pointer and emits it for derivation", async () => {
    const { inbox } = await l1.fresh();
    await l1.viem.assertions.emitWithArgs(
      inbox.write.submitBatch([1n, 10n, daProviderIds.celestia, pointer], { account: batcher.account }),
      inbox,
      "BatchSubmitted",
      [0n, 1n, 10n, daProviderIds.celestia, pointer],
    );
    const block = await l1.publicClient.getBlockNumber();
    assert.deepEqual(await inbox.read.batches([0n]), {
      firstL2Block: 1n,
      lastL2Block: 10n,
      l1BlockNumber: block,
      daProvider: daProviderIds.celestia,
      daPointerHash: keccak256(pointer),
    });
    assert.equal(await inbox.read.batchCount(), 1n);
    assert.equal(await inbox.read.lastL2Block(), 10n);
    await inbox.write.submitBatch([11n, 11n, daProviderIds.memory, "0x02"], { account: batcher.account });
    assert.equal(await inbox.read.lastL2Block(), 11n);
    const logs = await l1.publicClient.getContractEvents({
      address: inbox.address,
      abi: inbox.abi,
      eventName: "BatchSubmitted",
      fromBlock: 0n,
    });
    assert.deepEqual(
      logs.map((l) => [l.args.batchIndex, l.args.firstL2Block, l.args.lastL2Block, l.args.daPointer]),
      [
        [0n, 1n, 10n, pointer],
        [1n, 11n, 11n, "0x02"],
      ],
    );
  });

  it("accepts writes from the batcher only", async () => {
    const { inbox } = await l1.fresh();
    await l1.viem.assertions.revertWithCustomError(
      inbox.write.submitBatch([1n, 2n, 0, pointer], { account: stranger.account }),
      inbox,
      "NotBatcher",
    );
  });

  it("rejects inverted ranges, gaps, block 0 and empty pointers", async () => {
    const { inbox } = await l1.fresh();
    const as = { account: batcher.account };
    await l1.viem.assertions.revertWithCustomErrorWithArgs(
      inbox.write.submitBatch([5n, 4n, 0, pointer], as),
      inbox,
      "InvalidBlockRange",
      [5n, 4n],
    );
    await l1.viem.assertions.revertWithCustomError(
      inbox.write.submitBatch([1n, 4n, 0, "0x"], as),
      inbox,
      "EmptyPointer",
    );
    await inbox.write.submitBatch([1n, 4n, 0, pointer], as);
    await l1.viem.assertions.revertWithCustomErrorWithArgs(
      inbox.write.submitBatch([6n, 7n, 0, pointer], as),
      inbox,
      "NonContiguousRange",
      [5n, 6n],
    );
    await l1.viem.assertions.revertWithCustomErrorWithArgs(
      inbox.write.submitBatch([0n, 7n, 0, pointer], as),
      inbox,
      "NonContiguousRange",
      [5n, 0n],
    );
  });

  it("records blocks again from an earlier block (a sequencer rebuilt them after a rewind), never past a gap", async () => {
    const { inbox } = await l1.fresh();
    const as = { account: batcher.account };
    await inbox.write.submitBatch([1n, 4n, 0, pointer], as);
    await inbox.write.submitBatch([5n, 9n, 0, pointer], as);
    await inbox.write.submitBatch([5n, 6n, 0, "0xbeef"], as);
    assert.equal(await inbox.read.batchCount(), 3n);
    assert.equal(await inbox.read.lastL2Block(), 6n);
    await l1.viem.assertions.revertWithCustomErrorWithArgs(
      inbox.write.submitBatch([8n, 9n, 0, pointer], as),
      inbox,
      "NonContiguousRange",
      [7n, 8n],
    );
    await inbox.write.submitBatch([7n, 9n, 0, pointer], as);
    assert.equal(await inbox.read.lastL2Block(), 9n);
  });

  it("refuses the newest batch submitted again (a retry whose first attempt landed), not an earlier one rebuilt", async () => {
    const { inbox } = await l1.fresh();
    const as = { account: batcher.account };
    await inbox.write.submitBatch([1n, 4n, 0, pointer], as);
    await l1.viem.assertions.revertWithCustomErrorWithArgs(
      inbox.write.submitBatch([1n, 4n, 0, pointer], as),
      inbox,
      "BatchAlreadyRecorded",
      [0n],
    );
    // The same range with another pointer or provider is a rebuilt batch, recorded over the newest one.
    await inbox.write.submitBatch([1n, 4n, 0, "0xbeef"], as);
    await inbox.write.submitBatch([1n, 4n, daProviderIds.celestia, "0xbeef"], as);
    assert.equal(await inbox.read.batchCount(), 3n);
  });

  it("checks EigenDA certificates with the configured checkDACert verifier", async () => {
    const { inbox, addresses } = await l1.fresh();
    assert.ok(addresses.devnetDACertVerifier);
    const certs = await l1.viem.getContractAt("DevnetDACertVerifier", addresses.devnetDACertVerifier);
    assert.equal(getAddress(await inbox.read.daCertVerifiers([daProviderIds.eigenda])), addresses.devnetDACertVerifier);
    assert.equal(await certs.read.checkDACert([pointer]), daCertStatus.success);
    await certs.write.setRejected([keccak256(pointer), true]);
    assert.equal(await certs.read.checkDACert([pointer]), daCertStatus.invalidCert);
    await l1.viem.assertions.revertWithCustomErrorWithArgs(
      inbox.write.submitBatch([1n, 1n, daProviderIds.eigenda, pointer], { account: batcher.account }),
      inbox,
      "InvalidDACert",
      [daCertStatus.invalidCert],
    );
    // Other providers have no check.
    await inbox.write.submitBatch([1n, 1n, daProviderIds.celestia, pointer], { account: batcher.account });
    await inbox.write.submitBatch([2n, 2n, daProviderIds.eigenda, "0x02"], { account: batcher.account });
    await inbox.write.setDACertVerifier([daProviderIds.eigenda, zeroAddress]);
    await inbox.write.submitBatch([3n, 3n, daProviderIds.eigenda, pointer], { account: batcher.account });
  });

  it("rejects certificates over 262,144 bytes in the devnet verifier", async () => {
    const { addresses } = await l1.fresh();
    const certs = await l1.viem.getContractAt("DevnetDACertVerifier", addresses.devnetDACertVerifier as Hex);
    assert.equal(await certs.read.checkDACert([`0x${"aa".repeat(262_145)}`]), daCertStatus.invalidCert);
    assert.equal(await certs.read.checkDACert([`0x${"aa".repeat(262_144)}`]), daCertStatus.success);
    assert.equal(await certs.read.certVersion(), 4);
    await l1.viem.assertions.revertWithCustomError(
      certs.write.setRejected([keccak256(pointer), true], { account: stranger.account }),
      certs,
      "Unauthorized",
    );
  });

  it("takes its batcher from SystemConfig, so a new batcher hash moves the right to submit", async () => {
    const { inbox, systemConfig } = await l1.fresh();
    assert.equal(getAddress(await inbox.read.systemConfig()), systemConfig.address);
    assert.equal(getAddress(await inbox.read.batcher()), getAddress(batcher.account.address));
    await l1.viem.assertions.revertWithCustomError(
      inbox.write.setDACertVerifier([daProviderIds.eigenda, zeroAddress], { account: stranger.account }),
      inbox,
      "Unauthorized",
    );
    await systemConfig.write.setBatcherHash([toBatcherHash(stranger.account.address)]);
    assert.equal(getAddress(await inbox.read.batcher()), getAddress(stranger.account.address));
    await inbox.write.submitBatch([1n, 1n, 0, pointer], { account: stranger.account });
    await l1.viem.assertions.revertWithCustomError(
      inbox.write.submitBatch([2n, 2n, 0, pointer], { account: batcher.account }),
      inbox,
      "NotBatcher",
    );
  });
});
