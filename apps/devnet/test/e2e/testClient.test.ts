/**
 * viem's test client drives every dev action against Mach's standalone dev node and, side by side, against anvil
 * (pinned binary), in both `anvil` and `hardhat` modes: what passes on anvil must pass on Mach. Documented
 * differences: anvil refuses `setMinGasPrice` while EIP-1559 is active (Mach applies it as the pool's price floor),
 * and anvil's `dropTransaction` leaves queued (nonce-gapped) transactions in place (Mach drops them).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  type Address,
  createPublicClient,
  createTestClient,
  createWalletClient,
  defineChain,
  type Hex,
  http,
  parseEther,
  parseTransaction,
  recoverMessageAddress,
  recoverTransactionAddress,
  verifyMessage,
  verifyTypedData,
} from "viem";
import { DEV_CHAIN_ID, DEV_TARGETS, type DevTarget } from "../support/devTargets.ts";

const chain = defineChain({
  id: DEV_CHAIN_ID,
  name: "dev",
  nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: ["http://127.0.0.1"] } },
});
const STRANGER: Address = "0x00000000000000000000000000000000c0ffee01";
const RECIPIENT: Address = "0x00000000000000000000000000000000c0ffee02";
/** Runtime code that returns 42 (`PUSH1 42 PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN`). */
const RETURNS_42: Hex = "0x602a60005260206000f3";

for (const target of DEV_TARGETS) {
  for (const mode of ["anvil", "hardhat"] as const) {
    describe(`viem's test client (${mode} mode) against ${target.name}`, () => {
      let node: DevTarget;
      let test: ReturnType<typeof makeClients>["test"];
      let pub: ReturnType<typeof makeClients>["pub"];
      let wallet: ReturnType<typeof makeClients>["wallet"];
      const makeClients = (url: string) => {
        const transport = http(url);
        return {
          test: createTestClient({ chain, mode, transport }),
          pub: createPublicClient({ chain, transport, pollingInterval: 50, cacheTime: 0 }),
          wallet: createWalletClient({ chain, transport }),
        };
      };
      before(async () => {
        node = await target.start();
        ({ test, pub, wallet } = makeClients(node.rpcUrl));
      });
      after(async () => node?.stop());

      it("edits balances, code, nonces and storage", async () => {
        await test.setBalance({ address: STRANGER, value: parseEther("7") });
        assert.equal(await pub.getBalance({ address: STRANGER }), parseEther("7"));
        await test.setCode({ address: STRANGER, bytecode: RETURNS_42 });
        assert.equal(await pub.getCode({ address: STRANGER }), RETURNS_42);
        const { data } = await pub.call({ to: STRANGER });
        assert.equal(BigInt(data ?? "0x0"), 42n);
        await test.setNonce({ address: STRANGER, nonce: 9 });
        assert.equal(await pub.getTransactionCount({ address: STRANGER }), 9);
        await test.setStorageAt({ address: STRANGER, index: 3, value: `0x${"ab".repeat(32)}` });
        assert.equal(await pub.getStorageAt({ address: STRANGER, slot: "0x3" }), `0x${"ab".repeat(32)}`);
      });

      it("holds the dev accounts: eth_accounts, sendTransaction with fields filled, signatures", async () => {
        const [from] = await wallet.getAddresses();
        assert.ok(from);
        const hash = await wallet.sendTransaction({ account: from, to: RECIPIENT, value: 1234n });
        const receipt = await pub.waitForTransactionReceipt({ hash });
        assert.equal(receipt.status, "success");
        assert.equal(await pub.getBalance({ address: RECIPIENT }), 1234n);
        const message = "hello from the dev node";
        const signature = await wallet.signMessage({ account: from, message });
        assert.equal(await verifyMessage({ address: from, message, signature }), true);
        const typed = {
          domain: { name: "Mach", version: "1", chainId: DEV_CHAIN_ID },
          types: {
            Mail: [
              { name: "contents", type: "string" },
              { name: "amount", type: "uint256" },
            ],
          },
          primaryType: "Mail",
          message: { contents: "hi", amount: 5n },
        } as const;
        // eth_sign signs the raw bytes it is given under EIP-191's prefix (what personal_sign does with a hex message).
        const raw = "0xdeadbeef00ff" as const;
        const ethSignature = (await wallet.request({ method: "eth_sign", params: [from, raw] } as never)) as Hex;
        assert.equal(
          (await recoverMessageAddress({ message: { raw }, signature: ethSignature })).toLowerCase(),
          from.toLowerCase(),
        );
        assert.equal(ethSignature, await wallet.signMessage({ account: from, message: { raw } }));
        const typedSignature = await wallet.signTypedData({ account: from, ...typed });
        assert.equal(await verifyTypedData({ address: from, signature: typedSignature, ...typed }), true);
        const rawTransaction = await wallet.request({
          method: "eth_signTransaction",
          params: [{ from, to: RECIPIENT, value: "0x1" }],
        });
        const signed = parseTransaction(rawTransaction as Hex);
        assert.equal(signed.to?.toLowerCase(), RECIPIENT);
        assert.equal(
          (await recoverTransactionAddress({ serializedTransaction: rawTransaction as never })).toLowerCase(),
          from.toLowerCase(),
        );
      });

      it("impersonates an account and stops", async () => {
        const impersonated: Address = "0x00000000000000000000000000000000c0ffee03";
        await test.setBalance({ address: impersonated, value: parseEther("1") });
        await test.impersonateAccount({ address: impersonated });
        const hash = await test.sendUnsignedTransaction({ from: impersonated, to: RECIPIENT, value: 5n });
        const receipt = await pub.waitForTransactionReceipt({ hash });
        assert.equal(receipt.status, "success");
        assert.equal(receipt.from.toLowerCase(), impersonated);
        const viaWallet = await wallet.sendTransaction({ account: impersonated, to: RECIPIENT, value: 6n });
        assert.equal((await pub.waitForTransactionReceipt({ hash: viaWallet })).status, "success");
        await test.stopImpersonatingAccount({ address: impersonated });
        await assert.rejects(wallet.sendTransaction({ account: impersonated, to: RECIPIENT, value: 6n }));
      });

      it("mines blocks, with automine on and off", async () => {
        assert.equal(await test.getAutomine(), true);
        const start = await pub.getBlockNumber();
        await test.mine({ blocks: 3 });
        assert.equal(await pub.getBlockNumber(), start + 3n);
        await test.setAutomine(false);
        try {
          assert.equal(await test.getAutomine(), false);
          const [from] = await wallet.getAddresses();
          const hash = await wallet.sendTransaction({ account: from as Address, to: RECIPIENT, value: 1n });
          assert.equal(await pub.getBlockNumber(), start + 3n);
          await test.mine({ blocks: 1 });
          const receipt = await pub.waitForTransactionReceipt({ hash });
          assert.equal(receipt.blockNumber, start + 4n);
        } finally {
          await test.setAutomine(true);
        }
      });

      it("mines blocks spaced by an interval, and evm_mine at a given timestamp", async () => {
        // Before any test moves the clock ahead of the chain: anvil spaces blocks by moving its clock.
        const start = await pub.getBlockNumber();
        await test.mine({ blocks: 3, interval: 7 });
        assert.equal(await pub.getBlockNumber(), start + 3n);
        const mined = await Promise.all([1n, 2n, 3n].map((i) => pub.getBlock({ blockNumber: start + i })));
        const timestamps = mined.map((block) => block.timestamp);
        assert.deepEqual([timestamps[1]! - timestamps[0]!, timestamps[2]! - timestamps[1]!], [7n, 7n]);
        const at = timestamps[2]! + 100n;
        await test.request({ method: "evm_mine", params: [`0x${at.toString(16)}`] } as never);
        const latest = await pub.getBlock();
        assert.equal(latest.number, start + 4n);
        assert.equal(latest.timestamp, at);
      });

      it("moves time: increaseTime, setNextBlockTimestamp, block timestamp interval", async () => {
        const before = await pub.getBlock();
        await test.increaseTime({ seconds: 3600 });
        await test.mine({ blocks: 1 });
        const later = await pub.getBlock();
        assert.ok(later.timestamp >= before.timestamp + 3600n);
        const target = later.timestamp + 1000n;
        await test.setNextBlockTimestamp({ timestamp: target });
        await test.mine({ blocks: 1 });
        assert.equal((await pub.getBlock()).timestamp, target);
        // Hardhat has no block timestamp interval (anvil answers viem's `hardhat_setBlockTimestampInterval` with
        // method not found): anvil mode only.
        if (mode === "anvil") {
          await test.setBlockTimestampInterval({ interval: 5 });
          await test.mine({ blocks: 2 });
          const latest = await pub.getBlock({ blockTag: "latest" });
          const previous = await pub.getBlock({ blockNumber: latest.number - 1n });
          assert.equal(latest.timestamp - previous.timestamp, 5n);
          await test.removeBlockTimestampInterval();
        }
      });

      it("sets the next block's base fee, coinbase and gas limit", async () => {
        await test.setNextBlockBaseFeePerGas({ baseFeePerGas: 7_000_000_000n });
        await test.setCoinbase({ address: RECIPIENT });
        await test.setBlockGasLimit({ gasLimit: 40_000_000n });
        await test.mine({ blocks: 1 });
        const block = await pub.getBlock();
        assert.equal(block.baseFeePerGas, 7_000_000_000n);
        assert.equal(block.miner.toLowerCase(), RECIPIENT);
        assert.equal(block.gasLimit, 40_000_000n);
      });

      it("sets a minimum gas price (anvil refuses it while EIP-1559 is active)", async () => {
        if (target.name === "anvil") {
          await assert.rejects(test.setMinGasPrice({ gasPrice: 1n }), /EIP-1559/);
          return;
        }
        await test.setMinGasPrice({ gasPrice: 10n ** 12n });
        const [from] = await wallet.getAddresses();
        try {
          await assert.rejects(
            wallet.sendTransaction({
              account: from as Address,
              to: RECIPIENT,
              value: 1n,
              maxPriorityFeePerGas: 1n,
              maxFeePerGas: 10n ** 11n,
            }),
            /underpriced/,
          );
        } finally {
          await test.setMinGasPrice({ gasPrice: 0n });
        }
      });

      it("lists, inspects and drops pool transactions", async () => {
        const [from] = await wallet.getAddresses();
        const nonce = await pub.getTransactionCount({ address: from as Address });
        // A nonce gap keeps the transaction in the pool on both nodes (queued).
        const hash = await wallet.sendTransaction({
          account: from as Address,
          to: RECIPIENT,
          value: 1n,
          nonce: nonce + 1,
          gas: 21_000n,
        });
        const status = await test.getTxpoolStatus();
        assert.equal(status.queued, 1);
        const content = await test.getTxpoolContent();
        const queued = Object.values(content.queued)[0] ?? {};
        assert.equal(Object.values(queued)[0]?.hash, hash);
        const inspected = await test.inspectTxpool();
        assert.equal(Object.keys(inspected.queued).length, 1);
        await test.dropTransaction({ hash });
        // anvil drops ready transactions only (a queued one stays, the method answers null); Mach drops either.
        assert.equal((await test.getTxpoolStatus()).queued, target.name === "anvil" ? 1 : 0);
      });

      it("snapshots and reverts", async () => {
        const id = await test.snapshot();
        const number = await pub.getBlockNumber();
        await test.setBalance({ address: STRANGER, value: 1n });
        await test.mine({ blocks: 2 });
        await test.revert({ id });
        assert.equal(await pub.getBlockNumber(), number);
        assert.equal(await pub.getBalance({ address: STRANGER }), parseEther("7"));
        assert.equal(await test.request({ method: "evm_revert", params: [id] }), false);
      });

      it("dumps and loads state", async () => {
        const dump = await test.dumpState();
        await test.setBalance({ address: STRANGER, value: 2n });
        await test.loadState({ state: dump });
        assert.equal(await pub.getBalance({ address: STRANGER }), parseEther("7"));
      });

      it("turns logging off and on, and mines on an interval", async () => {
        const [from] = await wallet.getAddresses();
        const send = async (value: bigint) => {
          const hash = await wallet.sendTransaction({ account: from as Address, to: RECIPIENT, value });
          assert.equal((await pub.waitForTransactionReceipt({ hash })).status, "success");
          return hash;
        };
        await test.setLoggingEnabled(false);
        const quiet = await send(11n);
        await test.setLoggingEnabled(true);
        const logged = await send(12n);
        if (target.name === "mach") {
          // Mach logs each executed transaction as anvil prints it; the one sent while logging was off is absent.
          const logs = node.logs;
          assert.ok(logs);
          const transactionLogged = (hash: Hex) =>
            logs.some((entry) => entry.msg === "transaction" && entry.hash === hash);
          for (let i = 0; i < 100 && !transactionLogged(logged); i++) await new Promise((r) => setTimeout(r, 50));
          assert.equal(transactionLogged(logged), true, "logged once logging is back on");
          assert.equal(transactionLogged(quiet), false, "not logged while logging was off");
        }
        if (mode === "anvil") {
          // anvil's unit (seconds) in anvil mode; viem's hardhat mode sends milliseconds, which both nodes read as seconds.
          const start = await pub.getBlockNumber();
          await test.setIntervalMining({ interval: 1 });
          for (let i = 0; i < 100 && (await pub.getBlockNumber()) === start; i++)
            await new Promise((r) => setTimeout(r, 100));
          await test.setIntervalMining({ interval: 0 });
          assert.ok((await pub.getBlockNumber()) > start);
        }
      });

      it("resets to genesis", async () => {
        // viem's `reset` always names a fork (anvil refuses it without a URL); the bare method resets in place.
        await test.request({ method: `${mode}_reset` as "anvil_reset", params: [] as never });
        assert.equal(await pub.getBlockNumber(), 0n);
        assert.equal(await pub.getBalance({ address: STRANGER }), 0n);
      });
    });
  }
}
