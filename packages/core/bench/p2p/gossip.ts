/**
 * p2p figures: the wire size of a mini-block message (ERC-20 transfers with receipts and state diff, sealed) raw and
 * zstd-compressed, the cost of sealing and of verifying one; then end-to-end gossip latency on loopback, from
 * `publishMiniBlock` on a sequencer node to the in-order delivery handler on each of two receiver nodes: three real
 * libp2p nodes over TCP + noise + yamux, each in its own process (the receivers print their delivery times against
 * the shared wall clock), so the figure includes encoding, transport, verification and ordering.
 * Run: node bench/p2p/gossip.ts [messages=300] [intervalMs=10] [transfers=10,100]   (from packages/core)
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import type { MiniBlock } from "../../src/chain/miniBlock.ts";
import { signMiniBlock } from "../../src/chain/miniBlockSignature.ts";
import type { BlockSource } from "../../src/p2p/blockSource.ts";
import { type P2pConfigInput, p2pConfigSchema } from "../../src/p2p/config.ts";
import type { FrameCompression } from "../../src/p2p/frame.ts";
import { encodeMiniBlockMessage, type SignedMiniBlock, sealMiniBlock } from "../../src/p2p/miniBlockMessage.ts";
import { createP2pNode, type P2pNode } from "../../src/p2p/network.ts";
import { verifyMiniBlockMessage } from "../../src/p2p/validation.ts";
import {
  CHAIN_ID,
  expectSequencer,
  MemoryBlockSource,
  SEQUENCER_KEY,
  sequencer,
  transferMiniBlock,
} from "../../test/p2p/fixtures.ts";

const messages = Number(process.argv[2] ?? 300);
const intervalMs = Number(process.argv[3] ?? 10);
const latencyTransfers = (process.argv[4] ?? "10,100").split(",").map(Number);

const NONE: FrameCompression = { algorithm: "none", level: 1, minBytes: 0 };
const zstd = (level: number): FrameCompression => ({ algorithm: "zstd", level, minBytes: 0 });

function seal(miniBlock: MiniBlock): SignedMiniBlock {
  return sealMiniBlock({
    chainId: CHAIN_ID,
    miniBlock,
    signature: signMiniBlock(miniBlock, SEQUENCER_KEY),
    signer: sequencer,
  });
}

/** Median of `rounds` timings of `fn`, in µs. */
function medianMicros(rounds: number, fn: () => void): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] as number;
}

const pad = (value: string | number, width: number) => String(value).padStart(width);

function printSizes(): void {
  console.log("mini-block message size (ERC-20 transfers, distinct senders, receipts with Transfer logs, state diff)");
  console.log(
    `${pad("txs", 5)} ${pad("raw B", 9)} ${pad("zstd1 B", 9)} ${pad("zstd3 B", 9)} ${pad("raw B/tx", 9)} ${pad("zstd3 B/tx", 10)} ${pad("ratio", 6)} ${pad("seal µs", 8)} ${pad("zstd3 µs", 9)} ${pad("verify µs", 10)} ${pad("inflate+verify µs", 18)}`,
  );
  for (const transfers of [0, 1, 10, 100, 1000]) {
    const miniBlock = transferMiniBlock({ number: 1n, blockNumber: 1n, index: 0, transfers });
    const signed = seal(miniBlock);
    const raw = encodeMiniBlockMessage(signed, NONE);
    const z1 = encodeMiniBlockMessage(signed, zstd(1));
    const z3 = encodeMiniBlockMessage(signed, zstd(3));
    const rounds = transfers >= 1000 ? 21 : 101;
    const verification = { chainId: CHAIN_ID, expectedSigner: expectSequencer, maxMessageBytes: 64 << 20 };
    const sealUs = medianMicros(rounds, () => seal(miniBlock));
    const compressUs = medianMicros(rounds, () => encodeMiniBlockMessage(signed, zstd(3)));
    const verifyUs = medianMicros(rounds, () => verifyMiniBlockMessage(raw, verification));
    const inflateVerifyUs = medianMicros(rounds, () => verifyMiniBlockMessage(z3, verification));
    const perTx = (bytes: number) => (transfers === 0 ? "-" : (bytes / transfers).toFixed(1));
    console.log(
      `${pad(transfers, 5)} ${pad(raw.length, 9)} ${pad(z1.length, 9)} ${pad(z3.length, 9)} ${pad(perTx(raw.length), 9)} ${pad(perTx(z3.length), 10)} ${pad((z3.length / raw.length).toFixed(2), 6)} ${pad(sealUs.toFixed(0), 8)} ${pad(compressUs.toFixed(0), 9)} ${pad(verifyUs.toFixed(0), 10)} ${pad(inflateVerifyUs.toFixed(0), 18)}`,
    );
  }
}

async function startNode(config: P2pConfigInput, follow: boolean, blockSource?: BlockSource): Promise<P2pNode> {
  const node = await createP2pNode({
    config: p2pConfigSchema.parse(config),
    chainId: CHAIN_ID,
    expectedSigner: expectSequencer,
    ...(follow ? { follow: { nextMiniBlock: 0n } } : {}),
    ...(blockSource === undefined ? {} : { blockSource }),
  });
  await node.start();
  return node;
}

/** Wall clock with sub-millisecond resolution, comparable across processes on one machine. */
const clockMs = () => performance.timeOrigin + performance.now();

/** Receiver process: follows mini-blocks from the publisher, prints `number time` per delivery, exits after `count`. */
async function runReceiver(publisher: string, count: number): Promise<void> {
  const node = await startNode({ listen: ["/ip4/127.0.0.1/tcp/0"], bootstrap: [publisher] }, true);
  let delivered = 0;
  node.onMiniBlock(async (signed) => {
    process.stdout.write(`${signed.miniBlock.number} ${clockMs()}\n`);
    if (++delivered === count) {
      await node.stop();
      process.exit(0);
    }
  });
  process.stdout.write("ready\n");
}

async function measureLatency(transfers: number, compression: FrameCompression): Promise<void> {
  const template = transferMiniBlock({ number: 0n, blockNumber: 1n, index: 0, transfers });
  // Distinct numbers and seals over one body: the transport's work is per message, not per transaction content.
  const sealed = Array.from({ length: messages }, (_, i) => seal({ ...template, number: BigInt(i), index: i }));
  // Like a sequencer, the publisher serves what it published: a message a receiver missed comes by range.
  const publisher = await startNode(
    { listen: ["/ip4/127.0.0.1/tcp/0"], compression },
    false,
    new MemoryBlockSource({ miniBlocks: sealed }),
  );
  const sentAt: number[] = [];
  const latencies: number[] = [];
  const receivers = [0, 1].map(() => {
    const child = spawn(
      process.execPath,
      [fileURLToPath(import.meta.url), "receiver", publisher.multiaddrs()[0] ?? "", String(messages)],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const lines = createInterface({ input: child.stdout });
    const ready = new Promise<void>((resolve) => {
      lines.on("line", (line) => {
        if (line === "ready") return resolve();
        const [number, at] = line.split(" ").map(Number);
        latencies.push((at as number) - (sentAt[number as number] as number));
      });
    });
    const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
    return { child, ready, exited };
  });
  await Promise.all(receivers.map((r) => r.ready));
  while (publisher.subscribers("miniBlocks").length < 2) await sleep(10);
  const wire = encodeMiniBlockMessage(sealed[0] as SignedMiniBlock, compression).length;
  for (const [i, message] of sealed.entries()) {
    sentAt[i] = clockMs();
    await publisher.publishMiniBlock(message);
    await sleep(intervalMs);
  }
  const timeout = sleep(30_000).then(() => {
    for (const r of receivers) r.child.kill();
  });
  await Promise.race([Promise.all(receivers.map((r) => r.exited)), timeout]);
  const all = latencies.sort((a, b) => a - b);
  console.log(
    `${pad(transfers, 5)} ${pad(compression.algorithm === "none" ? "none" : `zstd${compression.level}`, 6)} ${pad(wire, 8)} ${pad(all.length, 6)} ${pad(percentile(all, 50).toFixed(2), 8)} ${pad(percentile(all, 99).toFixed(2), 8)} ${pad((all.at(-1) ?? 0).toFixed(2), 8)}`,
  );
  await publisher.stop();
}

if (process.argv[2] === "receiver") {
  await runReceiver(process.argv[3] ?? "", Number(process.argv[4]));
} else {
  printSizes();
  console.log(
    `\ngossip latency on loopback, publish → in-order delivery in 2 receiver processes (${messages} mini-blocks, one every ${intervalMs} ms)`,
  );
  console.log(
    `${pad("txs", 5)} ${pad("codec", 6)} ${pad("wire B", 8)} ${pad("deliv.", 6)} ${pad("p50 ms", 8)} ${pad("p99 ms", 8)} ${pad("max ms", 8)}`,
  );
  for (const transfers of latencyTransfers) {
    for (const compression of [NONE, zstd(3)]) await measureLatency(transfers, compression);
  }
  process.exit(0);
}
