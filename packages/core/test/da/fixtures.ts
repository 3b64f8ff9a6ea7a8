/** Block and batch fixtures shared by the DA tests. */
import fc from "fast-check";
import { bytesToHex, keccak256, toHex } from "viem";
import type { Block, Hash, Transaction } from "../../src/chain/types.ts";
import type { BatchBlock } from "../../src/da/batch.ts";

const hash = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => bytesToHex(bytes));
const address = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((bytes) => bytesToHex(bytes));

/** 1–6 contiguous blocks whose parent hashes chain, with arbitrary contents. */
export function arbitraryBatchBlocks(): fc.Arbitrary<BatchBlock[]> {
  const content = fc.record({
    timestamp: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    baseFeePerGas: fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }),
    gasLimit: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    beneficiary: address,
    mixHash: hash,
    parentBeaconBlockRoot: hash,
    extraData: fc.uint8Array({ maxLength: 40 }),
    miniBlockCount: fc.nat(),
    miniBlockOffset: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    hash,
    stateRoot: hash,
    transactions: fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }),
  });
  return fc
    .record({
      first: fc.bigInt({ min: 0n, max: 2n ** 64n - 10n }),
      parentHash: hash,
      contents: fc.array(content, { minLength: 1, maxLength: 6 }),
    })
    .map(({ first, parentHash, contents }) => {
      let parent = parentHash;
      return contents.map((c, i) => {
        const block: BatchBlock = { ...c, number: first + BigInt(i), parentHash: parent };
        parent = c.hash;
        return block;
      });
    });
}

export function fakeHash(label: string): Hash {
  return keccak256(toHex(label));
}

/** `count` chained blocks from `first`, each with `txs` pseudo transactions (deterministic). */
export function makeBlocks(first: bigint, count: number, txs: number, salt = ""): BatchBlock[] {
  return makeChain(first, count, txs, salt).map((block) => ({
    number: block.header.number,
    timestamp: block.header.timestamp,
    parentHash: block.header.parentHash,
    baseFeePerGas: block.header.baseFeePerGas,
    gasLimit: block.header.gasLimit,
    beneficiary: block.header.beneficiary,
    mixHash: block.header.mixHash,
    parentBeaconBlockRoot: block.header.parentBeaconBlockRoot,
    extraData: block.header.extraData,
    miniBlockCount: block.miniBlockCount,
    miniBlockOffset: block.miniBlockOffset,
    hash: block.hash,
    stateRoot: block.header.stateRoot,
    transactions: block.transactions.map((tx) => tx.raw),
  }));
}

/** Sealed `Block`s as a block source would give them (only the fields a batch reads are meaningful). */
export function makeChain(first: bigint, count: number, txs: number, salt = "", txBytes = 120): Block[] {
  const blocks: Block[] = [];
  let parentHash = fakeHash(`${salt}parent-of-${first}`);
  for (let i = 0; i < count; i++) {
    const number = first + BigInt(i);
    const hash = fakeHash(`${salt}block-${number}`);
    const transactions: Transaction[] = [];
    for (let t = 0; t < txs; t++) {
      const raw = new Uint8Array(txBytes);
      const seed = fakeHash(`${salt}tx-${number}-${t}`);
      for (let k = 0; k < txBytes; k++)
        raw[k] = Number.parseInt(seed.slice(2 + ((k * 2) % 64), 4 + ((k * 2) % 64)), 16) ^ k;
      raw[0] = 0x02;
      transactions.push({ raw, hash: fakeHash(`${salt}txh-${number}-${t}`) } as unknown as Transaction);
    }
    blocks.push({
      hash,
      header: {
        parentHash,
        ommersHash: fakeHash("ommers"),
        beneficiary: "0x4200000000000000000000000000000000000011",
        stateRoot: fakeHash(`${salt}state-${number}`),
        transactionsRoot: fakeHash("txroot"),
        receiptsRoot: fakeHash("rcroot"),
        logsBloom: new Uint8Array(256),
        difficulty: 0n,
        number,
        gasLimit: 30_000_000n,
        gasUsed: 0n,
        timestamp: 1_700_000_000n + number,
        extraData: new Uint8Array(),
        mixHash: fakeHash(`mix-${number}`),
        nonce: new Uint8Array(8),
        baseFeePerGas: 1_000_000n + number,
        withdrawalsRoot: fakeHash("withdrawals"),
        blobGasUsed: 0n,
        excessBlobGas: 0n,
        parentBeaconBlockRoot: fakeHash(`beacon-${number}`),
        requestsHash: fakeHash("requests"),
      },
      transactions,
      miniBlockCount: 10,
      miniBlockOffset: number * 10n,
    });
    parentHash = hash;
  }
  return blocks;
}

/** An in-memory block source over a growing chain, as the node's store would give it. */
export function createChainSource(first = 1n, salt = "") {
  const blocks = new Map<bigint, Block>();
  let head = first - 1n;
  return {
    source: {
      headBlockNumber: () => head,
      getBlockByNumber: (number: bigint) => blocks.get(number),
    },
    /** Seals `count` more blocks with `txs` transactions each. */
    seal(count: number, txs = 3, txBytes = 120): Block[] {
      const chain = makeChain(head + 1n, count, txs, salt, txBytes);
      const previous = blocks.get(head);
      if (previous && chain[0]) {
        // re-link the first new block to the real previous block
        chain[0] = { ...chain[0], header: { ...chain[0].header, parentHash: previous.hash } };
      }
      for (const block of chain) blocks.set(block.header.number, block);
      head += BigInt(count);
      return chain;
    },
    /** Forgets a sealed block (a broken store). */
    drop(number: bigint) {
      blocks.delete(number);
    },
    block(number: bigint): Block {
      const block = blocks.get(number);
      if (!block) throw new Error(`no block ${number}`);
      return block;
    },
  };
}
