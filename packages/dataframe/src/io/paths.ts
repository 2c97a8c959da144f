/** Paths, globs and sizes for the readers. */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { globSync } from 'tinyglobby';
import { DataFrameError, EmptyDataError, MissingFileError, NotAFileError } from '../errors.js';

const GLOB = /[*?[\]{}]/;

/** Expands paths and globs to a sorted list of existing files; a miss is a MissingFileError. */
export function resolvePaths(paths: string | string[]): string[] {
  const list = typeof paths === 'string' ? [paths] : paths;
  if (list.length === 0) throw new DataFrameError('No paths given.');
  const out: string[] = [];
  for (const p of list) {
    if (GLOB.test(p)) {
      const found = globSync(p, { absolute: true, onlyFiles: true }).sort();
      if (found.length === 0) throw new MissingFileError(p);
      out.push(...found);
    } else {
      if (!existsSync(p)) throw new MissingFileError(p);
      out.push(resolve(p));
    }
  }
  return out;
}

/** '64MB' -> bytes (KB, MB, GB and KiB, MiB, GiB; a number is bytes). */
export function parseSize(x: number | string): number {
  if (typeof x === 'number') return Math.max(1, Math.floor(x));
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]i?)?b?\s*$/i.exec(x);
  if (m === null) throw new DataFrameError(`Cannot read a size from '${x}'; use bytes or a string like '64MB'.`);
  const unit = (m[2] ?? '').toLowerCase();
  const mult: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9, ki: 1024, mi: 1024 ** 2, gi: 1024 ** 3 };
  return Math.max(1, Math.floor(Number(m[1]) * (mult[unit] as number)));
}

/** A file as planned: its path, size and modification time (a reader checks them again). */
export interface FileInfo {
  path: string;
  size: number;
  mtime: number;
}

/**
 * Sizes and modification times of files to read as text: a directory (or other non-file) is a
 * NotAFileError. An empty first file is an EmptyDataError (as pandas: no columns to parse); an
 * empty file after it (the schema comes from the first) has no rows, as in Dask's read_csv.
 */
export function statFiles(paths: string[]): FileInfo[] {
  return paths.map((p, i) => {
    let st;
    try {
      st = statSync(p);
    } catch (err) {
      throw new MissingFileError(p, err);
    }
    if (st.isDirectory()) throw new NotAFileError(p, 'a directory');
    if (!st.isFile()) throw new NotAFileError(p, 'not a regular file (a device, socket or pipe)');
    if (st.size === 0 && i === 0) throw new EmptyDataError(p);
    return { path: p, size: st.size, mtime: st.mtimeMs };
  });
}
