/**
 * The genesis block: an ordinary Prague header over the genesis state root (what `state/genesis.ts` builds from an
 * allocation), number 0, no transactions, no mini-blocks.
 */
import { EMPTY_NONCE, EMPTY_OMMERS_HASH, EMPTY_REQUESTS_HASH, EMPTY_TRIE_ROOT, ZERO_HASH } from "./constants.ts";
import { hashHeader } from "./header.ts";
import type { Address, Block, Hash, Header } from "./types.ts";

export interface GenesisBlockParameters {
  readonly stateRoot: Hash;
  readonly gasLimit: bigint;
  /** Seconds. */
  readonly timestamp: bigint;
  readonly baseFeePerGas: bigint;
  readonly beneficiary: Address;
}

export function genesisBlock(parameters: GenesisBlockParameters): Block {
  const header: Header = {
    parentHash: ZERO_HASH,
    ommersHash: EMPTY_OMMERS_HASH,
    beneficiary: parameters.beneficiary,
    stateRoot: parameters.stateRoot,
    transactionsRoot: EMPTY_TRIE_ROOT,
    receiptsRoot: EMPTY_TRIE_ROOT,
    logsBloom: new Uint8Array(256),
    difficulty: 0n,
    number: 0n,
    gasLimit: parameters.gasLimit,
    gasUsed: 0n,
    timestamp: parameters.timestamp,
    extraData: new Uint8Array(0),
    mixHash: ZERO_HASH,
    nonce: EMPTY_NONCE,
    baseFeePerGas: parameters.baseFeePerGas,
    withdrawalsRoot: EMPTY_TRIE_ROOT,
    blobGasUsed: 0n,
    excessBlobGas: 0n,
    parentBeaconBlockRoot: ZERO_HASH,
    requestsHash: EMPTY_REQUESTS_HASH,
  };
  return { header, hash: hashHeader(header), transactions: [], miniBlockCount: 0, miniBlockOffset: 0n };
}
