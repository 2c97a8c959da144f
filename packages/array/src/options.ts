/** Option objects are checked against the names an operation knows, so a typo (`{ axes: 0 }`) is an error, not ignored. */
import { InputError } from './errors.js';

/** Throws an InputError naming the first unknown option key and listing the known ones. */
export function checkOptions(op: string, opts: unknown, known: readonly string[]): void {
  if (opts === undefined) return;
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) {
    throw new InputError(
      op,
      `options must be an object such as { ${known[0]}: ... }, got ${opts === null ? 'null' : Array.isArray(opts) ? 'an array' : typeof opts}.`,
    );
  }
  for (const k of Object.keys(opts)) {
    if (!known.includes(k)) throw new InputError(op, `unknown option '${k}'; the options are ${known.join(', ')}.`);
  }
}
