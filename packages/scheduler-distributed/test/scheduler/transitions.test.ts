/**
 * The table of legal moves against a list written out again by hand, and an illegal move
 * throwing at the move: DistributedTransitionError names the key, from, to and the story.
 */
import { describe, expect, it } from 'vitest';
import { DistributedTransitionError, LEGAL_MOVES, SchedulerState, TASK_STATE_NAMES } from '@tsdask/scheduler-distributed';
import { dag } from './harness.js';

/** The legal moves, by hand (the reference for the table). */
const EXPECTED = [
  'released->waiting',
  'released->queued',
  'released->processing',
  'released->erred',
  'released->forgotten',
  'released->memory',
  'waiting->processing',
  'waiting->released',
  'waiting->erred',
  'queued->processing',
  'queued->released',
  'processing->memory',
  'processing->erred',
  'processing->released',
  'memory->released',
  'erred->released',
];

describe('transitions', () => {
  it('holds exactly the legal moves written by hand', () => {
    expect(LEGAL_MOVES.map(([f, t]) => `${f}->${t}`).sort()).toEqual(EXPECTED.slice().sort());
    expect(TASK_STATE_NAMES).toEqual(['released', 'waiting', 'queued', 'processing', 'memory', 'erred', 'forgotten']);
  });

  it('throws at an illegal move, naming key, from, to and the story', () => {
    const s = new SchedulerState();
    s.handle({ type: 'worker-added', worker: 'A', nthreads: 1 });
    s.handle({ type: 'graph-submitted', graph: dag({ a: [] }), outputs: ['a'] });
    expect(s.stateOf('a')).toBe('processing');
    // Corrupt the record (as a bug would): a 'forgotten' task still processing on A. Losing A
    // moves it forgotten -> released, which the table forbids.
    s.tasks.get('a')!.state = TASK_STATE_NAMES.indexOf('forgotten');
    let thrown: unknown;
    try {
      s.handle({ type: 'worker-removed', worker: 'A' });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(DistributedTransitionError);
    const err = thrown as DistributedTransitionError;
    expect([err.key, err.from, err.to, err.code]).toEqual(['a', 'forgotten', 'released', 'TSDASK_DISTRIBUTED_INVALID_TRANSITION']);
    expect(err.story.map((l) => `${l.from}->${l.to} (${l.stimulus})`)).toEqual(['released->queued (graph-submitted)', 'queued->processing (graph-submitted)']);
    expect(err.message).toContain("on stimulus 'worker-removed'");
  });

  it('keeps the last logCapacity moves for story()', () => {
    const s = new SchedulerState({ logCapacity: 3 });
    s.handle({ type: 'worker-added', worker: 'A', nthreads: 1 });
    s.handle({ type: 'graph-submitted', graph: dag({ a: [], b: ['a'] }), outputs: ['b'] });
    s.handle({ type: 'task-finished', key: 'a', worker: 'A', nbytes: 1 });
    // moves, in order: b released->waiting, a released->queued, a queued->processing, a processing->memory, b waiting->processing
    expect(s.story('a').map((l) => `${l.from}->${l.to}`)).toEqual(['queued->processing', 'processing->memory']);
    expect(s.story('b').map((l) => `${l.from}->${l.to}`)).toEqual(['waiting->processing']);
  });
});
