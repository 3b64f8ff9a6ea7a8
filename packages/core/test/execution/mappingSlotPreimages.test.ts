import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeFunctionData, type Hex, keccak256, pad } from "viem";
import type { Address } from "../../src/chain/types.ts";
import { StateDiffRecorder } from "../../src/state/diff.ts";
import { encodeStateDiff } from "../../src/state/diffCodec.ts";
import { Token } from "./contracts.ts";
import { ENGINES } from "./engines.ts";
import { addresses, blockEnv, ETHER, eip1559, MapState, signTx, slotKey } from "./fixtures.ts";

const [alice, bob] = addresses;
const TOKEN: Address = "0x00000000000000000000000000000000000070c0";
const balanceSlot = (holder: Address): Hex => keccak256(`0x${pad(holder).slice(2)}${"00".repeat(32)}`);

for (const engine of ENGINES) {
  describe(`mapping-slot preimages reported to the diff recorder (${engine.name} engine)`, () => {
    it("gives an ERC-20 transfer's diff the (holder, base slot) of both balance slots, shrinking its encoding", async () => {
      const executor = await engine.create({ chainId: 901n });
      const state = new MapState().fund(alice, 10n * ETHER).deploy(TOKEN, Token.deployedBytecode);
      state.putStorage(TOKEN, balanceSlot(alice), 1000n);
      state.putStorage(TOKEN, slotKey(2n), 1000n);
      const recorder = new StateDiffRecorder(state);
      const data = encodeFunctionData({ abi: Token.abi, functionName: "transfer", args: [bob, 10n] });
      const tx = await signTx(0, eip1559({ nonce: 0, to: TOKEN, data }));
      const result = await executor.executeTransaction(recorder, tx, blockEnv());
      assert.equal(result.status, 1);
      const diff = recorder.takeDiff();
      assert.deepEqual(diff.slotPreimages?.get(balanceSlot(alice)), { holder: alice, base: 0n });
      assert.deepEqual(diff.slotPreimages?.get(balanceSlot(bob)), { holder: bob, base: 0n });
      const { slotPreimages: _, ...withoutPreimages } = diff;
      assert.ok(encodeStateDiff(diff).length < encodeStateDiff(withoutPreimages).length);
    });

    it("reports nothing for calls and for states that do not collect preimages", async () => {
      const executor = await engine.create({ chainId: 901n });
      const state = new MapState().fund(alice, 10n * ETHER).deploy(TOKEN, Token.deployedBytecode);
      const recorder = new StateDiffRecorder(state);
      const data = encodeFunctionData({ abi: Token.abi, functionName: "balanceOf", args: [alice] });
      await executor.call(
        recorder,
        {
          from: alice,
          to: TOKEN,
          data: Uint8Array.from(Buffer.from(data.slice(2), "hex")),
          value: 0n,
          gasLimit: 100_000n,
        },
        blockEnv(),
      );
      assert.equal(recorder.takeDiff().slotPreimages, undefined);
    });
  });
}
