/** The output loops over a memory L1: a test chain, its recorder, proposer and attester factories, clocks. */
import { createAttester } from "../../src/settlement/attester.ts";
import { createMemorySettlement, type MemorySettlement } from "../../src/settlement/memory.ts";
import { OutputRecorder } from "../../src/settlement/outputRecorder.ts";
import { createMemoryOutputStore } from "../../src/settlement/outputs.ts";
import { createMemoryProposalStore, type ProposalStore } from "../../src/settlement/proposals.ts";
import { type CreateProposerParameters, createProposer } from "../../src/settlement/proposer.ts";
import { TestChain } from "./fixtures.ts";

export const BOND = 5n;

export function setup(options: { proposalStore?: ProposalStore } = {}) {
  const chain = new TestChain();
  const recorder = new OutputRecorder({
    state: chain.state.world,
    store: createMemoryOutputStore(),
    intervalBlocks: 2n,
    retainProofs: 8,
    recentBlocks: 64,
  });
  // L1 windows: challenge 12 s, attestation 36 s; every mined L1 block is 12 s.
  const l1: MemorySettlement = createMemorySettlement({
    games: { challengeWindowSeconds: 12n, attestationWindowSeconds: 36n, bond: BOND },
  });
  const store = options.proposalStore ?? createMemoryProposalStore();
  let clockMs = 0;
  const proposerOver = (overrides: Partial<CreateProposerParameters> = {}) =>
    createProposer({
      outputs: recorder,
      store,
      proposer: l1.proposer,
      games: l1.games,
      now: () => clockMs,
      ...overrides,
    });
  const attester = createAttester({
    chainId: 901n,
    outputs: { outputAt: (n) => recorder.outputAt(n), headBlockNumber: () => chain.head.header.number },
    games: l1.games,
    signer: l1.attester,
    sink: l1.attestations,
  });
  return {
    chain,
    recorder,
    l1,
    store,
    attester,
    proposerOver,
    tick: (ms: number) => {
      clockMs += ms;
    },
    seal: async (blocks: number) => {
      for (let i = 0; i < blocks; i++) await recorder.blockSealed(chain.seal());
    },
    mineL1: (blocks: number) => {
      for (let i = 0; i < blocks; i++) l1.mine();
    },
  };
}

export const transient = () => Object.assign(new Error("L1 node unreachable"), { kind: "transient" });
