/**
 * delayed: lazy function calls. `delayed(fn)` returns a function whose calls record tasks
 * instead of running; their arguments may be Delayed values or plain values, nested in arrays
 * and plain objects too. `delayed(value)` wraps a value. Keys are `"<name>-<token>"`: random
 * tokens by default (Dask's `pure=False`), deterministic with `pure: true`, which hashes the
 * function's source and the arguments (closures that capture different values but share
 * source should then be given distinct names).
 *
 * Futures may be arguments too (`delayed(f)(future)`): the task refers to the future's key,
 * which the graph names as held (`held(key)`), so the scheduler feeds it the value it keeps.
 *
 * A Delayed holds one cell (see delayed-walk.ts): a plain `{ ref: key }`, the reference every
 * task using the value holds, with the value's node under a symbol. The DAG is made of cells and
 * nodes only, so a graph keeps no Delayed object, no list of dependencies per value and no
 * `{ ref }` per argument. Its graph is one layer that walks that DAG when materialized, so
 * building a million calls allocates no graph structure beyond the cells and their nodes.
 *
 * `Delayed.fromGraph(graph, key, finalize?)` makes a Delayed of one key of any graph (a
 * dataframe reduction, an array block): the lazy scalar of every collection. Its graph is the
 * one it was given, and a Delayed built on it (`delayed(fn)(d)`) carries that graph too.
 */
import { ConfigError } from './errors.js';
import { Collection, collectionRows } from './collection.js';
import type { TaskGraph } from './graph/task-graph.js';
import { anyBacked, BACKED, backedCell, depsOf, holdsOf, isBacked, lowerDelayed, makeCell, NODE, walk, type Cell } from './delayed-walk.js';
import { registerFunction } from './functions.js';
import type { HeldKeys } from './futures/held-keys.js';
import { isFuture, type Future } from './futures/future.js';
import { HighLevelGraph } from './layers/high-level-graph.js';
import type { Layer } from './layers/layer.js';
import { OpRef } from './op.js';
import { summaryTable } from './notebook/html.js';
import { boolean, checkOptionObject, nonEmptyString, plainObject } from './options/checks.js';
import { callKey } from './platform/hash.js';
import { held, quote, type Arg, type Key, type Node, type OpId } from './spec/index.js';
import { functionToken, tokenize } from './tokenize.js';

const OPS = '@tsdask/core-graph/ops#';

/** A value that may be given lazily: itself, a Delayed or a Future of it, or containers of those. */
export type Lazy<T> =
  | T
  | Delayed<T>
  | Future<T>
  | (T extends readonly (infer U)[] ? readonly Lazy<U>[] : never)
  | (T extends Record<string, unknown> ? { [K in keyof T]: Lazy<T[K]> } : never);

/** A delayed function: call it with lazy or plain arguments to get a Delayed result. */
export type DelayedFunction<F extends (...args: never[]) => unknown> = (...args: LazyArgs<Parameters<F>>) => Delayed<Awaited<ReturnType<F>>>;

/** Each parameter of a tuple made lazy. */
// The conditional wrapper keeps it an array type for TypeScript 5.0 (tslab's compiler), which
// refuses a bare mapped type over a generic tuple as a rest parameter.
export type LazyArgs<P extends readonly unknown[]> = P extends readonly unknown[] ? { [K in keyof P]: Lazy<P[K]> } : never;

export interface DelayedOptions {
  /** Name used in keys (default: the function's name). */
  name?: string;
  /** Deterministic keys from the function and its arguments (default false, as in Dask). */
  pure?: boolean;
}

/** A lazy value: the result of a delayed call or a wrapped value. */
export class Delayed<T = unknown> extends Collection<T> {
  /** @internal This value's cell: its key, its node and what keeps its user function alive (see delayed-walk.ts). */
  _c: Cell;

  constructor(
    /** The key of this value's task. */
    key: Key,
    /** The task (or literal) computing this value. */
    node: Node,
    /** Keeps the user function alive while the graph is. */
    holds?: unknown,
  ) {
    super();
    this._c = makeCell(key, node, holds);
  }

  /** The key of this value's task. */
  get key(): Key {
    return this._c.ref;
  }

  /**
   * @internal The task (or literal) computing this value. Its references to other Delayed
   * values are their cells, which carry their nodes under symbol keys (skipped by JSON and
   * structured clone): a graph walk finds a value's dependencies there.
   */
  get node(): Node {
    return this._c[NODE];
  }

  /** @internal What keeps the user function alive while the graph is. */
  get holds(): unknown {
    return holdsOf(this._c);
  }

  /** @internal The Delayed values this one's task refers to, in the order of its arguments (fromGraph values as made, others as new Delayed objects of the same cells). */
  get deps(): readonly Delayed[] {
    const cells: Cell[] = [];
    depsOf(this.node, cells);
    return cells.map(delayedOf);
  }

  get graph(): HighLevelGraph {
    if (!anyBacked()) return new HighLevelGraph([new DelayedLayer(this)]);
    const graphs: HighLevelGraph[] = [];
    const names = new Set<string>();
    walk([this._c], (c) => {
      if (!isBacked(c)) return;
      const d = c[NODE] as GraphDelayed;
      graphs.push(d.backing);
      const l = d.backing.layerOf(d.key);
      if (l !== undefined) names.add(l.name);
    });
    const layer = new DelayedLayer(this, [...names]);
    return graphs.length === 0 ? new HighLevelGraph([layer]) : HighLevelGraph.fromLayer(layer, ...graphs);
  }

  /**
   * A Delayed of one key of `graph` (a collection's result or block), its value passed through
   * `finalize` when given (a function or an `op()`, run as a task like any delayed call, so the
   * value is the same computed alone, in `compute(a, b)` or as an argument of delayed calls).
   */
  static fromGraph<T = unknown>(graph: HighLevelGraph, key: Key): Delayed<T>;
  static fromGraph<T>(graph: HighLevelGraph, key: Key, finalize: ((value: never) => T | Promise<T>) | OpRef, opts?: DelayedOptions): Delayed<T>;
  static fromGraph(graph: HighLevelGraph, key: Key, finalize?: ((value: never) => unknown) | OpRef, opts: DelayedOptions = {}): Delayed {
    const base = new GraphDelayed(key, graph);
    if (finalize === undefined) return base;
    return (delayed as (f: unknown, o: DelayedOptions) => (...a: unknown[]) => Delayed)(finalize, { pure: true, ...opts })(base);
  }

  get outputKeys(): readonly Key[] {
    return [this.key];
  }

  finalize(values: readonly unknown[]): T {
    return values[0] as T;
  }

  override withHeld(handle: HeldKeys): this {
    return new Delayed(this.key, held(this.key), handle) as this;
  }

  override tokenize(): string {
    return this.key;
  }

  override lowerDirect(all: readonly Collection[]): TaskGraph | undefined {
    return all.every((c) => c instanceof Delayed) ? lowerDelayed((all as Delayed[]).map((d) => d._c)) : undefined;
  }

  /** Lazy `value[key]`. */
  get<K extends keyof T & (string | number)>(key: K): Delayed<T[K]> {
    return call(`${OPS}getitem`, 'getitem', [this, key], true) as Delayed<T[K]>;
  }

  /** Lazy `value[method](...args)`. */
  call<M extends keyof T & string>(
    method: M,
    ...args: T[M] extends (...a: infer A) => unknown ? { [I in keyof A]: Lazy<A[I]> } : never
  ): Delayed<T[M] extends (...a: never[]) => infer R ? Awaited<R> : never> {
    return call(`${OPS}callMethod`, method, [this, method, ...(args as unknown[])], true) as never;
  }

  override toString(): string {
    return `Delayed('${this.key}')`;
  }

  /** The HTML summary for notebooks: the key, tasks and layers. */
  override toHTML(): string {
    return summaryTable(`Delayed('${this.key}')`, collectionRows(this).slice(0, 2));
  }
}

/** One layer holding the whole DAG reachable from a Delayed. */
export class DelayedLayer implements Layer {
  readonly kind = 'delayed';
  readonly name: string;
  #byKey: Map<Key, Cell> | undefined;
  constructor(
    readonly root: Delayed,
    /** The layers holding the keys of the fromGraph values in the DAG (none for plain delayed calls). */
    readonly dependencies: readonly string[] = [],
  ) {
    this.name = root.key;
  }
  #index(): Map<Key, Cell> {
    if (this.#byKey === undefined) {
      const m = new Map<Key, Cell>();
      walk([this.root._c], (c) => {
        if (!isBacked(c)) m.set(c.ref, c);
      });
      this.#byKey = m;
    }
    return this.#byKey;
  }
  has(key: Key): boolean {
    return key === this.root.key || this.#index().has(key);
  }
  outputKeys(): Iterable<Key> {
    return this.#index().keys();
  }
  materialize(keys: ReadonlySet<Key> | undefined, out: Map<Key, Node>): void {
    let roots: Cell[];
    if (keys === undefined || (keys.size === 1 && keys.has(this.root.key))) roots = [this.root._c];
    else {
      const idx = this.#index();
      roots = [];
      for (const k of keys) {
        const c = idx.get(k);
        if (c !== undefined) roots.push(c);
      }
    }
    walk(roots, (c) => {
      if (!isBacked(c)) out.set(c.ref, c[NODE]);
    });
  }
}

/** A Delayed made by fromGraph: its key is computed by `backing`, another collection's graph. */
class GraphDelayed<T = unknown> extends Delayed<T> {
  constructor(
    key: Key,
    readonly backing: HighLevelGraph,
  ) {
    super(key, undefined);
    this._c = backedCell(key, this);
  }

  /** @internal A reference to its key in the backing graph. */
  override get node(): Node {
    return { ref: this.key };
  }

  override get graph(): HighLevelGraph {
    return this.backing;
  }
}

Object.defineProperty(GraphDelayed.prototype, BACKED, { value: true });

/** The Delayed of a cell: the fromGraph value itself, or a new Delayed holding the cell. */
function delayedOf(c: Cell): Delayed {
  if (isBacked(c)) return c[NODE] as Delayed;
  const d = Object.create(Delayed.prototype) as Delayed;
  d._c = c;
  return d;
}

function isPlainObject(x: object): boolean {
  const p = Object.getPrototypeOf(x) as unknown;
  return p === Object.prototype || p === null;
}

/** The Delayed naming a future's key as held (one per future, so a graph names it once); it keeps the future alive. */
const futureValues = new WeakMap<Future, Delayed>();
function futureValue(f: Future): Delayed {
  if (f.assembledHere)
    throw new ConfigError(
      `Future '${f.key}' comes from Client.compute() of a collection: its result is assembled in this process from the parts the scheduler holds, so a task cannot read it. ` +
        'Pass the collection itself (or client.persist(collection)) to the task, or compute a Delayed of it.',
    );
  let d = futureValues.get(f);
  if (d === undefined) futureValues.set(f, (d = new Delayed(f.key, held(f.key), f)));
  return d;
}

/** How many Delayed values (and futures) `encode` has met: it quotes a container in which it met none. */
let lazyMet = 0;

/** Encodes a user value as an Arg: Delayed values (and futures) found inside arrays and plain objects become references to them. */
function encode(x: unknown): Arg {
  if (typeof x !== 'object' || x === null) return x;
  if (x instanceof Delayed) {
    lazyMet++;
    return x._c;
  }
  if (isFuture(x)) {
    lazyMet++;
    return futureValue(x)._c;
  }
  const before = lazyMet;
  if (Array.isArray(x)) {
    const items: Arg[] = [];
    for (let i = 0; i < x.length; i++) items.push(encode(x[i]));
    return lazyMet === before ? quote(x) : items;
  }
  if (isPlainObject(x)) {
    const entries: Arg[] = [];
    for (const k of Object.keys(x)) entries.push([k, encode((x as Record<string, unknown>)[k])]);
    return lazyMet === before ? quote(x) : { op: `${OPS}object`, args: entries };
  }
  return quote(x);
}

function safeName(name: string): string {
  return name.replaceAll(',', '_') || 'lambda';
}

/**
 * Encodes a call's arguments in place: `args` is the call's own rest array, exactly their
 * length and seen by no one else, so it becomes the task's `args` (memory matters here: graphs
 * of millions of calls keep these arrays, and a second array per call was garbage to collect).
 */
function encodeArgs(args: unknown[]): Arg[] {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (typeof a === 'object' && a !== null) args[i] = encode(a);
  }
  return args as Arg[];
}

/** A task calling `opId` on `args` (an array this call owns: it becomes the task's args, see encodeArgs). */
function call(opId: OpId, name: string, args: unknown[], pure: boolean, fnToken = opId, holds?: unknown): Delayed {
  // the token hashes the arguments as given, before they are encoded in place; join() builds a
  // flat string at once, where `a + b` would keep a rope that is flattened later
  const key = pure ? [name, tokenize(fnToken, args)].join('-') : callKey(name);
  return new Delayed(key, { op: opId, args: encodeArgs(args) }, holds);
}

const NO_OPTIONS: DelayedOptions = Object.freeze({});
const delayedOptions = plainObject('an options object { name, pure }', { name: nonEmptyString, pure: boolean });

/** Wraps a function (or an `op()`) so that calling it records a task. */
export function delayed<F extends (...args: never[]) => unknown>(fn: F, opts?: DelayedOptions): DelayedFunction<F>;
export function delayed(fn: OpRef, opts?: DelayedOptions): (...args: unknown[]) => Delayed<unknown>;
/** Wraps a value (containers holding Delayed values become a task that builds them). */
export function delayed<T>(value: T, opts?: DelayedOptions): Delayed<T extends Delayed<infer U> ? U : T>;
export function delayed(x: unknown, opts: DelayedOptions = NO_OPTIONS): unknown {
  // Wrapping values may happen per item of a big graph: the common call without options is free.
  if (opts !== NO_OPTIONS) checkOptionObject('delayed()', opts, delayedOptions);
  if (typeof x === 'function' || x instanceof OpRef) {
    const isOp = x instanceof OpRef;
    const opId = isOp ? x.opId : registerFunction(x as Function);
    const fnToken = isOp ? x.opId : functionToken(x as Function);
    const name = safeName(opts.name ?? ((x as { name?: string }).name || 'lambda'));
    const pure = opts.pure === true;
    const holds = isOp ? undefined : x;
    // The call's arguments become the task's `args` (see encodeArgs), taken from array
    // literals, one per arity, not a rest parameter: V8 tracks where a literal is allocated and,
    // once nearly all it allocates survives (a graph keeps every call's arguments), allocates it
    // in the old generation at once, where a rest parameter's array is copied twice by the
    // scavenger before it gets there. Only `arguments.length` and `arguments[i]` are read, which
    // creates no arguments object.
    return function delayedCall(a?: unknown, b?: unknown, c?: unknown, d?: unknown): Delayed {
      const n = arguments.length;
      let args: unknown[];
      if (n === 1) args = [a];
      else if (n === 2) args = [a, b];
      else if (n === 0) args = [];
      else if (n === 3) args = [a, b, c];
      else {
        args = [a, b, c, d];
        // eslint-disable-next-line prefer-rest-params -- a rest parameter is the array this function avoids (above)
        for (let i = 4; i < n; i++) args.push(arguments[i]);
      }
      return call(opId, name, args, pure, fnToken, holds);
    };
  }
  if (x instanceof Delayed) return x;
  if (isFuture(x)) return futureValue(x);
  const node = encode(x);
  const name = opts.name ?? (typeof x === 'object' && x !== null ? (x.constructor?.name ?? 'object') : typeof x).toLowerCase();
  return new Delayed(opts.pure === true ? `${safeName(name)}-${tokenize(x)}` : callKey(safeName(name)), node);
}
