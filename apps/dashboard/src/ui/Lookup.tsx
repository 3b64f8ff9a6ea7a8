/**
 * Transaction and account lookup. A transaction the node does not know yet (sent a moment ago, still in the pool)
 * is looked up again every second for a minute, so the result fills in when its mini-block seals.
 */
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { StateDiff } from "../api.ts";
import { formatEth, formatGas, formatGwei, groupThousands, quantityToBigInt, quantityToNumber } from "../format.ts";
import type { LiveState } from "../live/liveState.ts";
import type { DecodedArgument } from "../lookup/decode.ts";
import {
  type LookupResult,
  lookupAccount,
  lookupTransaction,
  type NodeRpc,
  parseLookupQuery,
  type TransactionLookup,
} from "../lookup/lookup.ts";
import { Card, type Column, DataTable, Empty, Hex } from "./common.tsx";

const DIFF_COLUMNS: readonly Column[] = [
  { label: "Account" },
  { label: "Balance", numeric: true },
  { label: "Nonce", numeric: true },
  { label: "Slots", numeric: true },
];

const RETRY_MS = 1000;
const RETRY_FOR_MS = 60_000;
const PENDING_HASH = `0x${"f".repeat(64)}`;

type View =
  | { readonly state: "idle" }
  | { readonly state: "invalid"; readonly reason: string }
  | { readonly state: "loading" }
  | { readonly state: "error"; readonly message: string }
  | { readonly state: "done"; readonly result: LookupResult };

const settled = (result: LookupResult) => result.kind === "account" || result.receipt !== undefined;

export function Lookup(props: { live: LiveState; rpc: NodeRpc; query: string; onQuery: (query: string) => void }) {
  const { live, rpc, query } = props;
  const [text, setText] = useState(query);
  const [view, setView] = useState<View>({ state: "idle" });
  const liveRef = useRef(live);
  liveRef.current = live;

  useEffect(() => {
    setText(query);
    const parsed = parseLookupQuery(query);
    if (query.trim() === "") {
      setView({ state: "idle" });
      return;
    }
    if (parsed.kind === "invalid") {
      setView({ state: "invalid", reason: parsed.reason });
      return;
    }
    window.history.replaceState(null, "", `#${parsed.kind === "transaction" ? parsed.hash : parsed.address}`);
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const startedAt = Date.now();
    setView({ state: "loading" });
    const run = async () => {
      const context = {
        rpc,
        abis: liveRef.current.status?.abis ?? {},
        miniBlockOf: (hash: string) => liveRef.current.miniBlockOf(hash),
      };
      try {
        const result =
          parsed.kind === "transaction"
            ? await lookupTransaction(context, parsed.hash)
            : await lookupAccount(context, parsed.address);
        if (cancelled) return;
        setView({ state: "done", result });
        if (!settled(result) && Date.now() - startedAt < RETRY_FOR_MS) timer = setTimeout(run, RETRY_MS);
      } catch (error) {
        if (!cancelled) setView({ state: "error", message: error instanceof Error ? error.message : String(error) });
      }
    };
    void run();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [query, rpc]);

  return (
    <Card id="lookup" title="Lookup" class="span-wide">
      <form
        class="lookup-form"
        onSubmit={(event) => {
          event.preventDefault();
          props.onQuery(text.trim());
        }}
      >
        <label for="lookup-input" class="visually-hidden">
          Transaction hash or address
        </label>
        <input
          id="lookup-input"
          data-testid="lookup-input"
          class="mono"
          type="search"
          inputMode="text"
          autoComplete="off"
          spellcheck={false}
          placeholder="Transaction hash (0x…64) or address (0x…40)"
          value={text}
          onInput={(event) => setText((event.currentTarget as HTMLInputElement).value)}
        />
        <button type="submit">Look up</button>
      </form>
      <div class="lookup-result" data-testid="lookup-result" aria-live="polite">
        {view.state === "invalid" ? <p class="error">{view.reason}</p> : null}
        {view.state === "error" ? <p class="error">The node answered an error: {view.message}</p> : null}
        {view.state === "loading" ? <p class="muted">Looking up…</p> : null}
        {view.state === "done" && view.result.kind === "transaction" ? <TransactionView result={view.result} /> : null}
        {view.state === "done" && view.result.kind === "account" ? (
          <dl class="facts">
            <Fact label="Address">
              <span class="mono break">{view.result.address}</span>
            </Fact>
            <Fact label="Balance">{formatEth(view.result.balance, 6)}</Fact>
            <Fact label="Nonce">{groupThousands(view.result.nonce)}</Fact>
            <Fact label="Code">
              {view.result.codeBytes === 0
                ? "none (an externally owned account)"
                : `${groupThousands(view.result.codeBytes)} bytes`}
            </Fact>
            {view.result.contractName ? <Fact label="Contract">{view.result.contractName}</Fact> : null}
          </dl>
        ) : null}
      </div>
    </Card>
  );
}

function Fact(props: { label: string; wide?: boolean; children: ComponentChildren }) {
  return (
    <div class={props.wide ? "fact fact-wide" : "fact"}>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}

function Arguments(props: { args: readonly DecodedArgument[] }) {
  return (
    <ul class="args">
      {props.args.map((arg) => (
        <li key={arg.name}>
          <span class="arg-name">{arg.name}</span> <span class="arg-type muted">{arg.type}</span>{" "}
          <span class="mono break">{arg.value}</span>
        </li>
      ))}
    </ul>
  );
}

function TransactionView(props: { result: TransactionLookup }) {
  const { transaction, receipt, call, logs, stateDiff, miniBlockNumber, hash } = props.result;
  if (!transaction) {
    return <p class="muted">The node does not know {hash} (yet): looking again every second for a minute.</p>;
  }
  const status = !receipt ? "Pending in the pool" : receipt.status === "0x1" ? "Success" : "Reverted";
  const tone = !receipt ? "pending" : receipt.status === "0x1" ? "ok" : "bad";
  const blockNumber = quantityToNumber(receipt?.blockNumber ?? transaction.blockNumber);
  return (
    <article class="tx-detail" data-testid="lookup-transaction">
      <p class="tx-headline">
        <span class={`status status-${tone}`} data-testid="lookup-status">
          {status}
        </span>
        <span class="mono break">{hash}</span>
      </p>
      <dl class="facts">
        <Fact label="From" wide>
          <span class="mono break">{transaction.from}</span>
        </Fact>
        <Fact label={transaction.to ? "To" : "Created"} wide>
          <span class="mono break">{transaction.to ?? receipt?.contractAddress ?? "–"}</span>
        </Fact>
        <Fact label="Value">{formatEth(quantityToBigInt(transaction.value) ?? 0n, 6)}</Fact>
        <Fact label="Nonce">{quantityToNumber(transaction.nonce) ?? "–"}</Fact>
        <Fact label="Block">
          {blockNumber === undefined ? "–" : `#${groupThousands(blockNumber)}`}
          {receipt && receipt.blockHash === PENDING_HASH ? " (sealing)" : ""}
          {receipt ? ` · index ${quantityToNumber(receipt.transactionIndex)}` : ""}
        </Fact>
        <Fact label="Mini-block">{miniBlockNumber === undefined ? "–" : `#${groupThousands(miniBlockNumber)}`}</Fact>
        <Fact label="Gas used">
          {receipt
            ? `${formatGas(quantityToNumber(receipt.gasUsed) ?? 0)} of ${formatGas(quantityToNumber(transaction.gas) ?? 0)}`
            : "–"}
        </Fact>
        <Fact label="Gas price">{receipt ? formatGwei(quantityToBigInt(receipt.effectiveGasPrice) ?? 0n) : "–"}</Fact>
      </dl>
      {call ? (
        <section aria-label="Decoded call">
          <h3>
            Call <span class="mono">{call.functionName}</span> <span class="badge">{call.contract}</span>
          </h3>
          <Arguments args={call.args} />
        </section>
      ) : null}
      {receipt ? (
        <section aria-label="Logs">
          <h3>Logs ({receipt.logs.length})</h3>
          {receipt.logs.length === 0 ? (
            <Empty>No logs.</Empty>
          ) : (
            <ol class="logs">
              {receipt.logs.map((log, i) => {
                const decoded = logs[i];
                return (
                  <li key={log.logIndex} data-testid="lookup-log">
                    <p>
                      {decoded ? <strong>{decoded.event}</strong> : <strong>Unknown event</strong>}{" "}
                      {decoded ? <span class="badge">{decoded.source}</span> : null} <Hex value={log.address} />
                    </p>
                    {decoded ? (
                      <Arguments args={decoded.args} />
                    ) : (
                      <p class="mono break muted">
                        {log.topics.join(" ")} {log.data}
                      </p>
                    )}
                  </li>
                );
              })}
            </ol>
          )}
        </section>
      ) : null}
      {receipt ? <StateDiffView stateDiff={stateDiff} /> : null}
    </article>
  );
}

function StateDiffView(props: { stateDiff: TransactionLookup["stateDiff"] }) {
  const { stateDiff } = props;
  if (!stateDiff) {
    return (
      <section aria-label="State diff">
        <h3>State diff</h3>
        <Empty>Not available: the block is still open or its diff was pruned after a snapshot.</Empty>
      </section>
    );
  }
  const scope =
    stateDiff.scope === "miniBlock"
      ? `of mini-block #${groupThousands(stateDiff.number)}`
      : `of block #${groupThousands(stateDiff.number)} (all its mini-blocks)`;
  return (
    <section aria-label="State diff" data-testid="lookup-state-diff">
      <h3>State diff {scope}</h3>
      <DiffTable diff={stateDiff.diff} />
    </section>
  );
}

function DiffTable(props: { diff: StateDiff }) {
  return (
    <DataTable caption="Accounts the mini-block or block changed" columns={DIFF_COLUMNS}>
      {props.diff.accounts.map((account) => (
        <tr key={account.address}>
          <td>
            <Hex value={account.address} />
            {account.code ? <span class="badge">code</span> : null}
            {account.deleted ? <span class="badge">deleted</span> : null}
          </td>
          <td class="num mono">
            {account.balance === null ? "–" : formatEth(quantityToBigInt(account.balance) ?? 0n, 4)}
          </td>
          <td class="num mono">{account.nonce === null ? "–" : quantityToNumber(account.nonce)}</td>
          <td class="num mono">{Object.keys(account.storage).length}</td>
        </tr>
      ))}
    </DataTable>
  );
}
