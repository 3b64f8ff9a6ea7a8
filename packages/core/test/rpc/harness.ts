/** Starts the RPC server over a FakeBackend with funded test accounts, and seeds a small chain. */
import type { Hex } from "viem";
import { type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";
import type { Address, DepositTransaction } from "../../src/chain/types.ts";
import { type RpcLimitsInput, rpcLimitsSchema } from "../../src/rpc/config.ts";
import { type RpcServer, type StartRpcServerParameters, startRpcServer } from "../../src/rpc/server.ts";
import { CHAIN_ID, FakeBackend, LOG_EMITTER } from "./fakeBackend.ts";

export const ALICE_KEY: Hex = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
export const BOB_KEY: Hex = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

export interface JsonRpcAnswer {
  jsonrpc: "2.0";
  id: number | string | null;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

export interface Harness {
  readonly backend: FakeBackend;
  readonly server: RpcServer;
  readonly alice: PrivateKeyAccount;
  readonly bob: PrivateKeyAccount;
  readonly aliceAddress: Address;
  readonly bobAddress: Address;
  /** One JSON-RPC call over HTTP; returns the whole answer. */
  call(method: string, params?: unknown[]): Promise<JsonRpcAnswer>;
  /** One call that must succeed; returns `result`. */
  result<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  /** Raw POST. */
  post(body: string, headers?: Record<string, string>): Promise<{ status: number; text: string; headers: Headers }>;
  signTransfer(options: {
    from?: "alice" | "bob";
    to?: Address;
    value?: bigint;
    nonce: number;
    data?: Hex;
    type?: "legacy" | "eip1559" | "eip2930";
    gas?: bigint;
  }): Promise<Hex>;
  close(): Promise<void>;
}

export async function startHarness(
  options: { autoSeal?: boolean; limits?: RpcLimitsInput } & Pick<
    StartRpcServerParameters,
    "status" | "staticDir"
  > = {},
): Promise<Harness> {
  const alice = privateKeyToAccount(ALICE_KEY);
  const bob = privateKeyToAccount(BOB_KEY);
  const aliceAddress = alice.address.toLowerCase() as Address;
  const bobAddress = bob.address.toLowerCase() as Address;
  const backend = new FakeBackend({ funded: [aliceAddress, bobAddress], autoSeal: options.autoSeal ?? false });
  const server = await startRpcServer({
    backend,
    limits: rpcLimitsSchema.parse(options.limits ?? {}),
    ...(options.status ? { status: options.status } : {}),
    ...(options.staticDir ? { staticDir: options.staticDir } : {}),
  });
  let id = 0;
  const post: Harness["post"] = async (body, headers = {}) => {
    const response = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    });
    return { status: response.status, text: await response.text(), headers: response.headers };
  };
  const call: Harness["call"] = async (method, params = []) => {
    const { text } = await post(JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params }));
    return JSON.parse(text) as JsonRpcAnswer;
  };
  return {
    backend,
    server,
    alice,
    bob,
    aliceAddress,
    bobAddress,
    call,
    post,
    async result<T>(method: string, params: unknown[] = []): Promise<T> {
      const answer = await call(method, params);
      if (answer.error) throw new Error(`${method} failed: ${answer.error.code} ${answer.error.message}`);
      return answer.result as T;
    },
    async signTransfer({
      from = "alice",
      to = bobAddress,
      value = 1000n,
      nonce,
      data,
      type = "eip1559",
      gas = 100_000n,
    }) {
      const account = from === "alice" ? alice : bob;
      const common = { chainId: Number(CHAIN_ID), to, value, nonce, gas, ...(data ? { data } : {}) };
      if (type === "legacy") return account.signTransaction({ ...common, type: "legacy", gasPrice: 2_000_000n });
      if (type === "eip2930") {
        return account.signTransaction({ ...common, type: "eip2930", gasPrice: 2_000_000n, accessList: [] });
      }
      return account.signTransaction({
        ...common,
        type: "eip1559",
        maxFeePerGas: 3_000_000n,
        maxPriorityFeePerGas: 500_000n,
      });
    },
    close: () => server.close(),
  };
}

export const SOURCE_HASH = `0x${"ab".repeat(32)}` as const;

/**
 * Block 1: a deposit, a legacy transfer, an EIP-1559 call to LOG_EMITTER (one log), an EIP-7702 transaction from
 * bob (two mini-blocks). Block 2: an EIP-2930 transfer and a LOG_EMITTER call. Returns the transaction hashes.
 */
export async function seedChain(harness: Harness) {
  const { backend, bob } = harness;
  const deposit: DepositTransaction = {
    type: 0x7e,
    sourceHash: SOURCE_HASH,
    from: "0x00000000000000000000000000000000000000d1",
    to: harness.bobAddress,
    mint: 5n * 10n ** 18n,
    value: 10n ** 18n,
    gasLimit: 100_000n,
    isSystemTransaction: false,
    data: new Uint8Array(0),
  };
  // The depositor already has nonce 5, so the deposit's nonce (rendered from its receipt) is visible.
  backend.world.set(deposit.from, { nonce: 5n, balance: 0n, code: new Uint8Array(0), storage: new Map() });
  backend.addDeposit(deposit);
  const legacy = await harness.result<Hex>("eth_sendRawTransaction", [
    await harness.signTransfer({ nonce: 0, type: "legacy" }),
  ]);
  const ping = await harness.result<Hex>("eth_sendRawTransaction", [
    await harness.signTransfer({ nonce: 1, to: LOG_EMITTER, data: "0x01020304", value: 0n }),
  ]);
  const first = backend.sealMiniBlock();
  const authorization = await bob.signAuthorization({
    contractAddress: LOG_EMITTER,
    chainId: Number(CHAIN_ID),
    nonce: 1,
  });
  const setCodeRaw = await bob.signTransaction({
    type: "eip7702",
    chainId: Number(CHAIN_ID),
    to: harness.aliceAddress,
    nonce: 0,
    gas: 100_000n,
    maxFeePerGas: 3_000_000n,
    maxPriorityFeePerGas: 1n,
    authorizationList: [authorization],
  });
  const setCode = await harness.result<Hex>("eth_sendRawTransaction", [setCodeRaw]);
  backend.sealMiniBlock();
  const block1 = backend.sealBlock();
  const accessList = await harness.result<Hex>("eth_sendRawTransaction", [
    await harness.signTransfer({ nonce: 2, type: "eip2930", value: 7n }),
  ]);
  const ping2 = await harness.result<Hex>("eth_sendRawTransaction", [
    await harness.signTransfer({ nonce: 3, to: LOG_EMITTER, data: "0xaa", value: 0n }),
  ]);
  backend.sealMiniBlock();
  const block2 = backend.sealBlock();
  const depositHash = first.transactions[0]?.hash as Hex;
  return { depositHash, legacy, ping, setCode, accessList, ping2, block1, block2 };
}
