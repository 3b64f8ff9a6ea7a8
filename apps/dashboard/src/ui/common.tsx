/** Small pieces every panel uses: a titled card, an honest empty state, a copyable hash, a data table. */
import type { ComponentChildren } from "preact";
import { shortHex } from "../format.ts";

export function Card(props: {
  id: string;
  title: string;
  class?: string;
  aside?: ComponentChildren;
  children: ComponentChildren;
}) {
  return (
    <section id={props.id} class={`card ${props.class ?? ""}`} aria-labelledby={`${props.id}-title`}>
      <header class="card-head">
        <h2 id={`${props.id}-title`}>{props.title}</h2>
        {props.aside ? <div class="card-aside">{props.aside}</div> : null}
      </header>
      {props.children}
    </section>
  );
}

export function Empty(props: { children: ComponentChildren }) {
  return <p class="empty">{props.children}</p>;
}

/** A shortened hash with the full value in its title and for screen readers. */
export function Hex(props: { value: string; keep?: number }) {
  return (
    <span class="mono hex" title={props.value}>
      <span aria-hidden="true">{shortHex(props.value, props.keep ?? 4)}</span>
      <span class="visually-hidden">{props.value}</span>
    </span>
  );
}

export interface Column {
  readonly label: string;
  /** Right-aligned figures. */
  readonly numeric?: boolean;
  /** Left out on a phone. */
  readonly wideOnly?: boolean;
}

/** Class of a column's cells, header and body alike. */
export function columnClass(column: Column): string {
  return [column.numeric ? "num" : "", column.wideOnly ? "hide-narrow" : ""].filter(Boolean).join(" ");
}

/** A scrollable table with a caption for screen readers and one header row. */
export function DataTable(props: { caption: string; columns: readonly Column[]; children: ComponentChildren }) {
  return (
    <div class="table-wrap">
      <table>
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((column) => (
              <th key={column.label} scope="col" class={columnClass(column)}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}
