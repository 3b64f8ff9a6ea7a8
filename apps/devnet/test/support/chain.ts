/** viem clients for a running Mach node, funded with the standard dev accounts. */
import {
  type Chain,
  createPublicClient,
  createWalletClient,
  defineChain,
  type Hex,
  http,
  parseGwei,
  type TransactionSerializableEIP1559,
  webSocket,
} from "viem";
import { type LocalAccount, privateKeyToAccount } from "viem/accounts";

/** Hardhat/Anvil dev mnemonic accounts 0 and 1 (public keys, never hold value). */
export const DEV_KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
] as const;

export const DEFAULT_CHAIN_ID = 901901;

export function machChain(rpcUrl: string, wsUrl: string, id = DEFAULT_CHAIN_ID): Chain {
  return defineChain({
    id,
    name: "Mach devnet",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl], webSocket: [wsUrl] } },
  });
}

export function clients(rpcUrl: string, wsUrl: string) {
  const chain = machChain(rpcUrl, wsUrl);
  const account = privateKeyToAccount(DEV_KEYS[0]);
  const other = privateKeyToAccount(DEV_KEYS[1]);
  return {
    chain,
    account,
    other,
    public: createPublicClient({ chain, transport: http(rpcUrl), pollingInterval: 50 }),
    ws: createPublicClient({ chain, transport: webSocket(wsUrl) }),
    wallet: createWalletClient({ chain, account, transport: http(rpcUrl) }),
    otherWallet: createWalletClient({ chain, account: other, transport: http(rpcUrl) }),
  };
}

/** Signs an EIP-1559 value transfer on the Mach devnet chain (1 gwei fee cap, 1 wei tip) with overrides. */
export function signTransfer(
  account: Pick<LocalAccount, "signTransaction">,
  fields: { nonce: number } & Partial<Omit<TransactionSerializableEIP1559, "type">>,
): Promise<Hex> {
  return account.signTransaction({
    chainId: DEFAULT_CHAIN_ID,
    type: "eip1559",
    maxFeePerGas: parseGwei("1"),
    maxPriorityFeePerGas: 1n,
    gas: 21_000n,
    to: "0x000000000000000000000000000000000000beef",
    value: 1n,
    ...fields,
  });
}

export interface RpcAnswer<T = unknown> {
  readonly result?: T;
  readonly error?: { code: number; message: string; data?: unknown };
}

/** One raw JSON-RPC call over HTTP, answering the envelope (result or error) as the node sent it. */
export async function rpcCall<T = unknown>(url: string, method: string, params: unknown[] = []): Promise<RpcAnswer<T>> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return (await response.json()) as RpcAnswer<T>;
}

/**
 * Waits until block `number` is sealed (a receipt can name the block being built, whose state and header are
 * readable by number only once it seals).
 */
export async function waitForSealedBlock(
  client: { getBlock(args: { blockNumber: bigint }): Promise<unknown> },
  number: bigint,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await client.getBlock({ blockNumber: number });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A JSON-RPC call's result; throws the node's error message. */
export async function rpcResult<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const answer = await rpcCall<T>(url, method, params);
  if (answer.error) throw new Error(`${method}: ${answer.error.message}`);
  return answer.result as T;
}

/** Polls `probe` every 250 ms until it answers a value; throws after `timeoutMs` (a deadline, not a figure). */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
