/**
 * Reads one Parquet row group (the chosen columns) into a partition, synchronously: the column
 * chunk's bytes are read with readSync and decoded by hyparquet's page decoder, so the op can
 * be fused with the row-wise steps after it. hyparquet was picked by measuring (see the
 * package README): reading 2 of 5 columns of flights-3m takes about 0.75 s on one thread
 * and row groups spread over workers; parquet-wasm 0.8 took 0.89 s for the whole file.
 */
import { fstatSync, readSync } from 'node:fs';
import { compressors } from 'hyparquet-compressors';
// hyparquet's synchronous column decoder (pinned version; its async API cannot be fused).
import { readColumn } from 'hyparquet/src/column.js';
import { DEFAULT_PARSERS } from 'hyparquet/src/convert.js';
import { parquetMetadata, parquetSchema } from 'hyparquet';
import { getTreePath } from 'hyparquet/src/schema.js';
import type { DType, Partition } from '../kernels/columns.js';
import { emptyPartition } from '../kernels/columns.js';
import { ColumnBuilder } from './csv-columns.js';
import { floatRepr } from '../kernels/numeric-text.js';
import { ParquetFileError } from '../errors.js';
import { exactInt64, int64Error } from '../int64.js';
import { withFd } from './open-file.js';

export interface ParquetPartSpec {
  file: string;
  /** Size and modification time at planning; a file that differs at read time is a FileChangedError. */
  size: number;
  mtime: number;
  rowGroup: number;
  columns: string[];
  types: DType[];
  /** True when statistics showed that no row can pass the filters. */
  pruned: boolean;
}

const PARSERS = {
  ...DEFAULT_PARSERS,
  timestampFromMilliseconds: (v: bigint) => Number(v),
  timestampFromMicroseconds: (v: bigint) => Number(v) / 1000,
  timestampFromNanoseconds: (v: bigint) => Number(v) / 1e6,
  dateFromDays: (d: number) => d,
};

/** Bytes [start, end) of the file; ParquetFileError when the file ends before `end`. */
function readBytes(fd: number, start: number, end: number, file: string): ArrayBuffer {
  const buf = new Uint8Array(end - start);
  let off = 0;
  while (off < buf.length) {
    const got = readSync(fd, buf, off, buf.length - off, start + off);
    if (got <= 0) throw new ParquetFileError(file, `the file ends at byte ${start + off}, before byte ${end} that its footer points to (truncated)`);
    off += got;
  }
  return buf.buffer;
}

/** The footer metadata of a Parquet file, read synchronously. */
export function readParquetMetadata(file: string): ReturnType<typeof parquetMetadata> {
  return withFd(file, (fd) => metadataOf(fd, file));
}

const MAGIC = 0x31524150; // 'PAR1', little-endian

/**
 * The footer, after checking the file's shape (hyparquet alone answers a damaged file with a
 * RangeError at a negative offset): PAR1 at both ends, a footer length that fits.
 */
function metadataOf(fd: number, file: string): ReturnType<typeof parquetMetadata> {
  const size = fstatSync(fd).size;
  if (size < 12) {
    throw new ParquetFileError(file, `the file is ${size} bytes, too short for Parquet (at least 12: PAR1, a footer length, PAR1)`);
  }
  const head = new DataView(readBytes(fd, 0, 4, file)).getUint32(0, true);
  const tail = new DataView(readBytes(fd, size - 8, size, file));
  if (head !== MAGIC) {
    throw new ParquetFileError(file, 'not a Parquet file: it does not begin with PAR1', { hint: 'If it holds text (CSV), read it with readCSV.' });
  }
  if (tail.getUint32(4, true) !== MAGIC) {
    throw new ParquetFileError(file, 'the file does not end with PAR1, so its footer is missing (truncated, or still being written)');
  }
  const len = tail.getUint32(0, true);
  if (len + 12 > size) {
    throw new ParquetFileError(file, `the footer length (${len} bytes) is more than the file holds (${size} bytes)`);
  }
  try {
    return parquetMetadata(readBytes(fd, size - 8 - len, size, file));
  } catch (err) {
    throw new ParquetFileError(file, `its footer cannot be decoded (${(err as Error).message})`, { cause: err });
  }
}

/**
 * An int64 value as the number kernels hold: exact up to 2^53; past that, an error naming the
 * file, row group and column rather than another number.
 */
function exactInt(v: bigint, file: string, rowGroup: number, column: string): number {
  if (exactInt64(v)) return Number(v);
  throw int64Error(
    `${file} (row group ${rowGroup}): column '${column}'`,
    v,
    `Read it with readParquet(..., { dtypes: { '${column}': 'utf8' } }) to keep every digit as text, or 'float64' to round.`,
  );
}

/**
 * A numeric page part as text (a column read with dtypes 'utf8'): every digit kept; doubles as
 * pandas' astype(str) writes them (Python's repr: 1.0, 1e-05).
 */
function pushAsText(b: ColumnBuilder, part: ArrayLike<unknown>, double: boolean): void {
  for (let i = 0; i < part.length; i++) {
    const v = part[i];
    if (v === null || v === undefined) b.pushNull();
    else b.pushRaw(b.code(double && typeof v === 'number' ? floatRepr(v) : String(v)));
  }
}

/** Reads one row group into a partition (empty when pruned by statistics). */
export function readParquetPart(spec: ParquetPartSpec): Partition {
  if (spec.pruned) return emptyPartition({ names: spec.columns, types: spec.types });
  // One open for the footer and the row group's column chunks.
  return withFd(
    spec.file,
    (fd) => {
      const md = metadataOf(fd, spec.file);
      const size = fstatSync(fd).size;
      const rg = md.row_groups[spec.rowGroup];
      const changed = 'Call readParquet again if the file was replaced after the read was planned.';
      if (rg === undefined) throw new ParquetFileError(spec.file, `it has no row group ${spec.rowGroup}`, { hint: changed });
      const n = Number(rg.num_rows);
      const tree = parquetSchema(md);
      const columns = spec.columns.map((name, j) => {
        const chunk = rg.columns.find((c) => c.meta_data?.path_in_schema[0] === name);
        const meta = chunk?.meta_data;
        if (meta === undefined)
          throw new ParquetFileError(spec.file, 'the row group has no such column chunk', { column: name, rowGroup: spec.rowGroup, hint: changed });
        const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
        const end = start + Number(meta.total_compressed_size);
        const at = { column: name, rowGroup: spec.rowGroup };
        if (!(start >= 0 && end >= start && end <= size)) {
          throw new ParquetFileError(spec.file, `the column chunk is at bytes ${start}-${end}, outside the file's ${size} bytes`, at);
        }
        const schemaPath = getTreePath(tree, meta.path_in_schema);
        const decoder = {
          pathInSchema: meta.path_in_schema,
          element: schemaPath[schemaPath.length - 1]?.element,
          schemaPath,
          compressors,
          ...meta,
          parsers: PARSERS,
        };
        const reader = { view: new DataView(readBytes(fd, start, end, spec.file)), offset: 0 };
        let data: ArrayLike<unknown>[];
        try {
          ({ data } = readColumn(reader as never, { groupStart: 0, selectStart: 0, selectEnd: n, groupRows: n } as never, decoder as never) as {
            data: ArrayLike<unknown>[];
          });
        } catch (err) {
          throw new ParquetFileError(spec.file, `its pages cannot be decoded (${(err as Error).message})`, { ...at, cause: err });
        }
        const got = data.reduce((k, part) => k + part.length, 0);
        if (got !== n) throw new ParquetFileError(spec.file, `the column chunk holds ${got} values where the row group has ${n} rows`, at);
        const b = new ColumnBuilder(spec.types[j] as DType, n);
        const asText = spec.types[j] === 'utf8' && decoder.element?.type !== 'BYTE_ARRAY';
        for (const part of data) {
          if (asText) {
            pushAsText(b, part, decoder.element?.type === 'DOUBLE');
            continue;
          }
          if (part instanceof BigInt64Array) {
            if (spec.types[j] === 'int64') for (let i = 0; i < part.length; i++) b.pushRaw(exactInt(part[i] as bigint, spec.file, spec.rowGroup, name));
            else for (let i = 0; i < part.length; i++) b.pushRaw(Number(part[i]));
            continue;
          }
          if (part instanceof Float64Array || part instanceof Int32Array) {
            for (let i = 0; i < part.length; i++) b.pushRaw(part[i] as number);
            continue;
          }
          for (let i = 0; i < part.length; i++) {
            const v = part[i];
            if (v === null || v === undefined) b.pushNull();
            else if (typeof v === 'string') b.pushRaw(b.code(v));
            else if (typeof v === 'bigint') b.pushRaw(spec.types[j] === 'int64' ? exactInt(v, spec.file, spec.rowGroup, name) : Number(v));
            else if (typeof v === 'boolean') b.pushRaw(v ? 1 : 0);
            else if (v instanceof Date) b.pushRaw(v.getTime());
            else b.pushRaw(v as number);
          }
        }
        return b.finish();
      });
      return { names: [...spec.columns], columns, length: n };
    },
    spec,
  );
}
