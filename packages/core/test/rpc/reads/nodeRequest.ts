/** One JSON-RPC request over HTTP to an in-process node, answered as the raw envelope (result or error). */
import assert from "node:assert/strict";
import type { MachNode } from "../../../src/node/node.ts";

export interface Answer {
  result?: unknown;
  error?: { code: number; message: string };
}

export async function requestNode(node: MachNode, method: string, params: unknown[]): Promise<Answer> {
  assert.ok(node.rpcUrl, "the node serves JSON-RPC");
  const response = await fetch(node.rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return (await response.json()) as Answer;
}
