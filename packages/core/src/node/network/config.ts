/**
 * The p2p module's options inside the node's `p2p` section, checked when the network starts (loading `p2p/` loads
 * libp2p, which the node's entry point must not do until a role asks for it). Errors name the key path from the root
 * like every other config error; a node without `p2p.peerKey` gets one generated and kept in its data directory, so
 * its peer id (the `/p2p/<id>` others bootstrap to) survives restarts.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generatePeerKey, type P2pConfig, p2pConfigSchema } from "../../p2p/index.ts";
import { InvalidConfigError, type NodeConfig } from "../config.ts";

/** File in the store directory holding a generated peer key. */
export const PEER_KEY_FILE = "p2p-peer-key";

/** The `p2p` section minus node/'s own keys, parsed by the p2p module's schema. */
export function parseP2pOptions(section: NodeConfig["p2p"]): P2pConfig {
  const { enabled: _enabled, sequencerAddress: _sequencerAddress, ...options } = section;
  const result = p2pConfigSchema.strict().safeParse(options);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${["p2p", ...issue.path].join(".")}: ${issue.message}`);
  throw new InvalidConfigError(`invalid node config:\n${lines.join("\n")}`);
}

/** The configured peer key, else the one kept in `storePath` (generated and kept on first start). */
export async function persistentPeerKey(options: P2pConfig, storePath: string): Promise<P2pConfig> {
  if (options.peerKey !== undefined) return options;
  const file = join(storePath, PEER_KEY_FILE);
  if (existsSync(file)) return { ...options, peerKey: readFileSync(file, "utf8").trim() };
  const peerKey = await generatePeerKey();
  writeFileSync(file, `${peerKey}\n`, { mode: 0o600 });
  return { ...options, peerKey };
}
