// Test support for the worker-side shuffle tests: the two ops they run, as a worker's threads would.
import type { Node, Task } from '@tsdask/core-graph';
import type { BatchResult } from '@tsdask/runtime';

/** Runs split (input i's rows by row % n) and cat (arrays joined); refs read from `held`. */
export async function runThread(_key: string, node: Node, held: (k: string) => { value: unknown } | undefined): Promise<BatchResult> {
  const t = node as Task;
  const arg = (a: unknown): unknown => (typeof a === 'object' && a !== null && 'ref' in a ? held((a as { ref: string }).ref)!.value : a);
  const args = t.args.map(arg);
  let value: unknown;
  if (t.op === 'test#split') {
    const [rows, n] = args as [number[], number];
    value = Array.from({ length: n }, (_, j) => rows.filter((r) => r % n === j));
  } else value = (args as number[][]).flat();
  return { ok: true, value, nbytes: 8, start: 0, stop: 0, worker: 0 };
}
