import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeFunctionData, type Hex, pad } from "viem";
import type { Address } from "../../../src/chain/types.ts";
import type { EvmTracer } from "../../../src/execution/evm/interpreter.ts";
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
});
