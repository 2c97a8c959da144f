/**
 * Row-wise steps (filter, withColumns, select, rename, drop), fused: a chain of them runs as
 * one function over one partition, so a filter + derive + select is one task per partition.
 */
import { allocI32, type ColumnData, type Partition } from './columns.js';
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

/** The rows where `expr` is true (null counts as false). */
export function filterRows(p: Partition, expr: ExprNode): Partition {
  const m = evaluateColumn(expr, p);
  if (m.type !== 'bool') throw new ExprTypeError('filter', [m.type], 'A filter needs a bool expression.');
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
