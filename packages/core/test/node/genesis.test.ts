import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { gasPriceOracleArtifact, l1BlockArtifact, l2ToL1MessagePasserArtifact } from "@mach/contracts";
import { hexToBytes } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { chainConfigSchema } from "../../src/chain/config.ts";
import { EMPTY_TRIE_ROOT, KECCAK_EMPTY, ZERO_HASH } from "../../src/chain/constants.ts";
import { keccak256Hex } from "../../src/chain/hash.ts";
import { hashHeader } from "../../src/chain/header.ts";
import type { Address, Hash } from "../../src/chain/types.ts";
import { DEV_MNEMONIC, genesisConfigSchema } from "../../src/node/config.ts";
import { buildGenesis, deriveDevAccounts, genesisAlloc } from "../../src/node/genesis.ts";
import { sequencerConfigSchema } from "../../src/sequencer/config.ts";

const HARDHAT_0 = {
  address: "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
  privateKey: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
};
const HARDHAT_1 = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
const HARDHAT_2 = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";

const L2_TO_L1_MESSAGE_PASSER = "0x4200000000000000000000000000000000000016" as Address;
const L1_BLOCK = "0x4200000000000000000000000000000000000015" as Address;
const GAS_PRICE_ORACLE = "0x420000000000000000000000000000000000000f" as Address;
const EXTRA = "0xabcdef0000000000000000000000000000000001" as Address;

function slot(i: number): Hash {
  return `0x${i.toString(16).padStart(64, "0")}` as Hash;
}

describe("node genesis", () => {
  it("derives the well-known Hardhat/Anvil dev accounts from the dev mnemonic", () => {
    const accounts = deriveDevAccounts(DEV_MNEMONIC, 3);
    assert.equal(accounts.length, 3);
    assert.deepEqual(accounts[0], HARDHAT_0);
    assert.equal(accounts[1]?.address, HARDHAT_1);
    assert.equal(accounts[2]?.address, HARDHAT_2);
    // Every key controls its address.
    for (const account of accounts) {
      assert.equal(privateKeyToAccount(account.privateKey).address.toLowerCase(), account.address);
      assert.match(account.privateKey, /^0x[0-9a-f]{64}$/);
    }
    assert.deepEqual(deriveDevAccounts(DEV_MNEMONIC, 0), []);
  });

  it("derives different accounts from another mnemonic, and a prefix of the same list for a smaller count", () => {
    const other = deriveDevAccounts("legal winner thank year wave sausage worth useful legal winner thank yellow", 2);
    assert.notEqual(other[0]?.address, HARDHAT_0.address);
    assert.deepEqual(deriveDevAccounts(DEV_MNEMONIC, 5).slice(0, 3), deriveDevAccounts(DEV_MNEMONIC, 3));
  });

  it("allocates the dev accounts, the three OP predeploys and the extra alloc", () => {
    const config = genesisConfigSchema.parse({
      accountBalance: "12345",
      alloc: {
        "0xABCDEF0000000000000000000000000000000001": {
          balance: "7",
          nonce: "2",
          code: "0x60016000",
          storage: { "0x01": "0x2a", [slot(2)]: "100" },
        },
      },
    });
    const devAccounts = deriveDevAccounts(DEV_MNEMONIC, 2);
    const alloc = genesisAlloc(config, devAccounts);
    assert.deepEqual(
      Object.keys(alloc).sort(),
      [HARDHAT_1, L1_BLOCK, GAS_PRICE_ORACLE, L2_TO_L1_MESSAGE_PASSER, EXTRA, HARDHAT_0.address].sort(),
    );
    assert.deepEqual(alloc[HARDHAT_0.address as Address], { balance: 12345n });

    const { state, block } = buildGenesis(
      chainConfigSchema.parse({}),
      sequencerConfigSchema.parse({}),
      alloc,
      1_700_000_000n,
    );
    assert.equal(state.getAccount(HARDHAT_1)?.balance, 12345n);
    for (const [address, artifact] of [
      [L2_TO_L1_MESSAGE_PASSER, l2ToL1MessagePasserArtifact],
      [L1_BLOCK, l1BlockArtifact],
      [GAS_PRICE_ORACLE, gasPriceOracleArtifact],
    ] as const) {
      const code = hexToBytes(artifact.deployedBytecode);
      assert.ok(code.length > 0, `${address} has runtime code`);
      assert.deepEqual(state.getCode(address), code);
      assert.deepEqual(state.getAccount(address), { nonce: 1n, balance: 0n, codeHash: keccak256Hex(code) });
    }
    assert.deepEqual(state.getAccount(EXTRA), {
      nonce: 2n,
      balance: 7n,
      codeHash: keccak256Hex(Uint8Array.of(0x60, 0x01, 0x60, 0x00)),
    });
    assert.equal(state.getStorage(EXTRA, slot(1)), 42n);
    assert.equal(state.getStorage(EXTRA, slot(2)), 100n);
    assert.equal(block.header.stateRoot, state.stateRoot);
  });

  it("lets an extra alloc entry override a dev account", () => {
    const config = genesisConfigSchema.parse({ alloc: { [HARDHAT_0.address]: { balance: "1" } } });
    const alloc = genesisAlloc(config, deriveDevAccounts(DEV_MNEMONIC, 1));
    assert.equal(alloc[HARDHAT_0.address as Address]?.balance, 1n);
  });

  it("builds a block 0 header from the chain and sequencer config over the state root", () => {
    const chain = chainConfigSchema.parse({ blockGasLimit: "60000000", initialBaseFeePerGas: "1234" });
    const sequencer = sequencerConfigSchema.parse({ feeRecipient: "0x4200000000000000000000000000000000000019" });
    const alloc = genesisAlloc(genesisConfigSchema.parse({ accountCount: 1 }), deriveDevAccounts(DEV_MNEMONIC, 1));
    const { state, block } = buildGenesis(chain, sequencer, alloc, 1_700_000_123n);
    const h = block.header;
    assert.equal(h.number, 0n);
    assert.equal(h.parentHash, ZERO_HASH);
    assert.equal(h.gasLimit, 60_000_000n);
    assert.equal(h.gasUsed, 0n);
    assert.equal(h.baseFeePerGas, 1234n);
    assert.equal(h.beneficiary, "0x4200000000000000000000000000000000000019");
    assert.equal(h.timestamp, 1_700_000_123n);
    assert.equal(h.transactionsRoot, EMPTY_TRIE_ROOT);
    assert.equal(h.receiptsRoot, EMPTY_TRIE_ROOT);
    assert.equal(h.stateRoot, state.stateRoot);
    assert.notEqual(h.stateRoot, EMPTY_TRIE_ROOT);
    assert.equal(block.hash, hashHeader(h));
    assert.deepEqual(block.transactions, []);
    assert.equal(block.miniBlockCount, 0);
    assert.equal(block.miniBlockOffset, 0n);
    assert.equal(state.getAccount(HARDHAT_0.address as Address)?.codeHash, KECCAK_EMPTY);
  });

  it("uses the configured genesis timestamp over the given one", () => {
    const chain = chainConfigSchema.parse({ genesisTimestamp: "1600000000" });
    const { block } = buildGenesis(chain, sequencerConfigSchema.parse({}), {}, 1_700_000_000n);
    assert.equal(block.header.timestamp, 1_600_000_000n);
  });

  it("gives the same genesis hash for the same config and timestamp, another for another timestamp", () => {
    const build = (timestamp: bigint) => {
      const config = genesisConfigSchema.parse({ accountCount: 3 });
      const alloc = genesisAlloc(config, deriveDevAccounts(config.mnemonic, config.accountCount));
      return buildGenesis(chainConfigSchema.parse({}), sequencerConfigSchema.parse({}), alloc, timestamp).block;
    };
    const first = build(1_700_000_000n);
    const second = build(1_700_000_000n);
    assert.equal(first.hash, second.hash);
    assert.equal(first.header.stateRoot, second.header.stateRoot);
    assert.notEqual(build(1_700_000_001n).hash, first.hash);
  });
});
