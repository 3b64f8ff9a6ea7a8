/**
 * Shared p2p fixtures: mini-blocks of ERC-20 transfers as the sequencer seals them (signed transactions, Transfer
 * receipts with blooms, real transaction/receipt roots, the state diff with mapping-slot preimages), signed and
 * sealed; blocks chained by parent hash; an in-memory `BlockSource`. Deterministic for a given seed. The bench
 * (bench/p2p) uses them too.
 */
import { bloomOf } from "../../src/chain/bloom.ts";
import { bigintToFixedBytes, hexToBytes } from "../../src/chain/bytes.ts";
import { KECCAK_EMPTY } from "../../src/chain/constants.ts";
import { createDigestSigner, type DigestSigner, signDigest } from "../../src/chain/digestSignature.ts";
import { keccak256Hex } from "../../src/chain/hash.ts";
import { hashHeader } from "../../src/chain/header.ts";
import type { MiniBlock } from "../../src/chain/miniBlock.ts";
import { signMiniBlock } from "../../src/chain/miniBlockSignature.ts";
import { encodeReceipt } from "../../src/chain/receipt.ts";
import type { AccountDiff, StateDiff } from "../../src/chain/stateDiff.ts";
import { buildTransaction, type SignableTransaction, signingHash } from "../../src/chain/transaction.ts";
import { orderedTrieRoot } from "../../src/chain/trieRoot.ts";
import type { Address, Hash, Header, Log, Receipt, Transaction } from "../../src/chain/types.ts";
import type { SignedBlock } from "../../src/p2p/blockMessage.ts";
import { sealBlock } from "../../src/p2p/blockMessage.ts";
import type { BlockSource } from "../../src/p2p/blockSource.ts";
import { type SignedMiniBlock, sealMiniBlock } from "../../src/p2p/miniBlockMessage.ts";
import { mappingSlot } from "../../src/state/diffCodec.ts";
import { prng } from "../state/fixtures.ts";

export const CHAIN_ID = 901n;
export const SEQUENCER_KEY = hexToBytes(`0x${"5e".repeat(32)}`);
export const OTHER_KEY = hexToBytes(`0x${"0b".repeat(32)}`);
export const sequencer: DigestSigner = createDigestSigner(SEQUENCER_KEY);
export const impostor: DigestSigner = createDigestSigner(OTHER_KEY);
export const expectSequencer = (): Address => sequencer.address;

const TOKEN: Address = "0x00000000000000000000000000000000000070c0";
const COINBASE: Address = "0x4200000000000000000000000000000000000011";
const TRANSFER_TOPIC = keccak256Hex(new TextEncoder().encode("Transfer(address,address,uint256)"));
const GWEI = 1_000_000_000n;
const TRANSFER_GAS = 34_506n;

function pad32(value: bigint): Uint8Array {
  return bigintToFixedBytes(value, 32);
}
function addressWord(address: Address): Uint8Array {
  const out = new Uint8Array(32);
  out.set(hexToBytes(address), 12);
  return out;
}

/** Signing keys of the transfer senders (derived from the index; signing is native and fast). */
const senderKeys = new Map<number, { key: Uint8Array; address: Address }>();
function senderKey(index: number): { key: Uint8Array; address: Address } {
  let entry = senderKeys.get(index);
  if (entry === undefined) {
    const key = pad32(BigInt(index) + 0x1000n);
    entry = { key, address: createDigestSigner(key).address };
    senderKeys.set(index, entry);
  }
  return entry;
}

export interface TransferMiniBlockParameters {
  readonly number: bigint;
  readonly blockNumber: bigint;
  readonly index: number;
  /** Transfers in the mini-block (0 gives an empty mini-block). */
  readonly transfers: number;
  /** Seeds recipients and amounts. */
  readonly seed?: number;
  readonly timestampUs?: bigint;
  /** Senders are `senderOffset`, `senderOffset + 1`, …, each with nonce `nonce`. */
  readonly senderOffset?: number;
  readonly nonce?: bigint;
}

/** A mini-block of ERC-20 `transfer` calls from distinct senders to random recipients. */
export function transferMiniBlock(parameters: TransferMiniBlockParameters): MiniBlock {
  const random = prng(parameters.seed ?? Number(parameters.number) + 1);
  const nonce = parameters.nonce ?? 0n;
  const transactions: Transaction[] = [];
  const receipts: Receipt[] = [];
  const accounts: AccountDiff[] = [];
  const tokenStorage = new Map<Hash, bigint>();
  const slotPreimages = new Map<Hash, { holder: Address; base: bigint }>();
  let cumulativeGasUsed = 0n;
  for (let i = 0; i < parameters.transfers; i++) {
    const sender = senderKey((parameters.senderOffset ?? 0) + i);
    const recipient = `0x${Math.floor(random() * 2 ** 48)
      .toString(16)
      .padStart(40, "0")}` as Address;
    const amount = BigInt(1 + Math.floor(random() * 1_000_000)) * 10n ** 12n;
    const data = new Uint8Array(68);
    data.set([0xa9, 0x05, 0x9c, 0xbb]);
    data.set(addressWord(recipient), 4);
    data.set(pad32(amount), 36);
    const body: SignableTransaction = {
      type: 2,
      chainId: CHAIN_ID,
      nonce,
      maxPriorityFeePerGas: GWEI,
      maxFeePerGas: 2n * GWEI,
      gasLimit: 100_000n,
      to: TOKEN,
      value: 0n,
      data,
      accessList: [],
    };
    const signature = signDigest(signingHash(body), sender.key);
    const tx = buildTransaction({ ...body, ...signature });
    transactions.push(tx);
    cumulativeGasUsed += TRANSFER_GAS;
    const logs: Log[] = [
      {
        address: TOKEN,
        topics: [TRANSFER_TOPIC, addressTopic(sender.address), addressTopic(recipient)],
        data: pad32(amount),
      },
    ];
    receipts.push({
      type: 2,
      status: 1,
      cumulativeGasUsed,
      logsBloom: bloomOf(logs),
      logs,
      gasUsed: TRANSFER_GAS,
      effectiveGasPrice: 2n * GWEI,
      contractAddress: null,
      l1Fee: 1_000_000_000_000n + BigInt(i),
      l1GasUsed: 1_600n,
      l1GasPrice: 3n * GWEI,
      l1BlobBaseFee: 1n,
      l1BaseFeeScalar: 1368n,
      l1BlobBaseFeeScalar: 810_949n,
    });
    accounts.push({
      address: sender.address,
      account: { nonce: nonce + 1n, balance: 10n ** 21n - TRANSFER_GAS * 2n * GWEI, codeHash: KECCAK_EMPTY },
      storageCleared: false,
      storage: new Map(),
    });
    for (const [holder, value] of [
      [sender.address, 10n ** 24n - amount],
      [recipient, amount],
    ] as const) {
      const slot = mappingSlot(holder, 0n);
      tokenStorage.set(slot, value);
      slotPreimages.set(slot, { holder, base: 0n });
    }
  }
  if (parameters.transfers > 0) {
    accounts.push({
      address: TOKEN,
      account: { nonce: 1n, balance: 0n, codeHash: `0x${"c0".repeat(32)}` },
      storageCleared: false,
      storage: tokenStorage,
    });
    accounts.push({
      address: COINBASE,
      account: { nonce: 0n, balance: cumulativeGasUsed * GWEI, codeHash: KECCAK_EMPTY },
      storageCleared: false,
      storage: new Map(),
    });
  }
  const stateDiff: StateDiff = slotPreimages.size > 0 ? { accounts, slotPreimages } : { accounts };
  return {
    number: parameters.number,
    blockNumber: parameters.blockNumber,
    blockTimestamp: 1_800_000_000n + parameters.blockNumber,
    index: parameters.index,
    timestampUs: parameters.timestampUs ?? (1_800_000_000n + parameters.blockNumber) * 1_000_000n,
    gasUsed: cumulativeGasUsed,
    transactions,
    receipts,
    firstTransactionIndex: 0,
    firstLogIndex: 0,
    transactionsRoot: orderedTrieRoot(transactions.map((tx) => tx.raw)),
    receiptsRoot: orderedTrieRoot(receipts.map((receipt) => encodeReceipt(receipt))),
    stateDiff,
  };
}

/** A topic word holding an address (left-padded, as Solidity indexes `address` parameters). */
function addressTopic(address: Address): Hash {
  return `0x${"00".repeat(12)}${address.slice(2)}` as Hash;
}

/** Signs (header signature) and seals a mini-block as the sequencer does. */
export function signed(miniBlock: MiniBlock, signer: DigestSigner = sequencer, sealedAtMs?: bigint): SignedMiniBlock {
  const key = signer === sequencer ? SEQUENCER_KEY : signer === impostor ? OTHER_KEY : undefined;
  if (key === undefined) throw new Error("fixtures sign with the sequencer or the impostor key only");
  return sealMiniBlock({
    chainId: CHAIN_ID,
    miniBlock,
    signature: signMiniBlock(miniBlock, key),
    signer,
    ...(sealedAtMs === undefined ? {} : { sealedAtMs }),
  });
}

export function header(number: bigint, parentHash: Hash, timestamp = 1_800_000_000n + number): Header {
  return {
    parentHash,
    ommersHash: "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347",
    beneficiary: COINBASE,
    stateRoot: keccak256Hex(pad32(number)),
    transactionsRoot: "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421",
    receiptsRoot: "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421",
    logsBloom: new Uint8Array(256),
    difficulty: 0n,
    number,
    gasLimit: 30_000_000n,
    gasUsed: 0n,
    timestamp,
    extraData: new Uint8Array(0),
    mixHash: `0x${"00".repeat(32)}`,
    nonce: new Uint8Array(8),
    baseFeePerGas: GWEI,
    withdrawalsRoot: "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421",
    blobGasUsed: 0n,
    excessBlobGas: 0n,
    parentBeaconBlockRoot: `0x${"00".repeat(32)}`,
    requestsHash: "0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  };
}

export interface ChainFixture {
  readonly miniBlocks: SignedMiniBlock[];
  readonly blocks: SignedBlock[];
}

/**
 * A chain of `blocks` blocks (numbered from 1, parent of block 1 = zero hash) with `miniBlocksPerBlock` mini-blocks
 * each (numbered from 0), `transfers` transfers per mini-block, all sealed at `sealedAtMs` (default now).
 */
export function chain(
  blocks: number,
  miniBlocksPerBlock: number,
  transfers: number,
  sealedAtMs?: bigint,
  signer: DigestSigner = sequencer,
): ChainFixture {
  const miniBlocks: SignedMiniBlock[] = [];
  const sealedBlocks: SignedBlock[] = [];
  let parentHash: Hash = `0x${"00".repeat(32)}`;
  for (let b = 1; b <= blocks; b++) {
    const offset = BigInt(miniBlocks.length);
    for (let i = 0; i < miniBlocksPerBlock; i++) {
      const number = offset + BigInt(i);
      const miniBlock = transferMiniBlock({
        number,
        blockNumber: BigInt(b),
        index: i,
        transfers,
        senderOffset: Number(number) * transfers,
      });
      miniBlocks.push(signed(miniBlock, signer, sealedAtMs));
    }
    const h = header(BigInt(b), parentHash);
    const hash = hashHeader(h);
    sealedBlocks.push(
      sealBlock({
        chainId: CHAIN_ID,
        block: { header: h, hash, miniBlockCount: miniBlocksPerBlock, miniBlockOffset: offset },
        signer,
        ...(sealedAtMs === undefined ? {} : { sealedAtMs }),
      }),
    );
    parentHash = hash;
  }
  return { miniBlocks, blocks: sealedBlocks };
}

/** Serves what it was given, by number, stopping at the first gap; records what it was asked. */
export class MemoryBlockSource implements BlockSource {
  readonly miniBlocks = new Map<bigint, SignedMiniBlock>();
  readonly blocks = new Map<bigint, SignedBlock>();
  readonly requests: { kind: "miniBlocks" | "blocks"; from: bigint; limit: number }[] = [];

  constructor(fixture?: Partial<ChainFixture>) {
    for (const item of fixture?.miniBlocks ?? []) this.addMiniBlock(item);
    for (const item of fixture?.blocks ?? []) this.addBlock(item);
  }
  addMiniBlock(item: SignedMiniBlock): void {
    this.miniBlocks.set(item.miniBlock.number, item);
  }
  addBlock(item: SignedBlock): void {
    this.blocks.set(item.header.number, item);
  }
  miniBlocksByRange(from: bigint, limit: number): SignedMiniBlock[] {
    this.requests.push({ kind: "miniBlocks", from, limit });
    return take(this.miniBlocks, from, limit);
  }
  blocksByRange(from: bigint, limit: number): SignedBlock[] {
    this.requests.push({ kind: "blocks", from, limit });
    return take(this.blocks, from, limit);
  }
}

function take<T>(items: ReadonlyMap<bigint, T>, from: bigint, limit: number): T[] {
  const out: T[] = [];
  for (let n = from; out.length < limit; n++) {
    const item = items.get(n);
    if (item === undefined) break;
    out.push(item);
  }
  return out;
}
