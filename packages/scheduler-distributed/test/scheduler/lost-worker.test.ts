/**
 * A worker lost mid-run: its processing tasks are rescheduled, the keys only it held are
 * computed again from the graph (their story shows memory -> released -> ... -> memory), and
 * every output still reaches memory and is delivered once. A task that was processing on more
 * than `allowedFailures` workers that died errs with KilledWorkerError naming them.
 */
import { describe, expect, it } from 'vitest';
import { KilledWorkerError, SchedulerState, type ClientTaskErred } from '@tsdask/scheduler-distributed';
import { computes, dag, done } from './harness.js';

describe('lost workers', () => {
  it('recomputes what a lost worker held and reschedules what it ran', () => {
    //  a   b
    //  |   |
    //  c   d
    //   \ /
    //    e
    const s = new SchedulerState();
    s.handle({ type: 'worker-added', worker: 'A', nthreads: 1 });
    s.handle({ type: 'worker-added', worker: 'B', nthreads: 1 });
    const first = s.handle({ type: 'graph-submitted', graph: dag({ a: [], b: [], c: ['a'], d: ['b'], e: ['c', 'd'] }), outputs: ['e'] });
    expect(computes(first).map((c) => `${c.key}@${c.worker}`)).toEqual(['a@A', 'b@B']);
    expect(computes(s.handle({ type: 'task-finished', key: 'a', worker: 'A', nbytes: 10 })).map((c) => `${c.key}@${c.worker}`)).toEqual(['c@A']);
    expect(computes(s.handle({ type: 'task-finished', key: 'c', worker: 'A', nbytes: 10 }))).toEqual([]);
    // a was freed after c ran; c is held on A; b processes on B. Now A dies.
    expect(s.stateOf('a')).toBe('released');
    const lost = s.handle({ type: 'worker-removed', worker: 'A' });
    // c must be computed again, so a first: a is a root task and goes to B (limit 2, 1 processing).
    expect(computes(lost).map((c) => `${c.key}@${c.worker}`)).toEqual(['a@B']);
    expect([s.stateOf('c'), s.stateOf('e')]).toEqual(['waiting', 'waiting']);
    expect(s.validate()).toEqual([]);
    // an answer from the dead worker is ignored
    expect(s.handle({ type: 'task-finished', key: 'c', worker: 'A', nbytes: 10 })).toEqual([]);
    expect(computes(s.handle({ type: 'task-finished', key: 'b', worker: 'B', nbytes: 10 })).map((c) => c.key)).toEqual(['d']);
    expect(computes(s.handle({ type: 'task-finished', key: 'a', worker: 'B', nbytes: 10 })).map((c) => c.key)).toEqual(['c']);
    s.handle({ type: 'task-finished', key: 'd', worker: 'B', nbytes: 10 });
    expect(computes(s.handle({ type: 'task-finished', key: 'c', worker: 'B', nbytes: 10 })).map((c) => c.key)).toEqual(['e']);
    expect(done(s.handle({ type: 'task-finished', key: 'e', worker: 'B', nbytes: 10 }))).toEqual(['e']);
    expect(s.validate()).toEqual([]);
    expect(s.story('c').map((l) => `${l.from}->${l.to}`)).toEqual([
      'released->waiting',
      'waiting->processing',
      'processing->memory',
      'memory->released',
      'released->waiting',
      'waiting->processing',
      'processing->memory',
      'memory->released',
    ]);
  });

  it('errs with KilledWorkerError once a task was on allowedFailures + 1 dead workers', () => {
    for (const allowedFailures of [2, 3]) {
      const s = new SchedulerState({ allowedFailures });
      s.handle({ type: 'graph-submitted', graph: dag({ boom: [], after: ['boom'] }), outputs: ['after'] });
      const dead: string[] = [];
      let erred: ClientTaskErred | undefined;
      for (let i = 0; i <= allowedFailures; i++) {
        const w = `w${i}`;
        expect(computes(s.handle({ type: 'worker-added', worker: w, nthreads: 1 })).map((c) => c.key)).toEqual(['boom']);
        dead.push(w);
        // the last one leaves without saying how: 'lost'
        const out = s.handle(
          i < allowedFailures ? { type: 'worker-removed', worker: w, reason: `exit code ${137 + i}` } : { type: 'worker-removed', worker: w },
        );
        expect(s.validate()).toEqual([]);
        erred = out.find((x): x is ClientTaskErred => x.type === 'task-erred');
        expect(erred === undefined).toBe(i < allowedFailures);
      }
      expect(s.stateOf('boom')).toBe('erred');
      expect(erred!.key).toBe('after');
      expect(erred!.error).toBeInstanceOf(KilledWorkerError);
      const killed = erred!.error as KilledWorkerError;
      expect(killed.workers).toEqual(dead);
      const how = dead.map((_, i) => (i < allowedFailures ? `exit code ${137 + i}` : 'lost'));
      expect(killed.how).toEqual(how);
      for (let i = 0; i < dead.length; i++) expect(killed.message).toContain(`${dead[i]}: ${how[i]}`);
      expect((erred!.error as KilledWorkerError).code).toBe('TSDASK_KILLED_WORKER');
      // released by the client: everything is forgotten
      s.handle({ type: 'release-keys', keys: ['after'] });
      expect([s.stateOf('after'), s.stateOf('boom')]).toEqual(['forgotten', 'forgotten']);
      expect(s.tasks.size).toBe(0);
    }
  });
});
