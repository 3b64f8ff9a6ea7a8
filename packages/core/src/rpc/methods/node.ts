/** Node identity and status: web3_*, net_*, eth_chainId, eth_blockNumber, eth_syncing (eth_accounts: accounts.ts). */
import { keccak256Hex } from "../../chain/hash.ts";
import { defineMethod, type MethodTable } from "../context.ts";
import { toQuantity } from "../format.ts";
import { data } from "../params.ts";

export const nodeMethods: MethodTable = {
  web3_clientVersion: defineMethod([], (_args, { backend }) => backend.clientVersion),
  web3_sha3: defineMethod([{ name: "data", schema: data }], ([input]) => keccak256Hex(input)),
  net_version: defineMethod([], (_args, { backend }) => backend.chainId.toString(10)),
  net_listening: defineMethod([], () => true),
  net_peerCount: defineMethod([], (_args, { backend }) => toQuantity(backend.peerCount())),
  eth_chainId: defineMethod([], (_args, { backend }) => toQuantity(backend.chainId)),
  eth_blockNumber: defineMethod([], (_args, { backend }) => toQuantity(backend.headBlockNumber())),
  eth_syncing: defineMethod([], (_args, { backend }) => {
    const progress = backend.syncing();
    if (progress === false) return false;
    return {
      startingBlock: toQuantity(progress.startingBlock),
      currentBlock: toQuantity(progress.currentBlock),
      highestBlock: toQuantity(progress.highestBlock),
    };
  }),
};
