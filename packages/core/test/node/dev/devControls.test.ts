/**
 * Dev methods on a rollup dev chain (`dev.mode: "rollup"`, the full devnet's sequencer), over JSON-RPC on a sequencer
 * node with a memory L1 and DA: state edits enter blocks as system transactions that a derive node derives back,
 * history rewrites answer an error naming `--dev`, and time only moves forward.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Hex } from "viem";
import type { Address } from "../../../src/chain/types.ts";
import { DEV_STATE_EDITOR } from "../../../src/execution/devStateEdits.ts";
import type { MachNode } from "../../../src/node/index.ts";
import { clientOf, createMemoryRollup, type MemoryRollup, until } from "../memoryRollup.ts";

const EDITED: Address = "0x00000000000000000000000000000000000ed17e";
const CODE: Hex = "0x6001600055";
const SLOT: Hex = `0x${"00".repeat(31)}03`;
const STORED: Hex = `0x${"00".repeat(31)}2a`;

interface RpcAnswer {
  result?: unknown;
  error?: { code: number; message: string };
}

describe("dev methods on a rollup dev chain (memory L1 and DA)", () => {
  let rollup: MemoryRollup;
  let sequencer: MachNode;
  let derive: MachNode | undefined;
  const call = async (method: string, params: unknown[] = []): Promise<RpcAnswer> => {
    assert.ok(sequencer.rpcUrl);
    const response = await fetch(sequencer.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    return (await response.json()) as RpcAnswer;
  };
  const result = async (method: string, params: unknown[] = []): Promise<unknown> => {
    const answer = await call(method, params);
    assert.equal(answer.error, undefined, `${method}: ${answer.error?.message}`);
    return answer.result;
  };

  before(async () => {
    rollup = createMemoryRollup({ name: "dev-rollup", config: { dev: { enabled: true, mode: "rollup" } } });
    sequencer = await rollup.start("sequencer");
  });
  after(async () => {
    await derive?.close();
    await sequencer?.close();
    rollup?.remove();
  });

  it("turns setBalance, setCode, setNonce and setStorageAt into system transactions a derive node derives back", async () => {
    const seq = clientOf(sequencer);
    await result("anvil_setBalance", [EDITED, "0xde0b6b3a7640000"]);
    await result("hardhat_setCode", [EDITED, CODE]);
    await result("anvil_setNonce", [EDITED, "0x7"]);
    await result("hardhat_setStorageAt", [EDITED, SLOT, STORED]);
    // Each answered once its system transaction executed: the state shows every edit.
    assert.equal(await seq.getBalance({ address: EDITED }), 10n ** 18n);
    assert.equal(await seq.getCode({ address: EDITED }), CODE);
    assert.equal(await seq.getTransactionCount({ address: EDITED }), 7);
    assert.equal(await seq.getStorageAt({ address: EDITED, slot: SLOT }), STORED);

    // They are block content: deposits (0x7E) from DEV_STATE_EDITOR, in the sealed blocks.
    const edits: { blockNumber: bigint; hash: Hex }[] = [];
    let scanned = 0n;
    const target = await until("the edits sealed in blocks recorded on L1", async () => {
      const head = await seq.getBlockNumber();
      for (let n = scanned + 1n; n <= head; n++) {
        const block = await seq.getBlock({ blockNumber: n, includeTransactions: true });
        for (const tx of block.transactions) {
          if (tx.from.toLowerCase() === DEV_STATE_EDITOR) {
            assert.equal(tx.typeHex, "0x7e");
            edits.push({ blockNumber: n, hash: tx.hash });
          }
        }
      }
      scanned = head;
      const last = edits.at(-1)?.blockNumber;
      return edits.length === 4 && last !== undefined && rollup.recordedThrough() >= last ? last : undefined;
    });
    for (const { hash } of edits) assert.equal((await seq.getTransactionReceipt({ hash })).status, "success");

    derive = await rollup.start("derive");
    const der = clientOf(derive);
    await until("the derive node to reach the edits", async () =>
      (await der.getBlockNumber()) >= target ? true : undefined,
    );
    for (const { blockNumber } of edits) {
      assert.equal(
        (await der.getBlock({ blockNumber })).hash,
        (await seq.getBlock({ blockNumber })).hash,
        `block ${blockNumber} derived back`,
      );
    }
    assert.equal(await der.getBalance({ address: EDITED, blockNumber: target }), 10n ** 18n);
    assert.equal(await der.getCode({ address: EDITED, blockNumber: target }), CODE);
    assert.equal(await der.getTransactionCount({ address: EDITED, blockNumber: target }), 7);
    assert.equal(await der.getStorageAt({ address: EDITED, slot: SLOT, blockNumber: target }), STORED);
  });

  it("answers every history rewrite with an error naming --dev", async () => {
    const rewrites: [string, unknown[]][] = [
      ["evm_snapshot", []],
      ["evm_revert", ["0x1"]],
      ["anvil_reset", []],
      ["hardhat_reset", []],
      ["anvil_loadState", [await result("anvil_dumpState")]],
      ["hardhat_loadState", [await result("hardhat_dumpState")]],
    ];
    for (const [method, params] of rewrites) {
      const answer = await call(method, params);
      assert.equal(answer.error?.code, -32000, method);
      assert.match(answer.error?.message ?? "", /not available on the full devnet.*`pnpm devnet --dev`/, method);
    }
  });

  it("refuses a next block timestamp that is not ahead of the latest, and moves time forward", async () => {
    const seq = clientOf(sequencer);
    await result("evm_setAutomine", [false]);
    await result("evm_setIntervalMining", [0]);
    await result("evm_mine");
    const latest = await seq.getBlock();
    for (const timestamp of [latest.timestamp, latest.timestamp - 1n]) {
      const answer = await call("evm_setNextBlockTimestamp", [`0x${timestamp.toString(16)}`]);
      assert.equal(answer.error?.code, -32000);
      assert.match(answer.error?.message ?? "", /time only moves forward on the full devnet/);
    }
    await result("evm_increaseTime", ["0xe10"]);
    await result("evm_mine");
    const next = await seq.getBlock();
    assert.equal(next.number, latest.number + 1n);
    assert.ok(next.timestamp >= latest.timestamp + 3600n, `${next.timestamp} is an hour past ${latest.timestamp}`);
  });
});
