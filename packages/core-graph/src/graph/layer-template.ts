/**
 * Layer templates: the tasks of a layer that are a function of their block index, as plain data
 * (what a client sends a scheduler instead of every task, issue 14).
 *
 * A template names the layer (`name`, the key prefix), its `shape` (blocks along each axis; the
 * task at block `[i, j]` has key `"<name>,<i>,<j>"`), and one `node`: the task of any block,
 * where each reference that depends on the block index is a placeholder ref
 * `{ ref: TEMPLATE_REF + k }` standing for `refs[k]`: a key `"<refs[k].name>,<c0>,<c1>..."`
 * whose coordinate c is either a constant (a number) or `{ axis: d }`, the block's index along
 * axis d. References to fixed keys stay plain refs. A number that moves with the block index
 * (`mul * index[axis] + add`: the block's position, a chunk's offset) is a placeholder
 * `{ ref: TEMPLATE_VALUE + k }` standing for `values[k]`; other literals are the same for every block.
 * Blocks are numbered in row-major order (the last axis fastest), so a template expands over a
 * range `[from, to)` of that numbering.
 *
 * Dask sent HighLevelGraph layers to its scheduler as pickled Python objects
 * (`__dask_distributed_pack__`) and dropped it: unpickling cost more than it saved, and every
 * layer class needed its own packing. A template is plain, structured-clonable (and JSON) data
 * that any layer whose tasks follow one pattern has, whatever built it: `inferTemplate` finds it
 * from two lowered tasks (infer-template.ts), and `matchesTemplate` checks it against every other, so a template is
 * used only where it gives back exactly the tasks lowering gave.
 */
import { forEachRef, isRef, isTask, QUOTE_OP, substitute, type Key, type Node } from '../spec/index.js';

/** The prefix of a placeholder ref's key inside a template's node (never a real key: keys do not start with NUL). */
export const TEMPLATE_REF = '\u0000template-ref-';

/** The prefix of a placeholder for a number that depends on the block index (`LayerTemplate.values`). */
export const TEMPLATE_VALUE = '\u0000template-value-';

/** One coordinate of a templated reference: a constant block index, or the block's index along an axis. */
export type TemplateCoord = number | { readonly axis: number };

/** A reference whose key depends on the block index: `"<name>,<coords...>"`. */
export interface TemplateRef {
  /** The name part of the key. */
  readonly name: string;
  /** One coordinate per index of the key. */
  readonly coords: readonly TemplateCoord[];
}

/** A number that depends on the block index: `mul * index[axis] + add` (a block's position, a chunk's offset). */
export interface TemplateValue {
  /** The axis whose block index the number follows. */
  readonly axis: number;
  /** The factor of the block index. */
  readonly mul: number;
  /** The number at block index 0. */
  readonly add: number;
}

/** The tasks of one layer as a function of their block index (see the header). */
export interface LayerTemplate {
  /** The name part of every key of the layer. */
  readonly name: string;
  /** Blocks along each axis. */
  readonly shape: readonly number[];
  /** The task of any block, with placeholders. */
  readonly node: Node;
  /** What the ref placeholders `{ ref: TEMPLATE_REF + k }` stand for. */
  readonly refs: readonly TemplateRef[];
  /** The numbers that placeholders `{ ref: TEMPLATE_VALUE + k }` stand for (absent: none). */
  readonly values?: readonly TemplateValue[];
}

/** Expanded tasks: keys, nodes, and each task's dependencies (deduplicated, in ref order) as keys in CSR form. */
export interface ExpandedTasks {
  /** Each task's key, in block order. */
  readonly keys: Key[];
  /** Each task's node. */
  readonly nodes: Node[];
  /** Task t's dependencies are `depKeys[depPtr[t] .. depPtr[t + 1])`. */
  readonly depPtr: number[];
  readonly depKeys: Key[];
}

/** The number of tasks of a template (the product of its shape). */
export function templateSize(t: LayerTemplate): number {
  let n = 1;
  for (const s of t.shape) n *= s;
  return n;
}

/** The block index (one number per axis) of task `at` in row-major order. */
export function blockIndexAt(shape: readonly number[], at: number, out: number[] = new Array<number>(shape.length)): number[] {
  for (let d = shape.length - 1; d >= 0; d--) {
    const s = shape[d] as number;
    out[d] = at % s;
    at = Math.floor(at / s);
  }
  return out;
}

/** The key of block `idx` of a layer named `name`. */
export function templateKeyAt(name: string, idx: readonly number[]): Key {
  let k = name;
  for (let d = 0; d < idx.length; d++) k += ',' + String(idx[d]);
  return k;
}

/** The key a templated ref names at block `idx`. */
export function templateRefKeyAt(r: TemplateRef, idx: readonly number[]): Key {
  let k = r.name;
  for (const c of r.coords) k += ',' + String(typeof c === 'number' ? c : idx[c.axis]);
  return k;
}

/** The number a templated value is at block `idx`. */
export function templateValueAt(v: TemplateValue, idx: readonly number[]): number {
  return v.mul * (idx[v.axis] as number) + v.add;
}

/** The template's task keys, nodes and dependencies for blocks `from` to `to` (row-major numbering, `to` excluded). */
export function expandTemplate(t: LayerTemplate, from: number, to: number): ExpandedTasks {
  const keys: Key[] = [];
  const nodes: Node[] = [];
  const depPtr: number[] = [0];
  const depKeys: Key[] = [];
  const subs = new Map<Key, Node>();
  const values = t.values ?? [];
  const idx = new Array<number>(t.shape.length);
  const seen = new Set<Key>();
  const pushDep = (k: Key): void => {
    if (seen.has(k)) return;
    seen.add(k);
    depKeys.push(k);
  };
  for (let at = from; at < to; at++) {
    blockIndexAt(t.shape, at, idx);
    for (let r = 0; r < t.refs.length; r++) subs.set(TEMPLATE_REF + r, { ref: templateRefKeyAt(t.refs[r] as TemplateRef, idx) });
    for (let v = 0; v < values.length; v++) subs.set(TEMPLATE_VALUE + v, templateValueAt(values[v] as TemplateValue, idx));
    const node = subs.size === 0 ? t.node : substitute(t.node, subs);
    keys.push(templateKeyAt(t.name, idx));
    nodes.push(node);
    seen.clear();
    if (typeof node === 'object' && node !== null) forEachRef(node, pushDep);
    depPtr.push(depKeys.length);
  }
  return { keys, nodes, depPtr, depKeys };
}

/**
 * True when `node` is exactly the template's task at block `idx`: the same structure, ops,
 * literals (plain objects with the same keys in the same order, as JSON would write them) and
 * refs, each placeholder standing for its key at `idx`. The template is compiled once into
 * nested tests (no walk stacks per node); it nests at most as deep as inference allows.
 */
export function matchesTemplate(t: LayerTemplate, idx: readonly number[], node: Node): boolean {
  let m = matchers.get(t);
  if (m === undefined) matchers.set(t, (m = compileMatcher(t, t.node, 0)));
  return m(node, idx);
}

/** A template's node compiled into a test of a node at a block index (the same checks as a walk of both, with no walk state). */
type Matcher = (y: unknown, idx: readonly number[]) => boolean;

/** The compiled matcher of each template matched so far (templates are plain data, not changed once inferred). */
const matchers = new WeakMap<LayerTemplate, Matcher>();

const never: Matcher = () => false;

/** The matcher of template node part `x` (see matchesTemplate); a node nested deeper than the inference allows matches nothing. */
function compileMatcher(t: LayerTemplate, x: unknown, depth: number): Matcher {
  if (typeof x !== 'object' || x === null) return (y) => x === y;
  if (depth > 1000) return (y) => x === y;
  if (isRef(x)) {
    const k = x.ref;
    if (k.startsWith(TEMPLATE_VALUE)) {
      const v = t.values?.[Number(k.slice(TEMPLATE_VALUE.length))];
      return v === undefined ? never : (y, idx) => Object.is(y, templateValueAt(v, idx));
    }
    if (k.startsWith(TEMPLATE_REF)) {
      const r = t.refs[Number(k.slice(TEMPLATE_REF.length))];
      return r === undefined ? (y) => x === y : (y, idx) => x === y || (isRef(y) && y.ref === templateRefKeyAt(r, idx));
    }
    return (y) => x === y || (isRef(y) && y.ref === k);
  }
  if (Array.isArray(x)) {
    const items = x.map((item) => compileMatcher(t, item, depth + 1));
    const n = items.length;
    return (y, idx) => {
      if (x === y) return true;
      if (!Array.isArray(y) || y.length !== n) return false;
      for (let i = 0; i < n; i++) if (!items[i]!(y[i], idx)) return false;
      return true;
    };
  }
  if (isTask(x) && x.op === QUOTE_OP)
    // a quoted value is compared as a literal; it holds no placeholder
    return (y) => x === y || (typeof y === 'object' && y !== null && !Array.isArray(y) && isTask(y) && y.op === QUOTE_OP && sameLiteral(x.args, y.args));
  if (Object.getPrototypeOf(x) !== Object.prototype) return (y) => x === y;
  const names = Object.keys(x);
  const fields = names.map((k) => compileMatcher(t, (x as Record<string, unknown>)[k], depth + 1));
  return (y, idx) => {
    if (x === y) return true;
    if (typeof y !== 'object' || y === null || Array.isArray(y) || Object.getPrototypeOf(y) !== Object.prototype) return false;
    const ky = Object.keys(y);
    if (ky.length !== names.length) return false;
    for (let i = 0; i < names.length; i++) {
      const k = names[i] as string;
      if (k !== ky[i] || !fields[i]!((y as Record<string, unknown>)[k], idx)) return false;
    }
    return true;
  };
}

/** Pushes the fields of two containers side by side onto `a` and `b`; false when their keys differ (in number, name or order). */
function pushFields(x: object, y: object, a: unknown[], b: unknown[]): boolean {
  const kx = Object.keys(x);
  const ky = Object.keys(y);
  if (kx.length !== ky.length) return false;
  for (let i = 0; i < kx.length; i++) {
    const k = kx[i] as string;
    if (k !== ky[i]) return false;
    a.push((x as Record<string, unknown>)[k]);
    b.push((y as Record<string, unknown>)[k]);
  }
  return true;
}

/** Deep equality of two JSON-like literals (plain objects compared key by key in order). Iterative. */
function sameLiteral(x0: unknown, y0: unknown): boolean {
  const a: unknown[] = [x0];
  const b: unknown[] = [y0];
  while (a.length > 0) {
    const x = a.pop();
    const y = b.pop();
    if (x === y) continue;
    if (typeof x !== 'object' || x === null || typeof y !== 'object' || y === null) return false;
    if (Array.isArray(x) !== Array.isArray(y)) return false;
    if (!Array.isArray(x) && (Object.getPrototypeOf(x) !== Object.prototype || Object.getPrototypeOf(y) !== Object.prototype)) return false;
    if (!pushFields(x, y, a, b)) return false;
  }
  return true;
}

/**
 * Why `t` is not a well-formed template (a name, a shape of non-negative integers, refs whose
 * coordinates are non-negative integers or axes of the shape), or undefined when it is. For
 * a receiver that got a template from elsewhere.
 */
export function templateProblem(t: unknown): string | undefined {
  if (typeof t !== 'object' || t === null) return 'is not an object';
  const o = t as Partial<Record<keyof LayerTemplate, unknown>>;
  if (typeof o.name !== 'string' || o.name.length === 0 || o.name.includes(',')) return 'has no valid name';
  if (!Array.isArray(o.shape) || !o.shape.every((s) => Number.isSafeInteger(s) && (s as number) >= 0)) return 'has a shape that is not a list of block counts';
  const dims = o.shape.length;
  if (!('node' in o)) return 'has no node';
  if (!Array.isArray(o.refs)) return 'has no refs list';
  for (const r of o.refs as unknown[]) {
    const ref = r as Partial<TemplateRef> | null;
    if (typeof ref !== 'object' || ref === null || typeof ref.name !== 'string' || !Array.isArray(ref.coords)) return 'has a ref that is not { name, coords }';
    for (const c of ref.coords as unknown[]) {
      const ok =
        typeof c === 'number'
          ? Number.isSafeInteger(c) && c >= 0
          : typeof c === 'object' &&
            c !== null &&
            Number.isInteger((c as { axis: unknown }).axis) &&
            (c as { axis: number }).axis >= 0 &&
            (c as { axis: number }).axis < dims;
      if (!ok) return `has a ref to '${ref.name}' with a coordinate that is neither a block index nor an axis below ${dims}`;
    }
  }
  if (o.values !== undefined) {
    if (!Array.isArray(o.values)) return 'has a values entry that is not a list';
    for (const v of o.values as unknown[]) {
      const tv = v as Partial<TemplateValue> | null;
      const ok =
        typeof tv === 'object' &&
        tv !== null &&
        Number.isInteger(tv.axis) &&
        (tv.axis as number) >= 0 &&
        (tv.axis as number) < dims &&
        Number.isFinite(tv.mul) &&
        Number.isFinite(tv.add);
      if (!ok) return `has a value that is not { axis, mul, add } with an axis below ${dims}`;
    }
  }
  const nValues = Array.isArray(o.values) ? o.values.length : 0;
  let bad: string | undefined;
  forEachRef(o.node, (k) => {
    if (k.startsWith(TEMPLATE_VALUE)) {
      const v = Number(k.slice(TEMPLATE_VALUE.length));
      if (!Number.isInteger(v) || v < 0 || v >= nValues) bad ??= `has a placeholder '${k.slice(1)}' with no value`;
      return;
    }
    if (!k.startsWith(TEMPLATE_REF)) return;
    const r = Number(k.slice(TEMPLATE_REF.length));
    if (!Number.isInteger(r) || r < 0 || r >= (o.refs as unknown[]).length) bad ??= `has a placeholder '${k.slice(1)}' with no ref`;
  });
  return bad;
}
