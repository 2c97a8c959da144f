/** A batch payload for the runtime's tests: members, their in-batch parents, and the rest. */
import type { Key, Node } from '@tsdask/core-graph';
import type { BatchPayload } from '@tsdask/runtime';

/** The payload of members `keys`/`nodes` with parents `parent` (-1 for the root). */
export function payload(keys: Key[], nodes: Node[], parent: number[], extra: Partial<BatchPayload> = {}): BatchPayload {
  return { keys, nodes, parent: Int32Array.from(parent), inputKeys: [], inputs: [], ops: [], sources: [], ...extra };
}
