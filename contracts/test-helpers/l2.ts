// Builds what the L2 would serve for a withdrawal: the message passer's storage trie (a real secure
// Merkle-Patricia trie from @ethereumjs/mpt), its storage proofs, and output roots over it.
import { createMerkleProof, createMPT } from "@ethereumjs/mpt";
import { bytesToHex, encodeAbiParameters, type Hex, hexToBytes, keccak256, numberToHex, toRlp } from "viem";

export type WithdrawalTransaction = {
  nonce: bigint;
  sender: Hex;
  target: Hex;
  value: bigint;
  gasLimit: bigint;
  data: Hex;
};

export type OutputRootProof = {
  version: Hex;
  stateRoot: Hex;
  messagePasserStorageRoot: Hex;
  latestBlockhash: Hex;
};

export const zeroHash: Hex = `0x${"00".repeat(32)}`;
/** First versioned nonce of the message passer: version 1 in the top 16 bits. */
export const firstWithdrawalNonce = 1n << 240n;

export function hashWithdrawal(tx: WithdrawalTransaction): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        { type: "uint256" },
        { type: "address" },
        { type: "address" },
        { type: "uint256" },
        { type: "uint256" },
        { type: "bytes" },
      ],
      [tx.nonce, tx.sender, tx.target, tx.value, tx.gasLimit, tx.data],
    ),
  );
}

/** Storage slot of `sentMessages[withdrawalHash]` (mapping at slot 0). */
export function withdrawalSlot(withdrawalHash: Hex): Hex {
  return keccak256(encodeAbiParameters([{ type: "bytes32" }, { type: "uint256" }], [withdrawalHash, 0n]));
}

export function hashOutputRoot(proof: OutputRootProof): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: "bytes32" }, { type: "bytes32" }, { type: "bytes32" }, { type: "bytes32" }],
      [proof.version, proof.stateRoot, proof.messagePasserStorageRoot, proof.latestBlockhash],
    ),
  );
}

export type MessagePasserStorage = {
  storageRoot: Hex;
  /** The storage proof (root → leaf) of `sentMessages[withdrawalHash]`. */
  proveWithdrawal(withdrawalHash: Hex): Promise<Hex[]>;
};

/**
 * The storage trie of an L2ToL1MessagePasser that sent `withdrawals` (in nonce order): `sentMessages[h] = true`
 * for each, and slot 1 (`msgNonce`) = their count, as the contract leaves it. `extraSlots` adds unrelated slots.
 */
export async function buildMessagePasserStorage(
  withdrawals: readonly WithdrawalTransaction[],
  extraSlots: readonly { slot: Hex; value: bigint }[] = [],
): Promise<MessagePasserStorage> {
  const trie = await createMPT({ useKeyHashing: true });
  const put = async (slot: Hex, value: bigint) => {
    await trie.put(hexToBytes(slot), hexToBytes(toRlp(numberToHex(value))));
  };
  for (const tx of withdrawals) await put(withdrawalSlot(hashWithdrawal(tx)), 1n);
  if (withdrawals.length > 0) await put(numberToHex(1n, { size: 32 }), BigInt(withdrawals.length));
  for (const { slot, value } of extraSlots) await put(slot, value);
  return {
    storageRoot: bytesToHex(trie.root()),
    async proveWithdrawal(withdrawalHash) {
      const proof = await createMerkleProof(trie, hexToBytes(withdrawalSlot(withdrawalHash)));
      return proof.map((node) => bytesToHex(node));
    },
  };
}

export function outputRootProofFor(storageRoot: Hex, stateRoot: Hex, latestBlockhash: Hex): OutputRootProof {
  return { version: zeroHash, stateRoot, messagePasserStorageRoot: storageRoot, latestBlockhash };
}
