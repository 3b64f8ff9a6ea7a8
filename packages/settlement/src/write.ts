/**
 * One L1 write the way every writer of this package does it: simulate (so a revert surfaces decoded, before any gas
 * is spent), send, wait for the receipt with the asked confirmation depth, and map failures to `SettlementError`.
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
