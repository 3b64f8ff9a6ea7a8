/**
 * Provers fed by hand from sequencer feeds (what the p2p node hands them after verifying): blocks with their
 * mini-blocks, witnesses from the feed that sealed the block.
 */
import assert from "node:assert/strict";
import { createEthereumJsExecutor } from "../../src/execution/ethereumjsExecutor.ts";
import { Prover } from "../../src/prover/prover.ts";
import { CHAIN_ID, chainConfig, type SequencerFeed } from "../replica/feed.ts";

/** A prover from the feeds' genesis; each block's witness comes from whichever feed sealed it (`witnesses: true`). */
export async function proverOf(feeds: readonly SequencerFeed[], keepProvenBlocks = 64): Promise<Prover> {
  const first = feeds[0];
  assert.ok(first);
  return new Prover({
    chain: chainConfig,
    executor: await createEthereumJsExecutor({ chainId: CHAIN_ID }),
    anchor: first.genesis,
    fetchWitness: async ({ number, hash }) => {
      const witness = feeds.find((feed) => feed.store.getBlock(number)?.hash === hash)?.witnesses.get(number);
      assert.ok(witness, `witness of block ${number} (${hash})`);
      return witness;
    },
    keepProvenBlocks,
  });
}

/** Proves `source`'s blocks `from`..`through` (each after its mini-blocks), asserting none is refused. */
export async function proveBlocks(prover: Prover, source: SequencerFeed, from: bigint, through: bigint): Promise<void> {
  for (const signed of source.blocks.filter((b) => b.header.number >= from && b.header.number <= through)) {
    for (const mini of source.miniBlocks) {
      if (mini.miniBlock.blockNumber === signed.header.number) prover.addMiniBlock(mini.miniBlock);
    }
    const outcome = await prover.addBlock(signed);
    assert.ok(!("reason" in outcome), `block ${signed.header.number}: ${"detail" in outcome ? outcome.detail : ""}`);
  }
}

/** Hands the prover the mini-blocks of `source`'s open block (sealed after its head). */
export function addOpenMiniBlocks(prover: Prover, source: SequencerFeed): void {
  const head = source.sequencer.head.header.number;
  for (const mini of source.miniBlocks) if (mini.miniBlock.blockNumber > head) prover.addMiniBlock(mini.miniBlock);
}
