/**
 * The `l1` settlement provider: core's settlement port over an Ethereum L1 with viem, chosen by node config
 * (`settlement: { provider: "l1", options }`). Each part exists when its options do: the BatchInbox reader with
 * `batchInbox`, the recorder with `batchInbox` and the batcher's key, the deposit source with `portal` and
 * `systemConfig` (the L1-attributes deposit carries SystemConfig's fee scalars and batcher hash), the output game
 * reader with `disputeGameFactory`, the proposer with it and the proposer's key, the attestation signer and sink with
 * the attester's key (a registered prover's), and the challenger with it too.
 */

import { machOutputGameType } from "@mach/contracts";
import { addressSchema, privateKeySchema } from "@mach/core/chain";
import type { DepositSource, L1BlockRef, Settlement, SettlementProviderEntry } from "@mach/core/settlement";
import { type Address, createPublicClient, createWalletClient, http, type PublicClient, type Transport } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { z } from "zod";
import { createBatchInboxRecorder, readBatchRecords } from "./batchInbox.ts";
import { getDeposits } from "./deposits.ts";
import { SettlementError, toSettlementError } from "./errors.ts";
import {
  createL1AttestationSigner,
  createL1AttestationSink,
  createL1OutputChallenger,
  createL1OutputProposer,
  createOutputGameReader,
} from "./outputGames.ts";
import { getSystemConfig } from "./systemConfig.ts";

export const l1SettlementOptionsSchema = z
  .object({
    l1RpcUrl: z.url({ protocol: /^https?$/ }),
    /** L1 confirmations before a write counts (the sequencer's L1-origin depth is `sequencer.l1ConfirmationDepth`). */
    confirmations: z.number().int().min(1).default(1),
    batchInbox: addressSchema.optional(),
    /** Signs `BatchInbox.submitBatch`; must be the inbox's configured batcher. */
    batcherPrivateKey: privateKeySchema.optional(),
    /** The Portal whose `TransactionDeposited` logs are the chain's deposits (needs `systemConfig`). */
    portal: addressSchema.optional(),
    disputeGameFactory: addressSchema.optional(),
    /** Mach's output game type in the factory (`MachL1Addresses.gameType`). */
    gameType: z.number().int().min(0).max(0xffffffff).default(machOutputGameType),
    /** Creates, resolves and claims the bonds of output games; must be the games' configured proposer. */
    proposerPrivateKey: privateKeySchema.optional(),
    /** Signs attestations of checked outputs (a registered prover's key) and submits them once a quorum signed. */
    attesterPrivateKey: privateKeySchema.optional(),
    /** `MachL1Addresses.systemConfig`: read at each L1 origin for the L1-attributes deposit. */
    systemConfig: addressSchema.optional(),
    /** How often to poll L1, ms. */
    pollingIntervalMs: z.number().int().positive().default(250),
  })
  .strict()
  .refine((options) => (options.portal === undefined) === (options.systemConfig === undefined), {
    message: "portal and systemConfig go together: deposits need the SystemConfig values of their L1 block",
    path: ["systemConfig"],
  });
export type L1SettlementOptions = z.output<typeof l1SettlementOptionsSchema>;

export interface CreateL1SettlementDependencies {
  /** The transport to L1 (default: HTTP to `l1RpcUrl`); tests pass an in-process network's. */
  readonly transport?: Transport;
}

export async function createL1Settlement(
  input: unknown,
  dependencies: CreateL1SettlementDependencies = {},
): Promise<Settlement> {
  const options = l1SettlementOptionsSchema.parse(input);
  const transport = dependencies.transport ?? http(options.l1RpcUrl, { retryCount: 0 });
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
  const {
    batchInbox,
    batcherPrivateKey,
    portal,
    systemConfig,
    disputeGameFactory,
    proposerPrivateKey,
    attesterPrivateKey,
  } = options;
  const games = disputeGameFactory ? { publicClient, disputeGameFactory, gameType: options.gameType } : undefined;
  const attester = attesterPrivateKey ? privateKeyToAccount(attesterPrivateKey) : undefined;
  // One client for the attester's key: its attestations and challenges share the account's nonces.
  const attesterWallet = attester ? createWalletClient({ account: attester, chain, transport }) : undefined;
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
    ...(portal && systemConfig ? { deposits: createDepositSource(publicClient, portal, systemConfig) } : {}),
    ...(games ? { games: createOutputGameReader(games) } : {}),
    ...(games && proposerPrivateKey
      ? {
          proposer: createL1OutputProposer({
            ...games,
            walletClient: createWalletClient({ account: privateKeyToAccount(proposerPrivateKey), chain, transport }),
            confirmations: options.confirmations,
          }),
        }
      : {}),
    ...(attester && attesterWallet
      ? {
          attester: createL1AttestationSigner({ publicClient, account: attester, l1ChainId: chainId }),
          attestations: createL1AttestationSink({
            publicClient,
            walletClient: attesterWallet,
            l1ChainId: chainId,
            confirmations: options.confirmations,
          }),
          challenger: createL1OutputChallenger({
            publicClient,
            walletClient: attesterWallet,
            l1ChainId: chainId,
            confirmations: options.confirmations,
          }),
        }
      : {}),
    async close() {},
  };
}

/**
 * The L1 side of deposits (core's `DepositSource`): blocks, their Portal deposits and SystemConfig values. Every read
 * of a block checks that the block is still the one asked for, and throws a transient error if L1 moved under it.
 */
export function createDepositSource(publicClient: PublicClient, portal: Address, systemConfig: Address): DepositSource {
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
  const stillCanonical = async (block: L1BlockRef) => {
    const now = await blockAt(block.number);
    if (now?.hash !== block.hash)
      throw new SettlementError("transient", `L1 block ${block.number} is no longer ${block.hash}`);
  };
  return {
    async headNumber() {
      try {
        return await publicClient.getBlockNumber({ cacheTime: 0 });
      } catch (error) {
        throw toSettlementError("reading the L1 head", error);
      }
    },
    blockAt,
    async depositsIn(block) {
      const deposits = await getDeposits({ publicClient, portal, fromBlock: block.number, toBlock: block.number });
      if (deposits.some((deposit) => deposit.l1BlockHash !== block.hash)) {
        throw new SettlementError("transient", `L1 block ${block.number} is no longer ${block.hash}`);
      }
      // A block without deposits has no log to show its hash: check the block itself.
      if (deposits.length === 0) await stillCanonical(block);
      return deposits.map((deposit) => deposit.transaction);
    },
    async systemConfigAt(block) {
      const values = await getSystemConfig({ publicClient, systemConfig, blockNumber: block.number });
      // Read by number: make sure that number still is the block asked for.
      await stillCanonical(block);
      return {
        baseFeeScalar: BigInt(values.basefeeScalar),
        blobBaseFeeScalar: BigInt(values.blobbasefeeScalar),
        batcherHash: values.batcherHash,
      };
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
