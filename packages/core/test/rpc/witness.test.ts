import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { keccak256Hex } from "../../src/chain/hash.ts";
import type { Block } from "../../src/chain/types.ts";
import { createEthereumJsExecutor } from "../../src/execution/ethereumjsExecutor.ts";
import { executeBlockStatelessly } from "../../src/prover/statelessBlock.ts";
import { createNodeBackend } from "../../src/rpc/nodeBackend.ts";
import { type RpcServer, startRpcServer } from "../../src/rpc/server.ts";
import { createChainView } from "../../src/state/store/chainView.ts";
import { compressBlockWitness, decodeBlockWitnessString } from "../../src/state/witness/codec.ts";
import {
  CHAIN_ID,
  chainConfig,
  runMixedBlocks,
  type SequencerFeed,
  startSequencerFeed,
  Workload,
} from "../replica/feed.ts";

async function call(server: RpcServer, method: string, params: unknown[]) {
  const response = await fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return (await response.json()) as { result?: unknown; error?: { code: number; message: string } };
}

describe("witness RPC methods", () => {
  let source: SequencerFeed;
  let server: RpcServer;
  let withoutWitnesses: RpcServer;

  before(async () => {
    source = await startSequencerFeed({ witnesses: true });
    const workload = new Workload(source);
    await workload.deploy();
    await source.sequencer.produceNow();
    await runMixedBlocks(source, workload, 3);
    const executor = await createEthereumJsExecutor({ chainId: CHAIN_ID });
    const common = {
      chainId: CHAIN_ID,
      clientVersion: "Mach/test",
      executor,
      chain: createChainView(source.store, source.sequencer),
      txs: source.pool,
      state: source.state,
    };
    server = await startRpcServer({
      backend: createNodeBackend({
        ...common,
        // Block 1's witness was "pruned".
        blockWitness: (n) => {
          const witness = n === 1n ? undefined : source.witnesses.get(n);
          return witness && compressBlockWitness(witness);
        },
      }),
    });
    withoutWitnesses = await startRpcServer({ backend: createNodeBackend(common) });
  });
  after(async () => {
    await server?.close();
    await withoutWitnesses?.close();
    await source?.close();
  });

  it("mega_getBlockWitness answers the v0: string a stateless executor proves the block from", async () => {
    const block = source.store.getBlock(2n) as Block;
    const { result } = await call(server, "mega_getBlockWitness", [{ blockNumber: "0x2", blockHash: block.hash }]);
    assert.equal(typeof result, "string");
    const witness = decodeBlockWitnessString(result as string);
    const executor = await createEthereumJsExecutor({ chainId: CHAIN_ID });
    const proven = await executeBlockStatelessly({ chain: chainConfig, executor, block, witness });
    assert.equal(proven.stateRoot, block.header.stateRoot);
  });

  it("answers -32000 for a block it does not have, a hash of another block, or a pruned witness; -32602 for bad params", async () => {
    const other = source.store.getBlock(3n) as Block;
    for (const selector of [
      { blockNumber: "0x99" },
      { blockNumber: "0x2", blockHash: other.hash },
      { blockNumber: "0x1" },
    ]) {
      assert.deepEqual((await call(server, "mega_getBlockWitness", [selector])).error, {
        code: -32000,
        message: "witness not found",
      });
    }
    assert.equal((await call(server, "mega_getBlockWitness", [{ number: "0x2" }])).error?.code, -32602);
    assert.equal((await call(withoutWitnesses, "mega_getBlockWitness", [{ blockNumber: "0x2" }])).error?.code, -32601);
  });

  it("debug_executionWitness renders reth's shape, by number, tag and hash", async () => {
    const block = source.store.getBlock(3n) as Block;
    const byNumber = (await call(server, "debug_executionWitness", ["0x3"])).result as {
      state: string[];
      headers: string[];
    };
    assert.deepEqual(Object.keys(byNumber), ["state", "codes", "keys", "headers"]);
    assert.deepEqual((await call(server, "debug_executionWitness", ["latest"])).result, byNumber);
    assert.deepEqual((await call(server, "debug_executionWitnessByBlockHash", [block.hash])).result, byNumber);
    // The last header is the parent's: its hash is the block's parentHash.
    assert.equal(
      keccak256Hex(Buffer.from((byNumber.headers.at(-1) as string).slice(2), "hex")),
      block.header.parentHash,
    );
    assert.ok(byNumber.state.length > 0);
  });
});
