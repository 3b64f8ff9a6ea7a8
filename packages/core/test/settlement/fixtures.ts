/**
 * A small chain for the output tests: a `ChainState` whose message passer (0x4200…0016) gets withdrawals written the
 * way the predeploy writes them (`sentMessages[hash] = true`, `msgNonce++`), plus unrelated accounts, sealed into
 * real headers block by block.
 */
import { bytesToHex, hexToBytes } from "../../src/chain/bytes.ts";
import { KECCAK_EMPTY, ZERO_ADDRESS, ZERO_HASH } from "../../src/chain/constants.ts";
import { genesisBlock } from "../../src/chain/genesis.ts";
import { keccak256Hex } from "../../src/chain/hash.ts";
import { hashHeader } from "../../src/chain/header.ts";
import type { Address, Block, Hash } from "../../src/chain/types.ts";
import { MESSAGE_PASSER } from "../../src/settlement/outputRecorder.ts";
import { ChainState } from "../../src/state/chainState.ts";
import type { StateWriter } from "../../src/state/types.ts";
import { WorldState } from "../../src/state/worldState.ts";

const NONCE_SLOT: Hash = `0x${"00".repeat(31)}01`;

/** `keccak256(abi.encode(withdrawalHash, uint256(0)))`: the `sentMessages` slot of a withdrawal. */
export function sentMessageSlot(withdrawalHash: Hash): Hash {
  const preimage = new Uint8Array(64);
  preimage.set(hexToBytes(withdrawalHash), 0);
  return keccak256Hex(preimage);
}

export class TestChain {
  readonly state: ChainState;
  head: Block;
  readonly blocks: Block[] = [];
  withdrawals = 0;

  constructor() {
    const world = new WorldState();
    world.putCode(MESSAGE_PASSER, Uint8Array.of(0x60, 0x00));
    world.putAccount(`0x${"11".repeat(20)}`, { nonce: 0n, balance: 10n ** 18n, codeHash: KECCAK_EMPTY });
    const root = world.commit();
    this.state = new ChainState(world);
    this.head = genesisBlock({
      stateRoot: root,
      gasLimit: 30_000_000n,
      timestamp: 1_000n,
      baseFeePerGas: 1n,
      beneficiary: ZERO_ADDRESS,
    });
    this.blocks.push(this.head);
  }

  /** Takes the state back to sealed block `number` (as a dev node's snapshot revert does). */
  rewindTo(number: bigint): void {
    this.state.rollbackTo(number);
    this.blocks.length = Number(number) + 1;
    this.head = this.blocks[Number(number)] as Block;
  }

  /** A withdrawal as the message passer records it; returns its `sentMessages` slot. */
  withdraw(writer: StateWriter): Hash {
    const hash = keccak256Hex(new TextEncoder().encode(`withdrawal ${this.withdrawals}`));
    this.withdrawals++;
    const slot = sentMessageSlot(hash);
    writer.putStorage(MESSAGE_PASSER, slot, 1n);
    writer.putStorage(MESSAGE_PASSER, NONCE_SLOT, BigInt(this.withdrawals));
    return slot;
  }

  /** Seals the next block after `write` ran in one mini-block (default: a withdrawal and a balance change). */
  seal(write: (writer: StateWriter) => void = (writer) => this.withdraw(writer)): Block {
    const writer = this.state.beginMiniBlock();
    write(writer);
    const other: Address = `0x${"22".repeat(20)}`;
    const before = writer.getAccount(other);
    writer.putAccount(other, { nonce: 0n, balance: (before?.balance ?? 0n) + 1n, codeHash: KECCAK_EMPTY });
    this.state.endMiniBlock();
    const number = this.head.header.number + 1n;
    const stateRoot = this.state.commitBlock(number);
    const header = {
      ...this.head.header,
      number,
      parentHash: this.head.hash,
      stateRoot,
      timestamp: this.head.header.timestamp + 1n,
      mixHash: ZERO_HASH,
    };
    this.head = { header, hash: hashHeader(header), transactions: [], miniBlockCount: 1, miniBlockOffset: number };
    this.blocks.push(this.head);
    return this.head;
  }
}

export const hex = bytesToHex;
