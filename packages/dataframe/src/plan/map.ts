/**
 * The map node: row-wise steps (filter, withColumns, select, rename, drop) fused into one task
 * per partition. Over a source, the reader's own filters and column choice run in the same
 * task (see source.ts).
 */
import type { Schema } from '../kernels/columns.js';
import type { Step } from '../kernels/steps.js';
import { dropsSome, restrict, type MapNode, type NodeOps, type PlanNode } from './node.js';
import { lowerRead, lowerSteps, readSteps } from './source.js';
import { chooses, pruneSteps, stepText } from './steps.js';

/** `steps` after `input`: appended to it when it is a map node already. */
export function appendSteps(input: PlanNode, steps: Step[], schema: Schema): MapNode {
  if (input.kind === 'map') return { ...input, steps: [...input.steps, ...steps], schema };
  return { kind: 'map', input, steps, schema, npartitions: input.npartitions };
}

/**
 * `input` with only the columns `cols` (in its order): a map node narrowed, else a select
 * after it (the projection rule then narrows what is below; fuse-maps drops a select that
 * chooses nothing).
 */
export function project(input: PlanNode, cols: ReadonlySet<string>): PlanNode {
  if (!dropsSome(input, cols)) return input;
  if (input.kind === 'map') return narrowMap(input, cols) ?? input;
  const schema = restrict(input.schema, cols);
  return appendSteps(input, [chooses(schema.names)], schema);
}

function narrowMap(n: MapNode, cols: ReadonlySet<string>): PlanNode | undefined {
  if (!dropsSome(n, cols)) return undefined;
  const schema = restrict(n.schema, cols);
  if (schema.names.length === 0) return undefined;
  const { steps } = pruneSteps([...n.steps, chooses(schema.names)], new Set(schema.names));
  return { ...n, steps, schema };
}

export const mapOps: NodeOps<MapNode> = {
  describe: (n) => `Map: ${n.steps.map(stepText).join('; ')}`,
  inputs: (n) => [n.input],
  withInputs: (n, [input]) => ({ ...n, input: input as PlanNode }),
  requires: (n) => pruneSteps(n.steps, new Set(n.schema.names)).needed,
  narrow: narrowMap,
  lower(n, lowerInput) {
    // Over a source, the reader's filters and column choice join these steps in one task.
    if (n.input.kind === 'source') return lowerSteps(lowerRead(n.input), n.npartitions, [...readSteps(n.input), ...n.steps]);
    return lowerSteps(lowerInput(n.input), n.npartitions, n.steps);
  },
};
