import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeDeployData, encodeFunctionData, getContractAddress, type Hex, hexToBytes, keccak256, pad } from "viem";
import { intrinsicGas } from "../../src/chain/fees.ts";
import type { Address, Transaction } from "../../src/chain/types.ts";
import { Child, Delegate, Factory, Storage, Token } from "./contracts.ts";
import { type DifferentialRun, runDifferential } from "./differential.ts";
import { ENGINES } from "./engines.ts";
import {
  accounts,
  addresses,
  blockEnv,
  CHAIN_ID,
  ETHER,
  eip1559,
  GWEI,
  MapState,
  signTx,
  slotKey,
} from "./fixtures.ts";

const [alice, bob, carol, dave] = addresses;
const FACTORY: Address = "0x00000000000000000000000000000000000fac70";
const STORAGE: Address = "0x0000000000000000000000000000000000005707";
const DELEGATE: Address = "0x000000000000000000000000000000000000de1e";

function genesis(): MapState {
  return new MapState()
    .fund(alice, 100n * ETHER)
    .fund(bob, 100n * ETHER)
    .fund(carol, 100n * ETHER)
    .deploy(FACTORY, Factory.deployedBytecode)
    .deploy(STORAGE, Storage.deployedBytecode)
    .deploy(DELEGATE, Delegate.deployedBytecode);
}

function assertSame(run: DifferentialRun): void {
  assert.deepEqual(run.mach, run.ethereumjs, "per-transaction outcomes differ");
  assert.deepEqual(run.machState, run.ethereumjsState, "post-state accounts differ");
  assert.deepEqual(run.machStorage, run.ethereumjsStorage, "post-state storage differs");
}

/** Storage slot of `balanceOf[holder]` (mapping at slot 0). */
function balanceSlot(holder: Address): Hex {
  return keccak256(`0x${pad(holder).slice(2)}${"0".repeat(64)}`);
}

for (const engine of ENGINES) {
  const differential = (...args: Parameters<typeof runDifferential>) => {
    const [genesis, txs, env, extraAddresses = [], extraSlots = []] = args;
    return runDifferential(genesis, txs, env, extraAddresses, extraSlots, engine);
  };

  describe(`EthereumJsExecutor matches @ethereumjs/vm runTx (${engine.name} engine)`, () => {
    it("ETH transfers of every signed type, to new and existing accounts and to self", async () => {
      const txs: Transaction[] = [
        await signTx(0, eip1559({ nonce: 0, to: bob, value: ETHER, gas: 21_000n })),
        await signTx(0, { type: "legacy", nonce: 1, to: dave, value: 5n, gas: 21_000n, gasPrice: 3n * GWEI }),
        await signTx(0, {
          type: "eip2930",
          nonce: 2,
          to: carol,
          value: 7n,
          gas: 30_000n,
          gasPrice: 2n * GWEI,
          accessList: [{ address: STORAGE, storageKeys: [slotKey(1n)] }],
        }),
        await signTx(1, eip1559({ nonce: 0, to: bob, value: 3n, gas: 21_000n })),
        await signTx(2, eip1559({ nonce: 0, to: alice, value: 0n, gas: 21_000n, maxPriorityFeePerGas: 0n })),
      ];
      const run = await differential(genesis(), txs, blockEnv(), [dave]);
      assert.deepEqual(
        run.mach.map((r) => r.gasUsed),
        [21_000n, 21_000n, 21_000n + 2_400n + 1_900n, 21_000n, 21_000n],
      );
      assertSame(run);
    });

    it("ERC-20 deploy, transfers, a custom-error revert, approve and a require-string revert", async () => {
      const deploy = encodeDeployData({ abi: Token.abi, bytecode: Token.bytecode, args: [1_000_000n] });
      const token = getContractAddress({ from: accounts[0]?.address as Address, nonce: 0n }).toLowerCase() as Address;
      const call = (functionName: "transfer" | "approve" | "transferFrom", args: readonly unknown[]) =>
        // biome-ignore lint/suspicious/noExplicitAny: the test picks the args per function.
        encodeFunctionData({ abi: Token.abi, functionName, args: args as any });
      const txs: Transaction[] = [
        await signTx(0, eip1559({ nonce: 0, to: null, data: deploy, gas: 1_000_000n })),
        await signTx(0, eip1559({ nonce: 1, to: token, data: call("transfer", [bob, 1_000n]) })),
        await signTx(1, eip1559({ nonce: 0, to: token, data: call("transfer", [carol, 400n]) })),
        await signTx(2, eip1559({ nonce: 0, to: token, data: call("transfer", [alice, 401n]) })),
        await signTx(1, eip1559({ nonce: 1, to: token, data: call("approve", [carol, 100n]) })),
        await signTx(2, eip1559({ nonce: 1, to: token, data: call("transferFrom", [bob, dave, 60n]) })),
        await signTx(2, eip1559({ nonce: 2, to: token, data: call("transferFrom", [bob, dave, 60n]) })),
      ];
      const run = await differential(genesis(), txs, blockEnv(), [dave, token], [[token, balanceSlot(dave)]]);
      assert.deepEqual(
        run.mach.map((r) => r.status),
        [1, 1, 1, 0, 1, 1, 0],
      );
      assert.equal(run.mach[0]?.contractAddress, token);
      assert.equal(run.mach[1]?.logs.length, 1);
      assert.equal(run.machStorage.get(`${token}/${balanceSlot(dave)}`), 60n);
      assertSame(run);
    });

    it("CREATE2 with value, create-and-selfdestruct in one tx (EIP-6780), selfdestruct of an older contract", async () => {
      const salt = pad("0x01");
      const deploy = encodeFunctionData({ abi: Factory.abi, functionName: "deploy", args: [salt, 42n] });
      const destroyInTx = encodeFunctionData({
        abi: Factory.abi,
        functionName: "deployAndDestroy",
        args: [pad("0x02"), dave],
      });
      const child = getContractAddress({
        opcode: "CREATE2",
        from: FACTORY,
        salt,
        bytecode: encodeDeployData({ abi: Child.abi, bytecode: Child.bytecode, args: [42n] }),
      });
      const txs: Transaction[] = [
        await signTx(0, eip1559({ nonce: 0, to: FACTORY, data: deploy, value: 1_000n, gas: 300_000n })),
        await signTx(0, eip1559({ nonce: 1, to: FACTORY, data: destroyInTx, value: 77n, gas: 300_000n })),
        await signTx(0, eip1559({ nonce: 2, to: FACTORY, data: deploy, gas: 300_000n })),
      ];
      const run = await differential(genesis(), txs, blockEnv(), [dave, child.toLowerCase() as Address]);
      assert.deepEqual(
        run.mach.map((r) => r.status),
        [1, 1, 0],
      );
      assert.equal(run.machState.get(dave)?.balance, 77n);
      assertSame(run);
    });

    it("selfdestruct of a contract created in an earlier transaction only moves its balance", async () => {
      const salt = pad("0x05");
      const deploy = encodeFunctionData({ abi: Factory.abi, functionName: "deploy", args: [salt, 1n] });
      const first = await signTx(0, eip1559({ nonce: 0, to: FACTORY, data: deploy, value: 500n, gas: 300_000n }));
      const setup = genesis();
      const { ethereumjs } = await differential(setup, [first], blockEnv());
      const childAddress = (ethereumjs[0]?.logs[0]?.data ?? "").replace(/^0x0{24}/, "0x") as Address;
      const destroy = encodeFunctionData({
        abi: [
          {
            type: "function",
            name: "destroy",
            inputs: [{ type: "address", name: "to" }],
            outputs: [],
            stateMutability: "nonpayable",
          },
        ],
        functionName: "destroy",
        args: [dave],
      });
      const second = await signTx(1, eip1559({ nonce: 0, to: childAddress, data: destroy, gas: 100_000n }));
      const run = await differential(setup, [first, second], blockEnv(), [dave, childAddress]);
      assert.equal(run.machState.get(dave)?.balance, 500n);
      assert.notEqual(run.machState.get(childAddress), undefined, "the contract survives (EIP-6780)");
      assertSame(run);
    });

    it("storage refunds (EIP-3529 cap), out of gas, revert reasons and access lists", async () => {
      const fn = (functionName: string, args: readonly unknown[]) =>
        // biome-ignore lint/suspicious/noExplicitAny: the test picks the args per function.
        encodeFunctionData({ abi: Storage.abi, functionName: functionName as any, args: args as any });
      const txs: Transaction[] = [
        await signTx(0, eip1559({ nonce: 0, to: STORAGE, data: fn("fill", [6n]), gas: 300_000n })),
        await signTx(0, eip1559({ nonce: 1, to: STORAGE, data: fn("clear", [6n]), gas: 300_000n })),
        await signTx(0, eip1559({ nonce: 2, to: STORAGE, data: fn("set", [3n, 9n]), gas: 100_000n })),
        await signTx(0, eip1559({ nonce: 3, to: STORAGE, data: fn("spin", []), gas: 200_000n })),
        await signTx(0, eip1559({ nonce: 4, to: STORAGE, data: fn("failWith", ["nope"]), gas: 100_000n })),
        await signTx(1, {
          ...eip1559({ nonce: 0, to: STORAGE, data: fn("callMany", [STORAGE, 4n]), gas: 200_000n }),
          accessList: [{ address: STORAGE, storageKeys: [slotKey(0n), slotKey(5n)] }],
        }),
        await signTx(1, eip1559({ nonce: 1, to: STORAGE, data: fn("set", [3n, 9n]), gas: 22_000n })),
      ];
      const run = await differential(genesis(), txs, blockEnv());
      assert.deepEqual(
        run.mach.map((r) => r.status),
        [1, 1, 1, 0, 0, 1, 0],
      );
      assert.equal(run.mach[3]?.gasUsed, 200_000n, "out of gas consumes the whole limit");
      assertSame(run);
    });

    it("EIP-7702: delegation, a call into the delegated EOA, skipped authorizations, the delegated EOA sending", async () => {
      const authority = accounts[3];
      if (authority === undefined) throw new Error("no key");
      const auth = await authority.signAuthorization({ chainId: Number(CHAIN_ID), address: DELEGATE, nonce: 0 });
      const badNonce = await accounts[2]?.signAuthorization({ chainId: Number(CHAIN_ID), address: DELEGATE, nonce: 5 });
      const wrongChain = await accounts[1]?.signAuthorization({ chainId: 1, address: DELEGATE, nonce: 0 });
      const ping = encodeFunctionData({ abi: Delegate.abi, functionName: "ping", args: [99n] });
      const setup = genesis().fund(dave, ETHER);
      const txs: Transaction[] = [
        await signTx(0, {
          ...eip1559({ nonce: 0, to: dave, data: ping, gas: 200_000n }),
          type: "eip7702",
          authorizationList: [auth, ...(badNonce ? [badNonce] : []), ...(wrongChain ? [wrongChain] : [])],
        }),
        await signTx(3, eip1559({ nonce: 1, to: dave, data: ping, gas: 100_000n })),
        await signTx(0, {
          ...eip1559({ nonce: 1, to: bob, gas: 100_000n }),
          type: "eip7702",
          authorizationList: [
            await authority.signAuthorization({
              chainId: 0,
              address: "0x0000000000000000000000000000000000000000",
              nonce: 2,
            }),
          ],
        }),
      ];
      const run = await differential(setup, txs, blockEnv(), [carol]);
      assert.deepEqual(
        run.mach.map((r) => r.status),
        [1, 1, 1],
      );
      assert.equal(run.machStorage.get(`${dave}/${slotKey(0n)}`), 99n);
      assert.equal(run.machState.get(dave)?.code, "0x", "delegation cleared by the authorization to address zero");
      assertSame(run);
    });

    it("EIP-7702 self-sponsored delegation (the sender authorizes with its next-but-one nonce)", async () => {
      const sender = accounts[0];
      if (sender === undefined) throw new Error("no key");
      const self = await sender.signAuthorization({ chainId: Number(CHAIN_ID), address: DELEGATE, nonce: 1 });
      const ping = encodeFunctionData({ abi: Delegate.abi, functionName: "ping", args: [5n] });
      const tx = await signTx(0, {
        ...eip1559({ nonce: 0, to: alice, data: ping, gas: 200_000n }),
        type: "eip7702",
        authorizationList: [self],
      });
      const run = await differential(genesis(), [tx], blockEnv());
      assert.equal(run.mach[0]?.status, 1);
      assert.equal(run.machState.get(alice)?.nonce, 2n);
      assertSame(run);
    });

    it("creation edge cases: code over 24 KiB, init code over 48 KiB, a colliding CREATE2, a create with no gas left", async () => {
      // Init code returning 24577 zero bytes: PUSH2 0x6001 PUSH1 0 RETURN.
      const tooLarge = "0x6160016000f3" as Hex;
      const hugeInit = `0x${"00".repeat(49_153)}` as Hex;
      const salt = pad("0x07");
      const deploy = encodeFunctionData({ abi: Factory.abi, functionName: "deploy", args: [salt, 1n] });
      const txs: Transaction[] = [
        await signTx(0, eip1559({ nonce: 0, to: null, data: tooLarge, gas: 6_000_000n })),
        await signTx(0, eip1559({ nonce: 1, to: null, data: hugeInit, gas: 3_000_000n })),
        await signTx(0, eip1559({ nonce: 1, to: FACTORY, data: deploy, gas: 300_000n })),
        await signTx(0, eip1559({ nonce: 2, to: FACTORY, data: deploy, gas: 300_000n })),
        await signTx(
          0,
          eip1559({
            nonce: 3,
            to: null,
            data: Token.bytecode,
            gas: intrinsicGas({ to: null, data: hexToBytes(Token.bytecode) }) + 10_000n,
          }),
        ),
      ];
      const run = await differential(genesis(), txs, blockEnv());
      assert.deepEqual(
        run.mach.map((r) => r.status),
        [0, "rejected", 1, 0, 0],
      );
      assertSame(run);
    });

    it("calldata-heavy transactions pay the EIP-7623 floor; zero-tip transactions leave no empty coinbase", async () => {
      const data = `0x${"ab".repeat(2_000)}` as Hex;
      const heavy = await signTx(0, eip1559({ nonce: 0, to: bob, data, gas: 300_000n }));
      const run = await differential(genesis(), [heavy], blockEnv());
      assert.equal(run.mach[0]?.gasUsed, 21_000n + 2_000n * 4n * 10n);
      assertSame(run);
      const zeroTip = await signTx(1, eip1559({ nonce: 0, to: carol, gas: 21_000n, maxPriorityFeePerGas: 0n }));
      const second = await differential(genesis(), [zeroTip], blockEnv());
      assert.equal(second.machState.get(blockEnv().coinbase), undefined);
      assertSame(second);
    });
  });
}
