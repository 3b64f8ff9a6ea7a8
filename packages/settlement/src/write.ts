/**
 * One L1 write the way every writer of this package does it: simulate (so a revert surfaces decoded, before any gas
 * is spent), send, wait for the receipt with the asked confirmation depth, and map failures to `SettlementError`.
 * `writeOnce` wraps a write that must take effect once however often it is retried.
 */
import type {
  Abi,
  Account,
  Chain,
  ContractFunctionArgs,
  ContractFunctionName,
  PublicClient,
  TransactionReceipt,
  Transport,
  WalletClient,
} from "viem";
import { SettlementError, toSettlementError } from "./errors.ts";

/** A wallet client with an account: the signer of this package's L1 writes. */
export type L1WalletClient = WalletClient<Transport, Chain | undefined, Account>;

export interface WriteContractParameters<
  abi extends Abi,
  functionName extends ContractFunctionName<abi, "nonpayable" | "payable">,
> {
  readonly walletClient: L1WalletClient;
  readonly publicClient: PublicClient;
  readonly address: `0x${string}`;
  readonly abi: abi;
  readonly functionName: functionName;
  readonly args: ContractFunctionArgs<abi, "nonpayable" | "payable", functionName>;
  readonly value?: bigint;
  /** Blocks the receipt must be buried under (1 = included). Default 1. */
  readonly confirmations?: number;
  /** Names the operation in error messages. */
  readonly operation: string;
}

export async function writeContractAndWait<
  const abi extends Abi,
  functionName extends ContractFunctionName<abi, "nonpayable" | "payable">,
>(parameters: WriteContractParameters<abi, functionName>): Promise<TransactionReceipt> {
  const { walletClient, publicClient, operation, confirmations = 1 } = parameters;
  let hash: `0x${string}`;
  try {
    // viem's generic request types do not survive this level of indirection; the call is checked by the
    // signature of `WriteContractParameters` above.
    const { request } = await publicClient.simulateContract({
      address: parameters.address,
      abi: parameters.abi as Abi,
      functionName: parameters.functionName as string,
      args: parameters.args as readonly unknown[],
      account: walletClient.account,
      ...(parameters.value === undefined ? {} : { value: parameters.value }),
    } as never);
    hash = await walletClient.writeContract({ ...(request as object), chain: walletClient.chain } as never);
  } catch (error) {
    throw toSettlementError(operation, error);
  }
  let receipt: TransactionReceipt;
  try {
    receipt = await publicClient.waitForTransactionReceipt({ hash, confirmations });
  } catch (error) {
    throw toSettlementError(`${operation} (waiting for ${hash})`, error);
  }
  // Simulation passed but the transaction reverted: the state moved in between (another writer, a reorg). A retry
  // simulates again and either succeeds or fails with the decoded reason.
  if (receipt.status !== "success")
    throw new SettlementError("transient", `${operation} transaction ${hash} reverted on L1`, {
      details: `block ${receipt.blockNumber}`,
    });
  return receipt;
}

export interface WriteOnceParameters<T> {
  /** The write's effect if L1 holds it already (its answer), else undefined. */
  readonly find: () => Promise<T | undefined>;
  readonly write: () => Promise<T>;
  /** The reverts by which the contract says the effect is there already (`BatchAlreadyRecorded`, `GameAlreadyExists`). */
  readonly doneReverts: readonly string[];
}

/**
 * A write that takes effect once, however often it is retried: a retry after a lost answer finds the effect on L1
 * and answers with it. An earlier attempt's write can also land while a retry is under way (L1 hung past the client's
 * timeout and served it late), between the look and the retry's own write, which then reverts with one of
 * `doneReverts`:
 * look again before that counts as a permanent failure.
 */
export async function writeOnce<T>({ find, write, doneReverts }: WriteOnceParameters<T>): Promise<T> {
  const found = await find();
  if (found !== undefined) return found;
  try {
    return await write();
  } catch (error) {
    if (error instanceof SettlementError && error.revertName !== undefined && doneReverts.includes(error.revertName)) {
      const landed = await find();
      if (landed !== undefined) return landed;
    }
    throw error;
  }
}
