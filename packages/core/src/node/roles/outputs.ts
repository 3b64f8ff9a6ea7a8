/**
 * The output side of a role that holds the chain in RAM: the `OutputRecorder` fed by each sealed block (outputs,
 * message passer proofs in the store), and what the RPC serves from it: `optimism_outputAtBlock` and `eth_getProof`
 * for the message passer at kept output blocks. The proposer (`proposer.ts`) and the attester (`attester.ts`) run
 * on top of it when configured.
 */
import type { ChainView } from "../../chain/chainView.ts";
import { ZERO_HASH } from "../../chain/constants.ts";
import { OUTPUT_ROOT_VERSION_0 } from "../../chain/outputRoot.ts";
import type { Address, Block, Hash } from "../../chain/types.ts";
import type { AccountProof, OutputAtBlock } from "../../rpc/backend.ts";
import { MESSAGE_PASSER, OutputRecorder } from "../../settlement/outputRecorder.ts";
import type { ChainState } from "../../state/chainState.ts";
import type { LmdbChainStore } from "../../state/store/lmdbStore.ts";
import type { Logger } from "../../telemetry.ts";
import type { NodeConfig } from "../config.ts";
import { createLmdbOutputStore } from "../outputStore.ts";

export interface OutputsPart {
  readonly recorder: OutputRecorder;
  /** `optimism_outputAtBlock`, with op-node's sync status of this node's tags. */
  outputAtBlock(blockNumber: bigint): OutputAtBlock | undefined;
  /** eth_getProof at an older block: the message passer at kept output blocks. */
  proofAt(address: Address, slots: readonly Hash[], blockNumber: bigint): AccountProof | undefined;
}

export interface StartOutputsPartParameters {
  readonly config: NodeConfig;
  readonly store: LmdbChainStore;
  readonly state: ChainState;
  readonly chain: ChainView;
  /** The chain's head when the role starts (its output is recorded again if the node stopped before). */
  readonly head: Block;
  readonly safeBlock: () => bigint;
  readonly finalizedBlock: () => bigint;
  readonly logger: Logger;
}

export async function startOutputsPart(parameters: StartOutputsPartParameters): Promise<OutputsPart> {
  const { config, store, state, chain } = parameters;
  const recorder = new OutputRecorder({
    state: state.world,
    store: createLmdbOutputStore(store.root),
    intervalBlocks: BigInt(config.outputs.intervalBlocks),
    retainProofs: config.outputs.retainProofs,
    recentBlocks: config.outputs.recentBlocks,
    logger: parameters.logger,
  });
  await recorder.resume(parameters.head);

  const l2Ref = (number: bigint) => {
    const block = chain.getBlockByNumber(number);
    if (!block) return null;
    return {
      hash: block.hash,
      number: Number(block.header.number),
      parentHash: block.header.parentHash,
      timestamp: Number(block.header.timestamp),
      // Mach blocks carry no L1 origin yet (it arrives with the L1-attributes deposit).
      l1origin: { hash: ZERO_HASH, number: 0 },
      sequenceNumber: 0,
    };
  };
  const noL1 = { hash: ZERO_HASH, number: 0, parentHash: ZERO_HASH, timestamp: 0 };

  return {
    recorder,
    outputAtBlock(blockNumber) {
      const output = recorder.outputAt(blockNumber);
      if (!output) return undefined;
      return {
        version: OUTPUT_ROOT_VERSION_0,
        outputRoot: output.outputRoot,
        blockHash: output.blockHash,
        blockNumber: output.l2BlockNumber,
        parentHash: output.parentHash,
        timestamp: output.timestamp,
        withdrawalStorageRoot: output.messagePasserStorageRoot,
        stateRoot: output.stateRoot,
        l1Origin: { hash: ZERO_HASH, number: 0n },
        syncStatus: {
          current_l1: noL1,
          current_l1_finalized: noL1,
          head_l1: noL1,
          safe_l1: noL1,
          finalized_l1: noL1,
          unsafe_l2: l2Ref(chain.headBlockNumber()),
          safe_l2: l2Ref(parameters.safeBlock()),
          finalized_l2: l2Ref(parameters.finalizedBlock()),
        },
      };
    },
    proofAt(address, slots, blockNumber) {
      if (address !== MESSAGE_PASSER) return undefined;
      return recorder.messagePasserProof(blockNumber, slots);
    },
  };
}
