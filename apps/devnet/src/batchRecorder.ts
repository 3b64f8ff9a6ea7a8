/** The node's L1 batch recorder: `config.settlement` → viem clients → `@mach/settlement`'s BatchInbox recorder. */
import type { BatchRecorder, SettlementConfig } from "@mach/core";
import { createBatchInboxRecorder } from "@mach/settlement";
import { createPublicClient, createWalletClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";

export async function createNodeBatchRecorder(settlement: SettlementConfig): Promise<BatchRecorder> {
  const transport = http(settlement.l1RpcUrl, { retryCount: 0 });
  const publicClient = createPublicClient({ transport, pollingInterval: 250 });
  const chainId = await publicClient.getChainId();
  const chain = {
    id: chainId,
    name: `L1 ${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [settlement.l1RpcUrl] } },
  } as const;
  return createBatchInboxRecorder({
    walletClient: createWalletClient({
      account: privateKeyToAccount(settlement.batcherPrivateKey as `0x${string}`),
      chain,
      transport,
    }),
    publicClient: createPublicClient({ chain, transport, pollingInterval: 250 }),
    batchInbox: settlement.batchInbox,
    confirmations: settlement.confirmations,
  });
}
