/**
 * Measures batch-body compression on realistic ERC-20 transfer blocks: signed EIP-1559 txs calling
 * `transfer(address,uint256)` on a few tokens, from many senders to many recipients. Not part of the test suite.
 * Run from packages/core: `node test/da/compression.bench.ts [blocks] [txsPerBlock]`.
 */
import { performance } from "node:perf_hooks";
import { encodeFunctionData, erc20Abi, type Hex, hexToBytes, keccak256, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { BATCH_HEADER_BYTES, type BatchBlock, decodeBatch, encodeBatch } from "../../src/da/batch.ts";
import { type CompressionSettings, compress, decompress } from "../../src/da/compression.ts";

const blockCount = Number(process.argv[2] ?? 10);
const txsPerBlock = Number(process.argv[3] ?? 400);
const senderCount = 1000;
const chainId = 4242;

const senders = Array.from({ length: senderCount }, (_, i) => privateKeyToAccount(keccak256(toHex(`sender-${i}`))));
const nonces = new Map<number, number>();
const tokens = Array.from({ length: 5 }, (_, i) => keccak256(toHex(`token-${i}`)).slice(0, 42) as Hex);
const recipients = Array.from({ length: 20_000 }, (_, i) => keccak256(toHex(`to-${i}`)).slice(0, 42) as Hex);
let seed = 1;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const blocks: BatchBlock[] = [];
let parentHash = keccak256(toHex("genesis"));
for (let b = 0; b < blockCount; b++) {
  const transactions: Uint8Array[] = [];
  for (let t = 0; t < txsPerBlock; t++) {
    const senderIndex = Math.floor(random() * senderCount);
    const nonce = nonces.get(senderIndex) ?? 0;
    nonces.set(senderIndex, nonce + 1);
    const signed = await senders[senderIndex]!.signTransaction({
      type: "eip1559",
      chainId,
      nonce,
      to: pick(tokens),
      gas: 52_000n + BigInt(Math.floor(random() * 8000)),
      maxFeePerGas: 2_000_000n + BigInt(Math.floor(random() * 1000)),
      maxPriorityFeePerGas: 1000n,
      value: 0n,
      data: encodeFunctionData({
        abi: erc20Abi,
        functionName: "transfer",
        args: [pick(recipients), BigInt(Math.floor(random() * 1e6)) * 10n ** 15n],
      }),
    });
    transactions.push(hexToBytes(signed));
  }
  const hash = keccak256(toHex(`block-${b}`));
  blocks.push({
    number: BigInt(b + 1),
    timestamp: 1_700_000_000n + BigInt(b),
    parentHash,
    baseFeePerGas: 1_000_000n,
    gasLimit: 2_000_000_000n,
    beneficiary: "0x4200000000000000000000000000000000000011",
    mixHash: keccak256(toHex(`mix-${b}`)),
    parentBeaconBlockRoot: keccak256(toHex(`beacon-${b}`)),
    extraData: new Uint8Array(),
    miniBlockCount: 100,
    miniBlockOffset: BigInt(b * 100),
    hash,
    stateRoot: keccak256(toHex(`state-${b}`)),
    transactions,
  });
  parentHash = hash;
}

const body = encodeBatch({ chainId: BigInt(chainId), blocks, compression: { algorithm: "none", level: 0 } }).subarray(
  BATCH_HEADER_BYTES,
);
const txCount = blockCount * txsPerBlock;
const rawTxBytes = blocks.reduce((sum, block) => sum + block.transactions.reduce((s, tx) => s + tx.length, 0), 0);
console.log(
  `${blockCount} blocks × ${txsPerBlock} ERC-20 transfers: body ${body.length} B (${(body.length / txCount).toFixed(1)} B/tx, raw txs ${(rawTxBytes / txCount).toFixed(1)} B/tx)`,
);

const settings: CompressionSettings[] = [
  { algorithm: "brotli", level: 4 },
  { algorithm: "brotli", level: 6 },
  { algorithm: "brotli", level: 9 },
  { algorithm: "brotli", level: 11 },
  { algorithm: "zstd", level: 1 },
  { algorithm: "zstd", level: 3 },
  { algorithm: "zstd", level: 9 },
  { algorithm: "zstd", level: 15 },
  { algorithm: "zstd", level: 19 },
];
console.log("algorithm  level  bytes     B/tx   ratio   compress MB/s  decompress MB/s");
for (const setting of settings) {
  const runs = setting.level >= 11 || (setting.algorithm === "zstd" && setting.level >= 15) ? 2 : 5;
  let compressed = compress(body, setting);
  let start = performance.now();
  for (let i = 0; i < runs; i++) compressed = compress(body, setting);
  const compressMs = (performance.now() - start) / runs;
  start = performance.now();
  for (let i = 0; i < 10; i++) decompress(compressed, setting.algorithm, body.length);
  const decompressMs = (performance.now() - start) / 10;
  const mbps = (ms: number) => (body.length / 1e6 / (ms / 1000)).toFixed(1);
  console.log(
    `${setting.algorithm.padEnd(9)}  ${String(setting.level).padStart(5)}  ${String(compressed.length).padEnd(8)}  ${(compressed.length / txCount).toFixed(1).padStart(5)}  ${(compressed.length / body.length).toFixed(3)}   ${mbps(compressMs).padStart(12)}  ${mbps(decompressMs).padStart(15)}`,
  );
}

// The whole codec with the default settings: what the batcher and derivation pay per batch.
const time = (fn: () => void, runs: number) => {
  fn();
  const start = performance.now();
  for (let i = 0; i < runs; i++) fn();
  return (performance.now() - start) / runs;
};
let encoded: Uint8Array = new Uint8Array();
const encodeMs = time(() => {
  encoded = encodeBatch({ chainId: BigInt(chainId), blocks });
}, 5);
const decodeMs = time(() => decodeBatch(encoded), 5);
console.log(
  `default codec: encode ${encodeMs.toFixed(1)} ms (${Math.round(txCount / (encodeMs / 1000))} tx/s), decode ${decodeMs.toFixed(1)} ms (${Math.round(txCount / (decodeMs / 1000))} tx/s), ${encoded.length} B`,
);
