import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import fc from "fast-check";
import { merkleRoot } from "../../src/commitment/merkle.ts";
import {
  nmtLeafHash,
  nmtRangeProofNodes,
  nmtRoot,
  nmtRootFromLeafHashes,
  nmtRootFromRangeProof,
} from "../../src/commitment/nmt.ts";
import {
  computeShareCommitment,
  merkleMountainRangeSizes,
  shareCommitmentSubtreeRoots,
  subtreeWidth,
} from "../../src/commitment/shareCommitment.ts";
import { SHARE_SIZE, sparseSharesNeeded, splitBlobIntoShares } from "../../src/commitment/shares.ts";
import { InvalidBlobError } from "../../src/errors.ts";
import { namespaceFromUserBytes, PARITY_SHARES_NAMESPACE } from "../../src/namespace.ts";

const sha = (...parts: Uint8Array[]): Buffer => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest();
};
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

// celestia-node api/docgen/exampledata/blob.json: a 476-byte v0 blob and the commitment the node reports for it.
const EXAMPLE_NAMESPACE = "00000000000000000000000000000000000000000000C27FC4694D31D1";
const EXAMPLE_DATA =
  "CFC432373B6FA2037B358536EE023E9C9820D6F309B642B7BDB76E483CFBFFC9A19A8B37EC8EDDB87E75924828BB1AEC76174E049D78DF53A68A935F55E75BB707BACD0D3A11B24197F8E4E10C305374B6F580535197147D3CD7A44248B8CAD8CD4E983F137C65C7BF28D76C108CB8CF175FC5E917A6FB2064C0617FCDE26207C7BEC140A099A60A9FCE4405280057FBB49EDC17C459C80DB47EDA916B5BA102692DC486F9F1A6E91931BE4CD82ADE68F2BECC04095CA4258A868EA36D227C88C761103A7569DAAEBD60791E81DA01BE838ACC41628104DDACBD936417B1E0C864AD8B7B65FD0343234C46408F2FFCCA604DDB86F5CD58C4E15829A10F94CE029CE2ACE45728E4C1D27C618C317F685624AD2F88281C3529F2798AC95D5AF99AB09056C11803BA58BA0ADCBAEEF30C93B7D451351FD12B7AAEF41E7ED4A8115942D71130E3AFA1E6421769688CD20FC4CC62007591F2714156092767B77A7B052E6DB44A527F577A65B55860BDB2D1782E1F8D64E7826AB9F10C030F6E926685D086CDF4993A7CD79F57576C5937423FA333E9EF914C277D0D01AA6F656BB2F333C79B9589D2C3F0D0FBF69BD780BD55CF284968C4DC8D27D92B5E633B12F01A1D5AAD97368324CD8AADA9BBAC0DCF4B5D269F9F154FA9786F2B1CDF";

// go-square inclusion/commitment_test.go TestCreateCommitment: namespace v0 with ten 0x01 bytes, and a Merkle
// function over exactly two subtree roots, sha256(sha256(r0) ‖ sha256(r1)).
const twoLeafMerkleRoot = (roots: Uint8Array[]): string => {
  assert.equal(roots.length, 2);
  return hex(sha(sha(roots[0]!), sha(roots[1]!)));
};

describe("share commitment: known vectors", () => {
  it("reproduces celestia-node's example blob commitment (one v0 share)", () => {
    const ns = new Uint8Array(Buffer.from(EXAMPLE_NAMESPACE, "hex"));
    const data = new Uint8Array(Buffer.from(EXAMPLE_DATA, "hex"));
    assert.equal(data.length, 476);
    assert.equal(
      hex(computeShareCommitment(ns, data)),
      "68795ba7e27dcae6fa870fee84ae9d3fc8412d1da6172efc5cd45174b7f6efde",
    );
  });

  it("reproduces go-square's two-share v0 subtree roots", () => {
    const ns = namespaceFromUserBytes(new Uint8Array(10).fill(1));
    const roots = shareCommitmentSubtreeRoots(ns, new Uint8Array(478 + 482).fill(0xff), 0);
    assert.equal(twoLeafMerkleRoot(roots), "31f5156d5db9a7f5b43b297a14c070c2cc4ef3d69d87ed08addd216d9b9fa118");
  });

  it("reproduces go-square's two-share v1 (signer) subtree roots", () => {
    const ns = namespaceFromUserBytes(new Uint8Array(10).fill(1));
    const roots = shareCommitmentSubtreeRoots(
      ns,
      new Uint8Array(478 + 482 - 20).fill(0xff),
      1,
      new Uint8Array(20).fill(1),
    );
    assert.equal(twoLeafMerkleRoot(roots), "883c74064e8e2627ad5808389f1f1924194c1ae23c7df962c8d56df062a92b2b");
  });
});

describe("share commitment: tree shape", () => {
  it("matches go-square's MerkleMountainRangeSizes cases", () => {
    assert.deepEqual(merkleMountainRangeSizes(11, 4), [4, 4, 2, 1]);
    assert.deepEqual(merkleMountainRangeSizes(2, 64), [2]);
    assert.deepEqual(merkleMountainRangeSizes(64, 8), [8, 8, 8, 8, 8, 8, 8, 8]);
    assert.deepEqual(merkleMountainRangeSizes(19, 8), [8, 8, 2, 1]);
  });

  it("uses subtree width min(roundUpPow2(ceil(n/64)), roundUpPow2(ceil(sqrt(n))))", () => {
    assert.equal(subtreeWidth(1), 1);
    assert.equal(subtreeWidth(2), 1);
    assert.equal(subtreeWidth(64), 1);
    assert.equal(subtreeWidth(65), 2);
    assert.equal(subtreeWidth(128), 2);
    assert.equal(subtreeWidth(129), 4);
    assert.equal(subtreeWidth(4096), 64);
    assert.equal(subtreeWidth(5000), 128);
    // sqrt bound wins for small counts: 3 shares → ceil(sqrt 3) = 2 → width ≤ 2, threshold gives 1.
    assert.equal(subtreeWidth(3), 1);
  });

  it("mountain sizes are powers of two, non-increasing, bounded by the width, start with every full tree, and sum to n", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20_000 }), (n) => {
        const width = subtreeWidth(n);
        const sizes = merkleMountainRangeSizes(n, width);
        assert.equal(
          sizes.reduce((a, b) => a + b, 0),
          n,
        );
        for (let i = 0; i < sizes.length; i++) {
          const s = sizes[i]!;
          assert.ok(s <= width && (s & (s - 1)) === 0);
          if (i > 0) assert.ok(s <= sizes[i - 1]!);
        }
        assert.equal(sizes.filter((s) => s === width).length, Math.floor(n / width), "full-width trees first");
      }),
    );
  });
});

describe("sparse shares", () => {
  const ns = namespaceFromUserBytes(Uint8Array.of(0xaa, 0xbb));

  it("lays out the first share as namespace ‖ info ‖ u32be length ‖ data and continuation shares as namespace ‖ info ‖ data", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 3000 }), (data) => {
        const shares = splitBlobIntoShares({ namespace: ns, data, shareVersion: 0 });
        assert.equal(shares.length, sparseSharesNeeded(data.length));
        const collected: number[] = [];
        shares.forEach((share, i) => {
          assert.equal(share.length, SHARE_SIZE);
          assert.deepEqual(share.subarray(0, 29), ns);
          assert.equal(share[29], i === 0 ? 1 : 0, "info byte: version 0, sequence start only on the first");
          const body = i === 0 ? share.subarray(34) : share.subarray(30);
          if (i === 0) assert.equal(Buffer.from(share).readUInt32BE(30), data.length);
          collected.push(...body);
        });
        assert.deepEqual(Uint8Array.from(collected.slice(0, data.length)), data);
        assert.ok(
          collected.slice(data.length).every((b) => b === 0),
          "zero padding after the data",
        );
        assert.ok(collected.length - data.length < (shares.length === 1 ? 478 : 482), "no wasted share");
      }),
    );
  });

  it("switches share count exactly at the 478 and 478+482 byte boundaries", () => {
    assert.equal(sparseSharesNeeded(478), 1);
    assert.equal(sparseSharesNeeded(479), 2);
    assert.equal(sparseSharesNeeded(960), 2);
    assert.equal(sparseSharesNeeded(961), 3);
    assert.equal(sparseSharesNeeded(458, 1), 1);
    assert.equal(sparseSharesNeeded(459, 1), 2);
  });

  it("puts the signer after the sequence length in share version 1", () => {
    const signer = new Uint8Array(20).fill(9);
    const [first] = splitBlobIntoShares({ namespace: ns, data: Uint8Array.of(1, 2, 3), shareVersion: 1, signer });
    assert.equal(first![29], (1 << 1) | 1);
    assert.deepEqual(first!.subarray(34, 54), signer);
    assert.deepEqual(first!.subarray(54, 57), Uint8Array.of(1, 2, 3));
  });

  it("refuses empty data, a signer on v0 and a missing signer on v1", () => {
    assert.throws(
      () => splitBlobIntoShares({ namespace: ns, data: new Uint8Array(0), shareVersion: 0 }),
      InvalidBlobError,
    );
    assert.throws(
      () => splitBlobIntoShares({ namespace: ns, data: Uint8Array.of(1), shareVersion: 0, signer: new Uint8Array(20) }),
      /share version 0 does not support signer/,
    );
    assert.throws(
      () => splitBlobIntoShares({ namespace: ns, data: Uint8Array.of(1), shareVersion: 1 }),
      /requires signer of size 20/,
    );
  });
});

/** An independent NMT written from the spec text, with node:crypto: used to cross-check the implementation. */
function referenceNmtRoot(leaves: Uint8Array[]): Buffer {
  const NS = 29;
  const parity = Buffer.alloc(NS, 0xff);
  const leaf = (x: Uint8Array): Buffer => {
    const ns = Buffer.from(x.subarray(0, NS));
    return Buffer.concat([ns, ns, sha(Uint8Array.of(0), x)]);
  };
  const node = (l: Buffer, r: Buffer): Buffer => {
    const [lmin, lmax, rmin, rmax] = [
      l.subarray(0, NS),
      l.subarray(NS, 2 * NS),
      r.subarray(0, NS),
      r.subarray(NS, 2 * NS),
    ];
    const min = Buffer.compare(lmin, rmin) <= 0 ? lmin : rmin;
    const max = lmin.equals(parity)
      ? parity
      : rmin.equals(parity)
        ? lmax
        : Buffer.compare(lmax, rmax) >= 0
          ? lmax
          : rmax;
    return Buffer.concat([min, max, sha(Uint8Array.of(1), l, r)]);
  };
  const build = (xs: Buffer[]): Buffer => {
    if (xs.length === 1) return xs[0]!;
    const k = 2 ** Math.ceil(Math.log2(xs.length) - 1);
    return node(build(xs.slice(0, k)), build(xs.slice(k)));
  };
  return build(leaves.map(leaf));
}

const namespacedLeaves = fc
  .array(fc.tuple(fc.uint8Array({ minLength: 10, maxLength: 10 }), fc.uint8Array({ maxLength: 40 })), {
    minLength: 1,
    maxLength: 33,
  })
  .map((items) =>
    items
      .map(([id, body]) => {
        const ns = new Uint8Array(29);
        ns.set(id, 19);
        return Uint8Array.from([...ns, ...body]);
      })
      .sort((a, b) => Buffer.compare(a.subarray(0, 29), b.subarray(0, 29))),
  );

describe("namespaced Merkle tree", () => {
  it("agrees with an independent implementation on namespace-sorted leaves", () => {
    fc.assert(
      fc.property(namespacedLeaves, (leaves) => {
        assert.equal(hex(nmtRoot(leaves)), hex(referenceNmtRoot(leaves)));
      }),
    );
  });

  it("carries the smallest and largest leaf namespace in the root", () => {
    fc.assert(
      fc.property(namespacedLeaves, (leaves) => {
        const root = nmtRoot(leaves);
        assert.deepEqual(root.subarray(0, 29), leaves[0]!.subarray(0, 29));
        assert.deepEqual(root.subarray(29, 58), leaves[leaves.length - 1]!.subarray(0, 29));
      }),
    );
  });

  it("ignores the parity namespace when computing a node's max namespace", () => {
    const a = Uint8Array.from([...namespaceFromUserBytes(Uint8Array.of(1, 0)), 7]);
    const parityLeaf = Uint8Array.from([...PARITY_SHARES_NAMESPACE, 8]);
    const root = nmtRoot([a, parityLeaf]);
    assert.deepEqual(root.subarray(29, 58), a.subarray(0, 29));
    assert.equal(hex(root), hex(referenceNmtRoot([a, parityLeaf])));
  });

  it("range proofs rebuild the root for every range, and fail for a tampered leaf", () => {
    fc.assert(
      fc.property(namespacedLeaves, fc.nat(), fc.nat(), (leaves, a, b) => {
        const hashes = leaves.map(nmtLeafHash);
        const start = a % leaves.length;
        const end = start + 1 + (b % (leaves.length - start));
        const nodes = nmtRangeProofNodes(hashes, start, end);
        const root = nmtRootFromLeafHashes(hashes);
        const rebuilt = nmtRootFromRangeProof(hashes.slice(start, end), start, end, hashes.length, nodes);
        assert.equal(hex(rebuilt!), hex(root));
        const tampered = hashes.slice(start, end);
        tampered[0] = nmtLeafHash(Uint8Array.from([...leaves[start]!, 0x55]));
        const bad = nmtRootFromRangeProof(tampered, start, end, hashes.length, nodes);
        assert.notEqual(hex(bad!), hex(root));
      }),
    );
  });
});

describe("RFC-6962 Merkle root", () => {
  const reference = (items: Uint8Array[]): Buffer => {
    if (items.length === 0) return sha();
    if (items.length === 1) return sha(Uint8Array.of(0), items[0]!);
    const k = 2 ** Math.ceil(Math.log2(items.length) - 1);
    return sha(Uint8Array.of(1), reference(items.slice(0, k)), reference(items.slice(k)));
  };

  it("is sha256 of nothing for no items and agrees with an independent implementation otherwise", () => {
    assert.equal(hex(merkleRoot([])), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 90 }), { maxLength: 40 }), (items) => {
        assert.equal(hex(merkleRoot(items)), hex(reference(items)));
      }),
    );
  });

  it("a multi-share commitment equals the RFC-6962 root over independently computed subtree roots", () => {
    const ns = namespaceFromUserBytes(Uint8Array.of(3, 1, 4, 1, 5));
    const data = new Uint8Array(200 * 482).map((_, i) => (i * 31) & 0xff);
    const shares = splitBlobIntoShares({ namespace: ns, data, shareVersion: 0 });
    const width = subtreeWidth(shares.length); // 201 shares → width 4
    assert.equal(width, 4);
    const roots: Buffer[] = [];
    for (let i = 0; i < shares.length; ) {
      const size = Math.min(width, 2 ** Math.floor(Math.log2(shares.length - i)));
      roots.push(referenceNmtRoot(shares.slice(i, i + size).map((s) => Uint8Array.from([...ns, ...s]))));
      i += size;
    }
    assert.equal(roots.length, 51);
    assert.equal(hex(computeShareCommitment(ns, data)), hex(reference(roots)));
  });
});
