/**
 * Dev state edits as block content (the full devnet's `anvil_setBalance`, `setCode`, `setNonce`, `setStorageAt`): a
 * system deposit (type 0x7E, the OP Stack's shape for system transactions) from `DEV_STATE_EDITOR`, an address no key
 * controls, whose data is one RLP-encoded edit. Any executor wrapped by `withDevStateEdits` applies it as a direct
 * write, so the sequencer, derivation and provers (re-executing the block) and replicas (applying its diff) all reach
 * the same state. Only dev chains wrap their executor: elsewhere such a deposit is an ordinary (failing) call.
 *
 *   edit = rlp([kind, address, value])   kind 1 balance (uint), 2 code (bytes), 3 nonce (uint), 4 storage ([slot, value])
 */
import { bigintToBytes, bytesToBigint, bytesToHex, hexToBytes } from "../chain/bytes.ts";
import { KECCAK_EMPTY } from "../chain/constants.ts";
import { keccak256Hex } from "../chain/hash.ts";
import { decodeRlp, encodeRlp, expectBytes, RlpDecodeError } from "../chain/rlp.ts";
import { buildTransaction } from "../chain/transaction.ts";
import type { Address, Hash, Transaction } from "../chain/types.ts";
import { MachError } from "../errors.ts";
import type { StateWriter } from "../state/types.ts";
import type { ExecutionResult, Executor } from "./types.ts";

/** The sender of dev state edits: "Mach dev state" in ASCII, no key behind it. */
export const DEV_STATE_EDITOR: Address = "0x4d6163682064657620737461746500000000ed17";

export type DevStateEdit =
  | { readonly kind: "balance"; readonly address: Address; readonly balance: bigint }
  | { readonly kind: "code"; readonly address: Address; readonly code: Uint8Array }
  | { readonly kind: "nonce"; readonly address: Address; readonly nonce: bigint }
  | { readonly kind: "storage"; readonly address: Address; readonly slot: Hash; readonly value: bigint };

const KINDS = { balance: 1, code: 2, nonce: 3, storage: 4 } as const;

/** A dev edit's data does not decode. */
export class DevStateEditDecodeError extends MachError {
  override name = "DevStateEditDecodeError";
}

export function encodeDevStateEdit(edit: DevStateEdit): Uint8Array {
  const address = hexToBytes(edit.address);
  switch (edit.kind) {
    case "balance":
      return encodeRlp([bigintToBytes(1n), address, bigintToBytes(edit.balance)]);
    case "code":
      return encodeRlp([bigintToBytes(2n), address, edit.code]);
    case "nonce":
      return encodeRlp([bigintToBytes(3n), address, bigintToBytes(edit.nonce)]);
    case "storage":
      return encodeRlp([bigintToBytes(4n), address, [hexToBytes(edit.slot), bigintToBytes(edit.value)]]);
  }
}

/** The edit `data` holds; anything else (bad RLP included) is a `DevStateEditDecodeError`. */
export function decodeDevStateEdit(data: Uint8Array): DevStateEdit {
  try {
    return decodeEdit(data);
  } catch (error) {
    if (error instanceof RlpDecodeError)
      throw new DevStateEditDecodeError(`dev state edit: ${error.message}`, { cause: error });
    throw error;
  }
}

function decodeEdit(data: Uint8Array): DevStateEdit {
  const item = decodeRlp(data);
  if (!Array.isArray(item) || item.length !== 3)
    throw new DevStateEditDecodeError("dev state edit: expected [kind, address, value]");
  const kind = Number(bytesToBigint(expectBytes(item[0], "kind")));
  const addressBytes = expectBytes(item[1], "address");
  if (addressBytes.length !== 20) throw new DevStateEditDecodeError("dev state edit: address is not 20 bytes");
  const address = bytesToHex(addressBytes) as Address;
  const value = item[2];
  if (kind === KINDS.balance)
    return { kind: "balance", address, balance: bytesToBigint(expectBytes(value, "balance")) };
  if (kind === KINDS.code) return { kind: "code", address, code: expectBytes(value, "code") };
  if (kind === KINDS.nonce) return { kind: "nonce", address, nonce: bytesToBigint(expectBytes(value, "nonce")) };
  if (kind === KINDS.storage && Array.isArray(value) && value.length === 2) {
    const slot = expectBytes(value[0], "slot");
    if (slot.length !== 32) throw new DevStateEditDecodeError("dev state edit: slot is not 32 bytes");
    return {
      kind: "storage",
      address,
      slot: bytesToHex(slot) as Hash,
      value: bytesToBigint(expectBytes(value[1], "value")),
    };
  }
  throw new DevStateEditDecodeError(`dev state edit: unknown kind ${kind}`);
}

/** Writes one edit (also what a standalone dev chain does directly, without a transaction). */
export function applyDevStateEdit(state: StateWriter, edit: DevStateEdit): void {
  const account = state.getAccount(edit.address) ?? { nonce: 0n, balance: 0n, codeHash: KECCAK_EMPTY };
  switch (edit.kind) {
    case "balance":
      state.putAccount(edit.address, { ...account, balance: edit.balance });
      return;
    case "nonce":
      state.putAccount(edit.address, { ...account, nonce: edit.nonce });
      return;
    case "code":
      state.putCode(edit.address, edit.code);
      return;
    case "storage":
      // A slot of an account that does not exist yet: the account is created (empty) so the slot is kept.
      if (state.getAccount(edit.address) === undefined) state.putAccount(edit.address, account);
      state.putStorage(edit.address, edit.slot, edit.value);
      return;
  }
}

/** The system deposit carrying `edit`; `sequence` makes its hash unique (the edit's position in the dev session). */
export function devStateEditTransaction(edit: DevStateEdit, sequence: bigint): Transaction {
  const data = encodeDevStateEdit(edit);
  return buildTransaction({
    type: 0x7e,
    sourceHash: keccak256Hex(
      encodeRlp([new TextEncoder().encode("mach-dev-state-edit"), bigintToBytes(sequence), data]),
    ),
    from: DEV_STATE_EDITOR,
    to: DEV_STATE_EDITOR,
    mint: 0n,
    value: 0n,
    gasLimit: 0n,
    isSystemTransaction: true,
    data,
  });
}

export function isDevStateEditTransaction(tx: Transaction): boolean {
  return tx.type === 0x7e && tx.from === DEV_STATE_EDITOR;
}

/** A dev edit's outcome: it always succeeds, uses no gas and emits nothing. */
function applyEditTransaction(state: StateWriter, tx: Transaction): ExecutionResult {
  applyDevStateEdit(state, decodeDevStateEdit(tx.data));
  return {
    type: 0x7e,
    status: 1,
    gasUsed: 0n,
    effectiveGasPrice: 0n,
    logs: [],
    contractAddress: null,
    returnData: new Uint8Array(0),
    depositNonce: 0n,
  };
}

/**
 * An executor that applies dev state edits and hands everything else to `inner` (dev chains only). Traced, an edit is
 * one empty call frame from `DEV_STATE_EDITOR` to itself with its data as input, applied as in the block, so the
 * transactions traced after it in a block see the state the block saw.
 */
export function withDevStateEdits(inner: Executor): Executor {
  const trace = inner.trace;
  return {
    async executeTransaction(state, tx, env): Promise<ExecutionResult> {
      if (!isDevStateEditTransaction(tx)) return inner.executeTransaction(state, tx, env);
      return applyEditTransaction(state, tx);
    },
    call: (state, message, env) => inner.call(state, message, env),
    traceTransaction: (state, tx, env) => inner.traceTransaction(state, tx, env),
    ...(inner.traceCall ? { traceCall: inner.traceCall.bind(inner) } : {}),
    ...(trace
      ? {
          async trace(state, subject, env, tracer): Promise<ExecutionResult> {
            if (!("transaction" in subject) || !isDevStateEditTransaction(subject.transaction)) {
              return trace.call(inner, state, subject, env, tracer);
            }
            const tx = subject.transaction;
            tracer.enter?.({
              type: "CALL",
              from: tx.from,
              to: DEV_STATE_EDITOR,
              value: 0n,
              gas: 0n,
              input: tx.data,
              depth: 0,
            });
            const result = applyEditTransaction(state, tx);
            tracer.exit?.({ output: result.returnData, gasUsed: 0n });
            return result;
          },
        }
      : {}),
  };
}
