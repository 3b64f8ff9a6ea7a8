import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { systemConfigUpdateTypes, toBatcherHash } from "@mach/contracts";
import { encodeAbiParameters, getAddress, type Hash } from "viem";
import {
  attachMachL1,
  decodeSystemConfigUpdate,
  getSystemConfig,
  getSystemConfigUpdates,
  SettlementError,
} from "../src/index.ts";
import { startTestL1, type TestL1 } from "./helpers/l1.ts";

const signer = getAddress("0x00000000000000000000000000000000005e9a1e");
const basefeeScalar = 1_368;
const blobbasefeeScalar = 810_949;
const l2GasLimit = 60_000_000n;

describe("SystemConfig reads", () => {
  let l1: TestL1;
  before(async () => {
    l1 = await startTestL1({ unsafeBlockSigner: signer, basefeeScalar, blobbasefeeScalar, l2GasLimit });
  });
  after(async () => {
    await l1.close();
  });
  beforeEach(async () => {
    await l1.reset();
  });

  const owner = () =>
    attachMachL1({ publicClient: l1.publicClient, walletClient: l1.accounts.deployer, addresses: l1.addresses })
      .systemConfig;
  const send = async (hash: Promise<Hash>) => {
    const receipt = await l1.publicClient.waitForTransactionReceipt({ hash: await hash });
    assert.equal(receipt.status, "success");
    return receipt.blockNumber;
  };
  const as = () => ({ account: l1.accounts.deployer.account, chain: l1.accounts.deployer.chain });

  it("reads the sequencer's signer, the fee scalars, the batcher and the gas limit the deployment set", async () => {
    const config = await getSystemConfig({ publicClient: l1.publicClient, systemConfig: l1.addresses.systemConfig });
    assert.deepEqual(config, {
      unsafeBlockSigner: signer,
      batcherHash: toBatcherHash(l1.accounts.batcher.account.address),
      batcher: getAddress(l1.accounts.batcher.account.address),
      basefeeScalar,
      blobbasefeeScalar,
      gasLimit: l2GasLimit,
    });
  });

  it("reads the values as they were at a given L1 block", async () => {
    const before = await l1.publicClient.getBlockNumber();
    const changed = await send(owner().write.setGasConfigEcotone([7, 8], as()));
    await send(owner().write.setUnsafeBlockSigner([l1.accounts.alice.account.address], as()));
    const at = (blockNumber?: bigint) =>
      getSystemConfig({
        publicClient: l1.publicClient,
        systemConfig: l1.addresses.systemConfig,
        ...(blockNumber === undefined ? {} : { blockNumber }),
      });
    const old = await at(before);
    assert.deepEqual(
      [old.basefeeScalar, old.blobbasefeeScalar, old.unsafeBlockSigner],
      [basefeeScalar, blobbasefeeScalar, signer],
    );
    const middle = await at(changed);
    assert.deepEqual([middle.basefeeScalar, middle.blobbasefeeScalar, middle.unsafeBlockSigner], [7, 8, signer]);
    const latest = await at();
    assert.equal(latest.unsafeBlockSigner, getAddress(l1.accounts.alice.account.address));
  });

  it("decodes the ConfigUpdate log, from the deployment on, in L1 order", async () => {
    const newBatcher = l1.accounts.stranger.account.address;
    const rotated = await send(owner().write.setUnsafeBlockSigner([l1.accounts.alice.account.address], as()));
    await send(owner().write.setBatcherHash([toBatcherHash(newBatcher)], as()));
    await send(owner().write.setGasLimit([90_000_000n], as()));
    const updates = await getSystemConfigUpdates({
      publicClient: l1.publicClient,
      systemConfig: l1.addresses.systemConfig,
      fromBlock: l1.addresses.deployBlock,
      toBlock: await l1.publicClient.getBlockNumber(),
    });
    const changes = updates.map(({ l1BlockNumber: _n, l1BlockHash: _h, logIndex: _i, ...change }) => change);
    assert.deepEqual(changes, [
      {
        kind: "batcher",
        batcherHash: toBatcherHash(l1.accounts.batcher.account.address),
        batcher: getAddress(l1.accounts.batcher.account.address),
      },
      { kind: "feeScalars", basefeeScalar, blobbasefeeScalar },
      { kind: "gasLimit", gasLimit: l2GasLimit },
      { kind: "unsafeBlockSigner", unsafeBlockSigner: signer },
      { kind: "unsafeBlockSigner", unsafeBlockSigner: getAddress(l1.accounts.alice.account.address) },
      { kind: "batcher", batcherHash: toBatcherHash(newBatcher), batcher: getAddress(newBatcher) },
      { kind: "gasLimit", gasLimit: 90_000_000n },
    ]);
    const rotation = updates[4];
    assert.ok(rotation);
    assert.equal(rotation.l1BlockNumber, rotated);
    assert.equal(rotation.l1BlockHash, (await l1.publicClient.getBlock({ blockNumber: rotated })).hash);
    assert.ok(updates.every((u, i) => i === 0 || (updates[i - 1]?.l1BlockNumber ?? 0n) <= u.l1BlockNumber));
  });

  it("refuses ConfigUpdate encodings it does not know, permanently", () => {
    const word = encodeAbiParameters([{ type: "uint256" }, { type: "uint256" }], [0n, 5n]);
    const cases: [bigint, number, Hash][] = [
      [1n, systemConfigUpdateTypes.gasLimit, encodeAbiParameters([{ type: "uint64" }], [1n])],
      [0n, 4, "0x"],
      // A Bedrock-era (version 0) scalar: Mach's SystemConfig only ever emits Ecotone's.
      [0n, systemConfigUpdateTypes.feeScalars, word],
      [0n, systemConfigUpdateTypes.unsafeBlockSigner, "0x1234"],
    ];
    for (const [version, updateType, data] of cases)
      assert.throws(
        () => decodeSystemConfigUpdate(version, updateType, data),
        (error: unknown) => error instanceof SettlementError && error.kind === "permanent",
      );
  });
});
