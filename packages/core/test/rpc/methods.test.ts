import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { decodeAbiParameters, type Hex, keccak256, padHex, stringToHex } from "viem";
import { PENDING_BLOCK_HASH } from "../../src/rpc/format.ts";
import { LOG_EMITTER, PING_TOPIC, REVERTER } from "./fakeBackend.ts";
import { type Harness, SOURCE_HASH, seedChain, startHarness } from "./harness.ts";

type Obj = Record<string, unknown>;

describe("rpc methods over HTTP", () => {
  let h: Harness;
  let seeded: Awaited<ReturnType<typeof seedChain>>;
  before(async () => {
    h = await startHarness();
    seeded = await seedChain(h);
  });
  after(() => h.close());

  describe("node identity", () => {
    it("answers chain id, net_version as a decimal string, listening, peers, client version, accounts", async () => {
      assert.equal(await h.result("eth_chainId"), "0x10e6");
      assert.equal(await h.result("net_version"), "4326");
      assert.equal(await h.result("net_listening"), true);
      assert.equal(await h.result("net_peerCount"), "0x3");
      assert.equal(await h.result("web3_clientVersion"), "Mach/v0.1.0-test");
      assert.deepEqual(await h.result("eth_accounts"), []);
    });
    it("hashes with web3_sha3", async () => {
      assert.equal(await h.result("web3_sha3", [stringToHex("hello")]), keccak256(stringToHex("hello")));
    });
    it("reports the EVM head as eth_blockNumber, not the mini-block height", async () => {
      h.backend.sealMiniBlock();
      assert.equal(await h.result("eth_blockNumber"), "0x2");
    });
    it("reports eth_syncing false when in sync and progress while catching up", async () => {
      assert.equal(await h.result("eth_syncing"), false);
      h.backend.syncState = { startingBlock: 0n, currentBlock: 2n, highestBlock: 9n };
      assert.deepEqual(await h.result("eth_syncing"), {
        startingBlock: "0x0",
        currentBlock: "0x2",
        highestBlock: "0x9",
      });
      h.backend.syncState = false;
    });
  });

  describe("state reads", () => {
    it("reads balances at latest (newest mini-block), pending = latest, historical numbers and EIP-1898 hashes", async () => {
      const latest = BigInt(await h.result<string>("eth_getBalance", [h.bobAddress, "latest"]));
      assert.equal(await h.result("eth_getBalance", [h.bobAddress, "pending"]), `0x${latest.toString(16)}`);
      assert.equal(await h.result("eth_getBalance", [h.bobAddress]), `0x${latest.toString(16)}`);
      const atGenesis = await h.result<string>("eth_getBalance", [h.bobAddress, "0x0"]);
      assert.equal(BigInt(atGenesis), 10n ** 24n);
      const atBlock1 = await h.result<string>("eth_getBalance", [h.bobAddress, { blockHash: seeded.block1.hash }]);
      assert.equal(await h.result("eth_getBalance", [h.bobAddress, { blockNumber: "0x1" }]), atBlock1);
      assert.equal(await h.result("eth_getBalance", [h.bobAddress, seeded.block1.hash]), atBlock1);
      assert.notEqual(atBlock1, atGenesis);
      assert.equal(await h.result("eth_getBalance", [h.bobAddress, "earliest"]), atGenesis);
      assert.equal(await h.result("eth_getBalance", [h.bobAddress, "safe"]), atGenesis);
    });
    it("sees a transaction's effect in latest as soon as its mini-block is sealed", async () => {
      const before = BigInt(await h.result<string>("eth_getTransactionCount", [h.aliceAddress, "latest"]));
      await h.result("eth_sendRawTransaction", [await h.signTransfer({ nonce: Number(before) })]);
      h.backend.sealMiniBlock();
      assert.equal(BigInt(await h.result<string>("eth_getTransactionCount", [h.aliceAddress, "latest"])), before + 1n);
      assert.equal(BigInt(await h.result<string>("eth_getTransactionCount", [h.aliceAddress, "0x2"])), before);
    });
    it("counts pool transactions in the pending nonce when the backend knows them", async () => {
      const latest = BigInt(await h.result<string>("eth_getTransactionCount", [h.aliceAddress, "latest"]));
      await h.result("eth_sendRawTransaction", [await h.signTransfer({ nonce: Number(latest) })]);
      assert.equal(BigInt(await h.result<string>("eth_getTransactionCount", [h.aliceAddress, "pending"])), latest + 1n);
      assert.equal(BigInt(await h.result<string>("eth_getTransactionCount", [h.aliceAddress, "latest"])), latest);
      h.backend.sealMiniBlock();
    });
    it("answers header not found (-32000) for blocks beyond the head and unknown hashes", async () => {
      const beyond = await h.call("eth_getBalance", [h.bobAddress, "0x99"]);
      assert.deepEqual(beyond.error, { code: -32000, message: "header not found" });
      const unknown = await h.call("eth_getBalance", [h.bobAddress, { blockHash: `0x${"12".repeat(32)}` }]);
      assert.equal(unknown.error?.code, -32000);
      const finalized = await h.call("eth_getBalance", [h.bobAddress, "finalized"]);
      assert.equal(finalized.error?.code, -32000);
    });
    it("answers 4444 when a sealed block's state is no longer kept", async () => {
      const kept = h.backend.snapshots.get(0n);
      h.backend.snapshots.delete(0n);
      try {
        const answer = await h.call("eth_getBalance", [h.bobAddress, "0x0"]);
        assert.deepEqual(answer.error, { code: 4444, message: "Pruned history unavailable" });
      } finally {
        if (kept) h.backend.snapshots.set(0n, kept);
      }
    });
    it("rejects bad params with -32602 naming the argument", async () => {
      const bad = await h.call("eth_getBalance", ["0x1234", "latest"]);
      assert.equal(bad.error?.code, -32602);
      assert.match(bad.error?.message ?? "", /invalid argument 0 \(address\)/);
      const badTag = await h.call("eth_getBalance", [h.bobAddress, "newest"]);
      assert.match(badTag.error?.message ?? "", /invalid argument 1 \(block\)/);
      const leadingZero = await h.call("eth_getBalance", [h.bobAddress, "0x01"]);
      assert.equal(leadingZero.error?.code, -32602);
      const missing = await h.call("eth_getBalance", []);
      assert.match(missing.error?.message ?? "", /missing value for required argument 0/);
      const tooMany = await h.call("eth_chainId", [1]);
      assert.match(tooMany.error?.message ?? "", /too many arguments/);
    });
    it("reads code and storage (short slots are left-padded)", async () => {
      assert.equal(await h.result("eth_getCode", [LOG_EMITTER, "latest"]), "0x6001");
      assert.equal(await h.result("eth_getCode", [h.bobAddress, "latest"]), "0x");
      assert.equal(await h.result("eth_getStorageAt", [LOG_EMITTER, "0x1", "latest"]), padHex("0x2a", { size: 32 }));
      assert.equal(await h.result("eth_getStorageAt", [LOG_EMITTER, "0x2"]), padHex("0x0", { size: 32 }));
    });
    it("returns EIP-1186 proofs", async () => {
      const proof = await h.result<Obj>("eth_getProof", [LOG_EMITTER, ["0x1"], "latest"]);
      assert.equal(proof.address, LOG_EMITTER);
      assert.equal(proof.nonce, "0x1");
      assert.deepEqual(proof.accountProof, ["0xf8518080"]);
      assert.deepEqual(proof.storageProof, [{ key: padHex("0x1", { size: 32 }), value: "0x2a", proof: [] }]);
    });
  });

  describe("blocks", () => {
    it("returns blocks by number and hash with hashes or full transactions, MegaETH fields and a size", async () => {
      const byNumber = await h.result<Obj>("eth_getBlockByNumber", ["0x1", false]);
      assert.equal(byNumber.hash, seeded.block1.hash);
      assert.equal(byNumber.number, "0x1");
      assert.equal(byNumber.miniBlockCount, "0x2");
      assert.equal(byNumber.miniBlockOffset, "0x0");
      assert.deepEqual(byNumber.transactions, [seeded.depositHash, seeded.legacy, seeded.ping, seeded.setCode]);
      assert.match(byNumber.size as string, /^0x[1-9a-f][0-9a-f]*$/);
      const full = await h.result<Obj>("eth_getBlockByHash", [seeded.block1.hash, true]);
      const txs = full.transactions as Obj[];
      assert.equal(txs.length, 4);
      assert.equal(txs[1]?.blockHash, seeded.block1.hash);
      assert.equal(txs[1]?.transactionIndex, "0x1");
      assert.equal(txs[0]?.nonce, "0x5", "deposit nonce rendered from the block's receipts");
    });
    it("answers latest with the head block, pending and unknown blocks with null", async () => {
      const latest = await h.result<Obj>("eth_getBlockByNumber", ["latest", false]);
      assert.equal(latest.number, "0x2");
      assert.equal(await h.result("eth_getBlockByNumber", ["pending", false]), null);
      assert.equal(await h.result("eth_getBlockByNumber", ["0x64", false]), null);
      assert.equal(await h.result("eth_getBlockByHash", [`0x${"00".repeat(32)}`, false]), null);
    });
    it("lists the open block's mini-block transactions for latest, pending and its number (the latest rule)", async () => {
      const open = h.backend.openBlock();
      assert.ok(open && open.transactions.length > 0, "the seeded chain has an open block with mini-blocks");
      const number = `0x${open.number.toString(16)}`;
      for (const tag of ["latest", "pending", number]) {
        const receipts = await h.result<Obj[]>("eth_getBlockReceipts", [tag]);
        assert.deepEqual(
          receipts.map((r) => r.transactionHash),
          open.transactions.map((tx) => tx.hash),
          tag,
        );
        assert.equal(receipts[0]?.blockHash, PENDING_BLOCK_HASH);
        assert.equal(
          await h.result("eth_getBlockTransactionCountByNumber", [tag]),
          `0x${open.transactions.length.toString(16)}`,
        );
        const first = await h.result<Obj>("eth_getTransactionByBlockNumberAndIndex", [tag, "0x0"]);
        assert.equal(first.hash, open.transactions[0]?.hash);
      }
      // Block objects exist once sealed: latest is the sealed head, the open block's number is not a block yet.
      assert.equal(await h.result("eth_getBlockByNumber", [number, false]), null);
    });
    it("returns block receipts with block-wide log indexes", async () => {
      const receipts = await h.result<Obj[]>("eth_getBlockReceipts", ["0x2"]);
      assert.equal(receipts.length, 2);
      assert.equal(receipts[1]?.transactionHash, seeded.ping2);
      const logs = receipts[1]?.logs as Obj[];
      assert.equal(logs[0]?.logIndex, "0x0");
      const byHash = await h.result<Obj[]>("eth_getBlockReceipts", [{ blockHash: seeded.block1.hash }]);
      assert.equal(byHash.length, 4);
    });
    it("counts transactions and uncles", async () => {
      assert.equal(await h.result("eth_getBlockTransactionCountByNumber", ["0x1"]), "0x4");
      assert.equal(await h.result("eth_getBlockTransactionCountByHash", [seeded.block2.hash]), "0x2");
      assert.equal(await h.result("eth_getUncleCountByBlockNumber", ["0x1"]), "0x0");
      assert.equal(await h.result("eth_getUncleCountByBlockHash", [seeded.block1.hash]), "0x0");
      assert.equal(await h.result("eth_getBlockTransactionCountByNumber", ["0x99"]), null);
    });
    it("returns headers without transactions", async () => {
      const header = await h.result<Obj>("eth_getHeaderByNumber", ["0x1"]);
      assert.equal(header.hash, seeded.block1.hash);
      assert.equal(header.transactions, undefined);
    });
  });

  describe("transactions", () => {
    it("renders each transaction type with its fields", async () => {
      const deposit = await h.result<Obj>("eth_getTransactionByHash", [seeded.depositHash]);
      assert.equal(deposit.type, "0x7e");
      assert.equal(deposit.sourceHash, SOURCE_HASH);
      assert.equal(deposit.mint, "0x4563918244f40000");
      assert.equal(deposit.isSystemTx, false);
      assert.equal(deposit.nonce, "0x5", "the deposit nonce from the receipt");
      assert.equal(deposit.depositReceiptVersion, "0x1");
      const legacy = await h.result<Obj>("eth_getTransactionByHash", [seeded.legacy]);
      assert.equal(legacy.type, "0x0");
      assert.equal(legacy.gasPrice, "0x1e8480");
      assert.ok(legacy.v === "0x21ef" || legacy.v === "0x21f0");
      const dynamic = await h.result<Obj>("eth_getTransactionByHash", [seeded.ping]);
      assert.equal(dynamic.type, "0x2");
      assert.equal(dynamic.gasPrice, "0x16e360", "gasPrice is the effective price: base fee + tip");
      assert.equal(dynamic.input, "0x01020304");
      const setCode = await h.result<Obj>("eth_getTransactionByHash", [seeded.setCode]);
      assert.equal(setCode.type, "0x4");
      const authorizations = setCode.authorizationList as Obj[];
      assert.equal(authorizations[0]?.address, LOG_EMITTER);
      assert.equal(authorizations[0]?.nonce, "0x1");
      const accessList = await h.result<Obj>("eth_getTransactionByHash", [seeded.accessList]);
      assert.equal(accessList.type, "0x1");
      assert.deepEqual(accessList.accessList, []);
      assert.equal(await h.result("eth_getTransactionByHash", [`0x${"00".repeat(32)}`]), null);
    });
    it("finds transactions by block and index", async () => {
      const tx = await h.result<Obj>("eth_getTransactionByBlockNumberAndIndex", ["0x1", "0x2"]);
      assert.equal(tx.hash, seeded.ping);
      const byHash = await h.result<Obj>("eth_getTransactionByBlockHashAndIndex", [seeded.block2.hash, "0x0"]);
      assert.equal(byHash.hash, seeded.accessList);
      assert.equal(await h.result("eth_getTransactionByBlockNumberAndIndex", ["0x1", "0x9"]), null);
    });
    it("renders receipts with OP fee fields, and deposit nonce/version on deposits", async () => {
      const receipt = await h.result<Obj>("eth_getTransactionReceipt", [seeded.ping]);
      assert.equal(receipt.status, "0x1");
      assert.equal(receipt.l1Fee, "0x4d2");
      assert.equal(receipt.l1GasUsed, "0x640");
      assert.equal(receipt.l1GasPrice, "0x7");
      assert.equal(receipt.blockHash, seeded.block1.hash);
      assert.equal(receipt.to, LOG_EMITTER);
      const logs = receipt.logs as Obj[];
      assert.equal(logs.length, 1);
      assert.equal(logs[0]?.logIndex, "0x0");
      assert.equal(logs[0]?.blockTimestamp, "0x6553f101");
      assert.equal(logs[0]?.removed, false);
      const deposit = await h.result<Obj>("eth_getTransactionReceipt", [seeded.depositHash]);
      assert.equal(deposit.depositNonce, "0x5");
      assert.equal(deposit.depositReceiptVersion, "0x1");
      assert.equal(deposit.l1Fee, undefined);
    });
    it("tracks a transaction from pool to mini-block (placeholder block hash) to sealed block", async () => {
      const nonce = Number(await h.result<string>("eth_getTransactionCount", [h.aliceAddress, "latest"]));
      const hash = await h.result<Hex>("eth_sendRawTransaction", [await h.signTransfer({ nonce })]);
      const inPool = await h.result<Obj>("eth_getTransactionByHash", [hash]);
      assert.equal(inPool.blockHash, null);
      assert.equal(inPool.blockNumber, null);
      assert.equal(await h.result("eth_getTransactionReceipt", [hash]), null);
      h.backend.sealMiniBlock();
      const fresh = await h.result<Obj>("eth_getTransactionReceipt", [hash]);
      assert.equal(fresh.blockHash, PENDING_BLOCK_HASH);
      assert.equal(fresh.blockNumber, "0x3");
      const block = h.backend.sealBlock();
      const sealed = await h.result<Obj>("eth_getTransactionReceipt", [hash]);
      assert.equal(sealed.blockHash, block.hash);
      assert.equal(sealed.transactionIndex, fresh.transactionIndex);
    });
    it("maps rejections: undecodable → -32602, already known / nonce too low / funds → -32000 with geth's message", async () => {
      const garbage = await h.call("eth_sendRawTransaction", ["0x02c0"]);
      assert.equal(garbage.error?.code, -32602);
      const notHex = await h.call("eth_sendRawTransaction", ["0xzz"]);
      assert.equal(notHex.error?.code, -32602);
      const raw = await h.signTransfer({ nonce: 0 });
      const low = await h.call("eth_sendRawTransaction", [raw]);
      assert.ok(low.error);
      assert.equal(low.error.code, -32000);
      assert.match(low.error.message, /already known|nonce too low/);
      const nonce = Number(await h.result<string>("eth_getTransactionCount", [h.aliceAddress, "latest"]));
      const rich = await h.call("eth_sendRawTransaction", [await h.signTransfer({ nonce, value: 10n ** 30n })]);
      assert.deepEqual(rich.error, { code: -32000, message: "insufficient funds for gas * price + value" });
    });
  });

  describe("execution", () => {
    it("eth_call returns data, honours state and block overrides", async () => {
      assert.equal(await h.result("eth_call", [{ to: h.bobAddress, input: "0xbeef" }, "latest"]), "0xbeef");
      assert.equal(await h.result("eth_call", [{ to: h.bobAddress, data: "0xbeef" }]), "0xbeef");
      const from = "0x00000000000000000000000000000000000000f0";
      const out = await h.result<Hex>("eth_call", [
        { from, to: LOG_EMITTER },
        "latest",
        { [from]: { balance: "0x1234" } },
        { number: "0x77" },
      ]);
      const [balance, number] = decodeAbiParameters([{ type: "uint256" }, { type: "uint256" }], out);
      assert.equal(balance, 0x1234n);
      assert.equal(number, 0x77n);
    });
    it("eth_call answers a revert with code 3, the decoded reason and the revert data", async () => {
      const answer = await h.call("eth_call", [{ to: REVERTER }, "latest"]);
      assert.equal(answer.error?.code, 3);
      assert.equal(answer.error?.message, "execution reverted: nope");
      assert.match(String(answer.error?.data), /^0x08c379a0/);
    });
    it("eth_call answers other EVM failures with -32000 and rejects mismatched data/input", async () => {
      const oog = await h.call("eth_call", [{ to: h.bobAddress, gas: "0x10" }]);
      assert.deepEqual(oog.error, { code: -32000, message: "out of gas" });
      const mismatch = await h.call("eth_call", [{ to: h.bobAddress, data: "0x01", input: "0x02" }]);
      assert.equal(mismatch.error?.code, -32602);
      assert.match(mismatch.error?.message ?? "", /both "data" and "input"/);
    });
    it("eth_estimateGas finds the lowest working gas limit within geth's 1.5% and reports reverts", async () => {
      const estimate = BigInt(await h.result<string>("eth_estimateGas", [{ from: h.aliceAddress, to: h.bobAddress }]));
      assert.ok(estimate >= 21_000n && estimate <= 21_315n, `estimate ${estimate}`);
      const withData = BigInt(
        await h.result<string>("eth_estimateGas", [{ to: h.bobAddress, input: `0x${"ff".repeat(100)}` }]),
      );
      assert.ok(withData >= 22_600n && withData <= 22_939n, `estimate ${withData}`);
      const reverted = await h.call("eth_estimateGas", [{ to: REVERTER }]);
      assert.equal(reverted.error?.code, 3);
    });
    it("eth_createAccessList returns the backend's list and gas, with the EVM error beside them", async () => {
      const list = await h.result<Obj>("eth_createAccessList", [{ to: LOG_EMITTER }, "latest"]);
      assert.deepEqual(list, {
        accessList: [{ address: LOG_EMITTER, storageKeys: [padHex("0x1", { size: 32 })] }],
        gasUsed: "0x5208",
      });
      const reverted = await h.result<Obj>("eth_createAccessList", [{ to: REVERTER }]);
      assert.equal(reverted.error, "execution reverted");
    });
    it("traces mined transactions and calls with the callTracer", async () => {
      const frame = await h.result<Obj>("debug_traceTransaction", [seeded.legacy, { tracer: "callTracer" }]);
      assert.equal(frame.type, "CALL");
      assert.equal(frame.from, h.aliceAddress);
      assert.equal(frame.gasUsed, "0x5208");
      const call = await h.result<Obj>("debug_traceCall", [
        { to: h.bobAddress, input: "0x01" },
        "latest",
        { tracer: "callTracer" },
      ]);
      assert.equal(call.output, "0x01");
      const unsupported = await h.call("debug_traceTransaction", [seeded.legacy, { tracer: "4byteTracer" }]);
      assert.equal(unsupported.error?.code, -32602);
    });
  });

  describe("fees", () => {
    it("answers gas price and priority fee from the backend", async () => {
      assert.equal(await h.result("eth_gasPrice"), "0xf4240");
      assert.equal(await h.result("eth_maxPriorityFeePerGas"), "0x0");
    });
    it("answers fee history with base fees (one extra), ratios and reward percentiles", async () => {
      const history = await h.result<Obj>("eth_feeHistory", ["0x2", "0x2", [0, 50, 100]]);
      assert.equal(history.oldestBlock, "0x1");
      assert.deepEqual(history.baseFeePerGas, ["0xf4240", "0xf4240", "0xf4240"]);
      assert.equal((history.gasUsedRatio as number[]).length, 2);
      const rewards = history.reward as string[][];
      // Block 1: deposit (tip 0), legacy (tip 1_000_000), 1559 (tip 500_000), 7702 (tip 1).
      assert.deepEqual(rewards[0], ["0x0", "0x7a120", "0xf4240"]);
      const numeric = await h.result<Obj>("eth_feeHistory", [2, "latest"]);
      assert.equal(numeric.reward, undefined);
    });
    it("rejects decreasing percentiles and requests beyond the head", async () => {
      const decreasing = await h.call("eth_feeHistory", ["0x1", "latest", [50, 10]]);
      assert.equal(decreasing.error?.code, -32602);
      const beyond = await h.call("eth_feeHistory", ["0x1", "0x99"]);
      assert.equal(beyond.error?.code, -32000);
      assert.match(beyond.error?.message ?? "", /request beyond head block/);
    });
  });

  describe("logs", () => {
    it("filters by range, address, topics with OR-lists and null wildcards", async () => {
      const all = await h.result<Obj[]>("eth_getLogs", [{ fromBlock: "0x0", toBlock: "latest" }]);
      assert.equal(all.length, 2);
      assert.equal(all[0]?.transactionHash, seeded.ping);
      const byAddress = await h.result<Obj[]>("eth_getLogs", [{ fromBlock: "0x0", address: [LOG_EMITTER] }]);
      assert.equal(byAddress.length, 2);
      const other = await h.result<Obj[]>("eth_getLogs", [{ fromBlock: "0x0", address: h.bobAddress }]);
      assert.equal(other.length, 0);
      const sender = padHex(h.aliceAddress, { size: 32 });
      const byTopic = await h.result<Obj[]>("eth_getLogs", [{ fromBlock: "0x0", topics: [null, sender] }]);
      assert.equal(byTopic.length, 2);
      const orList = await h.result<Obj[]>("eth_getLogs", [
        { fromBlock: "0x0", topics: [[`0x${"11".repeat(32)}`, PING_TOPIC]] },
      ]);
      assert.equal(orList.length, 2);
      const none = await h.result<Obj[]>("eth_getLogs", [{ fromBlock: "0x0", topics: [`0x${"11".repeat(32)}`] }]);
      assert.equal(none.length, 0);
      const tooManyPositions = await h.result<Obj[]>("eth_getLogs", [
        { fromBlock: "0x0", topics: [PING_TOPIC, null, null] },
      ]);
      assert.equal(tooManyPositions.length, 0);
      const byHash = await h.result<Obj[]>("eth_getLogs", [{ blockHash: seeded.block2.hash }]);
      assert.equal(byHash.length, 1);
      assert.equal(byHash[0]?.data, "0xaa");
    });
    it("rejects blockHash with a range, and unknown block hashes", async () => {
      const both = await h.call("eth_getLogs", [{ blockHash: seeded.block2.hash, fromBlock: "0x1" }]);
      assert.equal(both.error?.code, -32602);
      const unknown = await h.call("eth_getLogs", [{ blockHash: `0x${"12".repeat(32)}` }]);
      assert.equal(unknown.error?.code, -32000);
      const reversed = await h.call("eth_getLogs", [{ fromBlock: "0x2", toBlock: "0x1" }]);
      assert.equal(reversed.error?.code, -32602);
    });
  });

  describe("polling filters", () => {
    it("log filters return new logs once, then nothing; eth_getFilterLogs returns the whole range", async () => {
      const id = await h.result<string>("eth_newFilter", [{ address: LOG_EMITTER }]);
      assert.deepEqual(await h.result("eth_getFilterChanges", [id]), []);
      const nonce = Number(await h.result<string>("eth_getTransactionCount", [h.aliceAddress, "latest"]));
      await h.result("eth_sendRawTransaction", [
        await h.signTransfer({ nonce, to: LOG_EMITTER, data: "0x77", value: 0n }),
      ]);
      h.backend.sealMiniBlock();
      h.backend.sealBlock();
      const changes = await h.result<Obj[]>("eth_getFilterChanges", [id]);
      assert.equal(changes.length, 1);
      assert.equal(changes[0]?.data, "0x77");
      assert.deepEqual(await h.result("eth_getFilterChanges", [id]), []);
      const following = await h.result<string>("eth_newFilter", [{ toBlock: "latest", address: LOG_EMITTER }]);
      const next = Number(await h.result<string>("eth_getTransactionCount", [h.aliceAddress, "latest"]));
      await h.result("eth_sendRawTransaction", [
        await h.signTransfer({ nonce: next, to: LOG_EMITTER, data: "0x78", value: 0n }),
      ]);
      h.backend.sealMiniBlock();
      h.backend.sealBlock();
      const followed = await h.result<Obj[]>("eth_getFilterChanges", [following]);
      assert.equal(followed.length, 1, "toBlock latest keeps following the head");
      assert.equal(followed[0]?.data, "0x78");
      const ranged = await h.result<string>("eth_newFilter", [{ fromBlock: "0x0", address: LOG_EMITTER }]);
      assert.equal((await h.result<Obj[]>("eth_getFilterLogs", [ranged])).length, 4);
    });
    it("block and pending-transaction filters buffer hashes between polls", async () => {
      const blocks = await h.result<string>("eth_newBlockFilter");
      const pending = await h.result<string>("eth_newPendingTransactionFilter");
      const nonce = Number(await h.result<string>("eth_getTransactionCount", [h.aliceAddress, "latest"]));
      const hash = await h.result("eth_sendRawTransaction", [await h.signTransfer({ nonce })]);
      h.backend.sealMiniBlock();
      const block = h.backend.sealBlock();
      assert.deepEqual(await h.result("eth_getFilterChanges", [blocks]), [block.hash]);
      assert.deepEqual(await h.result("eth_getFilterChanges", [pending]), [hash]);
      assert.deepEqual(await h.result("eth_getFilterChanges", [pending]), []);
    });
    it("uninstalls filters and answers unknown filter ids with an error", async () => {
      const id = await h.result<string>("eth_newBlockFilter");
      assert.equal(await h.result("eth_uninstallFilter", [id]), true);
      assert.equal(await h.result("eth_uninstallFilter", [id]), false);
      const gone = await h.call("eth_getFilterChanges", [id]);
      assert.deepEqual(gone.error, { code: -32000, message: "filter not found" });
    });
  });

  describe("mach and OP extensions", () => {
    it("returns state diffs by mini-block and by block", async () => {
      const diff = await h.result<{ accounts: Obj[] }>("mach_getStateDiff", ["0x0"]);
      const bob = diff.accounts.find((account) => account.address === h.bobAddress);
      assert.ok(bob);
      assert.equal(bob.deleted, false);
      const byBlock = await h.result<{ accounts: Obj[] }>("mach_getStateDiff", [{ blockNumber: "0x1" }]);
      assert.ok(byBlock.accounts.length >= diff.accounts.length);
      assert.equal(await h.result("mach_getStateDiff", ["0x999"]), null);
    });
    it("lists DA batches overlapping a range", async () => {
      h.backend.batches = [
        { fromBlock: 1n, toBlock: 2n, provider: "memory", status: "confirmed", pointers: [new Uint8Array([1, 2])] },
      ];
      assert.deepEqual(await h.result("mach_getBatches", ["0x0", "0x1"]), [
        {
          fromBlock: "0x1",
          toBlock: "0x2",
          provider: "memory",
          status: "confirmed",
          pointers: ["0x0102"],
          l1BlockNumber: null,
          l1TransactionHash: null,
        },
      ]);
      assert.deepEqual(await h.result("mach_getBatches", ["0x3", "0x9"]), []);
    });
    it("reports sync status", async () => {
      const status = await h.result<Obj>("mach_syncStatus");
      assert.equal(status.headBlockNumber, await h.result("eth_blockNumber"));
      assert.equal(status.safeBlockNumber, "0x0");
      assert.equal(status.finalizedBlockNumber, null);
      assert.equal(status.syncing, false);
      assert.equal(status.batcher, null, "a node without a batcher");
    });
    it("answers optimism_outputAtBlock in op-node's shape and rejects tags", async () => {
      const output = await h.result<Obj>("optimism_outputAtBlock", ["0x1"]);
      assert.equal((output.blockRef as Obj).number, 1);
      assert.equal((output.blockRef as Obj).hash, seeded.block1.hash);
      assert.deepEqual(output.syncStatus, { unsafe_l2: { number: Number(h.backend.headNumber) } });
      const tag = await h.call("optimism_outputAtBlock", ["latest"]);
      assert.equal(tag.error?.code, -32602);
    });
  });

  it("answers eth_subscribe over HTTP with -32000 WebSocket connection required", async () => {
    const answer = await h.call("eth_subscribe", ["newHeads"]);
    assert.deepEqual(answer.error, { code: -32000, message: "WebSocket connection required" });
  });
});
