import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeAbiParameters, getAddress, type Hex, keccak256, parseEther, stringToHex, zeroAddress } from "viem";
import { gameStatus, machOutputGameType } from "../generated/index.ts";
import { connectMachL1, l2ChainId } from "../test-helpers/setup.ts";

const root = (label: string) => keccak256(stringToHex(label));
const blockData = (n: bigint) => encodeAbiParameters([{ type: "uint256" }], [n]);

describe("DisputeGameFactory", async () => {
  const l1 = await connectMachL1();
  const { deployer, alice, stranger } = l1.accounts;

  it("creates a game clone that records creator, root claim, L2 block, L1 head and creation time", async () => {
    const { factory } = await l1.fresh();
    const parent = await l1.publicClient.getBlock();
    const { game, index, receipt } = await l1.propose(7n, root("a"));
    assert.equal(index, 0n);
    assert.equal(await factory.read.gameCount(), 1n);
    const block = await l1.publicClient.getBlock({ blockNumber: receipt.blockNumber });
    const [gameType, timestamp, proxy] = await factory.read.gameAtIndex([0n]);
    assert.equal(gameType, machOutputGameType);
    assert.equal(timestamp, block.timestamp);
    assert.equal(getAddress(proxy), getAddress(game.address));
    assert.equal(await game.read.rootClaim(), root("a"));
    assert.equal(await game.read.l2SequenceNumber(), 7n);
    assert.equal(await game.read.extraData(), blockData(7n));
    assert.deepEqual(await game.read.gameData(), [machOutputGameType, root("a"), blockData(7n)]);
    assert.equal(getAddress(await game.read.gameCreator()), getAddress(deployer.account.address));
    assert.equal(await game.read.l1Head(), parent.hash);
    assert.equal(await game.read.createdAt(), block.timestamp);
    assert.equal(await game.read.gameType(), machOutputGameType);
    assert.equal(await game.read.status(), gameStatus.inProgress);
    assert.deepEqual(await factory.read.games([machOutputGameType, root("a"), blockData(7n)]), [proxy, timestamp]);
    assert.equal(
      await factory.read.getGameUUID([machOutputGameType, root("a"), blockData(7n)]),
      keccak256(
        encodeAbiParameters(
          [{ type: "uint32" }, { type: "bytes32" }, { type: "bytes" }],
          [machOutputGameType, root("a"), blockData(7n)],
        ),
      ),
    );
  });

  it("emits DisputeGameCreated with the proxy, type and root claim", async () => {
    const { factory } = await l1.fresh();
    await l1.viem.assertions.emitWithArgs(
      factory.write.create([machOutputGameType, root("b"), blockData(1n)]),
      factory,
      "DisputeGameCreated",
      [(proxy: Hex) => proxy !== zeroAddress, machOutputGameType, root("b")],
    );
  });

  it("rejects a duplicate (type, root claim, extra data)", async () => {
    const { factory } = await l1.fresh();
    await l1.propose(1n, root("c"));
    await l1.viem.assertions.revertWithCustomError(
      factory.write.create([machOutputGameType, root("c"), blockData(1n)]),
      factory,
      "GameAlreadyExists",
    );
    await l1.propose(2n, root("c"));
  });

  it("rejects a game type without implementation", async () => {
    const { factory } = await l1.fresh();
    await l1.viem.assertions.revertWithCustomErrorWithArgs(
      factory.write.create([7, root("d"), blockData(1n)]),
      factory,
      "NoImplementation",
      [7],
    );
  });

  it("requires exactly the init bond and hands it to the game", async () => {
    const { factory } = await l1.fresh();
    await factory.write.setInitBond([machOutputGameType, parseEther("0.1")]);
    assert.equal(await factory.read.initBonds([machOutputGameType]), parseEther("0.1"));
    await l1.viem.assertions.revertWithCustomError(
      factory.write.create([machOutputGameType, root("e"), blockData(1n)]),
      factory,
      "IncorrectBondAmount",
    );
    await l1.viem.assertions.revertWithCustomError(
      factory.write.create([machOutputGameType, root("e"), blockData(1n)], { value: parseEther("0.2") }),
      factory,
      "IncorrectBondAmount",
    );
    const { game } = await l1.propose(1n, root("e"), parseEther("0.1"));
    assert.equal(await l1.publicClient.getBalance({ address: game.address }), parseEther("0.1"));
    assert.equal(await game.read.creatorBond(), parseEther("0.1"));
  });

  it("finds the latest games of a type, newest first, with their root claims and extra data", async () => {
    const { factory, verifier } = await l1.fresh();
    const other = await l1.viem.deployContract("MachOutputGame", [
      43,
      factory.address,
      verifier.address,
      l2ChainId,
      zeroAddress,
      1n,
      1n,
    ]);
    await factory.write.setImplementation([43, other.address]);
    await l1.propose(10n, root("g0"));
    await factory.write.create([43, root("x"), blockData(11n)]);
    await l1.propose(20n, root("g1"));
    await l1.propose(30n, root("g2"));
    await factory.write.create([43, root("y"), blockData(31n)]);

    const latest = await factory.read.findLatestGames([machOutputGameType, 4n, 2n]);
    assert.deepEqual(
      latest.map((g) => [g.index, g.rootClaim, g.extraData]),
      [
        [3n, root("g2"), blockData(30n)],
        [2n, root("g1"), blockData(20n)],
      ],
    );
    const [, , proxy3] = await factory.read.gameAtIndex([3n]);
    assert.equal(getAddress(`0x${latest[0]?.metadata.slice(26)}`), getAddress(proxy3));
    assert.equal(BigInt(latest[0]?.metadata ?? 0) >> 224n, BigInt(machOutputGameType));
    assert.deepEqual(
      (await factory.read.findLatestGames([machOutputGameType, 1n, 10n])).map((g) => g.index),
      [0n],
    );
    assert.deepEqual(
      (await factory.read.findLatestGames([43, 4n, 10n])).map((g) => g.index),
      [4n, 1n],
    );
    assert.deepEqual(await factory.read.findLatestGames([machOutputGameType, 5n, 2n]), []);
    assert.deepEqual(await factory.read.findLatestGames([machOutputGameType, 4n, 0n]), []);
  });

  it("keeps implementations and bonds to the owner, and transfers ownership", async () => {
    const { factory } = await l1.fresh();
    await l1.viem.assertions.revertWithCustomError(
      factory.write.setImplementation([1, zeroAddress], { account: stranger.account }),
      factory,
      "Unauthorized",
    );
    await l1.viem.assertions.revertWithCustomError(
      factory.write.setInitBond([1, 1n], { account: stranger.account }),
      factory,
      "Unauthorized",
    );
    await l1.viem.assertions.emit(factory.write.setInitBond([1, 1n]), factory, "InitBondUpdated");
    await l1.viem.assertions.revertWithCustomError(
      factory.write.transferOwnership([zeroAddress]),
      factory,
      "ZeroAddress",
    );
    await factory.write.transferOwnership([alice.account.address]);
    assert.equal(getAddress(await factory.read.owner()), getAddress(alice.account.address));
    await l1.viem.assertions.revertWithCustomError(factory.write.setInitBond([1, 2n]), factory, "Unauthorized");
    await l1.viem.assertions.emit(
      factory.write.setImplementation([1, zeroAddress], { account: alice.account }),
      factory,
      "ImplementationSet",
    );
  });

  it("lets only the configured proposer create Mach output games", async () => {
    const { factory, addresses } = await l1.fresh();
    const impl = await l1.viem.getContractAt("MachOutputGame", addresses.machOutputGameImpl);
    await l1.viem.assertions.revertWithCustomErrorWithArgs(
      factory.write.create([machOutputGameType, root("p"), blockData(1n)], { account: stranger.account }),
      impl,
      "BadProposer",
      [getAddress(stranger.account.address)],
    );
  });

  it("rejects extra data that is not one 32-byte block number", async () => {
    const { factory, addresses } = await l1.fresh();
    const impl = await l1.viem.getContractAt("MachOutputGame", addresses.machOutputGameImpl);
    await l1.viem.assertions.revertWithCustomError(
      factory.write.create([machOutputGameType, root("q"), "0x01"]),
      impl,
      "BadExtraData",
    );
  });

  it("initializes a game only once and only from the factory", async () => {
    const { addresses } = await l1.fresh();
    const impl = await l1.viem.getContractAt("MachOutputGame", addresses.machOutputGameImpl);
    await l1.viem.assertions.revertWithCustomError(
      impl.write.initialize([deployer.account.address, root("r"), root("r"), blockData(1n)]),
      impl,
      "AlreadyInitialized",
    );
    const { game } = await l1.propose(1n, root("r"));
    await l1.viem.assertions.revertWithCustomError(
      game.write.initialize([deployer.account.address, root("r"), root("r"), blockData(1n)]),
      game,
      "AlreadyInitialized",
    );
  });

  it("lets anyone propose when the game has no proposer", async () => {
    const { factory, verifier } = await l1.fresh();
    const open = await l1.viem.deployContract("MachOutputGame", [
      44,
      factory.address,
      verifier.address,
      l2ChainId,
      zeroAddress,
      1n,
      1n,
    ]);
    await factory.write.setImplementation([44, open.address]);
    await factory.write.create([44, root("s"), blockData(1n)], { account: stranger.account });
    const [, , proxy] = await factory.read.gameAtIndex([0n]);
    const game = await l1.viem.getContractAt("MachOutputGame", proxy);
    assert.equal(getAddress(await game.read.gameCreator()), getAddress(stranger.account.address));
  });
});
