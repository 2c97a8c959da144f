/**
 * The dataframe parity suite's shared part: the reference answers (reference.json, made by
 * gen_reference.py with pandas 1.5.3), the list of cases that wait on a known bug, and the
 * comparison of our result with pandas'.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import type { Table } from 'apache-arrow';
import type { DataFrame } from '@tsdask/dataframe';

/**
 * Cases that fail because of a bug someone is fixing now; each runs as `it.fails` until the fix
 * lands, then this list is emptied. Ids, with the bug:
 */
export const AWAITING_FIX = new Set<string>([]);

export interface RefCase {
  cite: string;
  order: 'pandas' | 'sorted';
  note?: string;
  columns?: string[];
  rows?: unknown[][];
  dtypes?: Record<string, string>;
  error?: string;
  line?: number;
}

/** Our answer: column names and rows (arrays of values in column order). */
export interface Answer {
  columns: string[];
  rows: unknown[][];
  dtypes?: Record<string, string>;
}

export const REF: Record<string, RefCase> = JSON.parse(readFileSync(fileURLToPath(new URL('./reference.json', import.meta.url)), 'utf8')) as Record<
  string,
  RefCase
>;

/** The path of an input file under data/. */
export function data(name: string): string {
  return fileURLToPath(new URL(`./data/${name}`, import.meta.url));
}

/** A frame computed to our answer (toRecords, so dates come back as Date). */
export async function fromFrame(df: DataFrame, scheduler: 'sync' | 'threads' = 'sync'): Promise<Answer> {
  const columns = df.columns;
  const recs = await df.toRecords({ scheduler });
  return { columns, rows: recs.map((r) => columns.map((c) => r[c])), dtypes: { ...df.dtypes } };
}

/** An Arrow Table (from head, describe) as our answer. */
export function fromTable(t: Table): Answer {
  const columns = t.schema.fields.map((f) => f.name);
  const rows: unknown[][] = [];
  for (let i = 0; i < t.numRows; i++) {
    rows.push(
      columns.map((c, j) => {
        const v: unknown = t.getChildAt(j)?.get(i);
        const tid = String(t.schema.fields[j]?.type);
        if (v !== null && /^(Timestamp|Date)/.test(tid)) return new Date(Number(v));
        return v;
      }),
    );
  }
  return { columns, rows };
}

/** A single value as our answer (pandas' scalars are a one-row frame with column 'value'). */
export function scalar(v: unknown): Answer {
  return { columns: ['value'], rows: [[v]] };
}

/** A value as the reference encodes it: null for missing (and NaN), ISO strings for dates. */
function norm(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return null;
    if (!Number.isFinite(v)) return { inf: v > 0 ? 1 : -1 };
    return v;
  }
  if (v instanceof Date) return v.toISOString();
  return v;
}

function close(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  return JSON.stringify(a) === JSON.stringify(b);
}

function cmpRows(x: unknown[], y: unknown[]): number {
  for (let i = 0; i < x.length; i++) {
    const a = x[i];
    const b = y[i];
    if (a === b) continue;
    if (a === null) return 1;
    if (b === null) return -1;
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    const sa = JSON.stringify(a);
    const sb = JSON.stringify(b);
    if (sa !== sb) return sa < sb ? -1 : 1;
  }
  return 0;
}

/** pandas dtypes and the dtypes of ours that match them. */
const DTYPE_MATCH: Record<string, string[]> = {
  int64: ['int64', 'int32'],
  float64: ['float64'],
  object: ['utf8'],
  bool: ['bool'],
  'datetime64[ns]': ['timestamp', 'date'],
};

/** Checks our answer against the reference of case `id`. */
export function compare(id: string, got: Answer): void {
  const ref = REF[id];
  if (ref === undefined) throw new Error(`no reference for '${id}': run gen_reference.py`);
  // An error case: the test itself checked the error against the reference's fields.
  if (ref.error !== undefined) return;
  expect(got.columns, `${id}: columns`).toEqual(ref.columns);
  let want = (ref.rows ?? []).map((r) => r.map(norm));
  let rows = got.rows.map((r) => r.map(norm));
  if (ref.order === 'sorted') {
    want = [...want].sort(cmpRows);
    rows = [...rows].sort(cmpRows);
  }
  expect(rows.length, `${id}: row count`).toBe(want.length);
  const bad: string[] = [];
  rows.forEach((r, i) => {
    const w = want[i] as unknown[];
    r.forEach((v, j) => {
      if (!close(v, w[j])) bad.push(`row ${i} column '${got.columns[j]}': ours ${JSON.stringify(v)}, pandas ${JSON.stringify(w[j])}`);
    });
  });
  expect(bad.slice(0, 10), `${id}: ${bad.length} values differ`).toEqual([]);
  if (ref.dtypes !== undefined && got.dtypes !== undefined) {
    for (const [c, t] of Object.entries(ref.dtypes)) {
      expect(DTYPE_MATCH[t] ?? [t], `${id}: dtype of '${c}' (pandas ${t})`).toContain(got.dtypes[c]);
    }
  }
}

/** One `it` per case: runs `run`, compares with pandas; a case in AWAITING_FIX runs as it.fails. */
export function parityCase(id: string, run: () => Promise<Answer>): void {
  const ref = REF[id];
  const title = `${id}  [${ref?.cite ?? 'no reference'}]${ref?.note ? ` (${ref.note})` : ''}`;
  const body = async (): Promise<void> => compare(id, await run());
  if (AWAITING_FIX.has(id)) it.fails(title, body);
  else it(title, body);
}

/** Every reference case whose id starts with `prefix` has an implementation in `ids`. */
export function missingCases(prefix: string, ids: readonly string[]): string[] {
  const have = new Set(ids);
  return Object.keys(REF).filter((k) => k.startsWith(prefix) && !have.has(k));
}
