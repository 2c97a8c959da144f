// The executor's onTaskExit hook, which the worker bin uses to end the process with the code a
// task passed to process.exit (the nanny then reports that exit code): it is called with the code
// and the key of the task; a thread that dies of an uncaught error is not a process.exit and is
// not reported; without the hook, the task fails with WorkerLostError as before.
import { afterEach, describe, expect, it } from 'vitest';
import { ThreadExecutor } from '../../src/worker/executor.js';

const ENTRY = new URL('../../dist/worker/thread-entry.js', import.meta.url);
const executors: ThreadExecutor[] = [];
afterEach(async () => {
  for (const e of executors.splice(0)) await e.close();
});

const fnBatch = (key: string, op: string, source: string) => ({
  keys: [key],
  nodes: [{ op, args: [] }],
  parent: Int32Array.of(-1),
  inputKeys: [],
  inputs: [],
  ops: [op],
  sources: [[op, source]] as [string, string][],
});

describe('ThreadExecutor onTaskExit', () => {
  it('reports a task that calls process.exit(code) with the code and its key; an uncaught error is not reported', async () => {
    const exits: [number, string[]][] = [];
    const ex = new ThreadExecutor(1, ENTRY, 1, (code, keys) => exits.push([code, keys]));
    executors.push(ex);
    const r = await ex.run('quits', fnBatch('quits', 'fn:quit-0', '() => process.exit(7)'));
    expect(r.ok ? 'ok' : r.error.name).toBe('WorkerLostError'); // the hook did not end the process: the task still fails
    expect(exits).toEqual([[7, ['quits']]]);
    const thrown = await ex.run('throws', fnBatch('throws', 'fn:throw-0', "() => new Promise(() => setTimeout(() => { throw new Error('late'); }, 0))"));
    expect(thrown.ok ? 'ok' : thrown.error.name).toBe('WorkerLostError');
    expect(exits).toHaveLength(1);
  });
});
