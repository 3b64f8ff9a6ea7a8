/**
 * Accounts the node holds (dev nodes: the dev mnemonic's accounts and impersonated ones): `eth_accounts`,
 * `eth_sendTransaction` (nonce, gas and fees filled in as anvil does), `eth_signTransaction`, `eth_sign`,
 * `personal_sign` and `eth_signTypedData_v4`. A production node holds no keys: `eth_accounts` answers `[]` and the
 * rest do not exist, as on geth without a keystore.
 */
import { z } from "zod";
import type { Hash } from "../../chain/types.ts";
import type { DevControls, DevTransactionRequest } from "../backend.ts";
import { defineMethod, type MethodTable, type RpcContext } from "../context.ts";
import { invalidParams, methodNotFound } from "../errors.ts";
import { toData } from "../format.ts";
import { address, type CallRequest, callRequest, data } from "../params.ts";
import { estimateGas } from "./call.ts";

function controls(context: RpcContext, method: string): DevControls {
  const dev = context.backend.dev;
  if (!dev) throw methodNotFound(method);
  return dev;
}

/** Fills what anvil fills: nonce (the pool's next), fees (the node's suggestion), gas (the estimate), chain id. */
async function filled(context: RpcContext, request: CallRequest): Promise<DevTransactionRequest> {
  const given = devRequest(request);
  const { backend } = context;
  const legacy = given.gasPrice !== undefined || given.type === 0 || given.type === 1;
  const priority = given.maxPriorityFeePerGas ?? backend.maxPriorityFeePerGas();
  const fees = legacy
    ? { gasPrice: given.gasPrice ?? backend.gasPrice() }
    : {
        maxPriorityFeePerGas: priority,
        maxFeePerGas: given.maxFeePerGas ?? backend.pendingBlockEnv().baseFeePerGas * 2n + priority,
      };
  return {
    ...given,
    ...fees,
    chainId: given.chainId ?? backend.chainId,
    nonce:
      given.nonce ??
      backend.pendingNonce?.(given.from) ??
      backend.stateAt("latest")?.getAccount(given.from)?.nonce ??
      0n,
    gas:
      given.gas ??
      (await estimateGas(context, { ...request, ...(legacy ? { gasPrice: fees.gasPrice } : {}) }, "latest", undefined)),
  };
}

function devRequest(request: CallRequest): DevTransactionRequest {
  if (request.from === undefined) throw invalidParams('missing "from" (the account to send from)');
  const input = request.input ?? request.data;
  return {
    from: request.from,
    ...(request.to !== undefined ? { to: request.to } : {}),
    ...(request.gas !== undefined ? { gas: request.gas } : {}),
    ...(request.gasPrice !== undefined ? { gasPrice: request.gasPrice } : {}),
    ...(request.maxFeePerGas !== undefined ? { maxFeePerGas: request.maxFeePerGas } : {}),
    ...(request.maxPriorityFeePerGas !== undefined ? { maxPriorityFeePerGas: request.maxPriorityFeePerGas } : {}),
    ...(request.value !== undefined ? { value: request.value } : {}),
    ...(input !== undefined ? { data: input } : {}),
    ...(request.nonce !== undefined ? { nonce: request.nonce } : {}),
    ...(request.accessList !== undefined ? { accessList: request.accessList } : {}),
    ...(request.type !== undefined ? { type: Number(request.type) } : {}),
    ...(request.chainId !== undefined ? { chainId: request.chainId } : {}),
  };
}

/** EIP-712 typed data, as an object or (MetaMask's habit) a JSON string. */
const typedData = z.union([
  z.record(z.string(), z.unknown()),
  z.string().transform((text, ctx) => {
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      ctx.addIssue({ code: "custom", message: "typed data is not valid JSON" });
      return z.NEVER;
    }
  }),
]);

const txParam = { name: "transaction", schema: callRequest } as const;

export const accountMethods: MethodTable = {
  eth_accounts: defineMethod([], (_args, { backend }) => [...(backend.dev?.accounts() ?? [])]),
  eth_requestAccounts: defineMethod([], (_args, { backend }) => [...(backend.dev?.accounts() ?? [])]),
  eth_sendTransaction: defineMethod([txParam], async ([request], context): Promise<Hash> => {
    const dev = controls(context, "eth_sendTransaction");
    const startedMs = context.sendLatency.now();
    const hash = await dev.sendTransaction(await filled(context, request));
    context.sendLatency.submitted(hash, startedMs);
    return hash;
  }),
  /** anvil's unsigned send (viem's `sendUnsignedTransaction`): from any address, as if impersonated. */
  eth_sendUnsignedTransaction: defineMethod([txParam], async ([request], context): Promise<Hash> => {
    const dev = controls(context, "eth_sendUnsignedTransaction");
    return dev.sendTransaction(await filled(context, request), { unsigned: true });
  }),
  eth_signTransaction: defineMethod([txParam], async ([request], context) =>
    toData(await controls(context, "eth_signTransaction").signTransaction(await filled(context, request))),
  ),
  eth_sign: defineMethod(
    [
      { name: "address", schema: address },
      { name: "message", schema: data },
    ],
    ([signer, message], context) => controls(context, "eth_sign").signMessage(signer, message),
  ),
  personal_sign: defineMethod(
    [
      { name: "message", schema: data },
      { name: "address", schema: address },
    ],
    ([message, signer], context) => controls(context, "personal_sign").signMessage(signer, message),
  ),
  eth_signTypedData_v4: defineMethod(
    [
      { name: "address", schema: address },
      { name: "typedData", schema: typedData },
    ],
    ([signer, value], context) => controls(context, "eth_signTypedData_v4").signTypedData(signer, value),
  ),
};
