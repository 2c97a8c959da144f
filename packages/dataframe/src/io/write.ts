/** Writer ops: one partition to one CSV or Parquet file (`@tsdask/dataframe/io#...`). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { ColumnData, Partition } from '../kernels/columns.js';
import { floatRepr } from '../kernels/numeric-text.js';

const DAY = 86_400_000;

function text(c: ColumnData, i: number): string | null {
  if (c.valid !== undefined && c.valid[i] === 0) return null;
  const v = c.values[i] as number;
  switch (c.type) {
    case 'utf8':
      return (c.dict as string[])[v] as string;
    case 'bool':
      return v === 1 ? 'true' : 'false';
    case 'date':
      return new Date(v * DAY).toISOString().slice(0, 10);
    case 'timestamp':
      return new Date(v).toISOString().replace('T', ' ').replace('Z', '');
    case 'float64':
      // As pandas' to_csv (Python's repr: 1.0, 1e-05, inf), so a float column reads back as float64.
      return Number.isNaN(v) ? 'NaN' : floatRepr(v);
    default:
      return String(v);
  }
}

function quoteField(s: string, sep: string): string {
  return s.includes(sep) || s.includes('"') || s.includes('\n') || s.includes('\r') || s === '' ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Writes a partition as CSV (header, RFC 4180 quoting, nulls as empty fields); returns the path. */
export function writeCsvPart(p: Partition, path: string, sep = ','): string {
  mkdirSync(dirname(path), { recursive: true });
  const lines: string[] = [p.names.map((n) => quoteField(n, sep)).join(sep)];
  for (let i = 0; i < p.length; i++) {
    let line = '';
    for (let j = 0; j < p.columns.length; j++) {
      const t = text(p.columns[j] as ColumnData, i);
      if (j > 0) line += sep;
      if (t !== null) line += (p.columns[j] as ColumnData).type === 'utf8' ? quoteField(t, sep) : t;
    }
    // A lone null field would be a blank line, which readers (pandas) skip: written "" as pandas does.
    lines.push(line === '' ? '""' : line);
  }
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

/** Writes a partition as a Parquet file; returns the path. */
export function writeParquetPart(p: Partition, path: string): string {
  mkdirSync(dirname(path), { recursive: true });
  const columnData = p.names.map((name, j) => {
    const c = p.columns[j] as ColumnData;
    const data: unknown[] = new Array(p.length);
    for (let i = 0; i < p.length; i++) {
      if (c.valid !== undefined && c.valid[i] === 0) {
        data[i] = null;
        continue;
      }
      const v = c.values[i] as number;
      data[i] =
        c.type === 'utf8' ? (c.dict as string[])[v] : c.type === 'bool' ? v === 1 : c.type === 'int64' ? BigInt(v) : c.type === 'timestamp' ? new Date(v) : v;
    }
    const type = { float64: 'DOUBLE', int64: 'INT64', int32: 'INT32', bool: 'BOOLEAN', utf8: 'STRING', timestamp: 'TIMESTAMP', date: 'INT32' }[c.type];
    return { name, data, type };
  });
  const buf = parquetWriteBuffer({ columnData: columnData as never });
  writeFileSync(path, new Uint8Array(buf));
  return path;
}
