/**
 * Rule fuse-maps: row-wise steps over row-wise steps become one map node (one task per
 * partition), and a map that only chooses the columns its input has already goes away. Other
 * rules leave such pairs behind when they move filters or column choices down.
 */
import { sameSchema, type PlanNode } from '../plan/node.js';
import { onlyChooses } from '../plan/steps.js';

/** The rule: one map node instead of two, or none instead of a no-op. */
export function fuseMaps(n: PlanNode): PlanNode | undefined {
  if (n.kind !== 'map') return undefined;
  if (n.input.kind === 'map') return { ...n, input: n.input.input, steps: [...n.input.steps, ...n.steps] };
  if (n.steps.every(onlyChooses) && sameSchema(n.schema, n.input.schema)) return n.input;
  return undefined;
}
