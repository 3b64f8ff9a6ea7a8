// Drives Mach's L1 contracts with viem's unmodified `viem/op-stack` actions, as an independent client would.
// The "L2" is a second Hardhat network running the real L2ToL1MessagePasser at 0x4200…0016; the withdrawal
// storage proof is built by the test from its own Merkle-Patricia trie (and checked against the L2's eth_getProof).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import {
  createPublicClient,
  createWalletClient,
  custom,
  defineChain,
  encodeAbiParameters,
  parseEther,
  zeroAddress,
} from "viem";
import { hardhat } from "viem/chains";
import {
  buildProveWithdrawal,
  chainConfig,
  extractTransactionDepositedLogs,
  getL2TransactionHashes,
  getWithdrawalHashStorageSlot,
  getWithdrawals,
  opaqueDataToDepositData,
  publicActionsL1,
  publicActionsL2,
  walletActionsL1,
  walletActionsL2,
} from "viem/op-stack";
import { machL2ChainContracts } from "../deploy/index.ts";
import { l2ToL1MessagePasserDeployedBytecode, multicall3Address, predeploys } from "../generated/index.ts";
import { buildMessagePasserStorage, hashOutputRoot, outputRootProofFor } from "../test-helpers/l2.ts";
import { connectMachL1, l2ChainId } from "../test-helpers/setup.ts";

describe("viem op-stack actions against Mach's L1 contracts", async () => {
  const l1 = await connectMachL1({ proofMaturityDelaySeconds: 12n });
  const { addresses, portal } = l1.contracts;
  const l1Chain = defineChain({ ...hardhat, contracts: { multicall3: { address: multicall3Address } } });
  const l2Chain = defineChain({
    ...chainConfig,
    id: Number(l2ChainId),
    name: "Mach test L2",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: ["http://127.0.0.1:0"] } },
    sourceId: l1Chain.id,
    contracts: { ...chainConfig.contracts, ...machL2ChainContracts(addresses, l1Chain.id) },
  });
  const [, , alice, bob] = await l1.viem.getWalletClients();
  if (!alice || !bob) throw new Error("accounts");
  const l1Public = createPublicClient({
    chain: l1Chain,
    transport: custom(l1.connection.provider, { retryCount: 0 }),
    pollingInterval: 20,
  }).extend(publicActionsL1());
  const l1Wallet = createWalletClient({
    account: alice.account.address,
    chain: l1Chain,
    transport: custom(l1.connection.provider, { retryCount: 0 }),
    pollingInterval: 20,
  }).extend(walletActionsL1());

  const l2 = await network.create({ override: { chainId: Number(l2ChainId) } });
  const l2Public = createPublicClient({
    chain: l2Chain,
    transport: custom(l2.provider, { retryCount: 0 }),
    pollingInterval: 20,
  }).extend(publicActionsL2());
  const l2Wallet = createWalletClient({
    account: alice.account.address,
    chain: l2Chain,
    transport: custom(l2.provider, { retryCount: 0 }),
    pollingInterval: 20,
  }).extend(walletActionsL2());
  const l2Test = await l2.viem.getTestClient();
  await l2Test.setCode({ address: predeploys.l2ToL1MessagePasser, bytecode: l2ToL1MessagePasserDeployedBytecode });

  it("reports the fault-proof portal version", async () => {
    assert.deepEqual(await l1Public.getPortalVersion({ targetChain: l2Chain }), { major: 3, minor: 10, patch: 0 });
  });

  it("deposits through walletActionsL1().depositTransaction, including a creation deposit", async () => {
    await l1.fresh();
    const hash = await l1Wallet.depositTransaction({
      request: { gas: 21_000n, mint: parseEther("3"), to: bob.account.address },
      targetChain: l2Chain,
    });
    const receipt = await l1Public.waitForTransactionReceipt({ hash });
    const [log] = extractTransactionDepositedLogs(receipt);
    assert.ok(log);
    assert.equal(log.args.from?.toLowerCase(), alice.account.address.toLowerCase());
    assert.deepEqual(opaqueDataToDepositData(log.args.opaqueData as `0x${string}`), {
      mint: parseEther("3"),
      value: parseEther("3"),
      gas: 21_000n,
      isCreation: false,
      data: "0x",
    });
    assert.equal(getL2TransactionHashes(receipt).length, 1);
    assert.equal(await l1Public.getBalance({ address: portal.address }), parseEther("3"));

    const creation = await l1Wallet.depositTransaction({
      request: { gas: 100_000n, isCreation: true, data: "0x60006000f3" },
      targetChain: l2Chain,
    });
    const [creationLog] = extractTransactionDepositedLogs(await l1Public.waitForTransactionReceipt({ hash: creation }));
    assert.equal(creationLog?.args.to, zeroAddress);
    assert.equal(opaqueDataToDepositData(creationLog?.args.opaqueData as `0x${string}`).isCreation, true);
  });

  it("walks a withdrawal through every getWithdrawalStatus state with proveWithdrawal and finalizeWithdrawal", async () => {
    const { factory } = await l1.fresh();
    // Liquidity for the withdrawal: a deposit locks ETH in the portal.
    await l1Public.waitForTransactionReceipt({
      hash: await l1Wallet.depositTransaction({
        request: { gas: 21_000n, mint: parseEther("5"), to: alice.account.address },
        targetChain: l2Chain,
      }),
    });

    // L2: initiate the withdrawal on the real message passer.
    const withdrawHash = await l2Wallet.initiateWithdrawal({
      request: { gas: 21_000n, to: bob.account.address, value: parseEther("1") },
    });
    const receipt = await l2Public.waitForTransactionReceipt({ hash: withdrawHash });
    const [withdrawal] = getWithdrawals(receipt);
    assert.ok(withdrawal);
    assert.equal(await l1Public.getWithdrawalStatus({ receipt, targetChain: l2Chain }), "waiting-to-prove");

    // The output at the next L2 block (viem wants a game strictly after the withdrawal block).
    await l2Test.mine({ blocks: 1 });
    const l2BlockNumber = receipt.blockNumber + 1n;
    const block = await l2Public.getBlock({ blockNumber: l2BlockNumber });
    const storage = await buildMessagePasserStorage([withdrawal]);
    const served = await l2Public.getProof({
      address: predeploys.l2ToL1MessagePasser,
      storageKeys: [getWithdrawalHashStorageSlot({ withdrawalHash: withdrawal.withdrawalHash })],
      blockNumber: l2BlockNumber,
    });
    assert.equal(storage.storageRoot, served.storageHash, "the test's trie equals the L2 account's storage root");
    const outputRootProof = outputRootProofFor(storage.storageRoot, block.stateRoot, block.hash);
    const withdrawalProof = await storage.proveWithdrawal(withdrawal.withdrawalHash);
    assert.deepEqual(withdrawalProof, served.storageProof[0]?.proof);

    // Proposer: a Mach output game for that block.
    const outputRoot = hashOutputRoot(outputRootProof);
    await factory.write.create([
      addresses.gameType,
      outputRoot,
      encodeAbiParameters([{ type: "uint256" }], [l2BlockNumber]),
    ]);
    const game = await l1Public.getGame({ l2BlockNumber: receipt.blockNumber, targetChain: l2Chain });
    assert.equal(game.l2BlockNumber, l2BlockNumber);
    assert.equal(game.rootClaim, outputRoot);
    assert.equal(await l1Public.getWithdrawalStatus({ receipt, targetChain: l2Chain }), "ready-to-prove");

    // viem's own prove-args builder against the L2 node's eth_getProof agrees with ours.
    const built = await buildProveWithdrawal(l2Public, {
      account: alice.account.address,
      game,
      withdrawal,
      chain: l2Chain,
    });
    assert.deepEqual(built.outputRootProof, outputRootProof);
    assert.deepEqual(built.withdrawalProof, withdrawalProof);

    const output = await l1Public.getL2Output({ l2BlockNumber: receipt.blockNumber, targetChain: l2Chain });
    assert.deepEqual(
      [output.outputIndex, output.outputRoot, output.l2BlockNumber],
      [game.index, outputRoot, l2BlockNumber],
    );
    const proveGas = await l1Public.estimateProveWithdrawalGas({
      account: alice.account.address,
      l2OutputIndex: game.index,
      outputRootProof,
      withdrawalProof,
      withdrawal,
      targetChain: l2Chain,
    });
    assert.ok(proveGas > 100_000n);
    await l1Public.waitForTransactionReceipt({
      hash: await l1Wallet.proveWithdrawal({
        l2OutputIndex: game.index,
        outputRootProof,
        withdrawalProof,
        withdrawal,
        targetChain: l2Chain,
      }),
    });
    assert.equal(await l1Public.getWithdrawalStatus({ receipt, targetChain: l2Chain }), "waiting-to-finalize");

    // Provers attest, the challenge window and the proof maturity pass, anyone resolves.
    const mach = await l1.viem.getContractAt(
      "MachOutputGame",
      game.metadata === undefined ? zeroAddress : (`0x${game.metadata.slice(26)}` as const),
    );
    await mach.write.attest([await l1.attestationProof(l2BlockNumber, outputRoot)]);
    await l1.networkHelpers.time.increase(13n);
    assert.equal(await l1Public.getWithdrawalStatus({ receipt, targetChain: l2Chain }), "waiting-to-finalize");
    await mach.write.resolve();
    await l1.networkHelpers.mine();
    assert.equal(await l1Public.getWithdrawalStatus({ receipt, targetChain: l2Chain }), "ready-to-finalize");

    const finalizeGas = await l1Public.estimateFinalizeWithdrawalGas({
      account: bob.account.address,
      proofSubmitter: alice.account.address,
      withdrawal,
      targetChain: l2Chain,
    });
    assert.ok(finalizeGas > 21_000n);
    const before = await l1Public.getBalance({ address: bob.account.address });
    await l1Public.waitForTransactionReceipt({
      hash: await l1Wallet.finalizeWithdrawal({ withdrawal, targetChain: l2Chain }),
    });
    assert.equal(await l1Public.getBalance({ address: bob.account.address }), before + parseEther("1"));
    assert.equal(await l1Public.getWithdrawalStatus({ receipt, targetChain: l2Chain }), "finalized");
  });

  it("reports ready-to-prove again when the proven game was blacklisted", async () => {
    const { factory } = await l1.fresh();
    const hash = await l2Wallet.initiateWithdrawal({ request: { gas: 21_000n, to: bob.account.address, value: 1n } });
    const receipt = await l2Public.waitForTransactionReceipt({ hash });
    const [withdrawal] = getWithdrawals(receipt);
    assert.ok(withdrawal);
    await l2Test.mine({ blocks: 1 });
    const l2BlockNumber = receipt.blockNumber + 1n;
    const proof = await l2Public.getProof({
      address: predeploys.l2ToL1MessagePasser,
      storageKeys: [],
      blockNumber: l2BlockNumber,
    });
    const block = await l2Public.getBlock({ blockNumber: l2BlockNumber });
    const outputRootProof = outputRootProofFor(proof.storageHash, block.stateRoot, block.hash);
    await factory.write.create([
      addresses.gameType,
      hashOutputRoot(outputRootProof),
      encodeAbiParameters([{ type: "uint256" }], [l2BlockNumber]),
    ]);
    const game = await l1Public.getGame({ l2BlockNumber: receipt.blockNumber, targetChain: l2Chain });
    const args = await buildProveWithdrawal(l2Public, {
      account: alice.account.address,
      game,
      withdrawal,
      chain: l2Chain,
    });
    await l1Public.waitForTransactionReceipt({
      hash: await l1Wallet.proveWithdrawal({ ...args, targetChain: l2Chain, account: alice.account.address }),
    });
    assert.equal(await l1Public.getWithdrawalStatus({ receipt, targetChain: l2Chain }), "waiting-to-finalize");
    await portal.write.blacklistDisputeGame([`0x${game.metadata.slice(26)}`]);
    assert.equal(await l1Public.getWithdrawalStatus({ receipt, targetChain: l2Chain }), "ready-to-prove");
  });
});
