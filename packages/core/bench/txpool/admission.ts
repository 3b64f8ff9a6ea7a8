/**
 * Pool admission throughput: TxPool.add on raw signed EIP-1559 transfers (strict decode, native sender recovery,
 * stateless and stateful checks, queue insertion), then on the same transactions decoded beforehand (the checks and
 * the queues alone, as when sender-recovery workers decoded them), then takeExecutable over the full pool. Each
 * sender's transactions arrive in nonce order, one sender after another: `perSender` deep queues.
 * Run: node bench/txpool/admission.ts [senders] [perSender]   (from packages/core)
 */
import { hexToBytes } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { secp256k1Backend } from "../../src/chain/signature.ts";
import { decodeTransaction } from "../../src/chain/transaction.ts";
import type { Address, Hash } from "../../src/chain/types.ts";
import { txPoolConfigSchema } from "../../src/txpool/config.ts";
import { TxPool } from "../../src/txpool/pool.ts";
import { MapState } from "../../test/execution/fixtures.ts";

const senders = Number(process.argv[2] ?? 200);
const perSender = Number(process.argv[3] ?? 10);
const KECCAK_EMPTY: Hash = "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470";
const state = new MapState();
const raws: Uint8Array[] = [];
for (let i = 0; i < senders; i++) {
  const account = privateKeyToAccount(`0x${(i + 1).toString(16).padStart(64, "0")}`);
  state.accounts.set(account.address.toLowerCase() as Address, {
    nonce: 0n,
    balance: 10n ** 20n,
    codeHash: KECCAK_EMPTY,
  });
  for (let nonce = 0; nonce < perSender; nonce++) {
    const raw = await account.signTransaction({
      type: "eip1559",
      chainId: 901,
      nonce,
      to: "0x000000000000000000000000000000000000beef",
      value: 1n,
      gas: 21_000n,
      maxFeePerGas: 2_000_000_000n,
      maxPriorityFeePerGas: 1_000_000_000n,
    });
    raws.push(hexToBytes(raw));
  }
}
const newPool = () =>
  new TxPool({
    chainId: 901n,
    state,
    baseFeePerGas: 1_000_000_000n,
    blockGasLimit: 30_000_000n,
    config: txPoolConfigSchema.parse({ maxTotal: raws.length, maxPerSender: perSender, maxQueuedPerSender: perSender }),
  });
const decoded = raws.map((raw) => decodeTransaction(raw));
const checksOnly = newPool();
let start = performance.now();
for (const tx of decoded) checksOnly.add(tx);
let ms = performance.now() - start;
console.log(
  `TxPool.add (decoded beforehand)  ${((decoded.length / ms) * 1000).toFixed(0).padStart(7)} tx/s  (${decoded.length} txs, ${perSender} per sender)`,
);
const pool = newPool();
start = performance.now();
for (const raw of raws) pool.add(raw);
ms = performance.now() - start;
console.log(
  `TxPool.add (secp256k1 ${secp256k1Backend})  ${((raws.length / ms) * 1000).toFixed(0).padStart(7)} tx/s  (${raws.length} txs)`,
);
start = performance.now();
const taken = pool.takeExecutable(raws.length);
ms = performance.now() - start;
console.log(
  `TxPool.takeExecutable           ${((taken.length / ms) * 1000).toFixed(0).padStart(7)} tx/s  (${taken.length} txs)`,
);
