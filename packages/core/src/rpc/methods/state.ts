/** Account reads at a block: balance, nonce, code, storage, EIP-1186 proofs. `latest`/`pending` = newest mini-block. */
import { z } from "zod";
import { defineMethod, type MethodTable } from "../context.ts";
import { headerNotFound, methodNotFound, prunedHistory } from "../errors.ts";
import { formatProof, toData, toQuantity, toWord } from "../format.ts";
import { address, blockParam, storageSlot } from "../params.ts";
import { resolveStateTarget, stateFor } from "../resolve.ts";

const block = { name: "block", schema: blockParam, optional: true } as const;

export const stateMethods: MethodTable = {
  eth_getBalance: defineMethod([{ name: "address", schema: address }, block], ([account, tag], context) =>
    toQuantity(stateFor(context, tag).getAccount(account)?.balance ?? 0n),
  ),
  eth_getTransactionCount: defineMethod([{ name: "address", schema: address }, block], ([account, tag], context) => {
    if (tag?.kind === "tag" && tag.tag === "pending" && context.backend.pendingNonce) {
      return toQuantity(context.backend.pendingNonce(account));
    }
    return toQuantity(stateFor(context, tag).getAccount(account)?.nonce ?? 0n);
  }),
  eth_getCode: defineMethod([{ name: "address", schema: address }, block], ([account, tag], context) =>
    toData(stateFor(context, tag).getCode(account)),
  ),
  eth_getStorageAt: defineMethod(
    [{ name: "address", schema: address }, { name: "slot", schema: storageSlot }, block],
    ([account, slot, tag], context) => toWord(stateFor(context, tag).getStorage(account, slot)),
  ),
  eth_getProof: defineMethod(
    [
      { name: "address", schema: address },
      { name: "storageKeys", schema: z.array(storageSlot) },
      { name: "block", schema: blockParam },
    ],
    async ([account, slots, tag], context) => {
      if (!context.backend.getProof) throw methodNotFound("eth_getProof");
      const target = resolveStateTarget(context, tag);
      const proof = await context.backend.getProof(account, slots, target);
      // A sealed block the node keeps no proof data of (only the head, and the message passer at output blocks).
      if (!proof) throw target === "latest" ? headerNotFound() : prunedHistory();
      return formatProof(proof);
    },
  ),
};
