/**
 * ethereum/tests TrieTests (secure-trie files, vendored in fixtures/TrieTests with their LICENSE): the root after
 * the listed operations. Keys are keccak256 of the given key, as in the state tries; a string starting with 0x is hex,
 * any other is UTF-8; a null value deletes the key.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { bytesToHex, hexToBytes } from "../../../src/chain/bytes.ts";
import { keccak256 } from "../../../src/chain/hash.ts";
import { MerkleTrie } from "../../../src/state/trie/trie.ts";

interface TrieTest {
  readonly in: readonly (readonly [string, string | null])[] | Readonly<Record<string, string>>;
  readonly root: string;
}

function load(file: string): Record<string, TrieTest> {
  return JSON.parse(readFileSync(new URL(`./fixtures/TrieTests/${file}`, import.meta.url), "utf8"));
}

function bytesOf(text: string): Uint8Array {
  return text.startsWith("0x") ? hexToBytes(text) : new TextEncoder().encode(text);
}

function rootAfter(operations: readonly (readonly [string, string | null])[], viaLoad: boolean): string {
  const trie = new MerkleTrie();
  if (viaLoad) {
    const final = new Map<string, [Uint8Array, Uint8Array]>();
    for (const [key, value] of operations) {
      if (value === null) final.delete(key);
      else final.set(key, [keccak256(bytesOf(key)), bytesOf(value)]);
    }
    trie.load([...final.values()]);
  } else {
    for (const [key, value] of operations) {
      const hashed = keccak256(bytesOf(key));
      if (value === null) trie.delete(hashed);
      else trie.put(hashed, bytesOf(value));
    }
  }
  return bytesToHex(trie.root());
}

describe("ethereum/tests TrieTests (secure trie)", () => {
  for (const file of ["trietest_secureTrie.json", "trieanyorder_secureTrie.json", "hex_encoded_securetrie_test.json"]) {
    for (const [name, test] of Object.entries(load(file))) {
      const operations = Array.isArray(test.in)
        ? (test.in as readonly (readonly [string, string | null])[])
        : Object.entries(test.in as Record<string, string>);
      it(`${file} ${name}: the root after puts and deletes, and after one load() of the result`, () => {
        assert.equal(rootAfter(operations, false), test.root);
        assert.equal(rootAfter(operations, true), test.root);
      });
    }
  }
});
