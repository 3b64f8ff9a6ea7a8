/**
 * Core's sequencer following a Hardhat L1 through `createDepositSource`: deposits made on the Portal arrive on L2
 * once and only once their L1 block is `depth` deep, with OP's semantics (mint, aliasing, creation, failed
 * deposits), each L1 origin's SystemConfig values in its attributes deposit; an L1 reorg of blocks newer than the
 * depth (`evm_snapshot`/`evm_revert`) never reaches L2, a deeper one stops the sequencer.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import { l1BlockArtifact, portalAbi, systemConfigAbi } from "@mach/contracts";
import {
  type Address,
  applyL1ToL2Alias,
  type Block,
  chainConfigSchema,
  genesisBlock,
  l1BlockInfoOfBlock,
  Predeploys,
} from "@mach/core/chain";
import { createEthereumJsExecutor } from "@mach/core/execution";
import { L1EpochFollower, L1ReorgTooDeepError, Sequencer, sequencerConfigSchema } from "@mach/core/sequencer";
import { buildGenesisState, ChainState } from "@mach/core/state";
import { LmdbChainStore } from "@mach/core/store";
import { createTxPool } from "@mach/core/txpool";
import { encodeFunctionData, getAddress, getContractAddress, type Hash, type Hex, hexToBytes, parseEther } from "viem";
import { getL2TransactionHashes } from "viem/op-stack";
import { createDepositSource } from "../src/index.ts";
import { forwarderInitCode, startTestL1, type TestL1 } from "./helpers/l1.ts";

const L2_CHAIN_ID = 901n;
const DEPTH = 2;
const bob: Address = "0x000000000000000000000000000000000000b0b0";
/** Init code of a contract whose runtime is the single byte 0x00: CODECOPY(0, 12, 1) RETURN(0, 1) ‖ 0x00. */
const initCode: Hex = "0x6001600c60003960016000f300";

describe("the sequencer following a Hardhat L1", () => {
  let l1: TestL1;
  let dir: string;
  let store: LmdbChainStore;
  let state: ChainState;
  let sequencer: Sequencer;
  let follower: L1EpochFollower;

  before(async () => {
    l1 = await startTestL1();
  });
  after(async () => {
    await l1.close();
  });
  beforeEach(async () => {
    await l1.reset();
    dir = mkdtempSync(join(tmpdir(), "mach-l1-deposits-"));
    store = new LmdbChainStore({ path: dir });
    const world = buildGenesisState({
      alloc: { [Predeploys.L1Block]: { balance: 0n, nonce: 1n, code: hexToBytes(l1BlockArtifact.deployedBytecode) } },
    });
    state = new ChainState(world, { historyBlocks: 64 });
    const chain = chainConfigSchema.parse({ chainId: L2_CHAIN_ID, l1StartBlock: l1.addresses.deployBlock });
    const config = sequencerConfigSchema.parse({ blockMs: 60_000 });
    const genesis = genesisBlock({
      stateRoot: world.stateRoot,
      gasLimit: chain.blockGasLimit,
      timestamp: 1n,
      baseFeePerGas: chain.initialBaseFeePerGas,
      beneficiary: config.feeRecipient,
    });
    await store.putGenesis(genesis);
    follower = new L1EpochFollower({
      source: createDepositSource(l1.publicClient, l1.addresses.portal, l1.addresses.systemConfig),
      confirmationDepth: DEPTH,
      l1StartBlock: chain.l1StartBlock,
      pollIntervalMs: 3_600_000,
      sequencingWindow: chain.sequencingWindow,
    });
    sequencer = new Sequencer({
      chain,
      config,
      executor: await createEthereumJsExecutor({ chainId: L2_CHAIN_ID }),
      state,
      txs: createTxPool({
        chainId: L2_CHAIN_ID,
        state: state.latest,
        baseFeePerGas: genesis.header.baseFeePerGas,
        blockGasLimit: chain.blockGasLimit,
      }),
      store,
      head: genesis,
      l1: follower,
      // L2 time well after any L1 block of the test: an L1 block is taken as soon as it is deep enough.
      now: () => Date.now() + 86_400_000,
    });
  });
  afterEach(async () => {
    await sequencer.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const head = () => l1.publicClient.getBlockNumber({ cacheTime: 0 });

  async function deposit(args: { to?: Address; value?: bigint; mint?: bigint; isCreation?: boolean; data?: Hex }) {
    return l1.accounts.alice.writeContract({
      address: l1.addresses.portal,
      abi: portalAbi,
      functionName: "depositTransaction",
      args: [args.to ?? bob, args.value ?? 0n, 200_000n, args.isCreation ?? false, args.data ?? "0x"],
      value: args.mint ?? 0n,
      chain: l1.accounts.alice.chain,
    });
  }

  /** L2 blocks until the chain's L1 origin reaches the confirmed head (each poll prefetches one L1 block). */
  async function catchUp(): Promise<void> {
    for (let i = 0; i < 200; i++) {
      await follower.poll();
      await sequencer.sealBlockNow();
      const origin = sequencer.l1Origin?.number ?? -1n;
      if (origin + BigInt(DEPTH) >= (await head())) return;
    }
    throw new Error("the L2 chain did not catch up with L1");
  }

  /** The L2 receipt of transaction `hash`, sealed or in the open block. */
  function l2Receipt(hash: Hash) {
    const open = sequencer.openBlock.locate(hash);
    if (open) return open.miniBlock.receipts[open.indexInMiniBlock];
    const location = store.getTxLocation(hash);
    return location === undefined ? undefined : store.getReceipts(location.blockNumber)?.[location.index];
  }

  /** The deposits (by L2 hash) of every stored block and of the open one, in chain order. */
  function l2Deposits(): { hash: Hash; origin: bigint }[] {
    const blocks: { transactions: Block["transactions"] }[] = [];
    for (let n = 1n; n <= (store.headBlockNumber() ?? 0n); n++) blocks.push(store.getBlock(n) as Block);
    blocks.push(sequencer.openBlock);
    return blocks.flatMap((block) => {
      if (block.transactions.length === 0) return [];
      const origin = l1BlockInfoOfBlock(block).number;
      return block.transactions.slice(1).map((tx) => ({ hash: tx.hash, origin }));
    });
  }

  it("brings a Portal deposit to L2 once, with exactly its mint, once its L1 block is deep enough", async () => {
    await catchUp();
    const hash = await deposit({ value: parseEther("0.25"), mint: parseEther("1") });
    const receipt = await l1.publicClient.waitForTransactionReceipt({ hash });
    await follower.poll();
    await sequencer.sealBlockNow();
    assert.deepEqual(l2Deposits(), [], "not before its block is 2 deep");
    await l1.mine(DEPTH);
    await catchUp();
    // viem's op-stack actions find the L2 transaction from the L1 receipt alone.
    const [expectedHash] = getL2TransactionHashes(receipt);
    assert.ok(expectedHash);
    assert.deepEqual(l2Deposits(), [{ hash: expectedHash, origin: receipt.blockNumber }]);
    assert.equal(l2Receipt(expectedHash)?.status, 1);
    const alice = l1.accounts.alice.account.address.toLowerCase() as Address;
    assert.equal(state.latest.getAccount(bob)?.balance, parseEther("0.25"));
    assert.equal(state.latest.getAccount(alice)?.balance, parseEther("0.75"));
    assert.equal(state.latest.getAccount(alice)?.nonce, 1n);
    // More L1 blocks bring nothing twice.
    await l1.mine(3);
    await catchUp();
    assert.equal(l2Deposits().length, 1);
  });

  it("executes an L1 block's deposits in log order with OP's rules: creation, a failed deposit, an aliased caller", async () => {
    const { contractAddress: forwarder } = await l1.publicClient.waitForTransactionReceipt({
      hash: await l1.accounts.alice.sendTransaction({ data: forwarderInitCode, chain: l1.accounts.alice.chain }),
    });
    assert.ok(forwarder);
    await catchUp();
    await l1.rpc("evm_setAutomine", [false]);
    const sent: Hash[] = [];
    try {
      sent.push(
        await deposit({ isCreation: true, to: "0x0000000000000000000000000000000000000000", mint: 5n, data: initCode }),
      );
      // More value than alice has on L2 after this deposit's mint: a failed deposit that keeps its mint.
      sent.push(await deposit({ value: parseEther("10"), mint: 7n }));
      const call = encodeFunctionData({
        abi: portalAbi,
        functionName: "depositTransaction",
        args: [bob, 2n, 100_000n, false, "0x"],
      });
      sent.push(
        await l1.accounts.alice.sendTransaction({
          to: forwarder,
          data: `${l1.addresses.portal}${call.slice(2)}`,
          value: 3n,
          chain: l1.accounts.alice.chain,
        }),
      );
      await l1.mine();
    } finally {
      await l1.rpc("evm_setAutomine", [true]);
    }
    const l1Receipts = await Promise.all(sent.map((hash) => l1.publicClient.getTransactionReceipt({ hash })));
    assert.ok(l1Receipts.every((r) => r.blockNumber === l1Receipts[0]?.blockNumber && r.status === "success"));
    await l1.mine(DEPTH);
    await catchUp();
    const alice = l1.accounts.alice.account.address.toLowerCase() as Address;
    const created = getContractAddress({ from: getAddress(alice), nonce: 0n }).toLowerCase() as Address;
    assert.deepEqual(state.latest.getCode(created), Uint8Array.of(0));
    assert.equal(state.latest.getAccount(alice)?.balance, 12n, "both mints kept");
    assert.equal(state.latest.getAccount(alice)?.nonce, 2n, "both deposits bumped the nonce");
    // The contract caller's deposit comes from its alias, which got the mint and paid bob.
    const alias = applyL1ToL2Alias(forwarder.toLowerCase() as Address);
    assert.notEqual(alias, forwarder.toLowerCase());
    assert.equal(state.latest.getAccount(alias)?.balance, 1n);
    assert.equal(state.latest.getAccount(bob)?.balance, 2n, "the failed deposit moved no value");
    const l2Hashes = l1Receipts.flatMap((receipt) => getL2TransactionHashes(receipt));
    assert.deepEqual(
      l2Deposits().map((d) => d.hash),
      l2Hashes,
      "in log order",
    );
    const [creation, failed, aliased] = l2Hashes.map((hash) => l2Receipt(hash));
    assert.equal(aliased?.status, 1);
    assert.equal(creation?.status, 1);
    assert.equal(creation?.contractAddress, created);
    assert.equal(creation?.depositNonce, 0n);
    assert.equal(failed?.status, 0);
    assert.equal(failed?.depositNonce, 1n);
    assert.equal(failed?.gasUsed, 200_000n, "a failed deposit uses all its gas");
  });

  it("carries each L1 origin's SystemConfig scalars into its attributes deposit", async () => {
    await catchUp();
    const hash = await l1.accounts.deployer.writeContract({
      address: l1.addresses.systemConfig,
      abi: systemConfigAbi,
      functionName: "setGasConfigEcotone",
      args: [7, 9],
      chain: l1.accounts.deployer.chain,
    });
    const { blockNumber } = await l1.publicClient.waitForTransactionReceipt({ hash });
    await l1.mine(DEPTH);
    await catchUp();
    assert.equal(sequencer.l1Origin?.number, (await head()) - BigInt(DEPTH));
    assert.ok((sequencer.l1Origin?.number ?? 0n) >= blockNumber);
    assert.equal(sequencer.l1Origin?.baseFeeScalar, 7n);
    assert.equal(sequencer.l1Origin?.blobBaseFeeScalar, 9n);
    // Blocks of earlier origins carried the deploy's scalars.
    const first = store.getBlock(1n);
    assert.ok(first);
    assert.equal(l1BlockInfoOfBlock(first).baseFeeScalar, 1368n);
    assert.equal(l1BlockInfoOfBlock(first).batcherHash, sequencer.l1Origin?.batcherHash);
  });

  it("never brings a deposit from L1 blocks a reorg within the confirmation depth replaced", async () => {
    await catchUp();
    const fork = (await l1.rpc("evm_snapshot")) as Hex;
    const orphanHash = await deposit({ mint: 111n });
    const orphan = await l1.publicClient.waitForTransactionReceipt({ hash: orphanHash });
    await l1.mine(DEPTH - 1);
    await catchUp();
    // The deposit's block is 1 deep (of 2): nothing of it on L2 yet.
    assert.deepEqual(l2Deposits(), []);
    assert.equal(await l1.rpc("evm_revert", [fork]), true);
    const keptHash = await deposit({ mint: 222n });
    const kept = await l1.publicClient.waitForTransactionReceipt({ hash: keptHash });
    assert.equal(kept.blockNumber, orphan.blockNumber, "the replacement block is at the same height");
    assert.notEqual(kept.blockHash, orphan.blockHash);
    await l1.mine(DEPTH);
    await catchUp();
    const alice = l1.accounts.alice.account.address.toLowerCase() as Address;
    assert.equal(state.latest.getAccount(alice)?.balance, 222n);
    assert.equal(l2Deposits().length, 1);
    assert.equal(sequencer.fatalError, undefined);
  });

  it("stops with a fatal error when a reorg replaces an L1 block the L2 chain took as its origin", async () => {
    const fork = (await l1.rpc("evm_snapshot")) as Hex;
    await deposit({ mint: 1n });
    await l1.mine(DEPTH);
    await catchUp();
    const taken = sequencer.l1Origin?.number ?? 0n;
    assert.ok(taken > l1.addresses.deployBlock);
    const fatal = new Promise<Error>((resolve) => sequencer.once("fatal", resolve));
    sequencer.start();
    assert.equal(await l1.rpc("evm_revert", [fork]), true);
    // Another history, longer than the one the L2 chain followed.
    await l1.increaseTime(1n);
    await l1.mine(DEPTH + 3);
    await follower.poll();
    const error = await fatal;
    assert.ok(error instanceof L1ReorgTooDeepError);
    assert.match(error.message, new RegExp(`L1 block ${taken} is gone`));
  });
});
