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

/** 12 base-36 digits of 62 random bits, drawn once per process. */
const callPrefix = (BigInt(`0x${randomUUID().replaceAll('-', '').slice(0, 16)}`) % 36n ** 12n).toString(36).padStart(12, '0');
let calls = 0;

/**
 * A token unique to this call, of CALL_TOKEN_LENGTH (20) base-36 digits, shorter than
 * randomToken's 32 (a graph keeps one key per delayed call, by the million): the per-process
 * random prefix above and a counter of 8 digits (36^8 calls), so that `keyGroup` knows it by
 * its length.
 */
export function callToken(): string {
  return callPrefix + (calls++).toString(36).padStart(8, '0');
}
