/**
 * The p2p `BlockSource` over the node's store: range requests are answered with the exact messages the sequencer
 * sealed, rebuilt from the logged record and its seal (sequencer and replicas alike: no key needed). A mini-block or
 * block stored without a seal (before p2p was enabled) ends the range there.
 */
import type { BlockSource, SignedBlock, SignedMiniBlock } from "../../p2p/index.ts";
import { storedBlockMessage, storedMiniBlockMessage } from "../../p2p/index.ts";
import type { ChainStoreReader } from "../../state/store/chainStore.ts";

export function createStoreBlockSource(store: ChainStoreReader, chainId: bigint): BlockSource {
  return {
    miniBlocksByRange(from, limit) {
      const out: SignedMiniBlock[] = [];
      for (let number = from; out.length < limit; number++) {
        const record = store.getMiniBlockRecord(number);
        const seal = record && store.getMiniBlockSeal(number);
        if (!record || !seal) break;
        out.push(storedMiniBlockMessage({ chainId, record, seal }));
      }
      return out;
    },
    blocksByRange(from, limit) {
      const out: SignedBlock[] = [];
      const head = store.headBlockNumber();
      for (let number = from; out.length < limit && head !== undefined && number <= head; number++) {
        const block = store.getBlockHeader(number);
        const seal = block && store.getBlockSeal(number);
        if (!block || !seal) break;
        out.push(storedBlockMessage({ chainId, block, seal }));
      }
      return out;
    },
  };
}
