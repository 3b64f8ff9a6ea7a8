/** The live feeds: mini-blocks as they stream, the newest transactions with their receipts, sealed blocks. */
import { formatBytes, formatClock, formatDuration, formatEth, formatGas, groupThousands } from "../format.ts";
import type { LiveState } from "../live/liveState.ts";
import { Card, type Column, DataTable, Empty, Hex } from "./common.tsx";

const MINI_BLOCK_COLUMNS: readonly Column[] = [
  { label: "Mini-block" },
  { label: "Block · index" },
  { label: "Txs", numeric: true },
  { label: "Gas", numeric: true },
  { label: "Size", numeric: true, wideOnly: true },
  { label: "Interval", numeric: true },
];

const BLOCK_COLUMNS: readonly Column[] = [
  { label: "Block" },
  { label: "Hash", wideOnly: true },
  { label: "Mini-blocks", numeric: true },
  { label: "Txs", numeric: true },
  { label: "Gas", numeric: true },
  { label: "Time", numeric: true },
];

export function MiniBlockFeed(props: { live: LiveState }) {
  const { miniBlocks } = props.live;
  return (
    <Card id="mini-blocks" title="Mini-blocks" aside={<span class="muted">streaming · miniBlocks</span>}>
      {miniBlocks.length === 0 ? (
        <Empty>No mini-block yet.</Empty>
      ) : (
        <DataTable caption="Newest mini-blocks first" columns={MINI_BLOCK_COLUMNS}>
          {miniBlocks.map((miniBlock) => (
            <tr key={miniBlock.number} class={miniBlock.transactions > 0 ? "" : "quiet"}>
              <td class="mono">#{groupThousands(miniBlock.number)}</td>
              <td class="mono">
                #{groupThousands(miniBlock.blockNumber)} · {miniBlock.index}
              </td>
              <td class="num mono">{miniBlock.transactions}</td>
              <td class="num mono">{formatGas(miniBlock.gasUsed)}</td>
              <td class="num mono hide-narrow">{formatBytes(miniBlock.bytes)}</td>
              <td class="num mono">{formatDuration(miniBlock.intervalMs)}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </Card>
  );
}

export function TransactionFeed(props: { live: LiveState; onSelect: (hash: string) => void }) {
  const { transactions } = props.live;
  return (
    <Card id="transactions" title="Transactions" aside={<span class="muted">with receipts, as sealed</span>}>
      {transactions.length === 0 ? (
        <Empty>No transaction since the page opened.</Empty>
      ) : (
        <ul class="tx-list" data-testid="tx-feed">
          {transactions.map((tx) => (
            <li key={tx.hash} data-tx-hash={tx.hash}>
              <button type="button" class="tx-row" onClick={() => props.onSelect(tx.hash)}>
                <span class={`status ${tx.success ? "status-ok" : "status-bad"}`}>
                  {tx.success ? "Success" : "Reverted"}
                </span>
                <Hex value={tx.hash} keep={6} />
                <span class="tx-route mono">
                  <Hex value={tx.from} /> → {tx.to ? <Hex value={tx.to} /> : tx.contractAddress ? "create" : "–"}
                </span>
                <span class="tx-meta mono">
                  {formatEth(tx.value, 4)} · {formatGas(tx.gasUsed)} gas
                  {tx.logs > 0 ? ` · ${tx.logs} log${tx.logs === 1 ? "" : "s"}` : ""} · mb #
                  {groupThousands(tx.miniBlockNumber)}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

export function BlockFeed(props: { live: LiveState }) {
  const { blocks } = props.live;
  return (
    <Card id="blocks" title="Blocks" aside={<span class="muted">sealed · newHeads</span>}>
      {blocks.length === 0 ? (
        <Empty>No block sealed since the page opened.</Empty>
      ) : (
        <DataTable caption="Newest sealed blocks first" columns={BLOCK_COLUMNS}>
          {blocks.map((block) => (
            <tr key={block.number}>
              <td class="mono">#{groupThousands(block.number)}</td>
              <td class="hide-narrow">
                <Hex value={block.hash} />
              </td>
              <td class="num mono">{block.miniBlockCount}</td>
              <td
                class="num mono"
                title={block.transactions === null ? "some mini-blocks arrived before the page opened" : ""}
              >
                {block.transactions === null ? "…" : groupThousands(block.transactions)}
              </td>
              <td class="num mono">{formatGas(block.gasUsed)}</td>
              <td class="num mono">{formatClock(block.timestampMs)}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </Card>
  );
}
