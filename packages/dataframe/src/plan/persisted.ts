/** The persisted node: partitions already computed (persist()) or built as a graph elsewhere; a leaf the optimizer does not look into. */
import type { NodeOps, PersistedNode } from './node.js';

export const persistedOps: NodeOps<PersistedNode> = {
  describe: (n) => `Persisted ${n.lowered.name} (${n.npartitions} partition${n.npartitions === 1 ? '' : 's'})`,
  inputs: () => [],
  withInputs: (n) => n,
  requires: () => undefined,
  narrow: () => undefined,
  lower: (n) => n.lowered,
};
