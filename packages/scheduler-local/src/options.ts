/**
 * The local schedulers' own options, with checks of their values (core-graph's option registry
 * takes them when the schedulers are registered): `memoryLimit`, `spillDir` and, for 'threads',
 * `workerResourceLimits`.
 */
import { closestName, type OptionCheck } from '@tsdask/core-graph';
import { statSync } from 'node:fs';
import { resolveMemoryLimit } from './memory/limit.js';

const show = (v: unknown): string =>
  typeof v === 'string' ? `'${v}'` : v === null || typeof v !== 'object' ? String(v) : Array.isArray(v) ? 'an array' : 'an object';

/** A memory limit: bytes, a size string ('512MB'), a fraction of system memory (0.5), or false / 'none' for none. */
export type MemoryLimitOption = number | string | false;

/** memoryLimit: bytes, a string like '64MB', a fraction of system memory, or false / 'none'. */
const memoryLimit: OptionCheck = (v) => {
  resolveMemoryLimit(v); // throws ConfigError saying what is wrong
  return undefined;
};

/** spillDir: an existing folder, in which each compute makes its spill folder. */
const spillDir: OptionCheck = (v) => {
  if (typeof v !== 'string' || v === '') return `must be the path of a folder, got ${show(v)}`;
  let folder = false;
  try {
    folder = statSync(v).isDirectory();
  } catch {
    return `'${v}' does not exist: create the folder first, or leave spillDir out for the OS temp folder`;
  }
  return folder ? undefined : `'${v}' is not a folder`;
};

const LIMIT_FIELDS = ['maxOldGenerationSizeMb', 'maxYoungGenerationSizeMb', 'codeRangeSizeMb', 'stackSizeMb'];

/** workerResourceLimits: worker_threads' resourceLimits, each a positive number of MB. */
export const workerResourceLimits: OptionCheck = (v) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return `must be an object such as { maxOldGenerationSizeMb: 512 }, got ${show(v)}`;
  for (const [k, x] of Object.entries(v)) {
    if (x === undefined) continue;
    if (!LIMIT_FIELDS.includes(k)) {
      const near = closestName(k, LIMIT_FIELDS);
      return `has an unknown field '${k}'${near !== undefined ? ` (did you mean '${near}'?)` : ''}; valid fields: ${LIMIT_FIELDS.join(', ')}`;
    }
    if (typeof x !== 'number' || !(x > 0) || !Number.isFinite(x)) return `field '${k}' must be a positive number of MB, got ${show(x)}`;
  }
  return undefined;
};

/** The options both local schedulers take. */
export const localOptions: Readonly<Record<string, OptionCheck>> = { memoryLimit, spillDir };
