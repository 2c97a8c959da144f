/**
 * Finding a layer's template (layer-template.ts) from the lowered tasks of two of its blocks, `a`
 * and `b`, chosen to differ along every axis of more than one block. The two nodes are walked
 * side by side: they must have the same structure, ops and quoted values; a ref whose block
 * coordinates move with the block index becomes a placeholder (a coordinate equal to the
 * block's index along axis d in both samples is that axis, the ref's own position first; one
 * equal in both is a constant); a number that differs between them becomes a value placeholder
 * `mul * index[axis] + add` when one axis explains both (a block's position, a chunk's offset).
 * With one sample only (a layer of one block along every axis), every ref coordinate equal to
 * the block's index is taken for that axis and numbers stay literals.
 *
 * The result is a guess that both samples satisfy: `matchesTemplate` must check every other
 * block before a template stands for it (template-runs.ts does).
 */
import { isRef, isTask, QUOTE_OP, type Key, type Node } from '../spec/index.js';
import { TEMPLATE_REF, TEMPLATE_VALUE, type LayerTemplate, type TemplateCoord, type TemplateRef, type TemplateValue } from './layer-template.js';

/** One task of a layer: its block index and its node (what `inferTemplate` learns from). */
export interface TemplateSample {
  /** The block index. */
  readonly idx: readonly number[];
  /** The block's lowered node. */
  readonly node: Node;
}

/** What every placeholder key starts with: a literal string that does is refused, so a template's JSON text names placeholders only. */
const PLACEHOLDER = '\u0000template-';

/** Nodes nest at most this deep for inference (fusion keeps tasks far shallower). */
const MAX_DEPTH = 1000;

/** Thrown inside the walk when the samples cannot come from one template. */
class NoTemplate {}

/**
 * The template of the layer `name` of `shape` that gives both samples (see the header), or
 * undefined when there is none: the samples differ in structure, a coordinate or number moves
 * unlike any axis, or a node refers to its own layer or holds a placeholder already.
 */
export function inferTemplate(name: string, shape: readonly number[], a: TemplateSample, b?: TemplateSample): LayerTemplate | undefined {
  const refs: TemplateRef[] = [];
  const values: TemplateValue[] = [];
  const refIds = new Map<Key, number>();
  const ia = a.idx;
  const ib = b?.idx;
  /** True when axis d tells the two samples apart and `va`/`vb` are its index in them. */
  const axisOf = (d: number, va: number, vb: number): boolean => (shape[d] as number) > 1 && ia[d] === va && (ib === undefined || ib[d] === vb);

  const refOf = (ka: Key, kb: Key): Node => {
    if (ka.startsWith(TEMPLATE_REF) || ka.startsWith(TEMPLATE_VALUE)) throw new NoTemplate();
    const comma = ka.indexOf(',');
    const refName = comma < 0 ? ka : ka.slice(0, comma);
    if (refName === name) throw new NoTemplate();
    if (ka === kb && comma < 0) return { ref: ka };
    const pa = comma < 0 ? undefined : blockCoords(ka, comma);
    const pb = kb.indexOf(',') === comma && kb.startsWith(refName) ? blockCoords(kb, comma) : undefined;
    if (pa === undefined || pb === undefined || pa.length !== pb.length) {
      if (ka !== kb) throw new NoTemplate();
      return { ref: ka };
    }
    const coords: TemplateCoord[] = [];
    for (let c = 0; c < pa.length; c++) {
      const va = pa[c] as number;
      const vb = pb[c] as number;
      let axis = c < ia.length && axisOf(c, va, vb) ? c : -1;
      for (let d = 0; d < ia.length && axis < 0; d++) if (axisOf(d, va, vb)) axis = d;
      if (axis >= 0) coords.push({ axis });
      else if (va === vb) coords.push(va);
      else throw new NoTemplate();
    }
    if (coords.every((c) => typeof c === 'number')) return { ref: ka };
    let r = refIds.get(ka);
    if (r === undefined) {
      r = refs.length;
      refIds.set(ka, r);
      refs.push({ name: refName, coords });
    }
    return { ref: TEMPLATE_REF + r };
  };

  const numberOf = (va: number, vb: number): Node => {
    if (ib === undefined || Object.is(va, vb)) return va;
    for (let d = 0; d < ia.length; d++) {
      const da = ia[d] as number;
      const db = ib[d] as number;
      if ((shape[d] as number) <= 1 || da === db) continue;
      const mul = (va - vb) / (da - db);
      const add = va - mul * da;
      if (!Number.isFinite(mul) || !Number.isFinite(add) || !Object.is(mul * da + add, va) || !Object.is(mul * db + add, vb)) continue;
      values.push({ axis: d, mul, add });
      return { ref: TEMPLATE_VALUE + (values.length - 1) };
    }
    throw new NoTemplate();
  };

  const walk = (x: unknown, y: unknown, depth: number): Node => {
    if (depth > MAX_DEPTH) throw new NoTemplate();
    if (typeof x === 'number' && typeof y === 'number') return numberOf(x, y);
    if (typeof x !== 'object' || x === null) {
      if (!Object.is(x, y) || (typeof x === 'string' && x.startsWith(PLACEHOLDER))) throw new NoTemplate();
      return x;
    }
    if (typeof y !== 'object' || y === null) throw new NoTemplate();
    if (isRef(x)) {
      if (!isRef(y)) throw new NoTemplate();
      return refOf(x.ref, y.ref);
    }
    if (Array.isArray(x)) {
      if (!Array.isArray(y) || x.length !== y.length) throw new NoTemplate();
      return x.map((item, i) => walk(item, y[i], depth + 1));
    }
    if (Array.isArray(y)) throw new NoTemplate();
    if (isTask(x) && x.op === QUOTE_OP) {
      if (!isTask(y) || y.op !== QUOTE_OP || JSON.stringify(x.args) !== JSON.stringify(y.args)) throw new NoTemplate();
      return x;
    }
    if (Object.getPrototypeOf(x) !== Object.prototype || Object.getPrototypeOf(y) !== Object.prototype) throw new NoTemplate();
    const kx = Object.keys(x);
    const ky = Object.keys(y);
    if (kx.length !== ky.length) throw new NoTemplate();
    const out: Record<string, unknown> = {};
    for (let i = 0; i < kx.length; i++) {
      const k = kx[i] as string;
      if (k !== ky[i]) throw new NoTemplate();
      out[k] = walk((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], depth + 1);
    }
    return out;
  };

  let node: Node;
  try {
    node = walk(a.node, b === undefined ? a.node : b.node, 0);
  } catch (err) {
    if (err instanceof NoTemplate) return undefined;
    throw err;
  }
  return values.length > 0 ? { name, shape: shape.slice(), node, refs, values } : { name, shape: shape.slice(), node, refs };
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
