/**
 * The plan optimizer: applies the rules, each `(node) => node | undefined` (undefined:
 * unchanged), to every node, top down, to a fixed point. It owns their order:
 *
 *   fuse-maps            first, so each run of row-wise steps is one node the others see whole;
 *   predicate-pushdown   before projection, so filters sit next to the readers when projection
 *                        works out the columns to read (a filter's columns are then read by the
 *                        reader, not carried through joins and shuffles);
 *   projection-pushdown  after predicates: narrows every input to what its consumer reads;
 *   scan-aggregate       last, on the reader, filters and column choice the others left below
 *                        each groupBy.
 *
 * After every rewrite it checks that the node's output schema and partition count did not
 * change (as Polars' optimizer does in debug builds): a rule that changes them is a bug, and
 * PlanRuleError names it. Each rule has a flag in `dataframe.optimize` (config or withConfig).
 */
import { config, registerOption } from '@tsdask/core-graph';
import { PlanRuleError } from '../errors.js';
import { inputsOf, withInputs } from '../plan/kinds.js';
import { sameSchema, type PlanNode } from '../plan/node.js';
import { fuseMaps } from './fuse-maps.js';
import { pushPredicates } from './predicate-pushdown.js';
import { pushProjections } from './projection-pushdown.js';
import { FUSE_SCAN_AGGREGATE, fuseScanAggregate } from './scan-aggregate.js';

/** Switches for each plan rule (all on by default). */
export interface PlanOptimizeFlags {
  /** Merge row-wise steps over row-wise steps into one task per partition. */
  fuseMaps?: boolean;
  /** Move filters into readers and below sorts, groupBys (key filters) and joins (one side's filters). */
  predicate?: boolean;
  /** Read only the columns a query uses, through groupBy, merge and sort. */
  projection?: boolean;
  /** Aggregate while reading where the reader can (readCSV's scanner). */
  scanAggregate?: boolean;
}

/** A rewrite of one node: a new node, or undefined when it does not apply. */
export type PlanRule = (node: PlanNode) => PlanNode | undefined;

/** The rules in the order the driver runs them (see the header for why). */
export const RULES: readonly [keyof PlanOptimizeFlags, PlanRule][] = [
  ['fuseMaps', fuseMaps],
  ['predicate', pushPredicates],
  ['projection', pushProjections],
  ['scanAggregate', fuseScanAggregate],
];

/** The config setting holding the flags: `config.set({ 'dataframe.optimize': { predicate: false } })`. */
export const PLAN_OPTIMIZE = 'dataframe.optimize';
const FLAG_NAMES = RULES.map(([name]) => name);
registerOption(PLAN_OPTIMIZE, {
  owner: '@tsdask/dataframe',
  scope: 'config',
  check: (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return `must be an object of rule switches such as { predicate: false }`;
    for (const [k, x] of Object.entries(v)) {
      if (!FLAG_NAMES.includes(k as keyof PlanOptimizeFlags)) return `has an unknown rule '${k}'; the rules are ${FLAG_NAMES.join(', ')}`;
      if (x !== undefined && typeof x !== 'boolean') return `field '${k}' must be true or false`;
    }
    return undefined;
  },
});

/** The flags in force: `dataframe.optimize` from the config (and `dataframe.fuseScanAggregate`). */
export function currentFlags(): PlanOptimizeFlags {
  const flags = { ...((config.get(PLAN_OPTIMIZE) as PlanOptimizeFlags | undefined) ?? {}) };
  if (config.get(FUSE_SCAN_AGGREGATE) === false) flags.scanAggregate = false;
  return flags;
}

/** Rounds over all rules before the driver gives up (a rule pair undoing each other). */
const MAX_ROUNDS = 64;

/** Applies `rule` to every node of the plan, top down; the same plan object when nothing changed. */
function applyEverywhere(root: PlanNode, name: string, rule: PlanRule): PlanNode {
  const memo = new Map<PlanNode, PlanNode>();
  const visit = (n: PlanNode): PlanNode => {
    const known = memo.get(n);
    if (known !== undefined) return known;
    let cur = n;
    for (let i = 0; ; i++) {
      const next = rule(cur);
      if (next === undefined) break;
      if (!sameSchema(cur.schema, next.schema) || cur.npartitions !== next.npartitions) throw new PlanRuleError(name, cur, next);
      if (i >= MAX_ROUNDS) throw new PlanRuleError(name, cur, next, `it kept rewriting one node (${MAX_ROUNDS} times)`);
      cur = next;
    }
    const inputs = inputsOf(cur);
    const visited = inputs.map(visit);
    if (visited.some((x, i) => x !== inputs[i])) cur = withInputs(cur, visited);
    memo.set(n, cur);
    return cur;
  };
  return visit(root);
}

/** The plan rewritten by the rules that `flags` leave on, to a fixed point. */
export function optimizePlan(root: PlanNode, flags: PlanOptimizeFlags = {}, rules: readonly [string, PlanRule][] = RULES): PlanNode {
  const active = rules.filter(([name]) => flags[name as keyof PlanOptimizeFlags] !== false);
  let cur = root;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let changed = false;
    for (const [name, rule] of active) {
      const next = applyEverywhere(cur, name, rule);
      if (next !== cur) {
        if (!sameSchema(cur.schema, next.schema)) throw new PlanRuleError(name, cur, next);
        changed = true;
        cur = next;
      }
    }
    if (!changed) return cur;
  }
  throw new PlanRuleError(active.map(([n]) => n).join(', '), root, cur, `the rules did not reach a fixed point in ${MAX_ROUNDS} rounds`);
}
