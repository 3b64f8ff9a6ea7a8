/**
 * What a dev chain's next blocks look like: the clock offset (`evm_increaseTime`), the next block's timestamp
 * (`evm_setNextBlockTimestamp`), a fixed step between blocks (`anvil_setBlockTimestampInterval`), coinbase, gas limit,
 * the next block's base fee and PREVRANDAO, and automine. The sequencer asks `blockEnv` as each block opens (its
 * `SequencerDevHooks`); `blockSealed` retires one-shot settings. Pure: the clock comes in as an argument.
 */
import type { OpenBlockEnv } from "../../chain/openBlock.ts";
import type { Address, Block, Hash } from "../../chain/types.ts";

export interface BlockSettingsValues {
  offsetSeconds: bigint;
  nextTimestamp: bigint | undefined;
  intervalSeconds: bigint | undefined;
  coinbase: Address | undefined;
  gasLimit: bigint | undefined;
  nextBaseFeePerGas: bigint | undefined;
  nextPrevRandao: Hash | undefined;
  automine: boolean;
}

export class DevBlockSettings {
  values: BlockSettingsValues;

  constructor(automine: boolean) {
    this.values = DevBlockSettings.initial(automine);
  }

  static initial(automine: boolean): BlockSettingsValues {
    return {
      offsetSeconds: 0n,
      nextTimestamp: undefined,
      intervalSeconds: undefined,
      coinbase: undefined,
      gasLimit: undefined,
      nextBaseFeePerGas: undefined,
      nextPrevRandao: undefined,
      automine,
    };
  }

  /** A copy (snapshots keep one). */
  save(): BlockSettingsValues {
    return { ...this.values };
  }

  restore(values: BlockSettingsValues): void {
    this.values = { ...values };
  }

  /** The environment of a block opening on `parent` at wall-clock `nowSeconds`. */
  blockEnv(env: OpenBlockEnv, parent: Block, nowSeconds: bigint): OpenBlockEnv {
    const v = this.values;
    const after = parent.header.timestamp + 1n;
    let timestamp: bigint;
    if (v.nextTimestamp !== undefined) timestamp = v.nextTimestamp;
    else if (v.intervalSeconds !== undefined) timestamp = parent.header.timestamp + v.intervalSeconds;
    else timestamp = nowSeconds + v.offsetSeconds > parent.header.timestamp ? nowSeconds + v.offsetSeconds : after;
    return {
      ...env,
      timestamp,
      ...(v.coinbase !== undefined ? { coinbase: v.coinbase } : {}),
      ...(v.gasLimit !== undefined ? { gasLimit: v.gasLimit } : {}),
      ...(v.nextBaseFeePerGas !== undefined ? { baseFeePerGas: v.nextBaseFeePerGas } : {}),
      ...(v.nextPrevRandao !== undefined ? { prevRandao: v.nextPrevRandao } : {}),
    };
  }

  /**
   * A block sealed: a forced timestamp becomes the clock's new offset (later blocks continue from it, as on
   * Hardhat and anvil), and the one-shot base fee and PREVRANDAO are used up once a block carried them.
   */
  blockSealed(block: Block, nowSeconds: bigint): void {
    const v = this.values;
    if (v.nextTimestamp !== undefined && block.header.timestamp === v.nextTimestamp) {
      v.offsetSeconds = v.nextTimestamp - nowSeconds;
      v.nextTimestamp = undefined;
    }
    if (block.header.baseFeePerGas === v.nextBaseFeePerGas) v.nextBaseFeePerGas = undefined;
    if (block.header.mixHash === v.nextPrevRandao) v.nextPrevRandao = undefined;
  }
}
