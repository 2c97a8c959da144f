/**
 * merge(left, right, { on | leftOn + rightOn, how }): checks the keys and chooses how rows
 * move: a broadcast join when one side has a single partition (or `broadcast: true`) and the
 * join keeps the other side's rows apart; otherwise a hash shuffle join (plan/merge.ts).
 * Column names that clash get suffixes ('_x', '_y'), as in pandas.
 */
import type { DType } from './kernels/columns.js';
import type { Frame } from './frame.js';
import type { MergeMode } from './plan/node.js';
import { mergeNode } from './plan/merge.js';
import { ColumnNotFoundError, DataFrameError, ExprTypeError } from './errors.js';
import { commonType } from './kernels/expr-types.js';
import type { MergeOptions } from './schema-types.js';

export type { MergeOptions } from './schema-types.js';

function list(x: string | readonly string[] | undefined): string[] | undefined {
  return x === undefined ? undefined : typeof x === 'string' ? [x] : [...x];
}

/** Joins two frames. */
export function merge<F extends Frame<F>>(left: F, right: Frame<unknown>, opts: MergeOptions = {}): F {
  const how = opts.how ?? 'inner';
  if (!['inner', 'left', 'right', 'outer'].includes(how)) throw new DataFrameError(`merge(): unknown how '${how}'.`);
  const on = list(opts.on);
  const leftOn = on ?? list(opts.leftOn) ?? left.columns.filter((c) => right.columns.includes(c));
  const rightOn = on ?? list(opts.rightOn) ?? leftOn;
  if (leftOn.length === 0 || leftOn.length !== rightOn.length) {
    throw new DataFrameError('merge(): give `on`, or `leftOn` and `rightOn` of the same length.');
  }
  for (const c of leftOn) if (!left.columns.includes(c)) throw new ColumnNotFoundError(c, left.columns, 'merge() left side');
  for (const c of rightOn) if (!right.columns.includes(c)) throw new ColumnNotFoundError(c, right.columns, 'merge() right side');
  leftOn.forEach((c, k) => {
    const a = left.dtypes[c] as DType;
    const b = right.dtypes[rightOn[k] as string] as DType;
    if (commonType(a, b) === undefined || (a === 'utf8') !== (b === 'utf8'))
      throw new ExprTypeError('merge', [a, b], `Keys '${c}' and '${rightOn[k]}' differ in type.`);
  });
  const allowed = (side: Frame<unknown>): boolean => opts.broadcast === true || (opts.broadcast !== false && side.npartitions === 1);
  let mode: MergeMode = 'shuffle';
  let npartitions = opts.npartitions ?? Math.max(left.npartitions, right.npartitions);
  if ((how === 'inner' || how === 'left') && allowed(right)) {
    mode = 'broadcast-right';
    npartitions = left.npartitions;
  } else if ((how === 'inner' || how === 'right') && allowed(left)) {
    mode = 'broadcast-left';
    npartitions = right.npartitions;
  }
  const [sx, sy] = opts.suffixes ?? ['_x', '_y'];
  const suffixes: [string, string] = [sx, sy];
  return left.create(mergeNode(left.plan, right.plan, { how, leftOn, rightOn, suffixes, nullsEqual: opts.nullsEqual !== false, mode, npartitions }));
}
