/**
 * A task that throws errs with its dependents (the client hears of each erred output once,
 * with the task's own error); the client releasing keys frees and forgets what nothing needs
 * any more, mid-run too; a second graph reuses keys already in memory.
 */
import { describe, expect, it } from 'vitest';
import { MissingKeyError } from '@tsdask/core-graph';
import { SchedulerState, type ClientTaskErred } from '@tsdask/scheduler-distributed';
import { computes, dag, done } from './harness.js';

describe('erred tasks and released keys', () => {
  it('errs a failed task and its dependents, and forgets them once released', () => {
    const s = new SchedulerState();
    s.handle({ type: 'worker-added', worker: 'A', nthreads: 2 });
    s.handle({ type: 'graph-submitted', graph: dag({ a: [], b: [], c: ['a'], d: ['c', 'b'] }), outputs: ['d', 'b'] });
    expect(computes(s.handle({ type: 'task-finished', key: 'a', worker: 'A', nbytes: 4 })).map((c) => c.key)).toEqual(['c']);
    const boom = new Error('boom');
    const out = s.handle({ type: 'task-erred', key: 'c', worker: 'A', error: boom });
    expect(out.filter((i): i is ClientTaskErred => i.type === 'task-erred')).toEqual([{ type: 'task-erred', key: 'd', error: boom }]);
    // a's only dependent erred: a is freed
    expect(out).toContainEqual({ type: 'free-keys', worker: 'A', keys: ['a'] });
    expect([s.stateOf('a'), s.stateOf('c'), s.stateOf('d')]).toEqual(['released', 'erred', 'erred']);
    expect(s.validate()).toEqual([]);
    expect(done(s.handle({ type: 'task-finished', key: 'b', worker: 'A', nbytes: 4 }))).toEqual(['b']);
    // c erred on A, which holds its error until told: releasing d frees it there (d never ran)
    expect(s.handle({ type: 'release-keys', keys: ['d'] })).toEqual([{ type: 'free-keys', worker: 'A', keys: ['c'] }]);
    expect([...s.tasks.keys()]).toEqual(['b']);
    expect(s.validate()).toEqual([]);
  });

  it('frees an error on its worker when the task runs again, and not on a worker that has left', () => {
    const s = new SchedulerState();
    s.handle({ type: 'worker-added', worker: 'A', nthreads: 1 });
    s.handle({ type: 'worker-added', worker: 'B', nthreads: 1 });
    const run = Object.fromEntries(
      computes(s.handle({ type: 'graph-submitted', graph: dag({ x: [], y: [] }), outputs: ['x', 'y'] })).map((c) => [c.key, c.worker]),
    );
    const [wx, wy] = [run['x']!, run['y']!];
    s.handle({ type: 'task-erred', key: 'x', worker: wx, error: new Error('x') });
    s.handle({ type: 'task-erred', key: 'y', worker: wy, error: new Error('y') });
    // The client releases x and submits it again: its old worker frees the error before x runs anew
    expect(s.handle({ type: 'release-keys', keys: ['x'] })).toEqual([{ type: 'free-keys', worker: wx, keys: ['x'] }]);
    const again = s.handle({ type: 'graph-submitted', graph: dag({ x: [] }), outputs: ['x'] });
    expect(computes(again).map((c) => c.key)).toEqual(['x']);
    expect(again.some((i) => i.type === 'free-keys')).toBe(false);
    // y's worker leaves: releasing y tells nobody
    s.handle({ type: 'worker-removed', worker: wy });
    expect(s.handle({ type: 'release-keys', keys: ['y'] }).filter((i) => i.type === 'free-keys')).toEqual([]);
    expect(s.validate()).toEqual([]);
  });

  it('frees a task still processing when the client releases its output, and drops a late answer', () => {
    const s = new SchedulerState();
    s.handle({ type: 'worker-added', worker: 'A', nthreads: 1 });
    s.handle({ type: 'graph-submitted', graph: dag({ x: [], y: ['x'] }), outputs: ['y'] });
    expect(s.handle({ type: 'release-keys', keys: ['y'] })).toEqual([{ type: 'free-keys', worker: 'A', keys: ['x'] }]);
    expect(s.tasks.size).toBe(0);
    expect(s.workers.get('A')!.processing.size).toBe(0);
    expect(s.handle({ type: 'task-finished', key: 'x', worker: 'A', nbytes: 4 })).toEqual([{ type: 'free-keys', worker: 'A', keys: ['x'] }]);
    expect(s.validate()).toEqual([]);
  });

  it('reuses keys in memory when a second graph reads them', () => {
    const s = new SchedulerState();
    s.handle({ type: 'worker-added', worker: 'A', nthreads: 1 });
    s.handle({ type: 'graph-submitted', graph: dag({ a: [], b: ['a'] }), outputs: ['b'] });
    s.handle({ type: 'task-finished', key: 'a', worker: 'A', nbytes: 4 });
    expect(done(s.handle({ type: 'task-finished', key: 'b', worker: 'A', nbytes: 4 }))).toEqual(['b']);
    const second = s.handle({ type: 'graph-submitted', graph: dag({ a: [], b: ['a'], c: ['b'] }), outputs: ['c', 'b'] });
    // b is in memory and already delivered: only c runs, a is not recomputed, b not announced again
    expect(computes(second).map((c) => c.key)).toEqual(['c']);
    expect(done(second)).toEqual([]);
    expect(s.stateOf('a')).toBe('released');
    expect(done(s.handle({ type: 'task-finished', key: 'c', worker: 'A', nbytes: 4 }))).toEqual(['c']);
    expect(s.validate()).toEqual([]);
  });

  it('errs a released task that is needed again when one of its inputs erred since', () => {
    const s = new SchedulerState();
    s.handle({ type: 'worker-added', worker: 'A', nthreads: 1 });
    s.handle({ type: 'worker-added', worker: 'B', nthreads: 1 });
    s.handle({ type: 'graph-submitted', graph: dag({ e: [], t: ['e'] }), outputs: ['t'] });
    s.handle({ type: 'task-finished', key: 'e', worker: 'A', nbytes: 1 });
    expect(done(s.handle({ type: 'task-finished', key: 't', worker: 'A', nbytes: 1 }))).toEqual(['t']);
    expect(s.stateOf('e')).toBe('released');
    // a second graph reads e again: e runs again and throws, so w errs
    const again = s.handle({ type: 'graph-submitted', graph: dag({ e: [], w: ['e'] }), outputs: ['w'] });
    const [run] = computes(again);
    const boom = new Error('e failed');
    expect(s.handle({ type: 'task-erred', key: 'e', worker: run!.worker, error: boom })).toEqual([{ type: 'task-erred', key: 'w', error: boom }]);
    // A, which held t, dies: t is wanted, so it is needed again, but its input e erred
    expect(s.handle({ type: 'worker-removed', worker: 'A' })).toEqual([{ type: 'task-erred', key: 't', error: boom }]);
    expect(s.story('t').map((l) => `${l.from}->${l.to}`)).toEqual([
      'released->waiting',
      'waiting->processing',
      'processing->memory',
      'memory->released',
      'released->erred',
    ]);
    expect(s.validate()).toEqual([]);
  });

  it('rejects an output the graph does not hold, before changing anything', () => {
    const s = new SchedulerState();
    expect(() => s.handle({ type: 'graph-submitted', graph: dag({ a: [] }), outputs: ['a', 'nope'] })).toThrow(MissingKeyError);
    expect(s.tasks.size).toBe(0);
  });

  it('gives a worker announced with no (or a nonsense) thread count one slot', () => {
    for (const nthreads of [0, -2, Number.NaN]) {
      const s = new SchedulerState({ rootSlack: 0 });
      s.handle({ type: 'worker-added', worker: 'A', nthreads });
      // limit ceil(1.1 * 1) = 2 root tasks
      expect(computes(s.handle({ type: 'graph-submitted', graph: dag({ a: [], b: [], c: [] }), outputs: ['a', 'b', 'c'] })).length).toBe(2);
      expect(s.validate()).toEqual([]);
    }
  });
});
