import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { type AnvilNode, anvilBinary, anvilGenesis, startAnvilNode } from "../../src/targets/anvilNode.ts";
import { createHttpRpcClient } from "../../src/targets/rpcClient.ts";
import {
  ACCOUNT_ETH,
  ACCOUNT_TOKENS,
  BENCH_BLOCK_GAS_LIMIT,
  BENCH_CHAIN_ID,
  balanceSlot,
  createWorld,
  TOKEN_A,
} from "../../src/workloads/world.ts";

const world = createWorld(3, 5);
const holder = world.accounts[0]?.address as `0x${string}`;

describe("anvilGenesis", () => {
  it("writes the world with 32-byte storage keys and values, the bench chain id and base fee", () => {
    const genesis = anvilGenesis(world.alloc) as {
      config: { chainId: number };
      alloc: Record<string, { balance: string; code?: string; storage?: Record<string, string> }>;
    };
    assert.equal(BigInt(genesis.config.chainId), BENCH_CHAIN_ID);
    assert.deepEqual(Object.keys(genesis.alloc).sort(), Object.keys(world.alloc).sort());
    const token = genesis.alloc[TOKEN_A];
    assert.equal(token?.code, world.alloc[TOKEN_A]?.code);
    const storage = Object.entries(token?.storage ?? {});
    assert.equal(storage.length, Object.keys(world.alloc[TOKEN_A]?.storage ?? {}).length);
    for (const [slot, value] of storage) {
      assert.match(slot, /^0x[0-9a-f]{64}$/);
      assert.match(value, /^0x[0-9a-f]{64}$/);
    }
  });
});

describe("startAnvilNode", () => {
  let automine: AnvilNode;
  let interval: AnvilNode;

  before(async () => {
    assert.ok(existsSync(anvilBinary()), "the anvil binary ships inside its npm package");
    automine = await startAnvilNode({ alloc: world.alloc });
    interval = await startAnvilNode({ alloc: world.alloc, blockTimeSeconds: 1 });
  });

  after(async () => {
    await automine?.close();
    await interval?.close();
  });

  it("answers eth_chainId with the bench chain id, on a port of its own", async () => {
    assert.notEqual(automine.rpcUrl, interval.rpcUrl);
    for (const node of [automine, interval]) {
      const client = createHttpRpcClient(node.rpcUrl, 1);
      try {
        assert.equal(BigInt(await client.call<string>("eth_chainId", [])), BENCH_CHAIN_ID);
      } finally {
        client.close();
      }
    }
  });

  it("starts from the bench world with the bench block gas limit", async () => {
    const client = createHttpRpcClient(automine.rpcUrl, 1);
    try {
      assert.equal(BigInt(await client.call<string>("eth_getBalance", [holder, "latest"])), ACCOUNT_ETH);
      const tokens = await client.call<string>("eth_getStorageAt", [TOKEN_A, balanceSlot(holder), "latest"]);
      assert.equal(BigInt(tokens), ACCOUNT_TOKENS);
      const block = await client.call<{ gasLimit: string }>("eth_getBlockByNumber", ["latest", false]);
      assert.equal(BigInt(block.gasLimit), BENCH_BLOCK_GAS_LIMIT);
    } finally {
      client.close();
    }
  });

  it("automines by default and mines on an interval when given a block time", async () => {
    for (const [node, expected] of [
      [automine, true],
      [interval, false],
    ] as const) {
      const client = createHttpRpcClient(node.rpcUrl, 1);
      try {
        assert.equal(await client.call<boolean>("anvil_getAutomine", []), expected);
      } finally {
        client.close();
      }
    }
  });

  it("close() ends the process, frees its port and removes its folder", async () => {
    const node = await startAnvilNode({ alloc: world.alloc });
    assert.ok(existsSync(node.dataDir));
    await node.close();
    assert.ok(node.process.child.exitCode !== null || node.process.child.signalCode !== null);
    assert.equal(existsSync(node.dataDir), false);
    const client = createHttpRpcClient(node.rpcUrl, 1);
    try {
      await assert.rejects(client.call("eth_chainId", []), (error: NodeJS.ErrnoException) => {
        assert.equal(error.code, "ECONNREFUSED");
        return true;
      });
    } finally {
      client.close();
    }
  });
});
