/**
 * The bad-input table: every malformed or invalid request gets the JSON-RPC error Ethereum clients expect, the node
 * keeps serving, and nothing reaches state.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Hex, keccak256, numberToHex, parseGwei, parseSignature, serializeTransaction } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { DEFAULT_CHAIN_ID, DEV_KEYS, rpcCall, signTransfer } from "../support/chain.ts";
import { type MachProcess, startMach } from "../support/machProcess.ts";

const account = privateKeyToAccount(DEV_KEYS[2]);

async function rpc(url: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

const call = rpcCall;
const signed = (fields: Parameters<typeof signTransfer>[1]) => signTransfer(account, fields);

describe("bad input to a running node", () => {
  let mach: MachProcess;
  before(async () => {
    mach = await startMach();
  });
  after(async () => {
    await mach?.stop();
    mach?.cleanup();
  });

  const rejectsTx = (name: string, make: () => Promise<Hex>, code: number, pattern: RegExp) =>
    it(`rejects ${name} with ${code} ${pattern}`, async () => {
      const raw = await make();
      const { error } = await call(mach.rpcUrl, "eth_sendRawTransaction", [raw]);
      assert.ok(error, "an error is returned");
      assert.equal(error.code, code);
      assert.match(error.message, pattern);
    });

  rejectsTx(
    "a nonce below the account's",
    async () => {
      const first = await signed({ nonce: 0 });
      const { result } = await call(mach.rpcUrl, "eth_sendRawTransactionSync", [first]);
      assert.ok(result, "the first transaction lands");
      return signed({ nonce: 0, value: 2n });
    },
    -32000,
    /^nonce too low/,
  );
  rejectsTx(
    "a sender without funds",
    () => signTransfer(privateKeyToAccount(`0x${"11".repeat(32)}`), { nonce: 0 }),
    -32000,
    /^insufficient funds for gas \* price \+ value/,
  );
  rejectsTx("gas below the intrinsic cost", () => signed({ gas: 20_000n, nonce: 1 }), -32000, /^intrinsic gas too low/);
  rejectsTx(
    "a fee cap below the base fee",
    () => signed({ maxFeePerGas: 1n, maxPriorityFeePerGas: 1n, nonce: 1 }),
    -32000,
    /^max fee per gas less than block base fee/,
  );
  rejectsTx("another chain id", () => signed({ chainId: 1, nonce: 1 }), -32000, /chain id/);
  rejectsTx(
    "an oversized transaction",
    () => signed({ data: `0x${"ab".repeat(200_000)}`, gas: 30_000_000n, nonce: 1 }),
    -32000,
    /^oversized data/,
  );
  rejectsTx(
    "a replacement without a fee bump",
    async () => {
      const first = await signed({ nonce: 5 });
      const { result } = await call(mach.rpcUrl, "eth_sendRawTransaction", [first]);
      assert.ok(result, "the queued transaction is accepted");
      return signed({ nonce: 5, value: 3n });
    },
    -32000,
    /^replacement transaction underpriced/,
  );
  rejectsTx(
    "an invalid signature (s above n/2, EIP-2)",
    async () => {
      const fields = {
        chainId: DEFAULT_CHAIN_ID,
        type: "eip1559",
        maxFeePerGas: parseGwei("1"),
        maxPriorityFeePerGas: 1n,
        gas: 21_000n,
        to: "0x000000000000000000000000000000000000dead",
        value: 1n,
        nonce: 1,
      } as const;
      const signature = parseSignature(await account.sign({ hash: keccak256(serializeTransaction(fields)) }));
      // The same signature with s mirrored to n - s recovers a key, but malleable signatures are invalid.
      const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
      return serializeTransaction(fields, {
        ...signature,
        s: numberToHex(n - BigInt(signature.s), { size: 32 }),
        yParity: 1 - (signature.yParity ?? 0),
      });
    },
    -32000,
    /invalid sender/,
  );
  rejectsTx(
    "a pre-EIP-155 legacy transaction",
    async () => {
      const unsigned = serializeTransaction({
        type: "legacy",
        gasPrice: parseGwei("1"),
        gas: 21_000n,
        to: account.address,
        value: 1n,
        nonce: 1,
      });
      const signature = await account.sign({ hash: keccak256(unsigned) });
      return serializeTransaction(
        { type: "legacy", gasPrice: parseGwei("1"), gas: 21_000n, to: account.address, value: 1n, nonce: 1 },
        parseSignature(signature),
      );
    },
    -32000,
    /only replay-protected|chain id/,
  );

  it("answers eth_sendRawTransactionSync behind a nonce gap with code 5 and the expected nonce", async () => {
    const raw = await signTransfer(privateKeyToAccount(DEV_KEYS[1]), { nonce: 3 });
    const { error } = await call(mach.rpcUrl, "eth_sendRawTransactionSync", [raw, 500]);
    assert.equal(error?.code, 5);
    assert.equal(error?.data, "0x0");
  });

  it("answers undecodable transaction bytes with -32602 or -32000 and keeps serving", async () => {
    const { error } = await call(mach.rpcUrl, "eth_sendRawTransaction", ["0x02f8ffdeadbeef"]);
    assert.ok(error && (error.code === -32602 || error.code === -32000), JSON.stringify(error));
    assert.ok((await call(mach.rpcUrl, "eth_chainId", [])).result);
  });

  it("answers malformed JSON with -32700", async () => {
    const { json } = await rpc(mach.rpcUrl, "{not json");
    assert.equal((json as { error: { code: number } }).error.code, -32700);
  });

  it("answers an unknown method with -32601", async () => {
    const { error } = await call(mach.rpcUrl, "eth_noSuchMethod", []);
    assert.equal(error?.code, -32601);
  });

  it("answers dev methods with -32601 on a node without dev methods (dev.enabled off)", async () => {
    const devCalls: [string, unknown[]][] = [
      ["anvil_setBalance", [account.address, "0x1"]],
      ["hardhat_setBalance", [account.address, "0x1"]],
      ["evm_mine", []],
      ["evm_snapshot", []],
      ["evm_increaseTime", ["0x1"]],
      ["anvil_impersonateAccount", [account.address]],
      ["eth_sendTransaction", [{ from: account.address, to: account.address }]],
      ["eth_sign", [account.address, "0x00"]],
    ];
    for (const [method, params] of devCalls) {
      const { error } = await call(mach.rpcUrl, method, params);
      assert.equal(error?.code, -32601, method);
      assert.match(error?.message ?? "", /does not exist|not found/i, method);
    }
    // Nothing changed state.
    assert.notEqual((await call(mach.rpcUrl, "eth_getBalance", [account.address, "latest"])).result, "0x1");
  });

  it("answers wrong params with -32602", async () => {
    const { error } = await call(mach.rpcUrl, "eth_getBalance", ["0x1234", "latest"]);
    assert.equal(error?.code, -32602);
  });

  it("answers a request that is not JSON-RPC 2.0 with -32600", async () => {
    const { json } = await rpc(mach.rpcUrl, { id: 1, method: "eth_chainId" });
    assert.equal((json as { error: { code: number } }).error.code, -32600);
  });

  it("refuses a huge body without falling over", async () => {
    const huge = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "eth_call",
      params: [{ data: `0x${"00".repeat(12 * 1024 * 1024)}` }],
    });
    const response = await fetch(mach.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: huge,
    }).catch((error: unknown) => error);
    if (response instanceof Response) assert.ok(response.status === 413 || response.status === 200);
    assert.ok((await call(mach.rpcUrl, "eth_chainId", [])).result, "still serving");
  });

  it("left the state untouched by every rejected transaction", async () => {
    const { result } = await call(mach.rpcUrl, "eth_getTransactionCount", [account.address, "latest"]);
    assert.equal(result, "0x1");
  });
});
