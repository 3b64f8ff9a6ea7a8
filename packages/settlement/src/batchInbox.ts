/**
 * BatchInbox, both directions: `createBatchInboxRecorder` implements core's `BatchRecorder` port (the batcher's L1
 * write of a batch's L2 range, DA provider and pointers), `readBatchRecords` reads the `BatchSubmitted` events back
 * in L1 order (what derivation consumes).
 *
 * Recording is idempotent: a retry after a lost receipt finds the batch already on L1 (same range, provider and
 * pointer hash) and returns where it landed instead of recording it twice, also when the lost write lands only while
 * the retry is under way (`writeOnce`). A different batch at the same range is recorded over it: the sequencer went
 * back below its recorded range (force inclusion) and rebuilt those blocks.
 */
import { batchInboxAbi, daProviderIds } from "@mach/contracts";
import type { DaProviderName } from "@mach/core/da";
import type { BatchRecorder, BatchRecording, BatchToRecord } from "@mach/core/settlement";
import { type Address, bytesToHex, type Hash, type Hex, hexToBytes, keccak256, type PublicClient } from "viem";
import { decodeBatchPointers, encodeBatchPointers } from "./batchPointers.ts";
import { SettlementError, toSettlementError } from "./errors.ts";
import { byL1Position } from "./l1Order.ts";
import { type L1WalletClient, writeContractAndWait, writeOnce } from "./write.ts";

export interface CreateBatchInboxRecorderParameters {
  /** Signs `submitBatch`; must be the inbox's configured batcher. */
  readonly walletClient: L1WalletClient;
  readonly publicClient: PublicClient;
  readonly batchInbox: Address;
  /** Confirmations to wait for before a batch counts as recorded (1 = included). Default 1. */
  readonly confirmations?: number;
}

/** BatchInbox's provider ids (the contract's constants) for every DA provider core names: checked to cover them all. */
const providerIds: Readonly<Record<DaProviderName, number>> = daProviderIds;

export function daProviderId(provider: string): number {
  const id = (providerIds as Readonly<Record<string, number>>)[provider];
  if (id === undefined) throw new SettlementError("permanent", `no BatchInbox provider id for DA provider ${provider}`);
  return id;
}

export function daProviderName(id: number): DaProviderName | undefined {
  for (const [name, value] of Object.entries(providerIds)) if (value === id) return name as DaProviderName;
  return undefined;
}

export function createBatchInboxRecorder(parameters: CreateBatchInboxRecorderParameters): BatchRecorder {
  const { walletClient, publicClient, batchInbox, confirmations = 1 } = parameters;
  return {
    async recordBatch(record: BatchToRecord): Promise<BatchRecording> {
      const provider = daProviderId(record.provider);
      const daPointer = bytesToHex(encodeBatchPointers(record.pointers));
      return writeOnce({
        find: () => findRecorded(publicClient, batchInbox, record, provider, daPointer),
        write: async () => {
          const receipt = await writeContractAndWait({
            walletClient,
            publicClient,
            address: batchInbox,
            abi: batchInboxAbi,
            functionName: "submitBatch",
            args: [record.firstBlock, record.lastBlock, provider, daPointer],
            confirmations,
            operation: `BatchInbox.submitBatch(${record.firstBlock}..${record.lastBlock})`,
          });
          return { l1TransactionHash: receipt.transactionHash, l1BlockNumber: receipt.blockNumber };
        },
        // The range no longer continues the record because it is the record.
        doneReverts: ["BatchAlreadyRecorded", "NonContiguousRange"],
      });
    },
  };
}

/**
 * The recording of `record` if L1 already holds it. Batches are searched newest first, back to the first that starts
 * before `record` (ranges only go back after a rewind, and a retry is of a recent batch).
 */
async function findRecorded(
  publicClient: PublicClient,
  batchInbox: Address,
  record: BatchToRecord,
  provider: number,
  daPointer: Hex,
): Promise<BatchRecording | undefined> {
  const read = <T>(operation: string, promise: Promise<T>) =>
    promise.catch((error: unknown) => {
      throw toSettlementError(operation, error);
    });
  const [count, last] = await read(
    "BatchInbox.batchCount/lastL2Block",
    Promise.all([
      publicClient.readContract({ address: batchInbox, abi: batchInboxAbi, functionName: "batchCount" }),
      publicClient.readContract({ address: batchInbox, abi: batchInboxAbi, functionName: "lastL2Block" }),
    ]),
  );
  if (count === 0n || last < record.firstBlock) return undefined;
  const pointerHash = keccak256(daPointer);
  for (let index = count - 1n; index >= 0n; index--) {
    const batch = await read(
      "BatchInbox.batches",
      publicClient.readContract({ address: batchInbox, abi: batchInboxAbi, functionName: "batches", args: [index] }),
    );
    if (batch.firstL2Block < record.firstBlock) return undefined;
    if (
      batch.firstL2Block !== record.firstBlock ||
      batch.lastL2Block !== record.lastBlock ||
      batch.daProvider !== provider ||
      batch.daPointerHash !== pointerHash
    )
      continue;
    const logs = await read(
      "BatchInbox BatchSubmitted logs",
      publicClient.getContractEvents({
        address: batchInbox,
        abi: batchInboxAbi,
        eventName: "BatchSubmitted",
        args: { batchIndex: index },
        fromBlock: batch.l1BlockNumber,
        toBlock: batch.l1BlockNumber,
      }),
    );
    const log = logs[0];
    return {
      l1BlockNumber: batch.l1BlockNumber,
      ...(log?.transactionHash ? { l1TransactionHash: log.transactionHash } : {}),
    };
  }
  return undefined;
}

/** A `BatchSubmitted` event of the inbox, as derivation reads it. */
export interface L1BatchRecord {
  readonly batchIndex: bigint;
  /** First and last L2 block of the batch. */
  readonly firstBlock: bigint;
  readonly lastBlock: bigint;
  readonly daProviderId: number;
  /** `undefined` for an id Mach does not know. */
  readonly provider: DaProviderName | undefined;
  /** The raw `daPointer` bytes. */
  readonly daPointer: Hex;
  /** The per-frame DA pointers, or `undefined` when `daPointer` is not a valid pointer list (derivation skips it). */
  readonly pointers: readonly Uint8Array[] | undefined;
  readonly l1BlockNumber: bigint;
  readonly l1BlockHash: Hash;
  readonly l1TransactionHash: Hash;
  readonly logIndex: number;
}

export interface ReadBatchRecordsParameters {
  readonly publicClient: PublicClient;
  readonly batchInbox: Address;
  readonly fromBlock: bigint;
  readonly toBlock: bigint;
}

/** `BatchSubmitted` events in `[fromBlock, toBlock]`, in L1 order (block, then log index). */
export async function readBatchRecords({
  publicClient,
  batchInbox,
  fromBlock,
  toBlock,
}: ReadBatchRecordsParameters): Promise<L1BatchRecord[]> {
  let logs: Awaited<ReturnType<typeof getLogs>>;
  async function getLogs() {
    return publicClient.getContractEvents({
      address: batchInbox,
      abi: batchInboxAbi,
      eventName: "BatchSubmitted",
      fromBlock,
      toBlock,
      strict: true,
    });
  }
  try {
    logs = await getLogs();
  } catch (error) {
    throw toSettlementError("reading BatchInbox records", error);
  }
  return logs
    .filter((log) => !log.removed)
    .map((log) => {
      let pointers: Uint8Array[] | undefined;
      try {
        pointers = decodeBatchPointers(hexToBytes(log.args.daPointer));
      } catch (error) {
        if (!(error instanceof SettlementError)) throw error;
        pointers = undefined;
      }
      return {
        batchIndex: log.args.batchIndex,
        firstBlock: log.args.firstL2Block,
        lastBlock: log.args.lastL2Block,
        daProviderId: log.args.daProvider,
        provider: daProviderName(log.args.daProvider),
        daPointer: log.args.daPointer,
        pointers,
        l1BlockNumber: log.blockNumber,
        l1BlockHash: log.blockHash,
        l1TransactionHash: log.transactionHash,
        logIndex: log.logIndex,
      };
    })
    .sort(byL1Position);
}
