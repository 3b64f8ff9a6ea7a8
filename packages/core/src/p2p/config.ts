/**
 * p2p configuration: the module's own zod schema with named defaults (node/ composes it into the node config and
 * persists the peer key). Nothing listens beyond `listen`; peers come from `bootstrap` (static, with their peer ids,
 * so noise authenticates who answers). Transports follow the addresses: `/tcp/…` (noise + yamux) and
 * `/udp/…/quic-v1`.
 */
import { multiaddr } from "@multiformats/multiaddr";
import { z } from "zod";

/** Loopback, a port the OS picks: reachable by nothing outside this host. A node that others dial names its port. */
export const DEFAULT_P2P_LISTEN: readonly string[] = ["/ip4/127.0.0.1/tcp/0"];
/**
 * Largest message body, decompressed (a 1,000-transfer mini-block with receipts and diff is ~0.74 MB raw, ~0.16 MB
 * zstd). Gossip also caps the frame on the wire at `MAX_GOSSIP_FRAME_BYTES` (≈4 MiB, gossipsub's RPC limit).
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
/** zstd level 3 and only for bodies ≥ 256 B: see bench/p2p (compression roughly halves a full mini-block). */
export const DEFAULT_COMPRESSION = { algorithm: "zstd", level: 3, minBytes: 256 } as const;
/**
 * Range request bounds: items per request, bytes per response, time per request. Mini-block ranges are short (a full
 * mini-block holds ~100 transactions), so a catching-up replica starts applying after one short range is fetched and
 * checked rather than after 256 (`pnpm bench --only replica`, 60,000 transfers: 6,200-7,400 tx/s caught up with 32 × 8
 * in flight, 5,400-5,600 with 256 × 2).
 */
export const DEFAULT_MAX_RANGE_MINI_BLOCKS = 32;
export const DEFAULT_MAX_RANGE_BLOCKS = 256;
/**
 * Range requests a catch-up keeps in flight (consecutive ranges): the serving peer prepares the next ranges and the
 * range verifier checks them while this node applies the one before.
 */
export const DEFAULT_RANGE_REQUESTS_IN_FLIGHT = 8;
/**
 * Where range responses are checked and decoded: "worker" (a worker thread, so checking the next range overlaps
 * applying the last one: a catching-up replica's thread spent about a third of its time on it) or "inline".
 */
export const DEFAULT_RANGE_VERIFICATION = "worker";
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/**
 * Frames kept to serve ranges again without encoding them (`frameCache.ts`): the messages this node published or
 * served lately. 64 MiB holds ~1,700 full mini-blocks of ~230 ERC-20 transfers (zstd frames of ~38 KB), minutes of a
 * busy chain; re-compressing them took a sequencer ~1 s of its thread per replica catching up 60,000 transfers.
 */
export const DEFAULT_FRAME_CACHE_BYTES = 64 * 1024 * 1024;
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** Wait before asking again when no peer had a missing range (or a response made no progress). */
export const DEFAULT_RANGE_RETRY_MS = 1_000;
/** How long a gap may stay open before it is fetched by range (gossip reorders by a few milliseconds). */
export const DEFAULT_GAP_GRACE_MS = 50;
/** Out-of-order messages kept while a gap is filled; beyond, catch-up fetches them. */
export const DEFAULT_MAX_PENDING_MINI_BLOCKS = 4_096;
export const DEFAULT_MAX_PENDING_BLOCKS = 256;
/**
 * Gossip forwards a message within seconds (gossipsub's message cache spans ~3 heartbeats, its seen-cache 2 min):
 * a number we already have, sealed longer ago than this, is a replay; a new one that old is not forwarded.
 */
export const DEFAULT_MAX_MESSAGE_AGE_MS = 120_000;
/** How far in the future a seal time may be (clock skew between sequencer and receiver). */
export const DEFAULT_MAX_CLOCK_SKEW_MS = 5_000;
export const DEFAULT_MAX_CONNECTIONS = 64;
/** gossipsub heartbeat (mesh upkeep, gossip emission); Ethereum's consensus layer uses 700 ms. */
export const DEFAULT_HEARTBEAT_MS = 700;

function parses(parse: (value: string) => unknown): (value: string) => boolean {
  return (value) => {
    try {
      parse(value);
      return true;
    } catch {
      // A value that does not parse is the answer here; zod reports it with its key path.
      return false;
    }
  };
}

const multiaddrString = z.string().refine(parses(multiaddr), { message: "not a multiaddr" });
const peerMultiaddrString = z.string().refine(
  parses((value) => {
    if (multiaddr(value).getComponents().at(-1)?.name !== "p2p") throw new Error("no /p2p/<peer id>");
  }),
  { message: "not a multiaddr ending in /p2p/<peer id>" },
);

export const p2pConfigSchema = z.object({
  /** Addresses to listen on (TCP and/or QUIC); nothing else is opened. */
  listen: z.array(multiaddrString).default([...DEFAULT_P2P_LISTEN]),
  /** Static peers to dial and keep connected, each `…/p2p/<peer id>`. */
  bootstrap: z.array(peerMultiaddrString).default([]),
  /**
   * The node's libp2p identity: a protobuf-encoded private key as 0x-hex (`generatePeerKey()`). The node persists
   * it; absent, every start gets a new identity.
   */
  peerKey: z
    .string()
    .regex(/^0x([0-9a-fA-F]{2})+$/, "not 0x-hex")
    .optional(),
  maxMessageBytes: z.number().int().positive().default(DEFAULT_MAX_MESSAGE_BYTES),
  compression: z
    .object({
      algorithm: z.enum(["zstd", "none"]).default(DEFAULT_COMPRESSION.algorithm),
      level: z.number().int().min(1).max(22).default(DEFAULT_COMPRESSION.level),
      minBytes: z.number().int().nonnegative().default(DEFAULT_COMPRESSION.minBytes),
    })
    .default({ ...DEFAULT_COMPRESSION }),
  maxRangeMiniBlocks: z.number().int().positive().default(DEFAULT_MAX_RANGE_MINI_BLOCKS),
  maxRangeBlocks: z.number().int().positive().default(DEFAULT_MAX_RANGE_BLOCKS),
  rangeRequestsInFlight: z.number().int().min(1).max(16).default(DEFAULT_RANGE_REQUESTS_IN_FLIGHT),
  rangeVerification: z.enum(["worker", "inline"]).default(DEFAULT_RANGE_VERIFICATION),
  maxResponseBytes: z.number().int().positive().default(DEFAULT_MAX_RESPONSE_BYTES),
  frameCacheBytes: z.number().int().nonnegative().default(DEFAULT_FRAME_CACHE_BYTES),
  requestTimeoutMs: z.number().int().positive().default(DEFAULT_REQUEST_TIMEOUT_MS),
  rangeRetryMs: z.number().int().positive().default(DEFAULT_RANGE_RETRY_MS),
  gapGraceMs: z.number().int().nonnegative().default(DEFAULT_GAP_GRACE_MS),
  maxPendingMiniBlocks: z.number().int().positive().default(DEFAULT_MAX_PENDING_MINI_BLOCKS),
  maxPendingBlocks: z.number().int().positive().default(DEFAULT_MAX_PENDING_BLOCKS),
  maxMessageAgeMs: z.number().int().positive().default(DEFAULT_MAX_MESSAGE_AGE_MS),
  maxClockSkewMs: z.number().int().nonnegative().default(DEFAULT_MAX_CLOCK_SKEW_MS),
  maxConnections: z.number().int().positive().default(DEFAULT_MAX_CONNECTIONS),
  heartbeatMs: z.number().int().positive().default(DEFAULT_HEARTBEAT_MS),
});

export type P2pConfig = z.infer<typeof p2pConfigSchema>;
export type P2pConfigInput = z.input<typeof p2pConfigSchema>;

export const defaultP2pConfig: P2pConfig = p2pConfigSchema.parse({});
