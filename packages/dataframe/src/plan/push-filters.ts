/**
 * Filters a reader can prune by: the leading filter steps over a source that can prune
 * (Parquet row groups by their statistics) become `[column, op, value]` filters. The filter
 * steps stay in place: pruning is coarse, the rows are still filtered exactly.
 */
import type { Schema } from '../kernels/columns.js';
import type { ExprNode, Scalar } from '../kernels/expr-node.js';
import type { Step } from '../kernels/steps.js';
import { onlyChooses } from './steps.js';

/** A filter a source can use to skip data: `column op value`. */
export type PushFilter = [string, 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge', Scalar];

const FLIP: Record<string, PushFilter[1]> = { eq: 'eq', ne: 'ne', lt: 'gt', le: 'ge', gt: 'lt', ge: 'le' };

function terms(e: ExprNode, out: PushFilter[], schema: Schema): void {
  if (e.e !== 'call') return;
  if (e.fn === 'and') {
    for (const a of e.args) terms(a, out, schema);
    return;
  }
  if (e.fn === 'between' && e.args[0]?.e === 'col' && e.args[1]?.e === 'lit' && e.args[2]?.e === 'lit') {
    out.push([e.args[0].name, 'ge', e.args[1].value], [e.args[0].name, 'le', e.args[2].value]);
    return;
  }
  const flip = FLIP[e.fn];
  if (flip === undefined || e.args.length !== 2) return;
  const [a, b] = e.args as [ExprNode, ExprNode];
  if (a.e === 'col' && b.e === 'lit' && b.value !== null && schema.names.includes(a.name)) out.push([a.name, e.fn as PushFilter[1], b.value]);
  else if (b.e === 'col' && a.e === 'lit' && a.value !== null && schema.names.includes(b.name)) out.push([b.name, flip, a.value]);
}

/** The filters implied by filter steps before any step that renames or derives a column. */
export function pushFilters(steps: readonly Step[], schema: Schema): PushFilter[] {
  const out: PushFilter[] = [];
  for (const s of steps) {
    if (s.k === 'filter') terms(s.expr, out, schema);
    else if (onlyChooses(s)) continue;
    else break;
  }
  return out;
}
