/**
 * What notebooks and logs show of dataframes. A lazy frame: Dask's "Dask DataFrame Structure"
 * (one column per frame column, its dtype, the partition count, tasks). A computed Arrow Table:
 * its first rows as an HTML or text table with the row and column count, pandas-style, in place
 * of Arrow's dump of its internals (`displayable` gives the Table a util.inspect hook).
 */
import { INSPECT, collectionRows, escapeHtml, inspectWithHtml, type HighLevelGraph, type Key } from '@tsdask/core-graph';
import type { Table } from 'apache-arrow';
import type { DType } from './kernels/columns.js';

/** Rows a computed table shows (the first ones), as pandas' `display.max_rows` head. */
export const SHOWN_ROWS = 10;

/** What the frame summary reads of a DataFrame or Series. */
export interface FrameSummary {
  readonly columns: readonly string[];
  readonly dtypes: Readonly<Record<string, DType>>;
  readonly npartitions: number;
  readonly graph: HighLevelGraph;
  readonly outputKeys: readonly Key[];
}

/** Dask's DataFrame structure table: a header of column names, a row of dtypes, then tasks and layers. */
export function frameHtml(title: string, f: FrameSummary): string {
  const head = f.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const types = f.columns.map((c) => `<td>${escapeHtml(String(f.dtypes[c]))}</td>`).join('');
  const foot = collectionRows(f)
    .slice(0, 2)
    .map(([, v]) => v)
    .join(', ');
  return (
    `<div><strong>${escapeHtml(title)}</strong></div>` +
    `<table class="tsdask-dataframe"><thead><tr><th></th>${head}</tr></thead>` +
    `<tbody><tr><th>npartitions=${f.npartitions}</th>${types}</tr></tbody></table>` +
    `<div>${foot}</div>`
  );
}

/** One cell's text: nulls as pandas' `<NA>`, floats to 6 significant digits, dates as ISO text. */
function cellText(v: unknown): string {
  if (v === null || v === undefined) return '<NA>';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

/** The first `n` rows of a table as cell texts, with the column names. */
function headCells(t: Table, n: number): { names: string[]; rows: string[][] } {
  const names = t.schema.fields.map((f) => f.name);
  const cols = names.map((_, i) => t.getChildAt(i));
  const rows: string[][] = [];
  for (let r = 0; r < Math.min(n, t.numRows); r++) rows.push(cols.map((c) => cellText(c?.get(r))));
  return { names, rows };
}

function sizeLine(t: Table): string {
  return `${t.numRows} rows × ${t.numCols} columns`;
}

/** The first rows of a computed table as an HTML table (pandas' look), with the row count below. */
export function tableHtml(t: Table, n = SHOWN_ROWS): string {
  const { names, rows } = headCells(t, n);
  const head = `<tr><th></th>${names.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`;
  const body = rows.map((r, i) => `<tr><th>${i}</th>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('');
  const more = t.numRows > rows.length ? `<tr><th>...</th>${names.map(() => '<td>...</td>').join('')}</tr>` : '';
  return `<table class="tsdask-table"><thead>${head}</thead><tbody>${body}${more}</tbody></table><p>${sizeLine(t)}</p>`;
}

/** The same as aligned text: a header, the first rows, and the row count. */
export function tableText(t: Table, n = SHOWN_ROWS): string {
  const { names, rows } = headCells(t, n);
  const all = [['', ...names], ...rows.map((r, i) => [String(i), ...r])];
  if (t.numRows > rows.length) all.push(['...', ...names.map(() => '...')]);
  const widths = all[0]!.map((_, c) => Math.max(...all.map((r) => (r[c] as string).length)));
  const lines = all.map((r) => r.map((cell, c) => cell.padStart(widths[c] as number)).join('  '));
  return `${lines.join('\n')}\n\n[${sizeLine(t)}]`;
}

/** Gives a computed table a util.inspect hook: its head as text (and as HTML, as a notebook's cell value). Returns the table. */
export function displayable(t: Table): Table {
  Object.defineProperty(t, INSPECT, {
    value: (depth?: number, options?: object): string =>
      inspectWithHtml(
        depth,
        options,
        () => tableText(t),
        () => tableHtml(t),
      ),
    configurable: true,
    writable: true,
    enumerable: false,
  });
  return t;
}
