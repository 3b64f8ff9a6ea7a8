/**
 * What the proposer remembers about each output it proposes, from `pending` (recorded, not on L1 yet) through
 * `proposed` (a game on L1) to the game's outcome, and whether it took its bond back. Persisted through
 * `ProposalStore` (LMDB in the node, `createMemoryProposalStore` in tests) as the JSON form `formatOutputProposal`
 * renders (quantities as 0x-hex) and `parseOutputProposal` reads back.
 */
import { type Hex, hexToBigInt, numberToHex } from "viem";
import type { Address, Hash } from "../chain/types.ts";
import type { OutputRecord } from "./outputs.ts";

/**
 * `pending`: recorded, not on L1 yet; `proposed`: its game is open; `defenderWins`: resolved in its favour (the
 * output is final); `challengerWins`: resolved against it (challenged, or never attested and lapsed).
 */
export type ProposalStatus = "pending" | "proposed" | "defenderWins" | "challengerWins";

export interface OutputProposal {
  readonly l2BlockNumber: bigint;
  /** The root posted: the recorded output's (a test-only fault injection may post another). */
  readonly outputRoot: Hash;
  readonly status: ProposalStatus;
  readonly game?: Address;
  readonly gameIndex?: bigint;
  readonly bond?: bigint;
  readonly l1TransactionHash?: Hash;
  /** L1 seconds. */
  readonly attestedAt?: bigint;
  readonly resolvedAt?: bigint;
  /** The bond was paid back (or there was none to pay). */
  readonly bondClaimed?: boolean;
  /** Unix ms, this node's clock. */
  readonly recordedAtMs: number;
  readonly proposedAtMs?: number;
  readonly resolvedAtMs?: number;
}

export function pendingProposalOf(record: OutputRecord, outputRoot: Hash, nowMs: number): OutputProposal {
  return { l2BlockNumber: record.l2BlockNumber, outputRoot, status: "pending", recordedAtMs: nowMs };
}

export function isResolved(proposal: OutputProposal): boolean {
  return proposal.status === "defenderWins" || proposal.status === "challengerWins";
}

/** Persistence of proposals, keyed by `l2BlockNumber` (a put replaces). */
export interface ProposalStore {
  putProposal(proposal: OutputProposal): Promise<void>;
  /** Every proposal, lowest block first. */
  listProposals(): Iterable<OutputProposal>;
}

export function createMemoryProposalStore(): ProposalStore {
  const proposals = new Map<bigint, OutputProposal>();
  return {
    async putProposal(proposal) {
      proposals.set(proposal.l2BlockNumber, proposal);
    },
    listProposals: () => [...proposals.values()].sort((a, b) => (a.l2BlockNumber < b.l2BlockNumber ? -1 : 1)),
  };
}

/** A proposal as plain JSON values. */
export interface JsonOutputProposal {
  readonly l2BlockNumber: Hex;
  readonly outputRoot: Hash;
  readonly status: ProposalStatus;
  readonly game: Address | null;
  readonly gameIndex: Hex | null;
  readonly bond: Hex | null;
  readonly l1TransactionHash: Hash | null;
  readonly attestedAt: Hex | null;
  readonly resolvedAt: Hex | null;
  readonly bondClaimed: boolean;
  readonly recordedAtMs: number;
  readonly proposedAtMs: number | null;
  readonly resolvedAtMs: number | null;
}

const hexOrNull = (value: bigint | undefined): Hex | null => (value === undefined ? null : numberToHex(value));

export function formatOutputProposal(proposal: OutputProposal): JsonOutputProposal {
  return {
    l2BlockNumber: numberToHex(proposal.l2BlockNumber),
    outputRoot: proposal.outputRoot,
    status: proposal.status,
    game: proposal.game ?? null,
    gameIndex: hexOrNull(proposal.gameIndex),
    bond: hexOrNull(proposal.bond),
    l1TransactionHash: proposal.l1TransactionHash ?? null,
    attestedAt: hexOrNull(proposal.attestedAt),
    resolvedAt: hexOrNull(proposal.resolvedAt),
    bondClaimed: proposal.bondClaimed ?? false,
    recordedAtMs: proposal.recordedAtMs,
    proposedAtMs: proposal.proposedAtMs ?? null,
    resolvedAtMs: proposal.resolvedAtMs ?? null,
  };
}

/** Inverse of `formatOutputProposal`. */
export function parseOutputProposal(json: JsonOutputProposal): OutputProposal {
  const bigint = (value: Hex | null) => (value === null ? undefined : hexToBigInt(value));
  const fields = {
    game: json.game ?? undefined,
    gameIndex: bigint(json.gameIndex),
    bond: bigint(json.bond),
    l1TransactionHash: json.l1TransactionHash ?? undefined,
    attestedAt: bigint(json.attestedAt),
    resolvedAt: bigint(json.resolvedAt),
    bondClaimed: json.bondClaimed || undefined,
    proposedAtMs: json.proposedAtMs ?? undefined,
    resolvedAtMs: json.resolvedAtMs ?? undefined,
  };
  return {
    l2BlockNumber: hexToBigInt(json.l2BlockNumber),
    outputRoot: json.outputRoot,
    status: json.status,
    recordedAtMs: json.recordedAtMs,
    ...Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)),
  };
}
