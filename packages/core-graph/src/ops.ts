/**
 * Built-in ops, loadable by every executor as `@tsdask/core-graph/ops#<name>`. Kept tiny and
 * dependency-free: they build containers and pick items, nothing else.
 */
import { NotHeldError } from './errors.js';

/** Builds a plain object from `[key, value]` entries (delayed arguments that are objects). */
export function object(...entries: [string, unknown][]): Record<string, unknown> {
  return Object.fromEntries(entries);
}

/** Returns its single argument (the evaluator short-cuts it and never scans the argument). */
export function quote<T>(value: T): T {
  return value;
}

/** Returns its argument; an alias task. */
export function identity<T>(value: T): T {
  return value;
}

/** `container[key]`: attribute and item access on delayed values. */
export function getitem(container: unknown, key: string | number): unknown {
  return (container as Record<string | number, unknown>)[key];
}

/** Calls a method on a value: `value[name](...args)`. */
export function callMethod(value: unknown, name: string, ...args: unknown[]): unknown {
  const fn = (value as Record<string, unknown>)[name];
  if (typeof fn !== 'function') throw new TypeError(`${typeof value} has no method '${name}'`);
  return (fn as (...a: unknown[]) => unknown).apply(value, args);
}

/** Sums numbers (or bigints) given as arguments or as one array. */
export function sum(...xs: unknown[]): number | bigint {
  const items = xs.length === 1 && Array.isArray(xs[0]) ? (xs[0] as unknown[]) : xs;
  let total: number | bigint = 0;
  for (const x of items) total = (total as number) + (x as number);
  return total;
}

/** The placeholder of a held result (spec `held(key)`): schedulers feed the value instead, so running it is an error. */
export function held(key: string): never {
  throw new NotHeldError(key, 'this thread');
}

/** Returns `value`; its other arguments (refs) only make it wait for their tasks (a writer's paths after its writes). */
export function after<T>(value: T, ..._done: unknown[]): T {
  return value;
}
