/**
 * Rule fuse-maps: a map that only chooses the columns its input has already goes away (the
 * projection rule leaves such selects behind once the input below is narrowed), and row-wise
 * steps over row-wise steps become one map node, one task per partition (rules add steps
 * through appendSteps, which merges them, so this is the safety net for any other rewrite).
 */
import { sameSchema, type PlanNode } from '../plan/node.js';
import { onlyChooses } from '../plan/steps.js';

/** The rule: one map node instead of two, or none instead of a no-op. */
export function fuseMaps(n: PlanNode): PlanNode | undefined {
  if (n.kind !== 'map') return undefined;
  if (n.steps.every(onlyChooses) && sameSchema(n.schema, n.input.schema)) return n.input;
  if (n.input.kind === 'map') return { ...n, input: n.input.input, steps: [...n.input.steps, ...n.steps] };
  return undefined;
}
