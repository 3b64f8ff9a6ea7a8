/**
 * The output side's stores over the node's LMDB environment: output records and message passer proof data (the
 * recorder's `OutputStore`) and the proposer's `ProposalStore`. Records and proposals are JSON; proof data binary.
 * `putOutput` writes a record and its proof data in one transaction.
 */
import type { RootDatabase } from "lmdb";
import {
  decodeMessagePasserProof,
  encodeMessagePasserProof,
  type MessagePasserProofRecord,
} from "../settlement/messagePasserProof.ts";
import {
  formatOutputRecord,
  type JsonOutputRecord,
  type OutputStore,
  parseOutputRecord,
} from "../settlement/outputs.ts";
import {
  formatOutputProposal,
  type JsonOutputProposal,
  type ProposalStore,
  parseOutputProposal,
} from "../settlement/proposals.ts";
import { Bucket } from "../state/store/buckets.ts";

export function createLmdbOutputStore(root: RootDatabase): OutputStore {
  const records = root.openDB<JsonOutputRecord, number>({ name: Bucket.outputs, encoding: "json" });
  const proofs = root.openDB<Uint8Array, number>({ name: Bucket.outputProofs, encoding: "binary" });
  return {
    async putOutput(record, proof) {
      await root.transaction(() => {
        records.putSync(Number(record.l2BlockNumber), formatOutputRecord(record));
        proofs.putSync(Number(proof.l2BlockNumber), encodeMessagePasserProof(proof));
      });
    },
    getOutput(n) {
      const json = records.get(Number(n));
      return json === undefined ? undefined : parseOutputRecord(json);
    },
    *listOutputs(fromBlock) {
      for (const { value } of records.getRange(fromBlock === undefined ? {} : { start: Number(fromBlock) })) {
        yield parseOutputRecord(value);
      }
    },
    *listProofs(): Generator<MessagePasserProofRecord> {
      for (const { value } of proofs.getRange({})) yield decodeMessagePasserProof(value);
    },
    *proofBlocks() {
      for (const key of proofs.getKeys({})) yield BigInt(key);
    },
    async putProof(proof) {
      await proofs.put(Number(proof.l2BlockNumber), encodeMessagePasserProof(proof));
    },
    async deleteProof(n) {
      await proofs.remove(Number(n));
    },
    async deleteOutput(n) {
      await root.transaction(() => {
        records.removeSync(Number(n));
        proofs.removeSync(Number(n));
      });
    },
  };
}

export function createLmdbProposalStore(root: RootDatabase): ProposalStore {
  const db = root.openDB<JsonOutputProposal, number>({ name: Bucket.proposals, encoding: "json" });
  return {
    async putProposal(proposal) {
      await db.put(Number(proposal.l2BlockNumber), formatOutputProposal(proposal));
    },
    *listProposals() {
      for (const { value } of db.getRange({})) yield parseOutputProposal(value);
    },
  };
}
