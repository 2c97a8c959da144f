/**
 * Row-wise steps (filter, withColumns, select, rename, drop), fused: a chain of them runs as
 * one function over one partition, so a filter + derive + select is one task per partition.
 */
import { allocI32, isNumeric, type ColumnData, type Partition } from './columns.js';
import { take } from './columns.js';
import { evaluateColumn } from './eval.js';
import type { ExprNode } from './expr-node.js';
import { ExprTypeError } from '../errors.js';

export type Step =
  | { k: 'filter'; expr: ExprNode }
  | { k: 'with'; exprs: [string, ExprNode][] }
  | { k: 'select'; exprs: [string, ExprNode][] }
  | { k: 'rename'; map: [string, string][] }
  | { k: 'drop'; names: string[] };

/** Applies one step to a partition. */
export function applyStep(p: Partition, step: Step): Partition {
  switch (step.k) {
    case 'filter':
      return filterRows(p, step.expr);
    case 'with': {
      const names = [...p.names];
      const columns = [...p.columns];
      for (const [name, expr] of step.exprs) {
        const c = evaluateColumn(expr, p);
        const i = names.indexOf(name);
        if (i >= 0) columns[i] = c;
        else {
          names.push(name);
          columns.push(c);
        }
      }
      return { ...p, names, columns };
    }
    case 'select':
      return {
        ...p,
        names: step.exprs.map(([n]) => n),
        columns: step.exprs.map(([, e]) => evaluateColumn(e, p)),
      };
    case 'rename': {
      const m = new Map(step.map);
      return { ...p, names: p.names.map((n) => m.get(n) ?? n) };
    }
    case 'drop': {
      // Validated against the schema when the step was built; a column missing here was not
      // read at all (projection pushdown), so there is nothing to drop.
      const keep = p.names.map((n, i) => [n, i] as const).filter(([n]) => !step.names.includes(n));
      return { ...p, names: keep.map(([n]) => n), columns: keep.map(([, i]) => p.columns[i] as ColumnData) };
    }
  }
}

/** A filter's mask over p: a bool column (null counts as false). */
function filterMask(p: Partition, expr: ExprNode): ColumnData {
  const m = evaluateColumn(expr, p);
  if (m.type !== 'bool') throw new ExprTypeError('filter', [m.type], 'A filter needs a bool expression.');
  return m;
}

/** The rows where `expr` is true (null counts as false). */
export function filterRows(p: Partition, expr: ExprNode): Partition {
  const m = filterMask(p, expr);
  const n = p.length;
  const mask = m.values;
  const valid = m.valid;
  const idx = allocI32(n);
  let k = 0;
  if (valid === undefined) {
    for (let i = 0; i < n; i++) if (mask[i] === 1) idx[k++] = i;
  } else {
    for (let i = 0; i < n; i++) if (mask[i] === 1 && valid[i] === 1) idx[k++] = i;
  }
  if (k === n) return p;
  const out = take(p, idx, k);
  if (p.skipped !== undefined) out.skipped = p.skipped;
  return out;
}

/** Applies a chain of steps. */
export function applySteps(p: Partition, steps: readonly Step[]): Partition {
  let out = p;
  for (const s of steps) out = applyStep(out, s);
  return out;
}

/**
 * The number of rows of applySteps(p, steps), where a last filter is counted, not applied: its
 * mask's true (and valid) entries, without taking the rows it keeps.
 */
export function countAfterSteps(p: Partition, steps: readonly Step[]): number {
  const last = steps[steps.length - 1];
  if (last === undefined || last.k !== 'filter') return applySteps(p, steps).length;
  let q = p;
  for (let j = 0; j < steps.length - 1; j++) q = applyStep(q, steps[j] as Step);
  const direct = countCompare(q, last.expr);
  if (direct >= 0) return direct;
  const m = filterMask(q, last.expr);
  const n = q.length;
  const mask = m.values;
  const valid = m.valid;
  let k = 0;
  if (valid === undefined) {
    for (let i = 0; i < n; i++) if (mask[i] === 1) k++;
  } else {
    for (let i = 0; i < n; i++) if (mask[i] === 1 && valid[i] === 1) k++;
  }
  return k;
}

/** The compare of `lit op col` read as `col op' lit`. */
const FLIPPED: Record<string, string> = { eq: 'eq', ne: 'ne', lt: 'gt', le: 'ge', gt: 'lt', ge: 'le' };

/**
 * The rows where a numeric column compares true with a number, counted straight from the
 * column (what filterMask would count: nulls false, NaN only unequal); -1 when `expr` is not
 * such a compare. A batch of a fused scan then allocates no mask.
 */
function countCompare(p: Partition, expr: ExprNode): number {
  if (expr.e !== 'call' || expr.args.length !== 2 || FLIPPED[expr.fn] === undefined) return -1;
  const [a, b] = expr.args as [ExprNode, ExprNode];
  const [c, l, fn] = a.e === 'col' && b.e === 'lit' ? [a, b, expr.fn] : b.e === 'col' && a.e === 'lit' ? [b, a, FLIPPED[expr.fn] as string] : [];
  if (c?.e !== 'col' || l?.e !== 'lit' || typeof l.value !== 'number') return -1;
  // (a literal typed int32 would be truncated by the general path: left to it)
  if (l.type !== undefined && l.type !== 'float64' && l.type !== 'int64') return -1;
  const j = p.names.indexOf(c.name);
  const col = p.columns[j];
  if (col === undefined || !isNumeric(col.type)) return -1;
  return countWhere(col.values, col.valid, p.length, fn as string, l.value);
}

/**
 * Rows i < n with valid[i] (all when valid is undefined) where values[i] `fn` x: one loop per
 * compare, each without a branch per row (a compare's outcome flips unpredictably row to row).
 */
function countWhere(v: ArrayLike<number>, ok: Uint8Array | undefined, n: number, fn: string, x: number): number {
  let k = 0;
  if (fn === 'gt') for (let i = 0; i < n; i++) k += +((v[i] as number) > x);
  else if (fn === 'lt') for (let i = 0; i < n; i++) k += +((v[i] as number) < x);
  else if (fn === 'ge') for (let i = 0; i < n; i++) k += +((v[i] as number) >= x);
  else if (fn === 'le') for (let i = 0; i < n; i++) k += +((v[i] as number) <= x);
  else if (fn === 'eq') for (let i = 0; i < n; i++) k += +((v[i] as number) === x);
  else for (let i = 0; i < n; i++) k += +((v[i] as number) !== x);
  if (ok === undefined) return k;
  // Null rows counted above by their stored value, taken back.
  for (let i = 0; i < n; i++) {
    if (ok[i] !== 0) continue;
    const y = v[i] as number;
    if (fn === 'gt' ? y > x : fn === 'lt' ? y < x : fn === 'ge' ? y >= x : fn === 'le' ? y <= x : fn === 'eq' ? y === x : y !== x) k--;
  }
  return k;
}
