/**
 * Decodes logs and calldata with the ABIs the page knows: the node's (`mach_status.abis`: predeploys and contracts
 * deployed through the devnet) first, then the standard token events every explorer recognizes (ERC-20, ERC-721,
 * ERC-1155). Each candidate event is tried alone in viem's strict mode, so ERC-20's and ERC-721's `Transfer` (same
 * selector, different indexing) are told apart by their topics. Values are rendered as strings for display.
 */
import { type Abi, type AbiEvent, BaseError, decodeEventLog, decodeFunctionData, toEventSelector } from "viem";
import type { KnownAbi, RpcLog } from "../api.ts";

export interface DecodedArgument {
  readonly name: string;
  readonly type: string;
  readonly value: string;
}

export interface DecodedLog {
  readonly event: string;
  /** Where the ABI came from: the contract's own name, or the standard it follows. */
  readonly source: string;
  readonly args: readonly DecodedArgument[];
}

export interface DecodedCall {
  readonly functionName: string;
  readonly contract: string;
  readonly args: readonly DecodedArgument[];
}

const address = (name: string, indexed: boolean) => ({ name, type: "address", indexed }) as const;
const uint = (name: string, indexed: boolean) => ({ name, type: "uint256", indexed }) as const;

/** Standard events by the standard they come from. */
export const STANDARD_EVENTS: readonly { readonly standard: string; readonly event: AbiEvent }[] = [
  {
    standard: "ERC-20",
    event: {
      type: "event",
      name: "Transfer",
      inputs: [address("from", true), address("to", true), uint("value", false)],
    },
  },
  {
    standard: "ERC-20",
    event: {
      type: "event",
      name: "Approval",
      inputs: [address("owner", true), address("spender", true), uint("value", false)],
    },
  },
  {
    standard: "ERC-721",
    event: {
      type: "event",
      name: "Transfer",
      inputs: [address("from", true), address("to", true), uint("tokenId", true)],
    },
  },
  {
    standard: "ERC-721",
    event: {
      type: "event",
      name: "Approval",
      inputs: [address("owner", true), address("approved", true), uint("tokenId", true)],
    },
  },
  {
    standard: "ERC-721",
    event: {
      type: "event",
      name: "ApprovalForAll",
      inputs: [address("owner", true), address("operator", true), { name: "approved", type: "bool", indexed: false }],
    },
  },
  {
    standard: "ERC-1155",
    event: {
      type: "event",
      name: "TransferSingle",
      inputs: [
        address("operator", true),
        address("from", true),
        address("to", true),
        uint("id", false),
        uint("value", false),
      ],
    },
  },
];

/** Renders a decoded value: bigints in decimal, arrays and structs as JSON with bigints as strings. */
export function renderValue(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return value;
  if (typeof value === "boolean" || typeof value === "number") return String(value);
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === "bigint" ? item.toString() : item));
}

function namedArguments(
  inputs: readonly { readonly name?: string | undefined; readonly type: string }[],
  args: unknown,
): DecodedArgument[] {
  return inputs.map((input, i) => {
    const name = input.name || `arg${i}`;
    const value = Array.isArray(args) ? args[i] : (args as Record<string, unknown> | undefined)?.[name];
    return { name, type: input.type, value: renderValue(value) };
  });
}

function eventsOf(abi: readonly unknown[]): AbiEvent[] {
  return (abi as Abi).filter((item): item is AbiEvent => item.type === "event");
}

/** Decodes one log, or `undefined` when no known ABI fits it. */
export function decodeLog(log: RpcLog, abis: Readonly<Record<string, KnownAbi>>): DecodedLog | undefined {
  const [selector] = log.topics;
  if (!selector) return undefined;
  const known = abis[log.address.toLowerCase()];
  const candidates = [
    ...(known ? eventsOf(known.abi).map((event) => ({ source: known.name, event })) : []),
    ...STANDARD_EVENTS.map(({ standard, event }) => ({ source: standard, event })),
  ];
  for (const { source, event } of candidates) {
    if (event.anonymous || toEventSelector(event) !== selector) continue;
    try {
      const decoded = decodeEventLog({
        abi: [event],
        data: log.data as `0x${string}`,
        topics: log.topics as [`0x${string}`, ...`0x${string}`[]],
        strict: true,
      });
      return { event: event.name, source, args: namedArguments(event.inputs, decoded.args) };
    } catch (error) {
      // viem's decode errors: same selector, other layout (ERC-20 vs ERC-721 Transfer); the next candidate may fit.
      if (!(error instanceof BaseError)) throw error;
    }
  }
  return undefined;
}

/** Decodes a call to a contract whose ABI the node knows, or `undefined`. */
export function decodeCall(
  to: string | null,
  input: string,
  abis: Readonly<Record<string, KnownAbi>>,
): DecodedCall | undefined {
  if (!to || input.length < 10) return undefined;
  const known = abis[to.toLowerCase()];
  if (!known) return undefined;
  const abi = known.abi as Abi;
  try {
    const decoded = decodeFunctionData({ abi, data: input as `0x${string}` });
    const fn = abi.find((item) => item.type === "function" && item.name === decoded.functionName);
    const inputs = fn && fn.type === "function" ? fn.inputs : [];
    return { functionName: decoded.functionName, contract: known.name, args: namedArguments(inputs, decoded.args) };
  } catch (error) {
    // viem's decode errors: no function of the ABI has this selector, or the calldata does not fit it.
    if (!(error instanceof BaseError)) throw error;
    return undefined;
  }
}
