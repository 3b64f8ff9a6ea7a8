/**
 * The keys a dev node holds (the dev mnemonic's accounts) and the accounts it impersonates: signs transactions,
 * EIP-191 messages and EIP-712 typed data with viem's local accounts, and builds impersonated transactions, whose
 * sender is set rather than recovered (the signature is a marker: r = the sender, s = 1, so two senders never share
 * a hash). The store keeps the sender beside the raw bytes, so an impersonated transaction reads back as sent.
 */
import { hexToBytes } from "viem";
import { type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";
import { bytesToHex } from "../../chain/bytes.ts";
import { keccak256Hex } from "../../chain/hash.ts";
import { decodeTransaction, encodeTransaction } from "../../chain/transaction.ts";
import type { Address, Hash, Transaction, UnsignedFieldsTransaction } from "../../chain/types.ts";
import { DevMethodError } from "../../errors.ts";
import type { DevTransactionRequest } from "../../rpc/backend.ts";
import type { DevAccount } from "../genesis.ts";

/** A request with everything filled in (the RPC layer fills nonce, gas, fees and chain id). */
type Complete = DevTransactionRequest & { readonly nonce: bigint; readonly gas: bigint; readonly chainId: bigint };

function complete(request: DevTransactionRequest): Complete {
  if (request.nonce === undefined || request.gas === undefined || request.chainId === undefined) {
    throw new DevMethodError("transaction request is missing nonce, gas or chain id");
  }
  return request as Complete;
}

/** The unsigned fields of a request, in Mach's transaction shape (signature fields set by the caller). */
function body(request: Complete, signature: { r: bigint; s: bigint; yParity: number }): UnsignedFieldsTransaction {
  const common = {
    nonce: request.nonce,
    gasLimit: request.gas,
    to: request.to ?? null,
    value: request.value ?? 0n,
    data: request.data ?? new Uint8Array(0),
    ...signature,
  };
  if (request.gasPrice !== undefined) {
    if (request.type === 1 || request.accessList !== undefined) {
      return {
        ...common,
        type: 1,
        chainId: request.chainId,
        gasPrice: request.gasPrice,
        accessList: request.accessList ?? [],
      };
    }
    return {
      ...common,
      type: 0,
      chainId: request.chainId,
      gasPrice: request.gasPrice,
      v: request.chainId * 2n + 35n + BigInt(signature.yParity),
    };
  }
  return {
    ...common,
    type: 2,
    chainId: request.chainId,
    maxFeePerGas: request.maxFeePerGas ?? 0n,
    maxPriorityFeePerGas: request.maxPriorityFeePerGas ?? 0n,
    accessList: request.accessList ?? [],
  };
}

export class DevWallet {
  readonly #keys = new Map<Address, PrivateKeyAccount>();
  readonly #impersonated = new Set<Address>();
  #autoImpersonate = false;

  constructor(accounts: readonly DevAccount[]) {
    for (const account of accounts) this.#keys.set(account.address, privateKeyToAccount(account.privateKey));
  }

  /** Held accounts first, then impersonated ones (what `eth_accounts` lists). */
  accounts(): Address[] {
    return [...this.#keys.keys(), ...[...this.#impersonated].filter((address) => !this.#keys.has(address))];
  }

  impersonate(address: Address): void {
    this.#impersonated.add(address);
  }

  stopImpersonating(address: Address): void {
    this.#impersonated.delete(address);
  }

  setAutoImpersonate(enabled: boolean): void {
    this.#autoImpersonate = enabled;
  }

  /** Forgets every impersonation (reset). */
  clearImpersonations(): void {
    this.#impersonated.clear();
    this.#autoImpersonate = false;
  }

  holdsKey(address: Address): boolean {
    return this.#keys.has(address);
  }

  isImpersonated(address: Address): boolean {
    return this.#autoImpersonate || this.#impersonated.has(address);
  }

  #key(address: Address): PrivateKeyAccount {
    const key = this.#keys.get(address);
    if (key === undefined) {
      throw new DevMethodError(
        this.isImpersonated(address)
          ? `cannot sign for impersonated account ${address}: the node holds no key for it`
          : `unknown account ${address}`,
      );
    }
    return key;
  }

  /** The signed transaction (decoded, sender recovered) for a held account. */
  async sign(request: DevTransactionRequest): Promise<Transaction> {
    const filled = complete(request);
    const key = this.#key(filled.from);
    const unsigned = body(filled, { r: 0n, s: 0n, yParity: 0 });
    const signed = await key.signTransaction({
      chainId: Number(filled.chainId),
      nonce: Number(unsigned.nonce),
      gas: unsigned.gasLimit,
      ...(unsigned.to !== null ? { to: unsigned.to } : {}),
      value: unsigned.value,
      data: bytesToHex(unsigned.data),
      ...(unsigned.type === 2
        ? {
            type: "eip1559" as const,
            maxFeePerGas: unsigned.maxFeePerGas,
            maxPriorityFeePerGas: unsigned.maxPriorityFeePerGas,
            accessList: unsigned.accessList.map((item) => ({
              address: item.address,
              storageKeys: [...item.storageKeys],
            })),
          }
        : unsigned.type === 1
          ? {
              type: "eip2930" as const,
              gasPrice: unsigned.gasPrice,
              accessList: unsigned.accessList.map((item) => ({
                address: item.address,
                storageKeys: [...item.storageKeys],
              })),
            }
          : { type: "legacy" as const, gasPrice: (unsigned as { gasPrice: bigint }).gasPrice }),
    });
    return decodeTransaction(hexToBytes(signed));
  }

  /** A transaction from an impersonated account: its sender is set, not recovered. */
  impersonated(request: DevTransactionRequest, anySender = false): Transaction {
    const filled = complete(request);
    if (!anySender && !this.isImpersonated(filled.from)) throw new DevMethodError(`unknown account ${filled.from}`);
    const fields = body(filled, { r: BigInt(filled.from), s: 1n, yParity: 0 });
    const raw = encodeTransaction(fields);
    return { ...fields, raw, hash: keccak256Hex(raw), from: filled.from };
  }

  /** EIP-191 `personal_sign` signature of `message`. */
  signMessage(address: Address, message: Uint8Array): Promise<Hash> {
    return this.#key(address).signMessage({ message: { raw: message } });
  }

  /** EIP-712 signature of typed data given as JSON (`types`, `primaryType`, `domain`, `message`). */
  signTypedData(address: Address, typedData: unknown): Promise<Hash> {
    const value = typedData as {
      types?: Record<string, unknown>;
      primaryType?: string;
      domain?: unknown;
      message?: unknown;
    };
    if (typeof value !== "object" || value === null || value.types === undefined || value.primaryType === undefined) {
      throw new DevMethodError("typed data needs types and primaryType");
    }
    const { EIP712Domain: _domain, ...types } = value.types;
    // JSON typed data is untyped by nature: viem checks it against `types` at run time.
    const sign = this.#key(address).signTypedData as (parameters: Record<string, unknown>) => Promise<Hash>;
    return sign({ types, primaryType: value.primaryType, domain: value.domain ?? {}, message: value.message ?? {} });
  }
}
