// Gas of the settlement hot paths, measured on a fresh Hardhat L1: `pnpm gas` (hardhat run scripts/gas.ts).
// Prints one line per operation: gasUsed of the receipt (the figure includes the 21,000 intrinsic gas).
import { network } from "hardhat";
import { encodeAbiParameters, type Hash, keccak256, parseEther, stringToHex } from "viem";
import { deployMachL1 } from "../deploy/index.ts";
import { daProviderIds } from "../generated/index.ts";
import { proverAccounts, quorumProof } from "../test-helpers/attest.ts";
import {
  buildMessagePasserStorage,
  firstWithdrawalNonce,
  hashOutputRoot,
  hashWithdrawal,
  outputRootProofFor,
  type WithdrawalTransaction,
} from "../test-helpers/l2.ts";

const l2ChainId = 901n;
const { viem, networkHelpers } = await network.create();
const publicClient = await viem.getPublicClient();
const [deployer, batcher, alice, bob] = await viem.getWalletClients();
if (!deployer || !batcher || !alice || !bob) throw new Error("need 4 accounts");
const provers = proverAccounts(3);
const addresses = await deployMachL1({
  walletClient: deployer,
  publicClient,
  config: {
    l2ChainId,
    batcher: batcher.account.address,
    provers: provers.map((p) => p.address),
    quorum: 2n,
    devnetDACertVerifier: true,
  },
});
const portal = await viem.getContractAt("Portal", addresses.portal);
const factory = await viem.getContractAt("DisputeGameFactory", addresses.disputeGameFactory);
const inbox = await viem.getContractAt("BatchInbox", addresses.batchInbox);
const l1ChainId = await publicClient.getChainId();

const figures: [string, bigint][] = [];
const measure = async (name: string, hash: Promise<Hash>) => {
  const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash });
  if (receipt.status !== "success") throw new Error(`${name} reverted`);
  figures.push([name, receipt.gasUsed]);
};

await measure(
  "deposit (EOA, ETH only)",
  portal.write.depositTransaction([bob.account.address, parseEther("1"), 100_000n, false, "0x"], {
    value: parseEther("1"),
    account: alice.account,
  }),
);
await measure(
  "deposit (EOA, 100 bytes of data)",
  portal.write.depositTransaction([bob.account.address, 0n, 100_000n, false, `0x${"ab".repeat(100)}`], {
    account: alice.account,
  }),
);

// 1,000 withdrawals in the message passer: a realistic storage proof depth.
const withdrawals: WithdrawalTransaction[] = Array.from({ length: 1000 }, (_, i) => ({
  nonce: firstWithdrawalNonce + BigInt(i),
  sender: alice.account.address,
  target: bob.account.address,
  value: parseEther("0.1"),
  gasLimit: 21_000n,
  data: "0x",
}));
const storage = await buildMessagePasserStorage(withdrawals);
const outputProof = outputRootProofFor(
  storage.storageRoot,
  keccak256(stringToHex("state")),
  keccak256(stringToHex("block")),
);
const outputRoot = hashOutputRoot(outputProof);
const l2BlockNumber = 1234n;

await measure(
  "create game (DisputeGameFactory.create)",
  factory.write.create([addresses.gameType, outputRoot, encodeAbiParameters([{ type: "uint256" }], [l2BlockNumber])]),
);
const [, , proxy] = await factory.read.gameAtIndex([0n]);
const game = await viem.getContractAt("MachOutputGame", proxy);
const target = { l1ChainId, verifier: addresses.outputVerifier, l2ChainId, l2BlockNumber, outputRoot };
await measure("attest (2-of-3 prover quorum)", game.write.attest([await quorumProof(provers.slice(0, 2), target)]));
await networkHelpers.time.increase((await game.read.challengeWindowSeconds()) + 1n);
await measure("resolve", game.write.resolve());

const withdrawal = withdrawals[500] as WithdrawalTransaction;
const proof = await storage.proveWithdrawal(hashWithdrawal(withdrawal));
await measure(
  `prove (storage proof of ${proof.length} nodes, 1,000 withdrawals)`,
  portal.write.proveWithdrawalTransaction([withdrawal, 0n, outputProof, proof], { account: alice.account }),
);
await networkHelpers.time.increase((await portal.read.proofMaturityDelaySeconds()) + 1n);
await measure(
  "finalize (ETH to an EOA)",
  portal.write.finalizeWithdrawalTransaction([withdrawal], { account: alice.account }),
);

await measure(
  "BatchInbox.submitBatch (Celestia, 40-byte pointer)",
  inbox.write.submitBatch([1n, 100n, daProviderIds.celestia, `0x${"cd".repeat(40)}`], { account: batcher.account }),
);
await measure(
  "BatchInbox.submitBatch (EigenDA, 600-byte cert, devnet check)",
  inbox.write.submitBatch([101n, 200n, daProviderIds.eigenda, `0x${"ef".repeat(600)}`], { account: batcher.account }),
);

const width = Math.max(...figures.map(([name]) => name.length));
for (const [name, gas] of figures) console.log(`${name.padEnd(width)}  ${gas.toString().padStart(8)} gas`);
