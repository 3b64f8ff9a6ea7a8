/**
 * The node's libp2p identity. The node generates it once (`generatePeerKey`), persists the hex and passes it back as
 * `p2p.peerKey`; the peer id (and so the `/p2p/<id>` of its multiaddrs) follows from it.
 */
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from "@libp2p/crypto/keys";
import type { PrivateKey } from "@libp2p/interface";
import { peerIdFromPrivateKey } from "@libp2p/peer-id";
import { bytesToHex, hexToBytes } from "../chain/bytes.ts";
import type { Hex } from "../chain/types.ts";
import { P2pConfigError } from "./errors.ts";

/** A new Ed25519 identity, protobuf-encoded as 0x-hex (what `p2p.peerKey` takes). */
export async function generatePeerKey(): Promise<Hex> {
  return bytesToHex(privateKeyToProtobuf(await generateKeyPair("Ed25519")));
}

/** Decodes `p2p.peerKey`; throws `P2pConfigError` when it is not a protobuf-encoded libp2p private key. */
export function parsePeerKey(hex: string): PrivateKey {
  try {
    return privateKeyFromProtobuf(hexToBytes(hex));
  } catch (error) {
    throw new P2pConfigError("p2p.peerKey is not a protobuf-encoded libp2p private key", { cause: error });
  }
}

/** The peer id (`12D3Koo…`) of a `p2p.peerKey`. */
export function peerIdOfKey(hex: string): string {
  return peerIdFromPrivateKey(parsePeerKey(hex)).toString();
}
