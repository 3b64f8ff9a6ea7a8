import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { hexToBytes } from "../../../src/chain/bytes.ts";
import { createDigestSigner } from "../../../src/chain/digestSignature.ts";
import { recoverMiniBlockSigner } from "../../../src/chain/miniBlockSignature.ts";
import { faultyMessages, servingFaults } from "../../../src/node/network/publishingStore.ts";
import { createStoreBlockSource } from "../../../src/node/network/storeBlockSource.ts";
import {
  defaultP2pConfig,
  encodeBlockMessage,
  encodeMiniBlockMessage,
  type SignedBlock,
  type SignedMiniBlock,
  verifyBlockMessage,
  verifyMiniBlockMessage,
} from "../../../src/p2p/index.ts";
import {
  CHAIN_ID,
  runMixedBlocks,
  SEQUENCER_KEY,
  type SequencerFeed,
  startSequencerFeed,
  Workload,
} from "../../replica/feed.ts";

const compression = defaultP2pConfig.compression;

describe("publishing store (the sequencer on p2p)", () => {
  let source: SequencerFeed | undefined;
  afterEach(async () => {
    await source?.close();
    source = undefined;
  });

  async function run(faults?: Parameters<typeof startSequencerFeed>[0]) {
    source = await startSequencerFeed(faults);
    const workload = new Workload(source);
    await workload.deploy();
    await source.sequencer.produceNow();
    await runMixedBlocks(source, workload, 3);
    return source;
  }

  const verification = (feed: SequencerFeed) => ({
    chainId: CHAIN_ID,
    expectedSigner: () => feed.signerAddress,
    maxMessageBytes: defaultP2pConfig.maxMessageBytes,
  });

  it("signs, seals, logs and publishes every mini-block and block, each verifying as a receiver checks it", async () => {
    const feed = await run();
    assert.equal(feed.miniBlocks.length, Number(feed.store.lastMiniBlockNumber()) + 1);
    assert.equal(feed.blocks.length, Number(feed.sequencer.head.header.number));
    for (const signed of feed.miniBlocks) {
      const verified = verifyMiniBlockMessage(encodeMiniBlockMessage(signed, compression), verification(feed));
      assert.equal(verified.miniBlock.number, signed.miniBlock.number);
      assert.equal(recoverMiniBlockSigner(signed.miniBlock, signed.signature), feed.signerAddress);
      // Logged with it: the signature the miniBlocks subscription serves.
      assert.deepEqual(feed.store.getMiniBlockSeal(signed.miniBlock.number)?.signature, signed.signature);
    }
    for (const signed of feed.blocks) {
      const verified = verifyBlockMessage(encodeBlockMessage(signed, compression), verification(feed));
      assert.equal(verified.hash, feed.store.getBlock(signed.header.number)?.hash);
    }
  });

  it("serves range requests with the very messages it published", async () => {
    const feed = await run();
    const source = createStoreBlockSource(feed.store, CHAIN_ID);
    const miniBlocks = (await source.miniBlocksByRange(0n, 1000)) as SignedMiniBlock[];
    const blocks = (await source.blocksByRange(1n, 1000)) as SignedBlock[];
    assert.deepEqual(
      miniBlocks.map((signed) => encodeMiniBlockMessage(signed, compression)),
      feed.miniBlocks.map((signed) => encodeMiniBlockMessage(signed, compression)),
    );
    assert.deepEqual(
      blocks.map((signed) => encodeBlockMessage(signed, compression)),
      feed.blocks.map((signed) => encodeBlockMessage(signed, compression)),
    );
    // The served messages decode to the published mini-blocks when read (decoding waits until then).
    assert.deepEqual(
      miniBlocks.map((signed) => signed.miniBlock.number),
      feed.miniBlocks.map((signed) => signed.miniBlock.number),
    );
    assert.equal(
      miniBlocks.at(-1)?.miniBlock.stateDiff.accounts.length,
      feed.miniBlocks.at(-1)?.miniBlock.stateDiff.accounts.length,
    );
    // Blocks are served from their headers: a block's transactions are never decoded for it (they are not in the
    // message, and decoding them held the sequencer's thread ~1 s for 20 blocks of ~2,600 transfers).
    const headersOnly = createStoreBlockSource(
      new Proxy(feed.store, {
        get(store, property) {
          if (property === "getBlock") return () => assert.fail("getBlock called to serve a block range");
          const value = Reflect.get(store, property, store);
          return typeof value === "function" ? value.bind(store) : value;
        },
      }),
      CHAIN_ID,
    );
    assert.deepEqual(
      ((await headersOnly.blocksByRange(1n, 1000)) as SignedBlock[]).map((signed) =>
        encodeBlockMessage(signed, compression),
      ),
      feed.blocks.map((signed) => encodeBlockMessage(signed, compression)),
    );
    // A range stops at what the store lacks.
    assert.equal((await source.blocksByRange(feed.sequencer.head.header.number + 1n, 10)).length, 0);
    assert.equal((await source.miniBlocksByRange(BigInt(feed.miniBlocks.length), 10)).length, 0);
  });

  it("with test faults, publishes validly sealed wrong messages and still logs and serves the right ones", async () => {
    const feed = await run({ faults: { wrongDiffAtBlock: 2n, wrongStateRootAtBlock: 3n } });
    const source = createStoreBlockSource(feed.store, CHAIN_ID);
    const faultyMiniBlock = feed.miniBlocks.find((s) => s.miniBlock.blockNumber === 2n && s.miniBlock.index === 0);
    assert.ok(faultyMiniBlock);
    const served = (await source.miniBlocksByRange(faultyMiniBlock.miniBlock.number, 1))[0];
    assert.ok(served);
    assert.notDeepEqual(faultyMiniBlock.payload, served.payload);
    assert.equal(faultyMiniBlock.miniBlock.stateDiff.accounts.length, served.miniBlock.stateDiff.accounts.length + 1);
    verifyMiniBlockMessage(encodeMiniBlockMessage(faultyMiniBlock, compression), verification(feed));

    const faultyBlock = feed.blocks.find((signed) => signed.header.number === 3n);
    assert.ok(faultyBlock);
    verifyBlockMessage(encodeBlockMessage(faultyBlock, compression), verification(feed));
    assert.notEqual(faultyBlock.header.stateRoot, feed.store.getBlock(3n)?.header.stateRoot);
    assert.equal((await source.blocksByRange(3n, 1))[0]?.hash, feed.store.getBlock(3n)?.hash);
    // Every other message is untouched.
    assert.deepEqual(
      feed.blocks.filter((signed) => signed.header.number !== 3n).map((signed) => signed.hash),
      [1n, 2n].map((n) => feed.store.getBlock(n)?.hash),
    );
  });

  it("with serveWrongDiff, serves the wrong mini-block in range responses too, sealed as valid", async () => {
    const faults = { wrongDiffAtBlock: 2n, serveWrongDiff: true };
    const feed = await run({ faults });
    const signer = createDigestSigner(hexToBytes(SEQUENCER_KEY));
    const source = servingFaults(
      createStoreBlockSource(feed.store, CHAIN_ID),
      faults,
      faultyMessages(faults, CHAIN_ID, signer),
    );
    const served = (await source.miniBlocksByRange(0n, 1000)) as SignedMiniBlock[];
    const logged = (await createStoreBlockSource(feed.store, CHAIN_ID).miniBlocksByRange(
      0n,
      1000,
    )) as SignedMiniBlock[];
    assert.equal(served.length, logged.length);
    served.forEach((signed, i) => {
      const { miniBlock } = signed;
      verifyMiniBlockMessage(encodeMiniBlockMessage(signed, compression), verification(feed));
      if (miniBlock.blockNumber === 2n && miniBlock.index === 0) {
        // What gossip carried: the same wrong message.
        const published = feed.miniBlocks.find((s) => s.miniBlock.number === miniBlock.number);
        assert.deepEqual(signed.payload, published?.payload);
        assert.equal(
          miniBlock.stateDiff.accounts.length,
          (logged[i] as SignedMiniBlock).miniBlock.stateDiff.accounts.length + 1,
        );
      } else {
        assert.deepEqual(signed.payload, (logged[i] as SignedMiniBlock).payload);
      }
    });
    assert.deepEqual(
      await source.blocksByRange(1n, 10),
      await createStoreBlockSource(feed.store, CHAIN_ID).blocksByRange(1n, 10),
    );
  });
});
