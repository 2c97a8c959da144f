/**
 * The platform seam for hashing: the one place core-graph touches a Node-only module.
 * A browser build replaces this file with one built on a JS md5.
 */
import { hash, randomUUID } from 'node:crypto';

/** The md5 of a string (UTF-8) or of bytes, as 32 lowercase hex digits. */
export function md5(data: string | ArrayBufferView): string {
  return hash('md5', data as string, 'hex');
}

const processPrefix = randomUUID().replaceAll('-', '').slice(0, 16);
let counter = 0;

/**
 * 32 hex digits unique to this call, for keys of impure tasks: a random per-process prefix
 * and a counter (as unique as uuid4 across processes, ten times cheaper).
 */
export function randomToken(): string {
  return processPrefix + (counter++).toString(16).padStart(16, '0');
}
