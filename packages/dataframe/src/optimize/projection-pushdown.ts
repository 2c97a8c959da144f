/**
 * Rule projection-pushdown: each node's inputs are narrowed to the columns it reads, so
 * readers parse only the columns a query uses. A map node reads what its (pruned) steps read;
 * a groupBy its keys and aggregated columns; a merge its keys and the columns kept after it;
 * a sort, repartition or dropDuplicates passes the choice through, adding its own keys; a
 * groupBy drops the aggregations nobody reads. An
 * input that cannot narrow itself (results already computed, a user function) is left as is;
 * under a groupBy it gets a select of the columns the aggregation reads, as before.
 */
import { inputsOf, opsOf, withInputs } from '../plan/kinds.js';
import { project } from '../plan/map.js';
import { dropsSome, type PlanNode } from '../plan/node.js';
import { pruneSteps } from '../plan/steps.js';

/** `input` narrowed to `need`, or undefined when it cannot be. */
function narrowed(input: PlanNode, need: Set<string> | undefined, selectAfter: boolean): PlanNode | undefined {
  if (need === undefined || need.size === 0 || !dropsSome(input, need)) return undefined;
  return opsOf(input).narrow(input, need) ?? (selectAfter ? project(input, need) : undefined);
}

/** The rule: the node over inputs narrowed to what it reads, or undefined when none can narrow. */
export function pushProjections(n: PlanNode): PlanNode | undefined {
  if (n.kind === 'map') {
    // The steps pruned from the end back (as far as the last select fixes the columns and
    // their order), and the input narrowed to what they read.
    const pruned = pruneSteps(n.steps, undefined);
    const input = narrowed(n.input, pruned.needed, false);
    return input === undefined ? undefined : { ...n, input, steps: pruned.steps };
  }
  const inputs = inputsOf(n);
  let changed = false;
  const next = inputs.map((input, i) => {
    const out = narrowed(input, opsOf(n).requires(n, i), n.kind === 'groupby');
    if (out === undefined) return input;
    changed = true;
    return out;
  });
  return changed ? withInputs(n, next) : undefined;
}
