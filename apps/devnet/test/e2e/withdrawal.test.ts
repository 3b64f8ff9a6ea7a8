/**
 * Withdrawals as users do them, with unmodified viem (`viem/op-stack`) against `pnpm devnet`, once per DA provider:
 *
 * - ETH: `buildInitiateWithdrawal` + `initiateWithdrawal` on L2; `getWithdrawalStatus` goes waiting-to-prove →
 *   ready-to-prove → waiting-to-finalize → ready-to-finalize → finalized on the devnet's own clock (no L1 time
 *   travel); `waitToProve`, `buildProveWithdrawal`, `proveWithdrawal`, `finalizeWithdrawal`; the L1 balance grows by
 *   the amount net of the L1 gas paid.
 * - A message: an L2 contract calls the message passer; the call is relayed to an L1 contract, which sees the L2
 *   contract as `l2Sender`; this time the client moves the L1 clock past the windows with `evm_increaseTime` +
 *   `evm_mine` instead of waiting.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { portalAbi } from "@mach/contracts";
import { type Address, encodeFunctionData, type Hex, parseEther, parseEventLogs, type TransactionReceipt } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { getWithdrawals } from "viem/op-stack";
import { testContracts } from "../support/contracts.ts";
import { type RunningDevnet, runDevnet } from "../support/devnetProcess.ts";
import { type DevnetInfo, opStackClients } from "../support/opStackClients.ts";

type Status = Awaited<ReturnType<ReturnType<typeof opStackClients>["l1"]["getWithdrawalStatus"]>>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `getWithdrawalStatus`, recording each status the first time it is seen, until `until` shows up. */
async function followStatus(
  clients: ReturnType<typeof opStackClients>,
  receipt: TransactionReceipt,
  seen: Status[],
  until: Status,
): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const status = await clients.l1.getWithdrawalStatus({ receipt, targetChain: clients.l2Chain });
    if (seen.at(-1) !== status) seen.push(status);
    if (status === until) return;
    await sleep(250);
  }
  throw new Error(`withdrawal status stayed ${seen.at(-1)}, expected ${until}`);
}

/** The portal ran the withdrawal's call and it succeeded (a failed call still finalizes, with `success` false). */
function assertRelayed(receipt: TransactionReceipt): void {
  assert.equal(receipt.status, "success");
  const [finalized] = parseEventLogs({ abi: portalAbi, eventName: "WithdrawalFinalized", logs: receipt.logs });
  assert.equal(finalized?.args.success, true, "the withdrawal's L1 call succeeded");
}

function gasPaid(...receipts: TransactionReceipt[]): bigint {
  return receipts.reduce((sum, receipt) => sum + receipt.gasUsed * receipt.effectiveGasPrice, 0n);
}

for (const da of ["eigenda", "celestia"] as const) {
  describe(`withdrawals through viem's op-stack actions (pnpm devnet --da ${da})`, () => {
    let devnet: RunningDevnet;
    let info: DevnetInfo & { accounts: { privateKey: Hex }[]; l1: { contracts: { portal: Address } } };
    before(async () => {
      devnet = await runDevnet(da);
      info = devnet.info() as unknown as typeof info;
    });
    after(async () => {
      assert.equal(await devnet?.stop(), 0);
    });

    it("takes ETH from L2 to L1 through every withdrawal status on the devnet's own clock", async () => {
      const account = privateKeyToAccount(info.accounts[1]?.privateKey as Hex);
      const clients = opStackClients(info, account);
      const amount = parseEther("1.5");
      const l1Before = await clients.l1.getBalance({ address: account.address });

      const args = await clients.l1.buildInitiateWithdrawal({ to: account.address, value: amount });
      const hash = await clients.l2Wallet.initiateWithdrawal(args);
      const receipt = await clients.l2.waitForTransactionReceipt({ hash });
      assert.equal(receipt.status, "success");
      const seen: Status[] = [];
      await followStatus(clients, receipt, seen, "waiting-to-prove");

      const { output, withdrawal } = await clients.l1.waitToProve({
        receipt,
        targetChain: clients.l2Chain,
        pollingInterval: 250,
      });
      // An output at the withdrawal's own block already commits to it (viem waits for `l2BlockNumber >= blockNumber`).
      assert.ok(output.l2BlockNumber >= receipt.blockNumber);
      await followStatus(clients, receipt, seen, "ready-to-prove");
      const proveArgs = await clients.l2.buildProveWithdrawal({ output, withdrawal });
      const proveReceipt = await clients.l1.waitForTransactionReceipt({
        hash: await clients.l1Wallet.proveWithdrawal(proveArgs),
      });
      assert.equal(proveReceipt.status, "success");
      await followStatus(clients, receipt, seen, "waiting-to-finalize");
      await followStatus(clients, receipt, seen, "ready-to-finalize");
      const finalizeReceipt = await clients.l1.waitForTransactionReceipt({
        hash: await clients.l1Wallet.finalizeWithdrawal({ targetChain: clients.l2Chain, withdrawal }),
      });
      assertRelayed(finalizeReceipt);
      await followStatus(clients, receipt, seen, "finalized");

      assert.deepEqual(seen, [
        "waiting-to-prove",
        "ready-to-prove",
        "waiting-to-finalize",
        "ready-to-finalize",
        "finalized",
      ]);
      const l1After = await clients.l1.getBalance({ address: account.address });
      assert.equal(l1After, l1Before + amount - gasPaid(proveReceipt, finalizeReceipt));
      // The node's `finalized` tag has reached the output the withdrawal was proven against.
      const finalized = await clients.l2.getBlock({ blockTag: "finalized" });
      assert.ok(finalized.number >= output.l2BlockNumber);
    });

    it("relays a message from an L2 contract to an L1 contract, the client moving the L1 clock with evm_increaseTime", async () => {
      const account = privateKeyToAccount(info.accounts[2]?.privateKey as Hex);
      const clients = opStackClients(info, account);
      const { MessageSender, MessageReceiver } = testContracts();
      const deploy = async (
        client: typeof clients.l1 | typeof clients.l2,
        wallet: typeof clients.l1Wallet | typeof clients.l2Wallet,
        contract: typeof MessageSender,
        args: readonly unknown[],
      ) => {
        const receipt = await client.waitForTransactionReceipt({
          hash: await wallet.deployContract({ abi: contract.abi, bytecode: contract.bytecode, args } as never),
        });
        assert.ok(receipt.contractAddress);
        return receipt.contractAddress;
      };
      const receiver = await deploy(clients.l1, clients.l1Wallet, MessageReceiver, [info.l1.contracts.portal]);
      const sender = await deploy(clients.l2, clients.l2Wallet, MessageSender, []);
      const message = `hello L1 from ${da}`;
      const receipt = await clients.l2.waitForTransactionReceipt({
        hash: await clients.l2Wallet.sendTransaction({
          to: sender,
          data: encodeFunctionData({ abi: MessageSender.abi, functionName: "send", args: [receiver, message] }),
        }),
      });
      const [withdrawal] = getWithdrawals(receipt);
      assert.ok(withdrawal);
      assert.equal(withdrawal.sender.toLowerCase(), sender.toLowerCase());
      assert.equal(withdrawal.target.toLowerCase(), receiver.toLowerCase());

      const { game } = await clients.l1.waitToProve({ receipt, targetChain: clients.l2Chain, pollingInterval: 250 });
      const proveReceipt = await clients.l1.waitForTransactionReceipt({
        hash: await clients.l1Wallet.proveWithdrawal(await clients.l2.buildProveWithdrawal({ game, withdrawal })),
      });
      assert.equal(proveReceipt.status, "success");
      assert.equal(
        await clients.l1.getWithdrawalStatus({ receipt, targetChain: clients.l2Chain }),
        "waiting-to-finalize",
      );
      // Past the proof maturity and the challenge window at once; the node's proposer resolves the game after it.
      const settlement = (info as unknown as { l1: { settlement: Record<string, number> } }).l1.settlement;
      const jump = (settlement.proofMaturityDelaySeconds ?? 0) + (settlement.challengeWindowSeconds ?? 0) + 1;
      await clients.l1.request({ method: "evm_increaseTime" as never, params: [jump] as never });
      await clients.l1.request({ method: "evm_mine" as never, params: [] as never });
      const seen: Status[] = ["waiting-to-finalize"];
      await followStatus(clients, receipt, seen, "ready-to-finalize");
      const finalizeReceipt = await clients.l1.waitForTransactionReceipt({
        hash: await clients.l1Wallet.finalizeWithdrawal({ targetChain: clients.l2Chain, withdrawal }),
      });
      assertRelayed(finalizeReceipt);
      assert.equal(await clients.l1.getWithdrawalStatus({ receipt, targetChain: clients.l2Chain }), "finalized");
      const read = (functionName: "lastMessage" | "lastL2Sender") =>
        clients.l1.readContract({ address: receiver, abi: MessageReceiver.abi, functionName });
      assert.equal(await read("lastMessage"), message);
      assert.equal(String(await read("lastL2Sender")).toLowerCase(), sender.toLowerCase());
    });
  });
}
