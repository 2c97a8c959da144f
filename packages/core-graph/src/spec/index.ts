/**
 * The graph spec: the whole contract between collections, optimization passes and schedulers.
 *
 * - `Key`: a string naming one result, `"<name>"` or `"<name>,<i>,<j>"`, where name is
 *   `"<op>-<token>"` and the indices are the chunk or partition position. The token is a
 *   deterministic hash of the operation and its inputs (see `tokenize`), so the same
 *   expression built twice gives the same keys.
 * - `Task`: `{ op, args }`. `op` is an `OpId`:
 *     `"<module specifier>#<export>"` (for example `"@tsdask/array/kernels#add"`): workers load
 *       the module with `import()` and call the export;
 *     `"fn:<sourcetoken>-<n>"`: a user function registered by `delayed` (see `functions.ts`);
 *       it runs anywhere in the calling thread, and on workers when it is self-contained.
 * - `Arg`: a literal, a `Ref` (`{ ref: key }`, replaced by that key's result), an array of
 *   Args (evaluated item by item), or a nested `Task` (what fusion produces).
 * - `Node`: what the graph maps a key to: any Arg. A node with no Task and no Ref is a literal.
 *
 * One rule keeps user data apart from graph structure: a Task whose op is `QUOTE_OP` returns
 * its single argument verbatim and is never scanned for refs. Everything that enters a graph
 * from user code (arguments of delayed functions, persisted results) is quoted unless it is a
 * primitive, so a user object shaped like `{ ref: 'x' }` is never mistaken for a reference.
 *
 * All of it is plain, structured-clonable data: graphs cross threads and processes as they are.
 */

/** A key naming one result in a task graph. */
export type Key = string;

/** Identifies an operation: `"<module specifier>#<export>"` or `"fn:<token>-<n>"`. */
export type OpId = string;

/** A reference to another key's result. */
export interface Ref {
  readonly ref: Key;
}

/** One operation applied to arguments. */
export interface Task {
  readonly op: OpId;
  readonly args: readonly Arg[];
}

/** An argument: a literal, a reference, an array of arguments or a nested task. */
export type Arg = Ref | Task | readonly Arg[] | Literal;

/** Any value that is neither a Ref nor a Task. */
export type Literal = unknown;

/** What a key maps to in a graph. */
export type Node = Arg;

/** The op whose single argument is returned verbatim and never scanned. */
export const QUOTE_OP: OpId = '@tsdask/core-graph/ops#quote';

/** `container[key]` (the built-in `getitem`). */
export const GETITEM_OP: OpId = '@tsdask/core-graph/ops#getitem';

/**
 * The node of a key whose result the scheduler already holds (a persisted collection, a
 * future): `{ op: HELD_OP, args: [key] }`. The scheduler feeds the held value to the tasks
 * that need it; the node itself never runs (the op throws NotHeldError if it does). Passes
 * never fuse it into a dependent, so the key stays in the graph for the scheduler to find.
 */
export const HELD_OP: OpId = '@tsdask/core-graph/ops#held';

/** The node naming a result held by the scheduler under `key`. */
export function held(key: Key): Task {
  return { op: HELD_OP, args: [key] };
}

/** True when `node` is a `held(key)` node. */
export function isHeld(node: unknown): boolean {
  return typeof node === 'object' && node !== null && (node as Task).op === HELD_OP;
}

/**
 * A pick: a top-level `getitem(ref, literal)`, one item of another key's result (a piece of a
 * shuffle's split, a field of a delayed value). Schedulers keep a pick's result on its own
 * and take it in their own thread as soon as the container is in memory (no worker, no
 * copy), so a task that needs one item holds that item only, and the container can go as
 * soon as all its picks are taken: the split of a shuffle is then never held beside its
 * pieces, and each piece can be spilled alone.
 */
export interface Pick {
  readonly from: Key;
  readonly item: string | number;
}

/** The pick a graph node is (see `Pick`), or undefined. */
export function pickOf(node: unknown): Pick | undefined {
  if (!isTask(node) || node.op !== GETITEM_OP || node.args.length !== 2) return undefined;
  const [from, item] = node.args;
  if (!isRef(from) || (typeof item !== 'number' && typeof item !== 'string')) return undefined;
  return { from: from.ref, item };
}

/** A pick of item `item` of key `from`'s result. */
export function pick(from: Key, item: string | number): Task {
  return { op: GETITEM_OP, args: [{ ref: from }, item] };
}

/** Builds a reference to a key. */
export function ref(key: Key): Ref {
  return { ref: key };
}

/** Builds a task. */
export function task(op: OpId, ...args: Arg[]): Task {
  return { op, args };
}

/** Wraps a value so that it is taken verbatim (never scanned for refs or tasks). */
export function quote(value: unknown): Task {
  return { op: QUOTE_OP, args: [value] };
}

/** True when `x` is a `{ ref: key }` reference. */
export function isRef(x: unknown): x is Ref {
  return typeof x === 'object' && x !== null && typeof (x as Ref).ref === 'string' && (x as object).constructor === Object;
}

/** True when `x` is a `{ op, args }` task. */
export function isTask(x: unknown): x is Task {
  return typeof x === 'object' && x !== null && typeof (x as Task).op === 'string' && Array.isArray((x as Task).args);
}

/**
 * Calls `visit(key)` for every reference inside `arg` (nested arrays and tasks too), in
 * argument order (depth first, left to right). Iterative: a task nested 100,000 deep (what
 * an unbounded fusion of a long chain would make) does not overflow the stack.
 */
export function forEachRef(arg: Arg, visit: (key: Key) => void): void {
  walk(arg, visit, undefined);
}

/** Calls `visit(op)` for every op inside `arg`, nested tasks included (quote too); iterative. */
export function forEachOp(arg: Arg, visit: (op: OpId) => void): void {
  walk(arg, undefined, visit);
}

/** The one walk of both: refs and ops in argument order, with an explicit stack; a quote's value is not entered. */
function walk(arg: Arg, onRef: ((key: Key) => void) | undefined, onOp: ((op: OpId) => void) | undefined): void {
  if (typeof arg !== 'object' || arg === null) return;
  const stack: object[] = [arg as object];
  while (stack.length > 0) {
    const x = stack.pop() as object;
    let items: readonly unknown[];
    if (Array.isArray(x)) {
      items = x;
    } else {
      const o = x as { ref?: unknown; op?: unknown; args?: unknown };
      if (typeof o.ref === 'string' && x.constructor === Object) {
        onRef?.(o.ref);
        continue;
      }
      if (typeof o.op !== 'string' || !Array.isArray(o.args)) continue;
      onOp?.(o.op);
      if (o.op === QUOTE_OP) continue;
      items = o.args as unknown[];
    }
    // pushed last to first, so the first item is visited first
    for (let i = items.length - 1; i >= 0; i--) {
      const it = items[i];
      if (typeof it === 'object' && it !== null) stack.push(it);
    }
  }
}

/**
 * How deep tasks and arrays nest in `arg`: 0 for a literal or a ref, 1 for a task of refs and
 * literals, one more per level of nested task or array (a quoted value counts as its quote
 * task only). Evaluating, cloning or sending a node recurses this deep; fusion passes keep it
 * under their limit. Iterative.
 */
export function nestingDepth(arg: Arg): number {
  if (typeof arg !== 'object' || arg === null || isRef(arg)) return 0;
  if (isTask(arg) && flat(arg.args)) return 1; // the common case, without allocating
  let max = 0;
  const nodes: object[] = [arg as object];
  const depths: number[] = [0];
  while (nodes.length > 0) {
    const x = nodes.pop() as object;
    const d = (depths.pop() as number) + 1;
    let items: readonly unknown[];
    if (Array.isArray(x)) {
      items = x;
    } else {
      const o = x as { op?: unknown; args?: unknown };
      if (typeof o.op !== 'string' || !Array.isArray(o.args)) continue;
      items = o.op === QUOTE_OP ? [] : (o.args as unknown[]);
    }
    if (d > max) max = d;
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      if (typeof it === 'object' && it !== null && !isRef(it)) {
        nodes.push(it);
        depths.push(d);
      }
    }
  }
  return max;
}

/** True when no item of `items` is a container (only literals and refs). */
function flat(items: readonly unknown[]): boolean {
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    if (typeof it === 'object' && it !== null && !isRef(it)) return false;
  }
  return true;
}

/** One array or task being rebuilt by `substitute`: its items, the next one, the copy so far. */
interface SubstituteFrame {
  readonly items: readonly Arg[];
  readonly task: Task | undefined;
  i: number;
  out: Arg[] | undefined;
}

/**
 * Returns `arg` with every reference to a key in `subs` replaced by that key's node (the
 * replacements are not scanned again). Unchanged parts are shared, not copied. Iterative.
 */
export function substitute(arg: Arg, subs: ReadonlyMap<Key, Node>): Arg {
  const stack: SubstituteFrame[] = [];
  let cur: Arg = arg;
  for (;;) {
    // Descend into `cur`: a container opens a frame; anything else is its own result `r`.
    let r: Arg = cur;
    let opened = false;
    if (typeof cur === 'object' && cur !== null) {
      if (Array.isArray(cur)) {
        stack.push({ items: cur as readonly Arg[], task: undefined, i: 0, out: undefined });
        opened = true;
      } else if (isRef(cur)) {
        if (subs.has(cur.ref)) r = subs.get(cur.ref) as Node;
      } else if (isTask(cur) && cur.op !== QUOTE_OP) {
        stack.push({ items: cur.args, task: cur, i: 0, out: undefined });
        opened = true;
      }
    }
    // Ascend: hand each result to its frame until a frame has an item left to descend into.
    for (;;) {
      const f = stack[stack.length - 1];
      if (f === undefined) return r;
      if (opened) {
        opened = false;
      } else {
        if (r !== f.items[f.i] && f.out === undefined) f.out = f.items.slice(0, f.i) as Arg[];
        if (f.out !== undefined) f.out.push(r);
        f.i++;
      }
      if (f.i < f.items.length) {
        cur = f.items[f.i] as Arg;
        break;
      }
      stack.pop();
      if (f.out === undefined) r = f.task ?? f.items;
      else r = f.task === undefined ? f.out : { op: f.task.op, args: f.out };
    }
  }
}

/** True when the 32 characters of `s` from `at` are lowercase hex digits. */
/**
 * @internal The length of the token of an impure call's key (`callKey` in platform/hash.ts: 20 base-36
 * digits, shorter than a 32-hex token, since a graph keeps a key per call).
 */
export const CALL_TOKEN_LENGTH = 20;

/** True when the `len` characters of `s` from `at` are digits or lowercase letters. */
function base36(s: string, at: number, len: number): boolean {
  for (let i = at; i < at + len; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 122))) return false;
  }
  return true;
}

function hex32(s: string, at: number): boolean {
  for (let i = at; i < at + 32; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** The part of a key before its indices: `"sum-ab12...,0,1"` gives `"sum-ab12..."`. */
export function keyName(key: Key): string {
  const comma = key.indexOf(',');
  return comma < 0 ? key : key.slice(0, comma);
}

/**
 * The task group of a key (its name without the `-<32 hex>` token, or an impure call's
 * `-<20 base-36 digits>`), as in Dask's `key_split`:
 * `"sum"`. Called per task by event streams, so it scans characters instead of using a regex.
 */
export function keyGroup(key: Key): string {
  return key.slice(0, keyGroupLength(key));
}

/** The length of a key's group prefix (`keyGroup(key) === key.slice(0, keyGroupLength(key))`). */
export function keyGroupLength(key: Key): number {
  const comma = key.indexOf(',');
  const n = comma < 0 ? key.length : comma;
  if (n > 33 && key.charCodeAt(n - 33) === 45 && hex32(key, n - 32)) return n - 33;
  const t = CALL_TOKEN_LENGTH;
  return n > t + 1 && key.charCodeAt(n - t - 1) === 45 && base36(key, n - t, t) ? n - t - 1 : n;
}

/** The indices of a chunk key: `"x-ab,2,3"` gives `[2, 3]`. */
export function keyIndices(key: Key): number[] {
  const parts = key.split(',');
  const out: number[] = [];
  for (let i = 1; i < parts.length; i++) out.push(Number(parts[i]));
  return out;
}

/** Builds a chunk key from a name and indices: `chunkKey('x-ab', 2, 3)` gives `"x-ab,2,3"`. */
export function chunkKey(name: string, ...indices: number[]): Key {
  return indices.length === 0 ? name : `${name},${indices.join(',')}`;
}
