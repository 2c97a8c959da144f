/**
 * Opens a file for a reader op, runs `fn` with its descriptor and always closes it; a file
 * that cannot be opened becomes MissingFileError naming it. The one place readers open files.
 */
import { closeSync, openSync } from 'node:fs';
import { MissingFileError } from '../errors.js';

/** Runs `fn` on an open descriptor of `file` (read-only), closing it afterwards. */
export function withFd<T>(file: string, fn: (fd: number) => T): T {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new MissingFileError(file, err);
  }
  try {
    return fn(fd);
  } finally {
    closeSync(fd);
  }
}
