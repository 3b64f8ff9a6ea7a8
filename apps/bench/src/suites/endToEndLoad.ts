/**
 * What the end-to-end phases share on the sending side: hex on the wire, the block number, how sends went (accepted
 * hashes, rejections and the first error).
 */
import type { HttpRpcClient } from "../targets/rpcClient.ts";

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
export const blockNumber = async (client: HttpRpcClient) => Number(await client.call<string>("eth_blockNumber", []));

export const toHex = (bytes: Uint8Array) => `0x${Buffer.from(bytes).toString("hex")}`;

export interface SendOutcome {
  rejected: number;
  firstError?: string;
  acceptedHashes: string[];
}

export function noteError(outcome: SendOutcome, error: unknown): void {
  outcome.rejected++;
  outcome.firstError ??= error instanceof Error ? error.message : String(error);
}
