/**
 * The evaluator: turns a node into its value, given a lookup for referenced results and a
 * resolver for ops. Pure and synchronous; every executor (the calling thread, worker threads,
 * worker processes) uses it, with ops loaded beforehand by `loadOps` (module imports are
 * asynchronous, so they happen before evaluation, never during).
 */
import { forEachOp, isFunctionOp, lookupFunction, OpNotFoundError, QUOTE_OP, splitOpId, type Arg, type Key, type OpId } from '@tsdask/core-graph';
import * as builtins from '@tsdask/core-graph/ops';

type Fn = (...args: unknown[]) => unknown;
const BUILTIN_PREFIX = '@tsdask/core-graph/ops#';
const cache = new Map<OpId, Fn>();
for (const [name, fn] of Object.entries(builtins)) cache.set(BUILTIN_PREFIX + name, fn as Fn);

/**
 * Evaluates `arg`: refs through `get`, tasks by calling their ops, arrays item by item. It
 * recurses once per level of nesting, which the fusion passes bound (optimize/depth-limit.ts):
 * a long chain is several fused tasks, never one task as deep as the chain.
 */
export function evaluate(arg: Arg, get: (key: Key) => unknown, resolve: (op: OpId) => Fn = resolveOp): unknown {
  if (typeof arg !== 'object' || arg === null) return arg;
  if (Array.isArray(arg)) {
    const out = new Array<unknown>(arg.length);
    let pending = false;
    for (let i = 0; i < arg.length; i++) {
      out[i] = evaluate(arg[i] as Arg, get, resolve);
      if (out[i] instanceof Promise) pending = true;
    }
    return pending ? Promise.all(out) : out;
  }
  const o = arg as { ref?: unknown; op?: unknown; args?: unknown };
  if (typeof o.ref === 'string' && (arg as object).constructor === Object) return get(o.ref);
  if (typeof o.op === 'string' && Array.isArray(o.args)) {
    const args = o.args as Arg[];
    if (o.op === QUOTE_OP) return args[0];
    const fn = resolve(o.op);
    const values = new Array<unknown>(args.length);
    // an async op nested by fusion hands its dependent a promise: wait for it there
    let pending = false;
    for (let i = 0; i < args.length; i++) {
      values[i] = evaluate(args[i] as Arg, get, resolve);
      if (values[i] instanceof Promise) pending = true;
    }
    return pending ? Promise.all(values).then((vs) => fn(...vs)) : fn(...values);
  }
  return arg;
}

/** The loaded function for an op; throws OpNotFoundError if `loadOps` has not loaded it. */
export function resolveOp(op: OpId): Fn {
  const fn = cache.get(op);
  if (fn !== undefined) return fn;
  if (isFunctionOp(op)) {
    const live = lookupFunction(op);
    if (live !== undefined) return live as Fn;
    throw new OpNotFoundError(op, 'the function is not registered in this thread (compile it with defineFunctionOp)');
  }
  throw new OpNotFoundError(op, 'its module was not loaded before evaluation');
}

/** Collects the distinct ops used by some nodes. */
export function opsOf(nodes: Iterable<Arg>, into: Set<OpId> = new Set()): Set<OpId> {
  const add = (op: OpId): void => {
    into.add(op);
  };
  for (const n of nodes) forEachOp(n, add);
  return into;
}

/** Loads every module op not yet cached (`import()` of its specifier, once per process or worker). */
export async function loadOps(ops: Iterable<OpId>): Promise<void> {
  const pending: Promise<void>[] = [];
  for (const op of ops) {
    if (cache.has(op) || isFunctionOp(op)) continue;
    pending.push(loadModuleOp(op));
  }
  if (pending.length > 0) await Promise.all(pending);
}

async function loadModuleOp(op: OpId): Promise<void> {
  const { module, exportName } = splitOpId(op);
  if (module === '' || exportName === '') {
    throw new OpNotFoundError(op, "an op is '<module specifier>#<export>' or a registered function");
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(module)) as Record<string, unknown>;
  } catch (cause) {
    throw new OpNotFoundError(op, `import('${module}') failed: ${(cause as Error).message}`, cause);
  }
  const fn = mod[exportName];
  if (typeof fn !== 'function') {
    throw new OpNotFoundError(op, `module '${module}' has no exported function '${exportName}'`);
  }
  cache.set(op, fn as Fn);
}

/** Installs a compiled function under a `fn:` OpId (what workers do with shipped sources). */
export function defineFunctionOp(op: OpId, fn: Fn): void {
  cache.set(op, fn);
}

/** True when an op is ready to run without loading. */
export function isOpLoaded(op: OpId): boolean {
  return cache.has(op);
}
