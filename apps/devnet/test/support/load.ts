/**
 * A steady transaction load for end-to-end tests: several dev accounts each send a stream of transfers (native and
 * ERC-20, alternating) through `realtime_sendRawTransaction`, one after another per sender, so the rate is what the
 * node sustains. `via` picks the endpoint per send (a replica forwards to the sequencer); a send that fails (the
 * endpoint went away) is retried with the sender's nonce read back from `fallbackUrl`.
 */

import { DEV_MNEMONIC, deriveDevAccounts } from "@mach/core/node";
import { encodeFunctionData, type Hex } from "viem";
import { type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";
import { rpcCall, signTransfer } from "./chain.ts";
import { testContracts } from "./contracts.ts";

export interface LoadStats {
  readonly sent: number;
  readonly failed: number;
}

export interface RunningLoad {
  stop(): Promise<LoadStats>;
  /** Sends acknowledged with a receipt so far. */
  readonly acknowledged: () => number;
  /** The hashes of the transactions acknowledged with a receipt so far, in order. */
  readonly acknowledgedHashes: () => readonly Hex[];
}

/** Dev accounts m/44'/60'/0'/0/i, funded at genesis (the node's default 20). */
export function devAccounts(count: number, offset = 0): PrivateKeyAccount[] {
  return deriveDevAccounts(DEV_MNEMONIC, offset + count)
    .slice(offset)
    .map((account) => privateKeyToAccount(account.privateKey));
}

/** Deploys TestToken from `account` (nonce 0 of a fresh account) and returns its address. */
export async function deployToken(url: string, account: PrivateKeyAccount, nonce: number): Promise<Hex> {
  const { TestToken } = testContracts();
  const { encodeDeployData } = await import("viem");
  const raw = await signTransfer(account, {
    nonce,
    to: null,
    value: 0n,
    gas: 2_000_000n,
    data: encodeDeployData({ abi: TestToken.abi, bytecode: TestToken.bytecode, args: [10n ** 30n] }),
  });
  const answer = await rpcCall<{ contractAddress: Hex; status: string }>(url, "realtime_sendRawTransaction", [raw]);
  if (answer.result?.status !== "0x1") throw new Error(`token deploy failed: ${JSON.stringify(answer)}`);
  return answer.result.contractAddress;
}

export function startLoad(parameters: {
  readonly senders: readonly PrivateKeyAccount[];
  /** Endpoint for each send (called per send). */
  readonly via: (sender: number) => string;
  /** Where nonces are read after a failed send. */
  readonly fallbackUrl: string;
  /** ERC-20 transfers from the token's holder go to fresh addresses; absent: native transfers only. */
  readonly token?: { readonly address: Hex; readonly holder: number };
  /** A pause after each acknowledged send, per sender (absent: none, the rate is what the node sustains). */
  readonly pauseMs?: number;
}): RunningLoad {
  let stopped = false;
  let sent = 0;
  let failed = 0;
  const hashes: Hex[] = [];
  /** The sender's next nonce from the fallback node, read until it answers (it may be restarting). */
  const nonceOf = async (address: Hex): Promise<number> => {
    for (;;) {
      const answer = await rpcCall(parameters.fallbackUrl, "eth_getTransactionCount", [address, "latest"]).catch(
        () => undefined,
      );
      if (answer?.result !== undefined) return Number(answer.result);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  const { TestToken } = testContracts();
  const loops = parameters.senders.map(async (account, index) => {
    let nonce = await nonceOf(account.address);
    let i = 0;
    while (!stopped) {
      i++;
      const recipient = `0x${(0xe2e0000000 + index * 1_000_000 + i).toString(16).padStart(40, "0")}` as Hex;
      const token = parameters.token;
      const raw =
        token && token.holder === index && i % 2 === 0
          ? await signTransfer(account, {
              nonce,
              to: token.address,
              value: 0n,
              gas: 80_000n,
              data: encodeFunctionData({ abi: TestToken.abi, functionName: "transfer", args: [recipient, BigInt(i)] }),
            })
          : await signTransfer(account, { nonce, to: recipient, value: BigInt(i) });
      const answer = await rpcCall(parameters.via(index), "realtime_sendRawTransaction", [raw]).catch(() => undefined);
      if (answer?.result !== undefined) {
        sent++;
        nonce++;
        const hash = (answer.result as { transactionHash?: Hex } | null)?.transactionHash;
        if (hash !== undefined) hashes.push(hash);
        if (parameters.pauseMs !== undefined) await new Promise((resolve) => setTimeout(resolve, parameters.pauseMs));
      } else {
        failed++;
        await new Promise((resolve) => setTimeout(resolve, 50));
        nonce = await nonceOf(account.address);
      }
    }
  });
  return {
    acknowledged: () => sent,
    acknowledgedHashes: () => hashes,
    async stop() {
      stopped = true;
      await Promise.all(loops);
      return { sent, failed };
    },
  };
}
