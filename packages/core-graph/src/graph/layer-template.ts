/**
 * Layer templates: the tasks of a layer that are a function of their block index, as plain data
 * (what a client sends a scheduler instead of every task, issue 14).
 *
 * A template names the layer (`name`, the key prefix), its `shape` (blocks along each axis; the
 * task at block `[i, j]` has key `"<name>,<i>,<j>"`), and one `node`: the task of any block,
 * where each reference that depends on the block index is a placeholder ref
 * `{ ref: TEMPLATE_REF + k }` standing for `refs[k]`: a key `"<refs[k].name>,<c0>,<c1>..."`
 * whose coordinate c is either a constant (a number) or `{ axis: d }`, the block's index along
 * axis d. References to fixed keys stay plain refs; literals are the same for every block.
 * Blocks are numbered in row-major order (the last axis fastest), so a template expands over a
 * range `[from, to)` of that numbering.
 *
 * Dask sent HighLevelGraph layers to its scheduler as pickled Python objects
 * (`__dask_distributed_pack__`) and dropped it: unpickling cost more than it saved, and every
 * layer class needed its own packing. A template is plain, structured-clonable (and JSON) data
 * that any layer whose tasks follow one pattern has, whatever built it: `inferTemplate` finds it
 * from one lowered task, and `matchesTemplate` checks it against every other, so a template is
 * used only where it gives back exactly the tasks lowering gave.
 */
import { forEachRef, isRef, isTask, QUOTE_OP, substitute, type Key, type Node } from '../spec/index.js';

/** The prefix of a placeholder ref's key inside a template's node (never a real key: keys do not start with NUL). */
export const TEMPLATE_REF = '\u0000template-ref-';

/** One coordinate of a templated reference: a constant block index, or the block's index along an axis. */
export type TemplateCoord = number | { readonly axis: number };

/** A reference whose key depends on the block index: `"<name>,<coords...>"`. */
export interface TemplateRef {
  readonly name: string;
  readonly coords: readonly TemplateCoord[];
}

/** The tasks of one layer as a function of their block index (see the header). */
export interface LayerTemplate {
  readonly name: string;
  readonly shape: readonly number[];
  readonly node: Node;
  readonly refs: readonly TemplateRef[];
}

/** Expanded tasks: keys, nodes, and each task's dependencies (deduplicated, in ref order) as keys in CSR form. */
export interface ExpandedTasks {
  readonly keys: Key[];
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
function keyAt(name: string, idx: readonly number[]): Key {
  let k = name;
  for (let d = 0; d < idx.length; d++) k += ',' + String(idx[d]);
  return k;
}

/** The key a templated ref names at block `idx`. */
function refKeyAt(r: TemplateRef, idx: readonly number[]): Key {
  let k = r.name;
  for (const c of r.coords) k += ',' + String(typeof c === 'number' ? c : idx[c.axis]);
  return k;
}

/** The template's task keys, nodes and dependencies for blocks `from` to `to` (row-major numbering, `to` excluded). */
export function expandTemplate(t: LayerTemplate, from: number, to: number): ExpandedTasks {
  const keys: Key[] = [];
  const nodes: Node[] = [];
  const depPtr: number[] = [0];
  const depKeys: Key[] = [];
  const subs = new Map<Key, Node>();
  const idx = new Array<number>(t.shape.length);
  const seen = new Set<Key>();
  const pushDep = (k: Key): void => {
    if (seen.has(k)) return;
    seen.add(k);
    depKeys.push(k);
  };
  for (let at = from; at < to; at++) {
    blockIndexAt(t.shape, at, idx);
    for (let r = 0; r < t.refs.length; r++) subs.set(TEMPLATE_REF + r, { ref: refKeyAt(t.refs[r] as TemplateRef, idx) });
    const node = subs.size === 0 ? t.node : substitute(t.node, subs);
    keys.push(keyAt(t.name, idx));
    nodes.push(node);
    seen.clear();
    if (typeof node === 'object' && node !== null) forEachRef(node, pushDep);
    depPtr.push(depKeys.length);
  }
  return { keys, nodes, depPtr, depKeys };
}

/** One task of a layer: its block index and its node (what `inferTemplate` learns from). */
export interface TemplateSample {
  readonly idx: readonly number[];
  readonly node: Node;
}

/**
 * The template of a layer named `name` of `shape`, found from the task of one block (`a`) and,
 * best, of a second block (`b`) that differs from it along every axis of more than one block:
 * a coordinate of a ref is the block's index along axis d where it equals that index in both
 * samples (the ref's own position first), a constant where it is the same in both. With one
 * sample, a coordinate equal to the block's index is taken for that axis. Undefined when the
 * samples cannot come from one template (their refs differ in number, a coordinate moves
 * unlike any axis: an offset), or a node refers to its own layer or holds a placeholder. The
 * guess may not hold for other blocks: check each with `matchesTemplate` before using it.
 */
export function inferTemplate(name: string, shape: readonly number[], a: TemplateSample, b?: TemplateSample): LayerTemplate | undefined {
  const keysA = refKeys(a.node);
  const keysB = b === undefined ? undefined : refKeys(b.node);
  if (keysB !== undefined && keysB.length !== keysA.length) return undefined;
  const refs: TemplateRef[] = [];
  const byKey = new Map<Key, number>();
  for (let r = 0; r < keysA.length; r++) {
    const k = keysA[r] as Key;
    const comma = k.indexOf(',');
    const refName = comma < 0 ? k : k.slice(0, comma);
    if (k.startsWith(TEMPLATE_REF) || refName === name) return undefined;
    const kb = keysB?.[r];
    if (kb !== undefined && (kb.indexOf(',') !== comma || !kb.startsWith(refName))) return undefined;
    if (comma < 0) {
      if (kb !== undefined && kb !== k) return undefined; // a fixed key: the same in both
      continue;
    }
    if (byKey.has(k)) continue;
    const pa = blockCoords(k, comma);
    const pb = kb === undefined ? undefined : blockCoords(kb, comma);
    if (pa === undefined || (kb !== undefined && (pb === undefined || pb.length !== pa.length))) {
      if (kb !== undefined && kb !== k) return undefined;
      continue; // not a block key: a plain ref
    }
    const coords: TemplateCoord[] = [];
    for (let c = 0; c < pa.length; c++) coords.push(coordOf(c, pa[c] as number, pb?.[c], shape, a.idx, b?.idx) ?? -1);
    if (coords.some((c) => c === -1)) return undefined;
    if (coords.every((c) => typeof c === 'number')) continue; // a fixed key
    byKey.set(k, refs.length);
    refs.push({ name: refName, coords });
  }
  const subs = new Map<Key, Node>();
  for (const [k, r] of byKey) subs.set(k, { ref: TEMPLATE_REF + r });
  return { name, shape: shape.slice(), node: subs.size === 0 ? a.node : substitute(a.node, subs), refs };
}

/** Every ref key of `node`, in ref order (repeats included). */
function refKeys(node: Node): Key[] {
  const out: Key[] = [];
  forEachRef(node, (k) => out.push(k));
  return out;
}

/** The block indices of key `k` after its first comma, or undefined when one is not a plain non-negative integer. */
function blockCoords(k: Key, comma: number): number[] | undefined {
  const parts = k.slice(comma + 1).split(',');
  const out: number[] = [];
  for (const p of parts) {
    const v = Number(p);
    if (!Number.isSafeInteger(v) || v < 0 || String(v) !== p) return undefined;
    out.push(v);
  }
  return out;
}

/** Coordinate c of a ref, seen as `va` in sample a and `vb` in sample b: an axis, a constant, or undefined when neither fits. */
function coordOf(
  c: number,
  va: number,
  vb: number | undefined,
  shape: readonly number[],
  ia: readonly number[],
  ib: readonly number[] | undefined,
): TemplateCoord | undefined {
  const fits = (d: number): boolean => (shape[d] as number) > 1 && ia[d] === va && (ib === undefined || vb === undefined || ib[d] === vb);
  if (c < ia.length && fits(c)) return { axis: c };
  for (let d = 0; d < ia.length; d++) if (fits(d)) return { axis: d };
  return vb === undefined || vb === va ? va : undefined;
}

/**
 * True when `node` is exactly the template's task at block `idx`: the same structure, ops,
 * literals (plain objects with the same keys in the same order, as JSON would write them) and
 * refs, each placeholder standing for its key at `idx`. Iterative; allocates nothing per literal.
 */
export function matchesTemplate(t: LayerTemplate, idx: readonly number[], node: Node): boolean {
  const a: unknown[] = [t.node];
  const b: unknown[] = [node];
  while (a.length > 0) {
    const x = a.pop();
    const y = b.pop();
    if (x === y) continue;
    if (typeof x !== 'object' || x === null || typeof y !== 'object' || y === null) return false;
    if (Array.isArray(x)) {
      if (!Array.isArray(y) || x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) {
        a.push(x[i]);
        b.push(y[i]);
      }
      continue;
    }
    if (Array.isArray(y)) return false;
    if (isRef(x)) {
      if (!isRef(y)) return false;
      const k = x.ref;
      if (k.startsWith(TEMPLATE_REF)) {
        const r = t.refs[Number(k.slice(TEMPLATE_REF.length))];
        if (r === undefined || y.ref !== refKeyAt(r, idx)) return false;
      } else if (y.ref !== k) return false;
      continue;
    }
    if (isTask(x) && x.op === QUOTE_OP) {
      // a quoted value is compared as a literal; it holds no placeholder
      if (!isTask(y) || y.op !== QUOTE_OP || !sameLiteral(x.args, y.args)) return false;
      continue;
    }
    if (Object.getPrototypeOf(x) !== Object.prototype || Object.getPrototypeOf(y) !== Object.prototype) return false;
    const kx = Object.keys(x);
    const ky = Object.keys(y);
    if (kx.length !== ky.length) return false;
    for (let i = 0; i < kx.length; i++) {
      const k = kx[i] as string;
      if (k !== ky[i]) return false;
      a.push((x as Record<string, unknown>)[k]);
      b.push((y as Record<string, unknown>)[k]);
    }
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
    const kx = Object.keys(x);
    const ky = Object.keys(y);
    if (kx.length !== ky.length) return false;
    for (let i = 0; i < kx.length; i++) {
      const k = kx[i] as string;
      if (k !== ky[i]) return false;
      a.push((x as Record<string, unknown>)[k]);
      b.push((y as Record<string, unknown>)[k]);
    }
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
  let bad: string | undefined;
  forEachRef(o.node, (k) => {
    if (!k.startsWith(TEMPLATE_REF)) return;
    const r = Number(k.slice(TEMPLATE_REF.length));
    if (!Number.isInteger(r) || r < 0 || r >= (o.refs as unknown[]).length) bad ??= `has a placeholder '${k.slice(1)}' with no ref`;
  });
  return bad;
}
