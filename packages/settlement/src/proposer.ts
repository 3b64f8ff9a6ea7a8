/**
 * The proposer's L1 write: an output root for an L2 block becomes a `MachOutputGame` clone through
 * `DisputeGameFactory.create(gameType, rootClaim, extraData)` with `extraData = abi.encode(uint256 l2BlockNumber)`
 * (as op-proposer sends it) and `msg.value = initBonds[gameType]` (the factory rejects any other amount).
 *
 * Idempotent: the factory keys games by `(gameType, rootClaim, extraData)`, so proposing an output that already has
 * a game returns that game (`created: false`) instead of failing on `GameAlreadyExists`, also when an earlier
 * attempt's lost write lands only while this one is under way (`writeOnce`).
 */
import { disputeGameFactoryAbi, machOutputGameType } from "@mach/contracts";
import {
  type Address,
  encodeAbiParameters,
  getAddress,
  type Hash,
  type Hex,
  type PublicClient,
  parseEventLogs,
  zeroAddress,
} from "viem";
import { SettlementError, toSettlementError } from "./errors.ts";
import { type L1WalletClient, writeContractAndWait, writeOnce } from "./write.ts";

/** `extraData` of a Mach output game: `abi.encode(uint256 l2BlockNumber)`. */
export function encodeOutputGameExtraData(l2BlockNumber: bigint): Hex {
  return encodeAbiParameters([{ type: "uint256" }], [l2BlockNumber]);
}

export interface OutputProposerConfig {
  /** Signs `create`; must be the game's configured proposer (unless the deployment allows anyone). */
  readonly walletClient: L1WalletClient;
  readonly publicClient: PublicClient;
  readonly disputeGameFactory: Address;
  /** Default `machOutputGameType` (use `MachL1Addresses.gameType`). */
  readonly gameType?: number;
  /** Default 1. */
  readonly confirmations?: number;
}

export interface ProposeOutputParameters extends OutputProposerConfig {
  readonly outputRoot: Hash;
  readonly l2BlockNumber: bigint;
}

export interface ProposedOutput {
  /** The game clone's address. */
  readonly game: Address;
  /** Its index in the factory (`gameAtIndex`; viem's `game.index`, the portal's `_disputeGameIndex`). */
  readonly index: bigint;
  /** `false` when the game existed already. */
  readonly created: boolean;
  readonly bond: bigint;
  readonly l1TransactionHash?: Hash;
  readonly l1BlockNumber?: bigint;
}

export async function proposeOutput(parameters: ProposeOutputParameters): Promise<ProposedOutput> {
  const { walletClient, publicClient, disputeGameFactory, outputRoot, l2BlockNumber, confirmations = 1 } = parameters;
  const gameType = parameters.gameType ?? machOutputGameType;
  const extraData = encodeOutputGameExtraData(l2BlockNumber);
  const operation = `DisputeGameFactory.create(${gameType}, ${outputRoot}, block ${l2BlockNumber})`;
  let bond: bigint;
  try {
    bond = await publicClient.readContract({
      address: disputeGameFactory,
      abi: disputeGameFactoryAbi,
      functionName: "initBonds",
      args: [gameType],
    });
  } catch (error) {
    throw toSettlementError(operation, error);
  }
  /** The game of this output if the factory holds one already. */
  const existingGame = async (): Promise<ProposedOutput | undefined> => {
    let existing: Address;
    try {
      [existing] = await publicClient.readContract({
        address: disputeGameFactory,
        abi: disputeGameFactoryAbi,
        functionName: "games",
        args: [gameType, outputRoot, extraData],
      });
    } catch (error) {
      throw toSettlementError(operation, error);
    }
    if (existing === zeroAddress) return undefined;
    const game = getAddress(existing);
    return { game, index: await findGameIndex(publicClient, disputeGameFactory, game), created: false, bond };
  };
  const create = async (): Promise<ProposedOutput> => {
    const receipt = await writeContractAndWait({
      walletClient,
      publicClient,
      address: disputeGameFactory,
      abi: disputeGameFactoryAbi,
      functionName: "create",
      args: [gameType, outputRoot, extraData],
      value: bond,
      confirmations,
      operation,
    });
    const created = parseEventLogs({
      abi: disputeGameFactoryAbi,
      eventName: "DisputeGameCreated",
      logs: receipt.logs,
    }).find((log) => getAddress(log.address) === getAddress(disputeGameFactory) && log.args.rootClaim === outputRoot);
    if (!created) throw new SettlementError("permanent", `${operation} emitted no DisputeGameCreated`);
    const game = getAddress(created.args.disputeProxy);
    return {
      game,
      index: await findGameIndex(publicClient, disputeGameFactory, game),
      created: true,
      bond,
      l1TransactionHash: receipt.transactionHash,
      l1BlockNumber: receipt.blockNumber,
    };
  };
  return writeOnce({ find: existingGame, write: create, doneReverts: ["GameAlreadyExists"] });
}

/** The factory index of `game`, searching from the newest game down (a fresh proposal is at or near the top). */
async function findGameIndex(publicClient: PublicClient, factory: Address, game: Address): Promise<bigint> {
  try {
    const count = await publicClient.readContract({
      address: factory,
      abi: disputeGameFactoryAbi,
      functionName: "gameCount",
    });
    for (let index = count - 1n; index >= 0n; index--) {
      const [, , proxy] = await publicClient.readContract({
        address: factory,
        abi: disputeGameFactoryAbi,
        functionName: "gameAtIndex",
        args: [index],
      });
      if (getAddress(proxy) === game) return index;
    }
  } catch (error) {
    throw toSettlementError("DisputeGameFactory.gameAtIndex", error);
  }
  throw new SettlementError("permanent", `game ${game} is not in the factory's list`);
}

export interface OutputProposer {
  proposeOutput(output: { readonly outputRoot: Hash; readonly l2BlockNumber: bigint }): Promise<ProposedOutput>;
}

/** `proposeOutput` with its L1 configuration bound: the seam the proposer loop calls. */
export function createOutputProposer(config: OutputProposerConfig): OutputProposer {
  return { proposeOutput: (output) => proposeOutput({ ...config, ...output }) };
}
