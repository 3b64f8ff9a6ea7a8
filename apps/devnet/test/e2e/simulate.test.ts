/**
 * eth_simulateV1 through viem's `simulateBlocks` and `simulateCalls`, against Mach's standalone dev node and, side by
 * side, anvil: a token's transfer in one simulated block is seen by the next, a failing call is reported in its
 * result with its decoded error, ETH transfers show as ERC-7528 logs with `traceTransfers`, block overrides reach the
 * EVM, and nothing of it reaches the chain. Mach alone: contract creation inside a simulation (and viem's
 * `traceAssetChanges`, which relies on it), which anvil 1.7.1 refuses (a simulated call without `to`: "missing keys:
 * [\"to\"]"), and `validation` (nonce and base fee checked, geth's -380xx), which anvil 1.7.1 does not enforce.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type Address,
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  decodeEventLog,
  encodeAbiParameters,
  encodeDeployData,
  getAddress,
  getContractAddress,
  type Hex,
  http,
  keccak256,
  numberToHex,
  type PublicClient,
  parseAbi,
} from "viem";
import { testContracts } from "../support/contracts.ts";
import { DEV_TARGETS, startMachDev } from "../support/devTargets.ts";

const DEV_ACCOUNT: Address = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const RECIPIENT: Address = getAddress("0x00000000000000000000000000000000c0ffee07");
const TOKEN: Address = getAddress("0x00000000000000000000000000000000070ce707");
const TRANSFER_EVENT = parseAbi(["event Transfer(address indexed from, address indexed to, uint256 value)"]);
/** ERC-7528: the address ETH transfers are logged from. */
const ETH_ADDRESS: Address = "0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE";
/** NUMBER PUSH1 0 MSTORE TIMESTAMP PUSH1 32 MSTORE PUSH1 64 PUSH1 0 RETURN: the block's number and time. */
const BLOCK_PROBE_CODE: Hex = "0x436000524260205260406000f3";
/** TestToken's `balanceOf` mapping sits in slot 3. */
const BALANCE_OF_SLOT = 3n;

/** TestToken's runtime code: what running its creation code answers. */
async function tokenRuntimeCode(client: PublicClient): Promise<Hex> {
  const { TestToken } = testContracts();
  const { data } = await client.call({
    data: encodeDeployData({ abi: TestToken.abi, bytecode: TestToken.bytecode, args: [0n] }),
  });
  assert.ok(data);
  return data;
}

function balanceSlot(holder: Address): Hex {
  return keccak256(encodeAbiParameters([{ type: "address" }, { type: "uint256" }], [holder, BALANCE_OF_SLOT]));
}

function decodeTransfer(log: { data: Hex; topics: Hex[] } | undefined) {
  assert.ok(log);
  return decodeEventLog({ abi: TRANSFER_EVENT, data: log.data, topics: log.topics as [Hex, ...Hex[]] }).args;
}

for (const target of DEV_TARGETS) {
  describe(`eth_simulateV1 through viem against ${target.name}`, () => {
    it("simulates blocks that build on each other, with overrides and transfers as logs", async () => {
      const node = await target.start();
      try {
        const client = createPublicClient({ transport: http(node.rpcUrl) });
        const { TestToken } = testContracts();
        const head = await client.getBlock();
        const nonce = await client.getTransactionCount({ address: DEV_ACCOUNT });
        const token = { to: TOKEN, abi: TestToken.abi } as const;

        const blocks = await client.simulateBlocks({
          traceTransfers: true,
          blocks: [
            {
              stateOverrides: [
                {
                  address: TOKEN,
                  code: await tokenRuntimeCode(client),
                  stateDiff: [{ slot: balanceSlot(DEV_ACCOUNT), value: numberToHex(1_000n, { size: 32 }) }],
                },
              ],
              calls: [{ ...token, account: DEV_ACCOUNT, functionName: "transfer", args: [RECIPIENT, 10n] }],
            },
            {
              blockOverrides: { time: head.timestamp + 1_000n },
              calls: [
                { ...token, account: RECIPIENT, functionName: "transfer", args: [DEV_ACCOUNT, 4n] },
                { ...token, account: RECIPIENT, functionName: "transfer", args: [DEV_ACCOUNT, 5_000n] },
                { ...token, functionName: "balanceOf", args: [RECIPIENT] },
                { account: DEV_ACCOUNT, to: RECIPIENT, value: 3n },
              ],
            },
          ],
        });
        assert.deepEqual(
          blocks.map((block) => block.calls.length),
          [1, 4],
        );
        assert.equal(blocks[1]?.timestamp, head.timestamp + 1_000n);
        const [first] = blocks[0]?.calls ?? [];
        assert.equal(first?.status, "success");
        assert.deepEqual(decodeTransfer(first?.logs?.[0]), { from: DEV_ACCOUNT, to: RECIPIENT, value: 10n });

        const [back, tooMuch, balance, eth] = blocks[1]?.calls ?? [];
        assert.equal(back?.status, "success");
        assert.equal(back?.result, true);
        assert.equal(tooMuch?.status, "failure");
        assert.ok(tooMuch?.error instanceof BaseError);
        const reverted = tooMuch.error.walk((e) => e instanceof ContractFunctionRevertedError);
        assert.ok(reverted instanceof ContractFunctionRevertedError);
        assert.equal(reverted.data?.errorName, "InsufficientBalance");
        assert.equal(balance?.result, 6n);
        assert.equal(eth?.status, "success");
        assert.equal(eth?.logs?.length, 1);
        assert.equal(eth?.logs?.[0]?.address.toLowerCase(), ETH_ADDRESS.toLowerCase());
        assert.deepEqual(decodeTransfer(eth?.logs?.[0]), { from: DEV_ACCOUNT, to: RECIPIENT, value: 3n });

        // Nothing reached the chain.
        assert.equal(await client.getCode({ address: TOKEN }), undefined);
        assert.equal(await client.getBalance({ address: RECIPIENT }), 0n);
        assert.equal(await client.getTransactionCount({ address: DEV_ACCOUNT }), nonce);
      } finally {
        await node.stop();
      }
    });

    it("reads the block values that block overrides set", async () => {
      const node = await target.start();
      try {
        const client = createPublicClient({ transport: http(node.rpcUrl) });
        const probe: Address = "0x00000000000000000000000000000000000b10c0";
        const head = await client.getBlock();
        const [block] = await client.simulateBlocks({
          blocks: [
            {
              blockOverrides: { number: head.number + 1n, time: head.timestamp + 4_000n },
              stateOverrides: [{ address: probe, code: BLOCK_PROBE_CODE }],
              calls: [{ to: probe }],
            },
          ],
        });
        assert.equal(
          block?.calls[0]?.data,
          encodeAbiParameters([{ type: "uint256" }, { type: "uint256" }], [head.number + 1n, head.timestamp + 4_000n]),
        );
      } finally {
        await node.stop();
      }
    });
  });
}

describe("eth_simulateV1 through viem against mach: contract creation and validation", () => {
  it("deploys in one simulated block and calls the contract in the next; traceAssetChanges sees the ETH moved", async () => {
    const node = await startMachDev();
    try {
      const client = createPublicClient({ transport: http(node.rpcUrl) });
      const { TestToken } = testContracts();
      const nonce = await client.getTransactionCount({ address: DEV_ACCOUNT });
      const deployed = getContractAddress({ from: DEV_ACCOUNT, nonce: BigInt(nonce) });
      const blocks = await client.simulateBlocks({
        blocks: [
          {
            calls: [
              {
                account: DEV_ACCOUNT,
                to: null,
                data: encodeDeployData({ abi: TestToken.abi, bytecode: TestToken.bytecode, args: [1_000n] }),
              },
            ],
          },
          {
            calls: [
              {
                account: DEV_ACCOUNT,
                to: deployed,
                abi: TestToken.abi,
                functionName: "transfer",
                args: [RECIPIENT, 10n],
              },
            ],
          },
        ],
      });
      assert.equal(blocks[0]?.calls[0]?.status, "success");
      assert.equal(blocks[1]?.calls[0]?.result, true);
      assert.equal(await client.getCode({ address: deployed }), undefined);

      const { results, assetChanges } = await client.simulateCalls({
        account: DEV_ACCOUNT,
        calls: [{ to: RECIPIENT, value: 1_000n }],
        traceAssetChanges: true,
      });
      assert.equal(results[0]?.status, "success");
      const eth = assetChanges.find((change) => change.token.address.toLowerCase() === ETH_ADDRESS.toLowerCase());
      assert.equal(eth?.value.diff, -1_000n);

      // Validation: each call is checked as a block checks a transaction.
      const validated = (call: Record<string, unknown>) =>
        client.simulateBlocks({
          validation: true,
          blocks: [
            { blockOverrides: { baseFeePerGas: 10n }, calls: [{ account: DEV_ACCOUNT, to: RECIPIENT, ...call }] },
          ],
        });
      await assert.rejects(validated({ maxFeePerGas: 0n, maxPriorityFeePerGas: 0n }), (error: Error) =>
        /max fee per gas less than block base fee/.test(error.message),
      );
      await assert.rejects(validated({ maxFeePerGas: 10n, nonce: nonce + 5 }), (error: Error) =>
        /nonce too high/.test(error.message),
      );
      const [ok] = await validated({ maxFeePerGas: 10n, nonce });
      assert.equal(ok?.calls[0]?.status, "success");
    } finally {
      await node.stop();
    }
  });
});
