/**
 * Rule predicate-pushdown: filters move as early as they can, so fewer rows are carried,
 * shuffled and sorted. Within a map node a filter moves before steps that do not make the
 * columns it reads; a map's leading filters then move
 *   into a reader (its `predicate`: Parquet prunes row groups by them, every reader drops the
 *     rows in its own task),
 *   below a sort or a repartition (a filter keeps the order of what it keeps),
 *   below a groupBy or a dropDuplicates when they read only key columns (they keep or drop a
 *     group whole),
 *   into one side of a merge when they read only that side's columns, and only where that side
 *     is not filled with nulls by the join (the left of an inner or left join, the right of an
 *     inner or right join; never into an outer join).
 * Results equal those of the plan without the rule (test/plan-rules.test.ts checks both ways).
 */
import { columnsOf, type ExprNode } from '../kernels/expr-node.js';
import type { Step } from '../kernels/steps.js';
import { appendSteps } from '../plan/map.js';
import type { MergeNode, PlanNode } from '../plan/node.js';
import { withInputs } from '../plan/kinds.js';
import { renameColumns } from '../plan/expr-columns.js';

const filterStep = (expr: ExprNode): Step => ({ k: 'filter', expr });

/** The filter `f` moved before step `prev`, or undefined when `prev` makes a column `f` reads. */
function before(prev: Step, f: ExprNode): ExprNode | undefined {
  const cols = columnsOf(f);
  switch (prev.k) {
    case 'drop':
      return f;
    case 'with':
      return prev.exprs.some(([n]) => cols.has(n)) ? undefined : f;
    case 'select': {
      const identity = new Set(prev.exprs.filter(([n, e]) => e.e === 'col' && e.name === n).map(([n]) => n));
      return [...cols].every((c) => identity.has(c)) ? f : undefined;
    }
    case 'rename': {
      const back = new Map(prev.map.map(([a, b]) => [b, a] as const));
      const from = new Set(prev.map.map(([a]) => a));
      // A column renamed away (and not renamed back) is not readable after the rename.
      if ([...cols].some((c) => from.has(c) && !back.has(c))) return undefined;
      return renameColumns(f, (c) => back.get(c) ?? c);
    }
    case 'filter':
      return undefined;
  }
}

/** The steps with one filter moved one step earlier, or undefined when none can move. */
function hoistOne(steps: readonly Step[]): Step[] | undefined {
  for (let i = 1; i < steps.length; i++) {
    const s = steps[i] as Step;
    if (s.k !== 'filter') continue;
    const moved = before(steps[i - 1] as Step, s.expr);
    if (moved === undefined) continue;
    const out = [...steps];
    out[i - 1] = filterStep(moved);
    out[i] = steps[i - 1] as Step;
    return out;
  }
  return undefined;
}

/** `filters` over `input` pushed below it where they may go: the new input and the filters that stay. */
function pushInto(input: PlanNode, filters: ExprNode[]): { input: PlanNode; kept: ExprNode[] } | undefined {
  const below = (inner: PlanNode, fs: ExprNode[]): PlanNode => appendSteps(inner, fs.map(filterStep), inner.schema);
  const split = (ok: (cols: Set<string>) => boolean): [ExprNode[], ExprNode[]] => {
    const moved = filters.filter((f) => {
      const cols = columnsOf(f);
      return cols.size > 0 && ok(cols);
    });
    return [moved, filters.filter((f) => !moved.includes(f))];
  };
  switch (input.kind) {
    case 'source':
      return { input: { ...input, predicate: [...(input.predicate ?? []), ...filters] }, kept: [] };
    case 'sort':
    case 'repartition':
      return { input: withInputs(input, [below(input.input, filters)]), kept: [] };
    case 'groupby':
    case 'drop-duplicates': {
      const keys = new Set(input.kind === 'groupby' ? input.spec.keys : input.subset);
      const [moved, kept] = split((cols) => [...cols].every((c) => keys.has(c)));
      if (moved.length === 0) return undefined;
      return { input: withInputs(input, [below(input.input, moved)]), kept };
    }
    case 'merge':
      return intoMerge(input, filters);
    default:
      return undefined;
  }
}

/** Filters into the side of a merge whose columns they read, where the join does not null-fill that side. */
function intoMerge(m: MergeNode, filters: ExprNode[]): { input: PlanNode; kept: ExprNode[] } | undefined {
  const leftOf = new Map(m.leftKeep.map(([c, o]) => [o, c] as const));
  const rightOf = new Map(m.rightKeep.filter((x): x is [string, string] => x[1] !== null).map(([c, o]) => [o, c] as const));
  const toLeft: ExprNode[] = [];
  const toRight: ExprNode[] = [];
  const kept: ExprNode[] = [];
  for (const f of filters) {
    const cols = [...columnsOf(f)];
    if (cols.length > 0 && (m.how === 'inner' || m.how === 'left') && cols.every((c) => leftOf.has(c))) {
      toLeft.push(renameColumns(f, (c) => leftOf.get(c) as string));
    } else if (cols.length > 0 && (m.how === 'inner' || m.how === 'right') && cols.every((c) => rightOf.has(c))) {
      toRight.push(renameColumns(f, (c) => rightOf.get(c) as string));
    } else {
      kept.push(f);
    }
  }
  if (toLeft.length === 0 && toRight.length === 0) return undefined;
  const side = (p: PlanNode, fs: ExprNode[]): PlanNode => (fs.length === 0 ? p : appendSteps(p, fs.map(filterStep), p.schema));
  return { input: withInputs(m, [side(m.left, toLeft), side(m.right, toRight)]), kept };
}

/** The rule: a filter moved one place earlier, or undefined when none can move. */
export function pushPredicates(n: PlanNode): PlanNode | undefined {
  if (n.kind !== 'map') return undefined;
  const hoisted = hoistOne(n.steps);
  if (hoisted !== undefined) return { ...n, steps: hoisted };
  let k = 0;
  while (k < n.steps.length && (n.steps[k] as Step).k === 'filter') k++;
  if (k === 0) return undefined;
  const lead = n.steps.slice(0, k).map((s) => (s as Extract<Step, { k: 'filter' }>).expr);
  const pushed = pushInto(n.input, lead);
  if (pushed === undefined) return undefined;
  const steps = [...pushed.kept.map(filterStep), ...n.steps.slice(k)];
  // A map of only filters, all moved, has its input's schema: the input replaces it.
  if (steps.length === 0) return pushed.input;
  return { ...n, input: pushed.input, steps };
}
