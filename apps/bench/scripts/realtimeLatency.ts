/**
 * Issue-4 figure: send → answer latency of `realtime_sendRawTransaction` at light load (one transaction in flight),
 * over HTTP keep-alive and over WebSocket, against a fresh Mach node. Pre-signed native transfers; prints p50/p99.
 *
 *   node apps/bench/scripts/realtimeLatency.ts [count=500]
 */
import { parseGwei, toHex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { percentile } from "../src/report/stats.ts";
import { startMachNode } from "../src/targets/machNode.ts";
import { connectWsRpc, createHttpRpcClient } from "../src/targets/rpcClient.ts";
import { BENCH_CHAIN_ID } from "../src/workloads/world.ts";

const count = Number(process.argv[2] ?? 500);
const sender = privateKeyToAccount(generatePrivateKey());
const raws: string[] = [];
for (let nonce = 0; nonce < 2 * count; nonce++) {
  raws.push(
    await sender.signTransaction({
      chainId: Number(BENCH_CHAIN_ID),
      type: "eip1559",
      maxFeePerGas: parseGwei("1"),
      maxPriorityFeePerGas: 1n,
      gas: 21_000n,
      to: "0x000000000000000000000000000000000000beef",
      value: 1n,
      nonce,
    }),
  );
}
const node = await startMachNode({
  alloc: { [sender.address.toLowerCase() as `0x${string}`]: { balance: toHex(10n ** 21n) } },
});
try {
  const http = createHttpRpcClient(node.rpcUrl, 1);
  const ws = await connectWsRpc(node.wsUrl);
  const measure = async (call: (raw: string) => Promise<unknown>, from: number) => {
    const samples: number[] = [];
    for (let i = from; i < from + count; i++) {
      const started = performance.now();
      await call(raws[i] as string);
      samples.push(performance.now() - started);
    }
    return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
  };
  const overHttp = await measure((raw) => http.call("realtime_sendRawTransaction", [raw]), 0);
  const overWs = await measure((raw) => ws.call("realtime_sendRawTransaction", [raw]), count);
  http.close();
  await ws.close();
  const fmt = (x: number) => x.toFixed(2);
  console.log(`realtime_sendRawTransaction, ${count} sequential native transfers each`);
  console.log(`  HTTP keep-alive  p50 ${fmt(overHttp.p50)} ms  p99 ${fmt(overHttp.p99)} ms`);
  console.log(`  WebSocket        p50 ${fmt(overWs.p50)} ms  p99 ${fmt(overWs.p99)} ms`);
} finally {
  await node.close();
}
