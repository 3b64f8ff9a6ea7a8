import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { bytesToHex } from "../../src/chain/bytes.ts";
import { encodeRlp } from "../../src/chain/rlp.ts";
import type { Address, Hash } from "../../src/chain/types.ts";
import { executionConfigSchema } from "../../src/execution/config.ts";
import {
  DEV_STATE_EDITOR,
  type DevStateEdit,
  DevStateEditDecodeError,
  decodeDevStateEdit,
  devStateEditTransaction,
  encodeDevStateEdit,
  isDevStateEditTransaction,
} from "../../src/execution/devStateEdits.ts";
import { createExecutionEngines } from "../../src/execution/engine.ts";
import { traceBlockTransactions } from "../../src/rpc/traceRuns.ts";
import { addresses, blockEnv, CHAIN_ID, ETHER, eip1559, MapState, signTx } from "./fixtures.ts";

const address = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((bytes) => bytesToHex(bytes) as Address);
const slot = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => bytesToHex(bytes) as Hash);
const uint256 = fc.bigInt({ min: 0n, max: 2n ** 256n - 1n });
const plain = { noNullPrototype: true } as const;
const edit: fc.Arbitrary<DevStateEdit> = fc.oneof(
  fc.record({ kind: fc.constant("balance" as const), address, balance: uint256 }, plain),
  fc.record({ kind: fc.constant("code" as const), address, code: fc.uint8Array({ maxLength: 200 }) }, plain),
  fc.record(
    { kind: fc.constant("nonce" as const), address, nonce: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }) },
    plain,
  ),
  fc.record({ kind: fc.constant("storage" as const), address, slot, value: uint256 }, plain),
);

/** Bytes that are not an edit: random ones, and RLP lists shaped almost like one (a small kind first). */
const rlpField = fc.oneof(
  fc.uint8Array({ maxLength: 40 }),
  fc.array(fc.uint8Array({ maxLength: 33 }), { maxLength: 3 }),
);
const garbage = fc.oneof(
  fc.uint8Array({ maxLength: 120 }),
  fc
    .tuple(fc.integer({ min: 0, max: 6 }), fc.array(rlpField, { maxLength: 3 }))
    .map(([kind, rest]) => encodeRlp([kind === 0 ? new Uint8Array(0) : new Uint8Array([kind]), ...rest])),
);

describe("dev state edits codec", () => {
  it("round-trips every edit through its bytes and its system transaction", () => {
    fc.assert(
      fc.property(edit, fc.bigInt({ min: 0n, max: 2n ** 64n }), (change, sequence) => {
        assert.deepEqual(decodeDevStateEdit(encodeDevStateEdit(change)), change);
        const tx = devStateEditTransaction(change, sequence);
        assert.ok(isDevStateEditTransaction(tx));
        assert.deepEqual(decodeDevStateEdit(tx.data), change);
      }),
    );
  });

  it("answers DevStateEditDecodeError for any bytes that are not an edit, never another error", () => {
    fc.assert(
      fc.property(garbage, (bytes) => {
        try {
          // Whatever decodes is an edit of a known kind whose address is 20 bytes.
          const decoded = decodeDevStateEdit(bytes);
          assert.ok(["balance", "code", "nonce", "storage"].includes(decoded.kind));
          assert.match(decoded.address, /^0x[0-9a-f]{40}$/);
        } catch (error) {
          assert.ok(error instanceof DevStateEditDecodeError, `${(error as Error).name}: ${(error as Error).message}`);
        }
      }),
    );
  });

  it("names what is wrong with well-formed RLP that is not an edit", () => {
    const twenty = new Uint8Array(20);
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array([0xc0]), /expected \[kind, address, value\]/],
      [encodeRlp([new Uint8Array([9]), twenty, new Uint8Array([1])]), /unknown kind 9/],
      [encodeRlp([new Uint8Array([1]), new Uint8Array(19), new Uint8Array([1])]), /address is not 20 bytes/],
      [encodeRlp([new Uint8Array([4]), twenty, [new Uint8Array(31), new Uint8Array([1])]]), /slot is not 32 bytes/],
      [encodeRlp([new Uint8Array([1]), twenty, [new Uint8Array([1])]]), /balance/],
      [new Uint8Array([0xf8]), /dev state edit: rlp/],
    ];
    for (const [bytes, message] of cases) {
      assert.throws(
        () => decodeDevStateEdit(bytes),
        (error: unknown) => error instanceof DevStateEditDecodeError && message.test(error.message),
        `${bytesToHex(bytes)} → ${message}`,
      );
    }
  });
});

describe("dev state edits traced (debug_traceBlockBy* on a dev chain)", () => {
  it("traces an edit as one empty frame and applies it, so the transactions after it trace on the edited state", async () => {
    const [rich, recipient] = addresses;
    const edit = devStateEditTransaction({ kind: "balance", address: rich, balance: ETHER }, 1n);
    // The sender holds nothing before the edit: only an applied edit lets its transfer run.
    const transfer = await signTx(0, eip1559({ nonce: 0, to: recipient, value: 1_000n, gas: 21_000n }));
    const engines = await createExecutionEngines(executionConfigSchema.parse({}), {
      chainId: CHAIN_ID,
      devStateEdits: true,
    });
    const trace = (config: Parameters<typeof traceBlockTransactions>[4]) =>
      traceBlockTransactions(engines, new MapState(), [edit, transfer], blockEnv(), config);

    const calls = (await trace({ tracer: "callTracer" })).map(({ result }) => result as Record<string, string>);
    assert.deepEqual(
      calls.map((frame) => [frame.type, frame.from, frame.to, frame.input, frame.gasUsed, frame.error]),
      [
        ["CALL", DEV_STATE_EDITOR, DEV_STATE_EDITOR, bytesToHex(edit.data), "0x0", undefined],
        ["CALL", rich, recipient, "0x", "0x5208", undefined],
      ],
    );
    const [editDiff, transferDiff] = (await trace({ tracer: "prestateTracer", tracerConfig: { diffMode: true } })).map(
      ({ result }) =>
        result as { pre: Record<string, { balance?: string }>; post: Record<string, { balance?: string }> },
    );
    assert.equal(editDiff?.post[rich]?.balance, `0x${ETHER.toString(16)}`);
    assert.equal(transferDiff?.pre[rich]?.balance, `0x${ETHER.toString(16)}`);
    const structLogs = (await trace(undefined)).map(({ result }) => result as { failed: boolean; structLogs: [] });
    assert.deepEqual(
      structLogs.map(({ failed, structLogs }) => [failed, structLogs.length]),
      [
        [false, 0],
        [false, 0],
      ],
    );
  });
});
