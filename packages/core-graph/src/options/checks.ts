/**
 * Value checks for options: each returns what is wrong with a value, as a phrase that follows
 * the option's name ("must be a positive integer, got 0"), or undefined when the value is fine.
 */
import { ConfigError } from '../errors.js';
import { closestName } from './suggest.js';

/** Checks one option's value: a phrase saying what is wrong, or undefined. May throw a ConfigError instead. */
export type OptionCheck = (value: unknown) => string | undefined;

/** How a value reads in a message: strings quoted, objects by kind. */
export function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' || v === null) return String(v);
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return `an object (${(v as object).constructor?.name ?? 'null prototype'})`;
  return typeof v;
}

export const positiveInteger: OptionCheck = (v) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 ? undefined : `must be a positive integer (1, 2, ...), got ${show(v)}`;

export const nonNegativeInteger: OptionCheck = (v) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? undefined : `must be a non-negative integer (0, 1, ...), got ${show(v)}`;

export const boolean: OptionCheck = (v) => (typeof v === 'boolean' ? undefined : `must be true or false, got ${show(v)}`);

export const nonEmptyString: OptionCheck = (v) => (typeof v === 'string' && v !== '' ? undefined : `must be a non-empty string, got ${show(v)}`);

/** A scheduler name, a Scheduler object, or something that gives one (`asScheduler()`, as a distributed Client). */
export const schedulerChoice: OptionCheck = (v) => {
  if (typeof v === 'object' && v !== null) {
    const o = v as { run?: unknown; gather?: unknown; asScheduler?: unknown };
    if (typeof o.asScheduler === 'function' || (typeof o.run === 'function' && typeof o.gather === 'function')) return undefined;
    return `must be a scheduler name, a Scheduler, or a client (an object with asScheduler()), got ${show(v)}`;
  }
  return nonEmptyString(v);
};

/** setTimeout's largest delay; a larger one fires at once. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export const timeoutMs: OptionCheck = (v) =>
  typeof v === 'number' && v > 0 && v <= MAX_TIMEOUT_MS
    ? undefined
    : `must be a number of milliseconds above 0 and at most ${MAX_TIMEOUT_MS} (about 24.8 days), got ${show(v)}; leave it out for no timeout`;

export const abortSignal: OptionCheck = (v) =>
  typeof AbortSignal !== 'undefined' && v instanceof AbortSignal ? undefined : `must be an AbortSignal (from an AbortController), got ${show(v)}`;

export const callbackList: OptionCheck = (v) => {
  if (!Array.isArray(v)) return `must be an array of subscriber objects ({ start, taskBatch, tasks, event, finish }), got ${show(v)}`;
  const i = v.findIndex((c) => typeof c !== 'object' || c === null);
  return i < 0 ? undefined : `must hold subscriber objects only; item ${i} is ${show(v[i])}`;
};

/** A plain object whose keys are among `fields` and whose values pass their checks. */
export function plainObject(what: string, fields: Readonly<Record<string, OptionCheck>>): OptionCheck {
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || ![Object.prototype, null].includes(Object.getPrototypeOf(v))) {
      return `must be ${what}, got ${show(v)}`;
    }
    const names = Object.keys(fields);
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (x === undefined) continue;
      const check = fields[k];
      if (check === undefined) {
        const near = closestName(k, names);
        return `has an unknown field '${k}'${near !== undefined ? ` (did you mean '${near}'?)` : ''}; valid fields: ${names.join(', ')}`;
      }
      const problem = check(x);
      if (problem !== undefined) return `field '${k}' ${problem}`;
    }
    return undefined;
  };
}

const opIdSet: OptionCheck = (v) =>
  v instanceof Set && [...v].every((x) => typeof x === 'string') ? undefined : `must be a Set of op ids (strings), got ${show(v)}`;

/** The task-level optimization switches (OptimizeFlags). */
export const optimizeFlags: OptionCheck = plainObject('an object of optimization switches such as { fuse: false }', {
  cull: boolean,
  inline: boolean,
  blockwise: boolean,
  fuse: boolean,
  cheapOps: opIdSet,
});

/** One of the given strings. */
export function oneOf(...values: string[]): OptionCheck {
  return (v) => (typeof v === 'string' && values.includes(v) ? undefined : `must be one of ${values.map((x) => `'${x}'`).join(', ')}, got ${show(v)}`);
}

/** Throws ConfigError when the option object `opts` of `fn` fails `check` (a plainObject check). */
export function checkOptionObject(fn: string, opts: unknown, check: OptionCheck): void {
  const problem = check(opts);
  if (problem !== undefined) throw new ConfigError(`${fn} options ${problem}.`);
}
