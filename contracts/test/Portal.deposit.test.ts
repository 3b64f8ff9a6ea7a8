import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type Address,
  createWalletClient,
  custom,
  decodeEventLog,
  encodeFunctionData,
  getAddress,
  type Hex,
  keccak256,
  parseEther,
  stringToHex,
  toHex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { opaqueDataToDepositData } from "viem/op-stack";
import { l1ToL2AliasOffset } from "../generated/index.ts";
import { connectMachL1 } from "../test-helpers/setup.ts";

const alias = (address: Address) => getAddress(toHex((BigInt(address) + l1ToL2AliasOffset) % 2n ** 160n, { size: 20 }));

describe("Portal deposits", async () => {
  const l1 = await connectMachL1();
  const { alice, bob } = l1.accounts;

  async function depositedEvent(hash: Hex) {
    const { portal } = l1.contracts;
    const receipt = await l1.publicClient.waitForTransactionReceipt({ hash });
    const log = receipt.logs.find((l) => getAddress(l.address) === getAddress(portal.address));
    assert.ok(log, "TransactionDeposited log");
    const event = decodeEventLog({ abi: portal.abi, data: log.data, topics: log.topics });
    assert.equal(event.eventName, "TransactionDeposited");
    return event.args as { from: Address; to: Address; version: bigint; opaqueData: Hex };
  }

  it("emits TransactionDeposited with the OP opaque-data layout for an EOA and holds the minted ETH", async () => {
    const { portal } = await l1.fresh();
    const data = "0xdeadbeef" as const;
    const hash = await portal.write.depositTransaction(
      [bob.account.address, parseEther("0.5"), 100_000n, false, data],
      {
        value: parseEther("1"),
        account: alice.account,
      },
    );
    const event = await depositedEvent(hash);
    assert.equal(getAddress(event.from), getAddress(alice.account.address));
    assert.equal(getAddress(event.to), getAddress(bob.account.address));
    assert.equal(event.version, 0n);
    assert.equal(
      event.opaqueData,
      `0x${parseEther("1").toString(16).padStart(64, "0")}${parseEther("0.5").toString(16).padStart(64, "0")}${(100_000).toString(16).padStart(16, "0")}00deadbeef`,
    );
    const decoded = opaqueDataToDepositData(event.opaqueData);
    assert.deepEqual(decoded, {
      mint: parseEther("1"),
      value: parseEther("0.5"),
      gas: 100_000n,
      isCreation: false,
      data,
    });
    assert.equal(await l1.publicClient.getBalance({ address: portal.address }), parseEther("1"));
  });

  it("aliases a contract caller by +0x1111…1111", async () => {
    const { portal } = await l1.fresh();
    const caller = await l1.viem.deployContract("DepositCaller");
    const hash = await caller.write.deposit([portal.address, bob.account.address, 50_000n, "0x"], {
      value: 7n,
      account: alice.account,
    });
    const event = await depositedEvent(hash);
    assert.equal(getAddress(event.from), alias(caller.address));
    assert.notEqual(getAddress(event.from), getAddress(caller.address));
    assert.equal(opaqueDataToDepositData(event.opaqueData).mint, 7n);
  });

  it("does not alias an EIP-7702 delegated EOA whose code calls the portal", async () => {
    const { portal } = await l1.fresh();
    const caller = await l1.viem.deployContract("DepositCaller");
    const eoa = privateKeyToAccount(keccak256(stringToHex("delegated eoa")));
    const relayer = privateKeyToAccount(keccak256(stringToHex("relayer")));
    await l1.networkHelpers.setBalance(relayer.address, parseEther("1"));
    const authorization = await eoa.signAuthorization({ address: caller.address, chainId: l1.l1ChainId, nonce: 0 });
    const wallet = createWalletClient({
      account: relayer,
      chain: l1.publicClient.chain,
      transport: custom(l1.connection.provider),
    });
    // The relayer is tx.origin; the delegated EOA (code 0xef0100 ‖ DepositCaller) is the portal's msg.sender.
    const hash = await wallet.sendTransaction({
      to: eoa.address,
      authorizationList: [authorization],
      data: encodeFunctionData({
        abi: caller.abi,
        functionName: "deposit",
        args: [portal.address, bob.account.address, 50_000n, "0x"],
      }),
    });
    assert.equal((await l1.publicClient.getCode({ address: eoa.address }))?.slice(0, 8), "0xef0100");
    const event = await depositedEvent(hash);
    assert.equal(getAddress(event.from), getAddress(eoa.address));
  });

  it("wraps the alias modulo 2^160 for addresses near the top", () => {
    assert.equal(
      alias("0xffffffffffffffffffffffffffffffffffffffff"),
      getAddress("0x1111000000000000000000000000000000001110"),
    );
  });

  it("emits a creation deposit with the zero target and isCreation set", async () => {
    const { portal } = await l1.fresh();
    const initCode = "0x600a600c600039600a6000f3602a60005260206000f3" as const;
    const hash = await portal.write.depositTransaction(
      ["0x0000000000000000000000000000000000000000", 0n, 200_000n, true, initCode],
      {
        account: alice.account,
      },
    );
    const event = await depositedEvent(hash);
    assert.equal(event.to, "0x0000000000000000000000000000000000000000");
    const decoded = opaqueDataToDepositData(event.opaqueData);
    assert.equal(decoded.isCreation, true);
    assert.equal(decoded.data, initCode);
  });

  it("deposits a plain ETH transfer to the sender with 100,000 gas", async () => {
    const { portal } = await l1.fresh();
    const hash = await alice.sendTransaction({ to: portal.address, value: 3n });
    const event = await depositedEvent(hash);
    assert.equal(getAddress(event.from), getAddress(alice.account.address));
    assert.equal(getAddress(event.to), getAddress(alice.account.address));
    assert.deepEqual(opaqueDataToDepositData(event.opaqueData), {
      mint: 3n,
      value: 3n,
      gas: 100_000n,
      isCreation: false,
      data: "0x",
    });
  });

  it("rejects a creation deposit with a non-zero target", async () => {
    const { portal } = await l1.fresh();
    await l1.viem.assertions.revertWithCustomError(
      portal.write.depositTransaction([bob.account.address, 0n, 100_000n, true, "0x00"]),
      portal,
      "BadTarget",
    );
  });

  it("rejects a gas limit below 21,000 + 40 per data byte", async () => {
    const { portal } = await l1.fresh();
    assert.equal(await portal.read.minimumGasLimit([10n]), 21_400n);
    await l1.viem.assertions.revertWithCustomError(
      portal.write.depositTransaction([bob.account.address, 0n, 21_399n, false, `0x${"11".repeat(10)}`]),
      portal,
      "SmallGasLimit",
    );
    await portal.write.depositTransaction([bob.account.address, 0n, 21_400n, false, `0x${"11".repeat(10)}`]);
  });

  it("rejects a gas limit above 20,000,000", async () => {
    const { portal } = await l1.fresh();
    await l1.viem.assertions.revertWithCustomError(
      portal.write.depositTransaction([bob.account.address, 0n, 20_000_001n, false, "0x"]),
      portal,
      "LargeGasLimit",
    );
  });

  it("rejects more than 120,000 bytes of data", async () => {
    const { portal } = await l1.fresh();
    await l1.viem.assertions.revertWithCustomError(
      portal.write.depositTransaction([bob.account.address, 0n, 10_000_000n, false, `0x${"01".repeat(120_001)}`], {
        gas: 16_000_000n,
      }),
      portal,
      "LargeCalldata",
    );
  });

  it("keeps deposits open while withdrawals are paused", async () => {
    const { portal } = await l1.fresh();
    await portal.write.pause();
    await portal.write.depositTransaction([bob.account.address, 0n, 100_000n, false, "0x"], { value: 1n });
    assert.equal(await portal.read.paused(), true);
  });
});
