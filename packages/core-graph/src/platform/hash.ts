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
/** The last two counter digits of every count below 36^2, as strings: most keys need no number-to-string conversion. */
const LOW_DIGITS = Array.from({ length: 36 * 36 }, (_, i) => i.toString(36).padStart(2, '0'));
/** The counts in [highOf * 1296, highOf * 1296 + 1296) share parts[1]: `-`, the random prefix and the counter's first 6 digits. */
let highOf = -1;
/** The parts of the next key, joined (a flat string at once) in this one array rather than a new one per key: [name, `-` prefix and high digits, last two digits]. */
const parts = ['', '', ''];

/**
 * `<name>-<token>`, a key unique to this call: the token is CALL_TOKEN_LENGTH (20) base-36
 * digits, shorter than randomToken's 32 (a graph keeps one key per delayed call, by the
 * million): the per-process random prefix above and a counter of 8 digits (36^8 calls), so that
 * `keyGroup` knows it by its length. The counter's digits but the last two change once in 1296
 * calls, and are converted then; the key is built flat (join), not as a rope flattened later,
 * from one array of parts kept for it (no array per key to collect).
 */
export function callKey(name: string): string {
  const c = calls++;
  const h = Math.floor(c / 1296);
  if (h !== highOf) {
    highOf = h;
    parts[1] = `-${callPrefix}${h.toString(36).padStart(6, '0')}`;
  }
  parts[0] = name;
  parts[2] = LOW_DIGITS[c - h * 1296] as string;
  return parts.join('');
}
