/**
 * The machine's data-scattered and missing-data stimuli. A scattered key is in memory on its
 * worker with no node (released -> memory), wanted, and read by later graphs like any result; if
 * it loses its last holder it errs with ScatteredDataLostError instead of being computed. A
 * worker's missing-data drops the holders it tried: with none left the key is lost and computed
 * again (its running dependents evaluated again), with some left the reporter's task is sent again.
 */
import { held, lowerGraph, ref, task } from '@tsdask/core-graph';
import { describe, expect, it } from 'vitest';
import { ScatteredDataLostError, SchedulerState, type ClientTaskErred } from '@tsdask/scheduler-distributed';
import { computes, dag } from './harness.js';

/** A graph where `t` reads the held key `s`. */
const readsHeld = () => lowerGraph([['s', held('s')] as const, ['t', task('test#f', ref('s'))] as const]);

describe('data-scattered', () => {
  it('puts a scattered key in memory on its worker, which later graphs read', () => {
    const s = new SchedulerState();
    s.handle({ type: 'worker-added', worker: 'A', nthreads: 1 });
    s.handle({ type: 'worker-added', worker: 'B', nthreads: 1 });
    expect(s.handle({ type: 'data-scattered', key: 's', worker: 'B', nbytes: 64 })).toEqual([]);
    expect(s.stateOf('s')).toBe('memory');
    expect(s.workers.get('B')!.nbytes).toBe(64);
    const out = s.handle({ type: 'graph-submitted', graph: readsHeld(), outputs: ['t'] });
    expect(computes(out).map((c) => [c.key, c.worker, c.whoHas])).toEqual([['t', 'B', { s: ['B'] }]]);
    s.handle({ type: 'task-finished', key: 't', worker: 'B', nbytes: 1 });
    expect(s.stateOf('s')).toBe('memory'); // still wanted by the client that scattered it
    expect(s.handle({ type: 'release-keys', keys: ['s'] })).toEqual([{ type: 'free-keys', worker: 'B', keys: ['s'] }]);
    expect(s.stateOf('s')).toBe('released'); // its record stays while t, which reads it, is known
    expect(s.handle({ type: 'release-keys', keys: ['t'] })).toEqual([{ type: 'free-keys', worker: 'B', keys: ['t'] }]);
    expect([s.stateOf('s'), s.stateOf('t')]).toEqual(['forgotten', 'forgotten']);
    expect(s.validate()).toEqual([]);
    expect(s.story('s').map((l) => `${l.from}->${l.to}`)).toEqual(['released->memory', 'memory->released', 'released->forgotten']);
  });

  it('errs a scattered key that lost its last holder, and what reads it, instead of computing it', () => {
    const s = new SchedulerState();
    s.handle({ type: 'worker-added', worker: 'A', nthreads: 1 });
    s.handle({ type: 'data-scattered', key: 's', worker: 'A', nbytes: 8 });
    s.handle({ type: 'worker-added', worker: 'B', nthreads: 1 });
    expect(computes(s.handle({ type: 'graph-submitted', graph: readsHeld(), outputs: ['t'] })).map((c) => c.worker)).toEqual(['A']);
    const out = s.handle({ type: 'worker-removed', worker: 'A' });
    expect(computes(out)).toEqual([]);
    const erred = out.filter((i): i is ClientTaskErred => i.type === 'task-erred');
    expect(erred.map((e) => e.key).sort()).toEqual(['s', 't']);
    for (const e of erred) expect(e.error).toBeInstanceOf(ScatteredDataLostError);
    expect([s.stateOf('s'), s.stateOf('t')]).toEqual(['erred', 'erred']);
    expect(s.validate()).toEqual([]);
  });

  it('lets a scattered value replace a task of the same key that is running, telling who wanted that output', () => {
    const s = new SchedulerState();
    s.handle({ type: 'worker-added', worker: 'A', nthreads: 1 });
    s.handle({ type: 'worker-added', worker: 'B', nthreads: 1 });
    expect(computes(s.handle({ type: 'graph-submitted', graph: dag({ k: [] }), outputs: ['k'] })).map((c) => c.worker)).toEqual(['A']);
    const out = s.handle({ type: 'data-scattered', key: 'k', worker: 'B', nbytes: 2 });
    expect(out).toEqual([
      { type: 'free-keys', worker: 'A', keys: ['k'] },
      { type: 'task-done', key: 'k', nbytes: 2 },
    ]);
    expect([...s.tasks.get('k')!.whoHas].map((w) => w.name)).toEqual(['B']);
    expect(s.handle({ type: 'task-finished', key: 'k', worker: 'A', nbytes: 2 })).toEqual([{ type: 'free-keys', worker: 'A', keys: ['k'] }]);
    expect(s.validate()).toEqual([]);
  });
});

describe('missing-data', () => {
  it('computes a key again when no holder is left, and evaluates its running dependent again', () => {
    const s = new SchedulerState();
    s.handle({ type: 'worker-added', worker: 'A', nthreads: 1 });
    s.handle({ type: 'worker-added', worker: 'B', nthreads: 1 });
    s.handle({ type: 'graph-submitted', graph: dag({ a: [], b: ['a'] }), outputs: ['b'] });
    expect(computes(s.handle({ type: 'task-finished', key: 'a', worker: 'A', nbytes: 4 })).map((c) => `${c.key}@${c.worker}`)).toEqual(['b@A']);
    // B (say, a peer that fetched for b) could not get a from A: A does not have it after all.
    const out = s.handle({ type: 'missing-data', key: 'a', worker: 'B', tried: ['A'] });
    expect(out.filter((i) => i.type === 'free-keys')).toEqual([{ type: 'free-keys', worker: 'A', keys: ['b'] }]);
    expect(computes(out).map((c) => c.key)).toEqual(['a']);
    expect([s.stateOf('a'), s.stateOf('b')]).toEqual(['processing', 'waiting']);
    expect(s.workers.get('A')!.has.has('a')).toBe(false);
    expect(s.validate()).toEqual([]);
  });

  it("drops the holders tried and sends the reporter's task again with the holders left", () => {
    const s = new SchedulerState();
    s.handle({ type: 'worker-added', worker: 'A', nthreads: 1 });
    s.handle({ type: 'worker-added', worker: 'B', nthreads: 1 });
    s.handle({ type: 'data-scattered', key: 's', worker: 'A', nbytes: 8 });
    s.handle({ type: 'data-scattered', key: 's', worker: 'B', nbytes: 8 });
    const first = computes(s.handle({ type: 'graph-submitted', graph: readsHeld(), outputs: ['t'] }));
    expect(first.map((c) => c.whoHas)).toEqual([{ s: ['A', 'B'] }]);
    const on = first[0]!.worker;
    const other = on === 'A' ? 'B' : 'A';
    const out = s.handle({ type: 'missing-data', key: 's', worker: on, tried: [other] });
    expect(out.filter((i) => i.type === 'free-keys')).toEqual([{ type: 'free-keys', worker: on, keys: ['t'] }]);
    expect(computes(out).map((c) => [c.key, c.worker, c.whoHas])).toEqual([['t', on, { s: [on] }]]);
    expect(s.workers.get(other)!.nbytes).toBe(0);
    expect(s.validate()).toEqual([]);
  });

  it('ignores missing-data about a key that is not in memory', () => {
    const s = new SchedulerState();
    s.handle({ type: 'worker-added', worker: 'A', nthreads: 1 });
    expect(s.handle({ type: 'missing-data', key: 'nope', worker: 'A', tried: ['B'] })).toEqual([]);
    s.handle({ type: 'graph-submitted', graph: dag({ a: [] }), outputs: ['a'] });
    expect(s.handle({ type: 'missing-data', key: 'a', worker: 'A', tried: ['A'] })).toEqual([]);
    expect(s.stateOf('a')).toBe('processing');
  });
});
