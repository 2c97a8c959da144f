/**
 * Opens a file for a reader op, runs `fn` with its descriptor and always closes it; a file
 * that cannot be opened becomes MissingFileError naming it, and a file whose size or
 * modification time is not what the plan recorded becomes FileChangedError. The one place
 * readers open files.
 */
import { closeSync, fstatSync, openSync } from 'node:fs';
import { FileChangedError, MissingFileError } from '../errors.js';

/** What the plan recorded of a file. */
export interface PlannedFile {
  size: number;
  mtime: number;
}

/** Runs `fn` on an open descriptor of `file` (read-only), closing it afterwards; checks it against `planned`. */
export function withFd<T>(file: string, fn: (fd: number) => T, planned?: PlannedFile): T {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new MissingFileError(file, err);
  }
  try {
    if (planned !== undefined) {
      const st = fstatSync(fd);
      if (st.size !== planned.size || st.mtimeMs !== planned.mtime) throw new FileChangedError(file, planned, { size: st.size, mtime: st.mtimeMs });
    }
    return fn(fd);
  } finally {
    closeSync(fd);
  }
}
