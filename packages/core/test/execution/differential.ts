/**
 * Differential harness: runs the same signed transactions through one of Mach's executors (either engine) and
 * @ethereumjs/vm 10.1.3's `runTx` (over its flat `SimpleStateManager`) from the same genesis, and reports both results
 * and both post-states, each listing every account and slot that either side holds.
 */
import { createCustomCommon, Hardfork, Mainnet } from "@ethereumjs/common";
import { SimpleStateManager } from "@ethereumjs/statemanager";
import { createTxFromRLP } from "@ethereumjs/tx";
import { bigIntToBytes, bytesToHex, createAccount, Address as EvmAddress, hexToBytes } from "@ethereumjs/util";
import { createVM, runTx } from "@ethereumjs/vm";
import type { Address, Hash, Transaction } from "../../src/chain/types.ts";
import { TransactionRejectedError } from "../../src/errors.ts";
import type { BlockEnv } from "../../src/execution/types.ts";
import { ENGINES, type Engine } from "./engines.ts";
import { CHAIN_ID, type MapState } from "./fixtures.ts";

export interface Outcome {
  /** "rejected": the engine refused the transaction as invalid (Mach: TransactionRejectedError). */
  status: 0 | 1 | "rejected";
  gasUsed: bigint;
  logs: { address: string; topics: string[]; data: string }[];
  contractAddress: string | null;
  returnData: string;
}

export interface AccountView {
  nonce: bigint;
  balance: bigint;
  codeHash: string;
  code: string;
}

export interface DifferentialRun {
  mach: Outcome[];
  ethereumjs: Outcome[];
  machState: Map<string, AccountView | undefined>;
  ethereumjsState: Map<string, AccountView | undefined>;
  machStorage: Map<string, bigint>;
  ethereumjsStorage: Map<string, bigint>;
}

const common = createCustomCommon({ chainId: Number(CHAIN_ID) }, Mainnet, { hardfork: Hardfork.Prague });

/**
 * Runs `txs` in order on Mach's executor (`engine`, the @ethereumjs one unless given) and on @ethereumjs/vm. Both
 * post-states are listed in full: every account and every non-zero slot either side holds is read from both.
 * `extraAddresses` / `extraSlots` are read besides (accounts that should be absent on both sides).
 */
export async function runDifferential(
  genesis: MapState,
  txs: readonly Transaction[],
  env: BlockEnv,
  extraAddresses: readonly Address[] = [],
  extraSlots: readonly [Address, Hash][] = [],
  engine: Engine = ENGINES[0] as Engine,
): Promise<DifferentialRun> {
  const machState = genesis.clone();
  const executor = await engine.create({ chainId: CHAIN_ID });
  const mach: Outcome[] = [];
  for (const tx of txs) {
    let r: Awaited<ReturnType<typeof executor.executeTransaction>>;
    try {
      r = await executor.executeTransaction(machState, tx, env);
    } catch (error) {
      if (!(error instanceof TransactionRejectedError)) throw error;
      mach.push({ status: "rejected", gasUsed: 0n, logs: [], contractAddress: null, returnData: "0x" });
      continue;
    }
    mach.push({
      status: r.status,
      gasUsed: r.gasUsed,
      logs: r.logs.map((l) => ({ address: l.address, topics: [...l.topics], data: bytesToHex(l.data) })),
      contractAddress: r.status === 1 ? r.contractAddress : null,
      returnData: bytesToHex(r.returnData),
    });
  }

  const vmCommon = common.copy();
  const stateManager = new SimpleStateManager({ common: vmCommon });
  const vm = await createVM({ common: vmCommon, stateManager });
  for (const [address, account] of genesis.accounts) {
    const a = new EvmAddress(hexToBytes(address));
    await vm.stateManager.putAccount(a, createAccount({ nonce: account.nonce, balance: account.balance }));
    const code = genesis.code.get(address);
    if (code) await vm.stateManager.putCode(a, code);
    for (const [slot, value] of genesis.storage.get(address) ?? []) {
      await vm.stateManager.putStorage(a, hexToBytes(slot), bigIntToBytes(value));
    }
  }
  const block = {
    header: {
      number: env.number,
      coinbase: new EvmAddress(hexToBytes(env.coinbase)),
      timestamp: env.timestamp,
      difficulty: 0n,
      prevRandao: hexToBytes(env.prevRandao),
      gasLimit: env.gasLimit,
      baseFeePerGas: env.baseFeePerGas,
      gasUsed: 0n,
      getBlobGasPrice: () => 1n,
    },
  };
  const ethereumjs: Outcome[] = [];
  for (const tx of txs) {
    let r: Awaited<ReturnType<typeof runTx>>;
    try {
      r = await runTx(vm, {
        tx: createTxFromRLP(tx.raw, { common: vm.common }),
        // biome-ignore lint/suspicious/noExplicitAny: runTx reads only these header fields.
        block: block as any,
        skipHardForkValidation: true,
      });
    } catch (error) {
      // runTx throws plain errors for invalid transactions (nonce, funds, intrinsic gas, fee cap).
      if (!(error instanceof Error)) throw error;
      ethereumjs.push({ status: "rejected", gasUsed: 0n, logs: [], contractAddress: null, returnData: "0x" });
      continue;
    }
    ethereumjs.push({
      status: r.execResult.exceptionError ? 0 : 1,
      gasUsed: r.totalGasSpent,
      logs: (r.execResult.logs ?? []).map(([address, topics, data]) => ({
        address: bytesToHex(address),
        topics: topics.map((t) => bytesToHex(t)),
        data: bytesToHex(data),
      })),
      // Compared on success only: geth (and Mach) name the address on failed creations too, @ethereumjs sometimes.
      contractAddress: r.createdAddress && !r.execResult.exceptionError ? r.createdAddress.toString() : null,
      returnData: bytesToHex(r.execResult.returnValue),
    });
  }

  // Every account either side holds (the @ethereumjs side: the top of SimpleStateManager's account map).
  const ejsAccountMap = stateManager.accountStack[stateManager.accountStack.length - 1] ?? new Map();
  const ejsLive = [...ejsAccountMap].filter(([, account]) => account !== undefined).map(([address]) => address);
  const addressSet = new Set<string>([...machState.accounts.keys(), ...ejsLive, ...extraAddresses, env.coinbase]);
  const machAccounts = new Map<string, AccountView | undefined>();
  const ejsAccounts = new Map<string, AccountView | undefined>();
  for (const address of addressSet) {
    const m = machState.accounts.get(address as Address);
    machAccounts.set(
      address,
      m && {
        nonce: m.nonce,
        balance: m.balance,
        codeHash: m.codeHash,
        code: bytesToHex(machState.getCode(address as Address)),
      },
    );
    const a = new EvmAddress(hexToBytes(address as Address));
    const e = await vm.stateManager.getAccount(a);
    ejsAccounts.set(
      address,
      e && {
        nonce: e.nonce,
        balance: e.balance,
        codeHash: bytesToHex(e.codeHash),
        code: bytesToHex(await vm.stateManager.getCode(a)),
      },
    );
  }
  const slotSet = new Set<string>(extraSlots.map(([a, s]) => `${a}/${s}`));
  for (const [address, slots] of machState.storage) for (const slot of slots.keys()) slotSet.add(`${address}/${slot}`);
  // Every non-zero slot of a live account on the @ethereumjs side (keys are `address_0xslot`).
  const ejsStorageMap = stateManager.storageStack[stateManager.storageStack.length - 1] ?? new Map();
  for (const [key, value] of ejsStorageMap) {
    const [address, slot] = key.split("_") as [string, string];
    if (value.length > 0 && BigInt(bytesToHex(value)) !== 0n && ejsAccountMap.get(address) !== undefined) {
      slotSet.add(`${address}/${slot}`);
    }
  }
  const machStorage = new Map<string, bigint>();
  const ejsStorage = new Map<string, bigint>();
  for (const key of slotSet) {
    const [address, slot] = key.split("/") as [Address, Hash];
    machStorage.set(key, machState.getStorage(address, slot));
    const bytes = await vm.stateManager.getStorage(new EvmAddress(hexToBytes(address)), hexToBytes(slot));
    ejsStorage.set(key, bytes.length === 0 ? 0n : BigInt(bytesToHex(bytes)));
  }
  return {
    mach,
    ethereumjs,
    machState: machAccounts,
    ethereumjsState: ejsAccounts,
    machStorage,
    ethereumjsStorage: ejsStorage,
  };
}
