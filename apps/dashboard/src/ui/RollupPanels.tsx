/**
 * The rollup's other side: DA batches (submitting → confirmed on DA → recorded on L1, per provider), L1 outputs
 * (proposed → attested → resolved), and the roles that follow the sequencer (replica lag, prover attestations).
 * Empty sections say which role is missing rather than showing zeros that look like data.
 */
import type { DaBatchState, MachStatus } from "../api.ts";
import { formatBytes, formatDuration, groupThousands, quantityToNumber } from "../format.ts";
import { attestationVerdict, replicaLagText } from "../roles.ts";
import { Card, type Column, DataTable, Empty, Hex } from "./common.tsx";

const BATCH_COLUMNS: readonly Column[] = [
  { label: "Blocks" },
  { label: "Status" },
  { label: "Txs", numeric: true },
  { label: "Size", numeric: true },
  { label: "L1 block", numeric: true, wideOnly: true },
];

const STAGES: readonly { state: DaBatchState; label: string }[] = [
  { state: "submitting", label: "Submitting" },
  { state: "confirmed", label: "Confirmed on DA" },
  { state: "recorded", label: "Recorded on L1" },
  { state: "failed", label: "Failed" },
];

const blockRange = (from: string, to: string) => {
  const a = quantityToNumber(from) ?? 0;
  const b = quantityToNumber(to) ?? 0;
  return a === b ? `#${groupThousands(a)}` : `#${groupThousands(a)}–${groupThousands(b)}`;
};

export function DaPanel(props: { status: MachStatus | undefined }) {
  const da = props.status?.da;
  return (
    <Card id="da" title="DA batches" aside={<span class="muted">batcher → DA → L1 BatchInbox</span>}>
      {!da || da.byProvider.length === 0 ? (
        <Empty>No batch yet: the batcher posts one when enough blocks are sealed or the oldest grows old.</Empty>
      ) : (
        <>
          {da.byProvider.map((provider) => (
            <div class="pipeline" key={provider.provider}>
              <p class="provider">
                <span class="badge">{provider.provider}</span>
              </p>
              <ol class="stages">
                {STAGES.filter((stage) => stage.state !== "failed" || provider.failed > 0).map((stage) => (
                  <li key={stage.state} class={`stage stage-${stage.state}`}>
                    <span class="stage-count mono">{groupThousands(provider[stage.state])}</span>
                    <span class="stage-label">{stage.label}</span>
                  </li>
                ))}
              </ol>
            </div>
          ))}
          <DataTable caption="Newest DA batches first" columns={BATCH_COLUMNS}>
            {da.recent.map((batch) => (
              <tr key={batch.fromBlock}>
                <td class="mono">{blockRange(batch.fromBlock, batch.toBlock)}</td>
                <td>
                  <span class={`status status-${batch.status}`}>{batch.status}</span>
                </td>
                <td class="num mono">{groupThousands(batch.txCount)}</td>
                <td class="num mono">{formatBytes(batch.encodedBytes)}</td>
                <td class="num mono hide-narrow">
                  {batch.l1BlockNumber === null
                    ? "–"
                    : `#${groupThousands(quantityToNumber(batch.l1BlockNumber) ?? 0)}`}
                </td>
              </tr>
            ))}
          </DataTable>
        </>
      )}
    </Card>
  );
}

export function OutputsPanel(props: { status: MachStatus | undefined }) {
  const outputs = props.status?.outputs ?? [];
  const count = (state: string) => outputs.filter((output) => output.status === state).length;
  const newest = (state: string) => outputs.find((output) => output.status === state);
  return (
    <Card id="outputs" title="L1 outputs" aside={<span class="muted">proposed → attested → resolved</span>}>
      {outputs.length === 0 ? (
        <Empty>No output proposed yet: this node runs no proposer.</Empty>
      ) : (
        <ol class="stages">
          {(["proposed", "attested", "resolved"] as const).map((state) => {
            const latest = newest(state);
            return (
              <li key={state} class={`stage stage-${state}`}>
                <span class="stage-count mono">{count(state)}</span>
                <span class="stage-label">
                  {state}
                  {latest ? ` · newest L2 #${groupThousands(quantityToNumber(latest.l2BlockNumber) ?? 0)}` : ""}
                </span>
              </li>
            );
          })}
        </ol>
      )}
    </Card>
  );
}

export function RolesPanel(props: { status: MachStatus | undefined; nowMs: number }) {
  const replicas = props.status?.replicas ?? [];
  const attestations = props.status?.attestations ?? [];
  return (
    <Card id="roles" title="Replicas & provers" aside={<span class="muted">followers of the sequencer</span>}>
      <h3>Replica lag</h3>
      {replicas.length === 0 ? (
        <Empty>No replica named in this node's config (status.replicas).</Empty>
      ) : (
        <ul class="plain-list">
          {replicas.map((replica) => (
            <li key={replica.id} data-testid="replica-lag">
              <span class="mono">{replica.id}</span>
              <span class="mono">{replicaLagText(replica)}</span>
            </li>
          ))}
        </ul>
      )}
      <h3>Prover attestations</h3>
      {attestations.length === 0 ? (
        <Empty>No prover attestation yet.</Empty>
      ) : (
        <ul class="plain-list">
          {attestations.slice(0, 6).map((attestation) => (
            <li key={`${attestation.prover}-${attestation.blockNumber}`} data-testid="prover-attestation">
              <span class="mono">#{groupThousands(quantityToNumber(attestation.blockNumber) ?? 0)}</span>
              <Hex value={attestation.prover} />
              <span class="muted">{attestationVerdict(attestation.matchesOwnOutput)}</span>
              <span class="muted">{formatDuration(Math.max(0, props.nowMs - attestation.receivedAt))} ago</span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
