/**
 * The `l1` settlement provider: core's settlement port over an Ethereum L1 with viem, chosen by node config
 * (`settlement: { provider: "l1", options }`). Each part exists when its options do: the BatchInbox reader with
 * `batchInbox`, the recorder with `batchInbox` and the batcher's key, the deposit source with `portal`, the proposed
 * outputs with `disputeGameFactory`, the attestation sink with a prover's `attesterPrivateKey`.
 */

import { addressSchema, privateKeySchema } from "@mach/core/chain";
import type { DepositSource, L1BlockRef, Settlement, SettlementProviderEntry } from "@mach/core/settlement";
import { createPublicClient, createWalletClient, http, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { z } from "zod";
import { createBatchInboxRecorder, readBatchRecords } from "./batchInbox.ts";
import { getDeposits } from "./deposits.ts";
import { SettlementError, toSettlementError } from "./errors.ts";
import { createAttestationSink, createOutputSource } from "./outputGames.ts";

export const l1SettlementOptionsSchema = z
  .object({
    l1RpcUrl: z.url({ protocol: /^https?$/ }),
    /** L1 confirmations before a write counts, and the depth an L2 block's L1 origin stays behind the head. */
    confirmations: z.number().int().min(1).default(1),
    batchInbox: addressSchema.optional(),
    /** Signs `BatchInbox.submitBatch`; must be the inbox's configured batcher. */
    batcherPrivateKey: privateKeySchema.optional(),
    portal: addressSchema.optional(),
    /** Where output games are proposed: provers read them (`outputs`). */
    disputeGameFactory: addressSchema.optional(),
    /** Sends a quorum's attestations to an output game (`attestations`): a prover's L1 key (it pays the gas). */
    attesterPrivateKey: privateKeySchema.optional(),
    /** How often to poll L1, ms. */
    pollingIntervalMs: z.number().int().positive().default(250),
  })
  .strict();
export type L1SettlementOptions = z.output<typeof l1SettlementOptionsSchema>;

export async function createL1Settlement(input: unknown): Promise<Settlement> {
  const options = l1SettlementOptionsSchema.parse(input);
  const transport = http(options.l1RpcUrl, { retryCount: 0 });
  const probe = createPublicClient({ transport });
  let chainId: number;
  try {
    chainId = await probe.getChainId();
  } catch (error) {
    throw toSettlementError(`reaching the L1 node at ${options.l1RpcUrl}`, error);
  }
  const chain = {
    id: chainId,
    name: `L1 ${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [options.l1RpcUrl] } },
  } as const;
  const publicClient = createPublicClient({ chain, transport, pollingInterval: options.pollingIntervalMs });
  const { batchInbox, batcherPrivateKey, portal, disputeGameFactory, attesterPrivateKey } = options;
  return {
    ...(batchInbox
      ? {
          batches: {
            readBatches: async ({ fromL1Block, toL1Block }) =>
              (await readBatchRecords({ publicClient, batchInbox, fromBlock: fromL1Block, toBlock: toL1Block }))
                .filter((record) => record.provider !== undefined && record.pointers !== undefined)
                .map((record) => ({
                  firstBlock: record.firstBlock,
                  lastBlock: record.lastBlock,
                  provider: record.provider as string,
                  pointers: record.pointers as Uint8Array[],
                  l1BlockNumber: record.l1BlockNumber,
                  l1BlockHash: record.l1BlockHash,
                  batchIndex: record.batchIndex,
                })),
          },
        }
      : {}),
    ...(batchInbox && batcherPrivateKey
      ? {
          recorder: createBatchInboxRecorder({
            walletClient: createWalletClient({ account: privateKeyToAccount(batcherPrivateKey), chain, transport }),
            publicClient,
            batchInbox,
            confirmations: options.confirmations,
          }),
        }
      : {}),
    ...(portal ? { deposits: createDepositSource(publicClient, portal, options.confirmations) } : {}),
    ...(disputeGameFactory ? { outputs: createOutputSource({ publicClient, disputeGameFactory }) } : {}),
    ...(attesterPrivateKey
      ? {
          attestations: createAttestationSink({
            walletClient: createWalletClient({ account: privateKeyToAccount(attesterPrivateKey), chain, transport }),
            publicClient,
            confirmations: options.confirmations,
          }),
        }
      : {}),
    async close() {},
  };
}

function createDepositSource(publicClient: PublicClient, portal: `0x${string}`, confirmations: number): DepositSource {
  const blockAt = async (number: bigint): Promise<L1BlockRef | undefined> => {
    let block: Awaited<ReturnType<PublicClient["getBlock"]>>;
    try {
      block = await publicClient.getBlock({ blockNumber: number });
    } catch (error) {
      const settled = toSettlementError(`reading L1 block ${number}`, error);
      if (/not found|could not be found/i.test(settled.message)) return undefined;
      throw settled;
    }
    if (block.hash === null || block.number === null)
      throw new SettlementError("transient", `L1 block ${number} is pending`);
    return {
      number: block.number,
      hash: block.hash,
      parentHash: block.parentHash,
      timestamp: block.timestamp,
      baseFeePerGas: block.baseFeePerGas ?? 0n,
      // EIP-4844 blob base fee from the header's excess blob gas (1 when the L1 predates Cancun).
      blobBaseFee: block.excessBlobGas === undefined ? 1n : blobBaseFee(block.excessBlobGas),
    };
  };
  return {
    async confirmedHead() {
      const head = await publicClient.getBlockNumber({ cacheTime: 0 }).catch((error: unknown) => {
        throw toSettlementError("reading the L1 head", error);
      });
      const number = head - BigInt(confirmations - 1);
      const block = await blockAt(number < 0n ? 0n : number);
      if (!block) throw new SettlementError("transient", `L1 block ${number} vanished under the head`);
      return block;
    },
    blockAt,
    async depositsIn(block) {
      const deposits = await getDeposits({ publicClient, portal, fromBlock: block.number, toBlock: block.number });
      if (deposits.some((deposit) => deposit.l1BlockHash !== block.hash)) {
        throw new SettlementError("transient", `L1 block ${block.number} is no longer ${block.hash}`);
      }
      return deposits.map((deposit) => deposit.transaction);
    },
  };
}

/** EIP-4844 `fake_exponential(MIN_BLOB_BASE_FEE, excess, BLOB_BASE_FEE_UPDATE_FRACTION)` (Prague's fraction). */
export function blobBaseFee(excessBlobGas: bigint): bigint {
  const factor = 1n;
  const denominator = 5_007_716n;
  let i = 1n;
  let output = 0n;
  let accumulator = factor * denominator;
  while (accumulator > 0n) {
    output += accumulator;
    accumulator = (accumulator * excessBlobGas) / (denominator * i);
    i++;
  }
  return output / denominator;
}

/** The provider entry a binary links into its node config (`settlement.provider: "l1"`). */
export const l1SettlementProvider: SettlementProviderEntry = {
  optionsSchema: l1SettlementOptionsSchema,
  create: (options) => createL1Settlement(options),
};
