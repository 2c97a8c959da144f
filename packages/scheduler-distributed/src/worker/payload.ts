/**
 * The one-member batch a worker hands its executor for a task: the task's node, its inputs, the
 * ops it uses and the sources of its shipped functions. A node that came as JSON text crosses to
 * the thread as that text (the executor sends a bundle of such tasks as one string).
 */
import { isFunctionOp, OpNotFoundError, type Node, type OpId } from '@tsdask/core-graph';
import { opsOf, type BatchPayload } from '@tsdask/runtime';
import type { WireNode } from '../protocol/messages.js';
import { decodeNode } from '../protocol/values.js';
import type { StoredValue } from './data-store.js';

/** The batch of task `key` (`wire`: its node), with the values of `inputKeys` from `held`; throws OpNotFoundError for a function whose source never came. */
export function taskPayload(
  key: string,
  wire: WireNode,
  inputKeys: string[],
  held: (key: string) => StoredValue | undefined,
  sourcesByOp: ReadonlyMap<OpId, string>,
  worker: string,
): BatchPayload {
  const node = decodeNode(wire) as Node;
  const inputs: unknown[] = [];
  for (const k of inputKeys) {
    const v = held(k);
    if (v === undefined) throw new Error(`internal: input '${k}' of task '${key}' is not held on worker ${worker}`);
    inputs.push(v.value);
  }
  const ops = [...opsOf([node])];
  const sources: [OpId, string][] = [];
  for (const op of ops) {
    if (!isFunctionOp(op)) continue;
    const source = sourcesByOp.get(op);
    if (source === undefined) throw new OpNotFoundError(op, `the scheduler sent no source for it to worker ${worker} (define-ops)`);
    sources.push([op, source]);
  }
  // One member: no parent array. A JSON node crosses to the thread as one string, cheaper than a structured clone of its objects.
  if (typeof wire === 'string') return { keys: [], nodes: [], json: `[${JSON.stringify([key])},[${wire}]]`, inputKeys, inputs, ops, sources };
  return { keys: [key], nodes: [node], inputKeys, inputs, ops, sources };
}
