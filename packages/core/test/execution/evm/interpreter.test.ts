import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeFunctionData, type Hex, pad } from "viem";
import type { Address } from "../../../src/chain/types.ts";
import { type EvmTracer, INTERRUPT_CHECK_JUMPS } from "../../../src/execution/evm/interpreter.ts";
import { createMachExecutor } from "../../../src/execution/machExecutor.ts";
import { Factory, Storage } from "../contracts.ts";
import { ENGINES } from "../engines.ts";
import { addresses, blockEnv, ETHER, eip1559, MapState, signTx } from "../fixtures.ts";

const [alice] = addresses;
const CODE: Address = "0x00000000000000000000000000000000000c0de0";
const FACTORY: Address = "0x00000000000000000000000000000000000fac70";
const STORAGE: Address = "0x0000000000000000000000000000000000005707";

function stepRecorder(): { tracer: EvmTracer; steps: [number, number, number, number][] } {
  const steps: [number, number, number, number][] = [];
  return {
    steps,
    tracer: {
      enter() {},
      exit() {},
      step(frame, op, pc, gas) {
        steps.push([frame.depth, pc, op, gas]);
      },
    },
  };
}

describe("Mach's interpreter", () => {
  it("calls the step hook before every opcode with depth, pc, opcode and gas left", () => {
    // PUSH1 1 PUSH1 2 ADD STOP
    const state = new MapState().fund(alice, ETHER).deploy(CODE, "0x600160020100");
    const executor = createMachExecutor({ chainId: 901n });
    const { tracer, steps } = stepRecorder();
    executor.traceCallSync(
      state,
      { from: alice, to: CODE, data: new Uint8Array(0), value: 0n, gasLimit: 50_000n },
      blockEnv(),
      tracer,
    );
    const gas = 50_000 - 21_000;
    assert.deepEqual(steps, [
      [0, 0, 0x60, gas],
      [0, 2, 0x60, gas - 3],
      [0, 4, 0x01, gas - 6],
      [0, 5, 0x00, gas - 9],
    ]);
  });

  it("runs a call chain to the 1024-frame limit without recursing on the JavaScript stack", () => {
    // PUSH0 ×5 (out size, out offset, in size, in offset, value) ADDRESS GAS CALL STOP: calls itself with all gas.
    const state = new MapState().fund(alice, ETHER).deploy(CODE, "0x5f5f5f5f5f305af100");
    const executor = createMachExecutor({ chainId: 901n });
    const { tracer, steps } = stepRecorder();
    const env = blockEnv({ gasLimit: 2_000_000_000_000n });
    executor.traceCallSync(
      state,
      { from: alice, to: CODE, data: new Uint8Array(0), value: 0n, gasLimit: 1_000_000_000_000n },
      env,
      tracer,
    );
    assert.equal(Math.max(...steps.map(([depth]) => depth)), 1024);
  });

  it("reports the same call frames as the @ethereumjs engine", async () => {
    const salt = pad("0x03");
    const txs = [
      eip1559({
        nonce: 0,
        to: FACTORY,
        data: encodeFunctionData({ abi: Factory.abi, functionName: "deploy", args: [salt, 7n] }),
        gas: 300_000n,
      }),
      eip1559({
        nonce: 0,
        to: STORAGE,
        data: encodeFunctionData({ abi: Storage.abi, functionName: "callMany", args: [STORAGE, 3n] }),
        gas: 300_000n,
      }),
      eip1559({
        nonce: 0,
        to: STORAGE,
        data: encodeFunctionData({ abi: Storage.abi, functionName: "failWith", args: ["nope"] }),
        gas: 300_000n,
      }),
    ];
    const state = new MapState()
      .fund(alice, ETHER)
      .deploy(FACTORY, Factory.deployedBytecode as Hex)
      .deploy(STORAGE, Storage.deployedBytecode as Hex);
    const [ejs, mach] = await Promise.all(ENGINES.map((engine) => engine.create({ chainId: 901n })));
    if (ejs === undefined || mach === undefined) throw new Error("engines missing");
    for (const request of txs) {
      const tx = await signTx(0, request);
      assert.deepEqual(
        await mach.traceTransaction(state, tx, blockEnv()),
        await ejs.traceTransaction(state, tx, blockEnv()),
      );
    }
  });

  describe("interrupt check", () => {
    const LOOP = "0x5b600056"; // JUMPDEST PUSH1 0 JUMP: runs until the gas runs out
    const SELF_CALL = "0x5f5f5f5f5f305af100"; // calls itself with all its gas, no jump anywhere
    const hugeGas = { from: alice, to: CODE, data: new Uint8Array(0), value: 0n, gasLimit: 1_000_000_000_000n };
    const hugeEnv = () => blockEnv({ gasLimit: 2_000_000_000_000n });

    it("stops an endless loop with a trillion gas at the deadline, with the check's error (geth's timeout words)", async () => {
      const state = new MapState().fund(alice, ETHER).deploy(CODE, LOOP);
      // The loop would run for hours at 10^12 gas; the check ends it once the deadline passes.
      let deadline = Date.now() + 50;
      const executor = createMachExecutor({
        chainId: 901n,
        interruptCheck() {
          if (Date.now() > deadline) throw new Error("execution aborted (timeout = 5s)");
        },
      });
      await assert.rejects(executor.call(state, hugeGas, hugeEnv()), {
        message: "execution aborted (timeout = 5s)",
      });
      // The executor is whole again: the next call (no deadline) runs to its end.
      deadline = Number.POSITIVE_INFINITY;
      const done = await executor.call(state, { ...hugeGas, gasLimit: 100_000n }, blockEnv());
      assert.equal(done.error, "out of gas");
    });

    it("checks once every INTERRUPT_CHECK_JUMPS taken jumps, not at every jump", () => {
      // PUSH2 2560, then: JUMPDEST PUSH1 1 SWAP1 SUB DUP1 PUSH1 3 JUMPI (taken while the counter is not 0) STOP.
      const state = new MapState().fund(alice, ETHER).deploy(CODE, "0x610a005b600190038060035700");
      let checks = 0;
      const executor = createMachExecutor({
        chainId: 901n,
        interruptCheck() {
          checks++;
        },
      });
      const result = executor.callSync(state, { ...hugeGas, gasLimit: 1_000_000n }, blockEnv());
      assert.equal(result.status, 1);
      assert.equal(checks, Math.floor(2559 / INTERRUPT_CHECK_JUMPS));
    });

    it("checks as each call frame starts, so recursion without loops stops too", async () => {
      const state = new MapState().fund(alice, ETHER).deploy(CODE, SELF_CALL);
      let checks = 0;
      const counting = createMachExecutor({
        chainId: 901n,
        interruptCheck() {
          checks++;
        },
      });
      counting.callSync(state, hugeGas, hugeEnv());
      // Frames at depths 1..1024 start; the call that would open depth 1025 fails before it.
      assert.equal(checks, 1024);
      const stopping = createMachExecutor({
        chainId: 901n,
        interruptCheck() {
          throw new Error("stop");
        },
      });
      await assert.rejects(stopping.call(state, hugeGas, hugeEnv()), { message: "stop" });
    });

    it("leaves the state untouched when it stops a transaction", async () => {
      const state = new MapState().fund(alice, ETHER).deploy(CODE, LOOP);
      const executor = createMachExecutor({
        chainId: 901n,
        interruptCheck() {
          throw new Error("stop");
        },
      });
      const tx = await signTx(0, eip1559({ nonce: 0, to: CODE, gas: 1_000_000n }));
      const writes = state.writes;
      await assert.rejects(executor.executeTransaction(state, tx, blockEnv()), { message: "stop" });
      assert.equal(state.writes, writes);
      assert.equal(state.getAccount(alice)?.nonce ?? 0n, 0n);
    });
  });
});
