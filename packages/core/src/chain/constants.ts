/**
 * Protocol constants under the specs' names (STYLE.md: constants are code, not config).
 */
import type { Address, Hash, Hex } from "./types.ts";

/** Root of the empty Merkle-Patricia trie: keccak256(rlp("")). */
export const EMPTY_TRIE_ROOT: Hash = "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421";
/** keccak256 of empty input: the code hash of accounts without code. */
export const KECCAK_EMPTY: Hash = "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470";
/** keccak256(rlp([])): ommersHash of every post-merge block. */
export const EMPTY_OMMERS_HASH: Hash = "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347";
/** EIP-7685 requests hash of a block without requests: sha256 of empty input. */
export const EMPTY_REQUESTS_HASH: Hash = "0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
export const ZERO_HASH: Hash = "0x0000000000000000000000000000000000000000000000000000000000000000";
export const ZERO_ADDRESS: Address = "0x0000000000000000000000000000000000000000";
/** Post-merge header nonce (8 zero bytes). */
export const EMPTY_NONCE: Uint8Array = new Uint8Array(8);

/** EIP-7702: code of a delegated EOA is this prefix followed by the 20-byte delegate address (23 bytes). */
export const DELEGATION_PREFIX: Hex = "0xef0100";
export const DELEGATION_PREFIX_BYTES: Uint8Array = Uint8Array.of(0xef, 0x01, 0x00);
export const DELEGATION_CODE_LENGTH = 23;

/** OP Stack L2 predeploys (specs `protocol/predeploys.md`), lowercase. */
export const Predeploys = {
  WETH9: "0x4200000000000000000000000000000000000006",
  L2CrossDomainMessenger: "0x4200000000000000000000000000000000000007",
  GasPriceOracle: "0x420000000000000000000000000000000000000f",
  L2StandardBridge: "0x4200000000000000000000000000000000000010",
  SequencerFeeVault: "0x4200000000000000000000000000000000000011",
  L1Block: "0x4200000000000000000000000000000000000015",
  L2ToL1MessagePasser: "0x4200000000000000000000000000000000000016",
  ProxyAdmin: "0x4200000000000000000000000000000000000018",
  BaseFeeVault: "0x4200000000000000000000000000000000000019",
  L1FeeVault: "0x420000000000000000000000000000000000001a",
  OperatorFeeVault: "0x420000000000000000000000000000000000001b",
} as const satisfies Record<string, Address>;

/** Sender of the L1-attributes deposit (tx 0 of every L2 block). */
export const L1_ATTRIBUTES_DEPOSITOR: Address = "0xdeaddeaddeaddeaddeaddeaddeaddeaddead0001";
/** Gas limit of the L1-attributes deposit since Regolith. */
export const L1_ATTRIBUTES_DEPOSIT_GAS = 1_000_000n;

/** EIP-4788 beacon roots contract and EIP-2935 history storage contract (Prague system contracts). */
export const BEACON_ROOTS_ADDRESS: Address = "0x000f3df6d732807ef1319fb7b8bb8522d0beac02";
export const HISTORY_STORAGE_ADDRESS: Address = "0x0000f90827f1c53a10cb7a02335b175320002935";
/** Sender of system calls (EIP-4788, EIP-2935). */
export const SYSTEM_ADDRESS: Address = "0xfffffffffffffffffffffffffffffffffffffffe";
