import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { bytesToHex, encodeAbiParameters, getAddress, type Hex, keccak256, pad, stringToHex } from "viem";
import { batcherFromHash, systemConfigUpdateTypes, toBatcherHash } from "../generated/index.ts";
import { connectMachL1 } from "../test-helpers/setup.ts";

const basefeeScalar = 2_000;
const blobbasefeeScalar = 700_000;
const l2GasLimit = 30_000_000n;

/** OP's packed Ecotone scalar, computed here from its definition: version byte 1, blob scalar, base fee scalar. */
function opScalar(base: number, blob: number): bigint {
  return (1n << 248n) | (BigInt(blob) << 32n) | BigInt(base);
}

describe("SystemConfig", async () => {
  const signer = "0x00000000000000000000000000000000005e9a1e" as const;
  const l1 = await connectMachL1({ unsafeBlockSigner: signer, basefeeScalar, blobbasefeeScalar, l2GasLimit });
  const { deployer, batcher, stranger } = l1.accounts;

  it("holds what the deployment configured, with OP's getters", async () => {
    const { systemConfig } = await l1.fresh();
    assert.equal(getAddress(await systemConfig.read.owner()), getAddress(deployer.account.address));
    assert.equal(getAddress(await systemConfig.read.unsafeBlockSigner()), getAddress(signer));
    assert.equal(await systemConfig.read.batcherHash(), pad(batcher.account.address.toLowerCase() as Hex));
    assert.equal(getAddress(await systemConfig.read.batcher()), getAddress(batcher.account.address));
    assert.equal(await systemConfig.read.basefeeScalar(), basefeeScalar);
    assert.equal(await systemConfig.read.blobbasefeeScalar(), blobbasefeeScalar);
    assert.equal(await systemConfig.read.scalar(), opScalar(basefeeScalar, blobbasefeeScalar));
    assert.equal(await systemConfig.read.gasLimit(), l2GasLimit);
    assert.equal(await systemConfig.read.VERSION(), 0n);
  });

  it('keeps the unsafe block signer at OP\'s fixed slot keccak256("systemconfig.unsafeblocksigner")', async () => {
    const { systemConfig } = await l1.fresh();
    const slot = keccak256(stringToHex("systemconfig.unsafeblocksigner"));
    assert.equal(await systemConfig.read.UNSAFE_BLOCK_SIGNER_SLOT(), slot);
    assert.equal(await l1.publicClient.getStorageAt({ address: systemConfig.address, slot }), pad(signer));
    await systemConfig.write.setUnsafeBlockSigner([stranger.account.address]);
    assert.equal(
      await l1.publicClient.getStorageAt({ address: systemConfig.address, slot }),
      pad(stranger.account.address.toLowerCase() as Hex),
    );
  });

  it("announces its creation as ConfigUpdate events in OP's order and data encodings", async () => {
    const { systemConfig, addresses } = await l1.fresh();
    const logs = await l1.publicClient.getContractEvents({
      address: systemConfig.address,
      abi: systemConfig.abi,
      eventName: "ConfigUpdate",
      fromBlock: addresses.deployBlock,
    });
    assert.deepEqual(
      logs.map((log) => [log.args.version, log.args.updateType, log.args.data]),
      [
        [0n, systemConfigUpdateTypes.batcher, pad(batcher.account.address.toLowerCase() as Hex)],
        [
          0n,
          systemConfigUpdateTypes.feeScalars,
          encodeAbiParameters(
            [{ type: "uint256" }, { type: "uint256" }],
            [0n, opScalar(basefeeScalar, blobbasefeeScalar)],
          ),
        ],
        [0n, systemConfigUpdateTypes.gasLimit, encodeAbiParameters([{ type: "uint64" }], [l2GasLimit])],
        [0n, systemConfigUpdateTypes.unsafeBlockSigner, encodeAbiParameters([{ type: "address" }], [signer])],
      ],
    );
  });

  it("lets the owner change each value, with one ConfigUpdate each", async () => {
    const { systemConfig } = await l1.fresh();
    const newSigner = getAddress(stranger.account.address);
    const batcherHash = toBatcherHash(stranger.account.address);
    const cases = [
      {
        write: () => systemConfig.write.setUnsafeBlockSigner([newSigner]),
        type: systemConfigUpdateTypes.unsafeBlockSigner,
        data: encodeAbiParameters([{ type: "address" }], [newSigner]),
      },
      {
        write: () => systemConfig.write.setBatcherHash([batcherHash]),
        type: systemConfigUpdateTypes.batcher,
        data: batcherHash,
      },
      {
        write: () => systemConfig.write.setGasConfigEcotone([1, 2]),
        type: systemConfigUpdateTypes.feeScalars,
        data: encodeAbiParameters([{ type: "uint256" }, { type: "uint256" }], [0n, opScalar(1, 2)]),
      },
      {
        write: () => systemConfig.write.setGasLimit([60_000_000n]),
        type: systemConfigUpdateTypes.gasLimit,
        data: encodeAbiParameters([{ type: "uint64" }], [60_000_000n]),
      },
    ];
    for (const { write, type, data } of cases)
      await l1.viem.assertions.emitWithArgs(write(), systemConfig, "ConfigUpdate", [0n, type, data]);
    assert.equal(getAddress(await systemConfig.read.unsafeBlockSigner()), newSigner);
    assert.equal(await systemConfig.read.batcherHash(), batcherHash);
    assert.equal(getAddress(await systemConfig.read.batcher()), newSigner);
    assert.deepEqual([await systemConfig.read.basefeeScalar(), await systemConfig.read.blobbasefeeScalar()], [1, 2]);
    assert.equal(await systemConfig.read.gasLimit(), 60_000_000n);
  });

  it("leaves changes to the owner and refuses a zero gas limit", async () => {
    const { systemConfig } = await l1.fresh();
    const as = { account: stranger.account };
    for (const write of [
      () => systemConfig.write.setUnsafeBlockSigner([stranger.account.address], as),
      () => systemConfig.write.setBatcherHash([toBatcherHash(stranger.account.address)], as),
      () => systemConfig.write.setGasConfigEcotone([1, 1], as),
      () => systemConfig.write.setGasLimit([1n], as),
    ])
      await l1.viem.assertions.revertWithCustomError(write(), systemConfig, "Unauthorized");
    await l1.viem.assertions.revertWithCustomError(systemConfig.write.setGasLimit([0n]), systemConfig, "ZeroGasLimit");
  });

  it("converts between batcher addresses and version-0 batcher hashes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), (bytes) => {
        const address = getAddress(bytesToHex(bytes));
        const hash = toBatcherHash(address);
        assert.equal(hash, pad(bytesToHex(bytes)));
        assert.equal(batcherFromHash(hash), address);
      }),
      { seed: 3 },
    );
    assert.throws(() => batcherFromHash(`0x01${"00".repeat(11)}${"ab".repeat(20)}`), RangeError);
    assert.throws(() => batcherFromHash(`0x${"ab".repeat(20)}`), RangeError);
  });
});
