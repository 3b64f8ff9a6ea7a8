/**
 * Admission throughput of chain/: decodeTransaction (strict decode + keccak hash + native sender recovery) on
 * pre-signed EIP-1559 and legacy transactions, against @ethereumjs/tx's createTxFromRLP + hash + getSenderAddress.
 * Run: node bench/chain/decode.ts [count]   (from packages/core)
 */
import { createCustomCommon, Hardfork, Mainnet } from "@ethereumjs/common";
import { createTxFromRLP } from "@ethereumjs/tx";
import { hexToBytes } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { recoverAddress, secp256k1Backend } from "../../src/chain/signature.ts";
import { decodeTransaction, decodeTransactionBody, signingHash } from "../../src/chain/transaction.ts";

const count = Number(process.argv[2] ?? 2000);
const accounts = Array.from({ length: 16 }, (_, i) =>
  privateKeyToAccount(`0x${(i + 1).toString(16).padStart(64, "0")}`),
);
const raws: Uint8Array[] = [];
for (let i = 0; i < count; i++) {
  const account = accounts[i % accounts.length];
  if (!account) throw new Error("unreachable");
  const hex = await account.signTransaction(
    i % 4 === 3
      ? {
          type: "legacy",
          chainId: 6342,
          nonce: i,
          gasPrice: 1_000_000_000n,
          gas: 21000n,
          to: accounts[0]?.address,
          value: 1n,
        }
      : {
          type: "eip1559",
          chainId: 6342,
          nonce: i,
          maxFeePerGas: 2_000_000_000n,
          maxPriorityFeePerGas: 1_000_000n,
          gas: 60000n,
          to: accounts[1]?.address,
          value: 10n ** 15n,
          data: "0xa9059cbb000000000000000000000000000000000000000000000000000000000000beef0000000000000000000000000000000000000000000000000000000000000001",
        },
  );
  raws.push(hexToBytes(hex));
}

function measure(name: string, rounds: number, fn: (raw: Uint8Array) => unknown, subset = raws): number {
  for (const raw of subset.slice(0, 200)) fn(raw); // warm-up
  let best = 0;
  for (let round = 0; round < rounds; round++) {
    const start = process.hrtime.bigint();
    for (const raw of subset) fn(raw);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    best = Math.max(best, subset.length / seconds);
  }
  console.log(`${name.padEnd(58)} ${Math.round(best).toLocaleString("en-US").padStart(10)} tx/s`);
  return best;
}

console.log(`secp256k1 backend: ${secp256k1Backend}; ${count} pre-signed txs (3/4 EIP-1559 with calldata, 1/4 legacy)`);
measure("decodeTransactionBody (strict decode, no hash/recovery)", 5, decodeTransactionBody);
measure("decodeTransaction (decode + hash + recover sender)", 5, decodeTransaction);
// The recovery ceiling on this machine right now (load varies): sender recovery alone, hashes precomputed.
const prepared = new Map(
  raws.map((raw) => {
    const body = decodeTransactionBody(raw);
    if (body.type === 0x7e) throw new Error("unreachable");
    return [raw, { hash: signingHash(body), body }] as const;
  }),
);
measure("  of which: recoverAddress alone (signing hash precomputed)", 3, (raw) => {
  const p = prepared.get(raw);
  if (!p) throw new Error("unreachable");
  return recoverAddress(p.hash, p.body.r, p.body.s, p.body.yParity);
});
const common = createCustomCommon({ chainId: 6342 }, Mainnet, { hardfork: Hardfork.Prague });
measure(
  "@ethereumjs/tx createTxFromRLP + hash + getSenderAddress",
  1,
  (raw) => {
    const tx = createTxFromRLP(raw, { common });
    tx.hash();
    return tx.getSenderAddress();
  },
  raws.slice(0, Math.min(400, raws.length)),
);
