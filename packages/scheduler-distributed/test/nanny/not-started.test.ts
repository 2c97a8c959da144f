// The state machine's `notStarted` on worker-removed: a task sent to a worker after its connection
// closed (while the removal waited for the nanny's report) never reached it, so that worker's
// death does not count against it; the other tasks it ran count as before.
import { describe, expect, it } from 'vitest';
import { SchedulerState } from '@tsdask/scheduler-distributed';
import { computes, dag } from '../scheduler/harness.js';

describe('worker-removed with notStarted', () => {
  it('reschedules a task the dead worker never received without counting the death against it', () => {
    const s = new SchedulerState({ allowedFailures: 0 });
    s.handle({ type: 'worker-added', worker: 'A', nthreads: 2 });
    const out = s.handle({ type: 'graph-submitted', graph: dag({ a: [], b: [] }), outputs: ['a', 'b'] });
    expect(computes(out).map((c) => `${c.key}@${c.worker}`)).toEqual(['a@A', 'b@A']);
    const lost = s.handle({ type: 'worker-removed', worker: 'A', reason: 'exited with code 3', notStarted: ['b'] });
    const erred = lost.flatMap((i) => (i.type === 'task-erred' ? [i.key] : []));
    expect(erred).toEqual(['a']); // a ran there: with allowedFailures 0 one death fails it
    expect(s.stateOf('b')).toBe('queued'); // no worker left: b waits for one
    s.handle({ type: 'worker-added', worker: 'B', nthreads: 1 });
    expect(s.stateOf('b')).toBe('processing');
    expect(s.validate()).toEqual([]);
  });
});
