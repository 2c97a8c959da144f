/**
 * The scheduler's event pump driven through SchedulerState stimuli, as the shell drives it
 * (beginGraph, handle, graphAccepted, flush after each stimulus): the compute-start, task-batch
 * rows, running and compute-finish events it sends, checked against the stimuli sent.
 */
import { describe, expect, it } from 'vitest';
import { taskEventsOf, type Callbacks, type Key, type SchedulerEvent, type TaskEvent, type TaskGraph } from '@tsdask/core-graph';
import { SchedulerEventPump, SchedulerState, type SchedulerStimulus } from '@tsdask/scheduler-distributed';
import { computes, dag } from './harness.js';

/** A machine with workers a and b, a pump on a fake clock, and a recorder of every event. */
function setup(listen: Partial<Callbacks> = {}) {
  const state = new SchedulerState();
  let clock = 1000;
  const pump = new SchedulerEventPump(state, { now: () => clock });
  const events: SchedulerEvent[] = [];
  /** Task rows as objects, copied when received (a batch is valid during the call only). */
  const rows: (TaskEvent & { computeId: string })[] = [];
  pump.subscribe({
    event: (e) => {
      events.push(e);
      if (e.type === 'task-batch') for (const r of taskEventsOf(e.batch)) rows.push({ ...r, computeId: e.computeId });
    },
    ...listen,
  });
  const apply = (s: SchedulerStimulus) => {
    const out = state.handle(s);
    pump.flush();
    return out;
  };
  apply({ type: 'worker-added', worker: 'a', nthreads: 1 });
  apply({ type: 'worker-added', worker: 'b', nthreads: 1 });
  /** Submits `g` wanting `outputs`, as the client session does. */
  const submit = (g: TaskGraph, outputs: Key[], client = 'client-1') => {
    const c = pump.beginGraph(g, client);
    const out = state.handle({ type: 'graph-submitted', graph: g, outputs });
    pump.graphAccepted(c, outputs);
    pump.flush();
    return out;
  };
  return { state, pump, events, rows, apply, submit, tick: (ms: number) => (clock += ms) };
}

const finishes = (events: SchedulerEvent[]) => events.filter((e) => e.type === 'compute-finish');

describe('SchedulerEventPump', () => {
  it('sends start, rows that follow the stimuli (states, workers, bytes, times) and finish', () => {
    const { events, rows, apply, submit, tick, state } = setup();
    const g = dag({ x: [], y: [], z: ['x', 'y'] });
    const sent = computes(submit(g, ['z']));
    const on = Object.fromEntries(sent.map((c) => [c.key, c.worker]));
    expect(Object.keys(on).sort()).toEqual(['x', 'y']);

    const start = events[0]!;
    expect(start).toMatchObject({ type: 'compute-start', computeId: 'client-1-graph-1', scheduler: 'distributed', ntasks: 3, workers: 2 });
    expect(start.type === 'compute-start' && [...start.keys]).toEqual(['x', 'y', 'z']);
    expect(start.type === 'compute-start' && [...start.groups]).toEqual([
      ['x', 1],
      ['y', 1],
      ['z', 1],
    ]);
    expect(start.type === 'compute-start' && start.graph !== undefined).toBe(true);
    // z waits; x and y were queued (root tasks, in either order) then sent where the stimuli said.
    expect(rows[0]).toMatchObject({ key: 'z', state: 'waiting', worker: -1 });
    expect(
      rows
        .slice(1, 3)
        .map((r) => [r.key, r.state, r.worker])
        .sort(),
    ).toEqual([
      ['x', 'ready', -1],
      ['y', 'ready', -1],
    ]);
    expect(
      rows
        .slice(3)
        .map((r) => [r.key, r.state, r.worker])
        .sort(),
    ).toEqual([
      ['x', 'running', on['x']],
      ['y', 'running', on['y']],
    ]);
    rows.length = 0;

    tick(5);
    apply({ type: 'task-finished', key: 'x', worker: on['x']!, nbytes: 100 });
    tick(5);
    const zSent = computes(apply({ type: 'task-finished', key: 'y', worker: on['y']!, nbytes: 10 }));
    expect(zSent.map((c) => c.key)).toEqual(['z']);
    const zOn = zSent[0]!.worker;
    expect(rows.map((r) => [r.key, r.state, r.worker, r.start, r.stop, r.nbytes])).toEqual([
      ['x', 'memory', on['x'], 0, 5, 100],
      ['y', 'memory', on['y'], 0, 10, 10],
      ['z', 'running', zOn, 10, 0, 0],
    ]);
    expect(finishes(events)).toEqual([]);
    rows.length = 0;

    tick(7);
    apply({ type: 'task-finished', key: 'z', worker: zOn, nbytes: 8 });
    // z in memory (held on its worker), x and y released: nothing needs them.
    expect(rows.filter((r) => r.key === 'z').map((r) => [r.state, r.worker, r.start, r.stop, r.nbytes])).toEqual([['memory', zOn, 10, 17, 8]]);
    expect(rows.filter((r) => r.key !== 'z').map((r) => [r.key, r.state])).toEqual(
      expect.arrayContaining([
        ['x', 'released'],
        ['y', 'released'],
      ]),
    );
    expect(finishes(events)).toEqual([{ type: 'compute-finish', computeId: 'client-1-graph-1', ok: true, elapsedMs: 17 }]);
    // Every event after the start belongs to the compute, and nothing follows its finish.
    expect(events.every((e) => e.computeId === 'client-1-graph-1')).toBe(true);
    expect(events[events.length - 1]!.type).toBe('compute-finish');
    expect(state.onMove).toBeUndefined();
  });

  it('finishes failed with the error when an output errs (its dependent too), naming the worker it ran on', () => {
    const { events, rows, apply, submit } = setup();
    const sent = computes(submit(dag({ x: [], z: ['x'] }), ['z']));
    const boom = new Error('boom');
    apply({ type: 'task-erred', key: 'x', worker: sent[0]!.worker, error: boom });
    expect(rows.filter((r) => r.state === 'erred').map((r) => [r.key, r.worker])).toEqual([
      ['x', sent[0]!.worker],
      ['z', -1], // failed because its input failed: it ran nowhere
    ]);
    const [fin] = finishes(events);
    expect(fin).toMatchObject({ ok: false, error: boom });
  });

  it('finishes cancelled (ok false, no error) when the client releases the outputs; a lost output is not settled', () => {
    const { events, apply, submit } = setup();
    const sent = computes(submit(dag({ x: [], y: [] }), ['x', 'y']));
    const xOn = sent.find((c) => c.key === 'x')!.worker;
    // x's worker dies while x runs: x is still wanted, computed again, so the compute goes on.
    apply({ type: 'worker-removed', worker: xOn, reason: 'killed' });
    expect(finishes(events)).toEqual([]);
    apply({ type: 'release-keys', keys: ['x', 'y'] });
    const [fin] = finishes(events);
    expect(fin).toMatchObject({ type: 'compute-finish', ok: false });
    expect(fin && 'error' in fin).toBe(false);
  });

  it('sends nothing and hooks nothing when nobody listens', () => {
    const state = new SchedulerState();
    const pump = new SchedulerEventPump(state);
    state.handle({ type: 'worker-added', worker: 'a', nthreads: 1 });
    expect(pump.beginGraph(dag({ x: [] }), 'client-1')).toBeUndefined();
    expect(state.onMove).toBeUndefined();
  });

  it('a graph whose outputs are already in memory finishes at once; shared keys report to the newest compute', () => {
    const { events, rows, apply, submit } = setup();
    const first = computes(submit(dag({ x: [] }), ['x']));
    apply({ type: 'task-finished', key: 'x', worker: first[0]!.worker, nbytes: 4 });
    expect(finishes(events).map((e) => e.computeId)).toEqual(['client-1-graph-1']);
    rows.length = 0;
    // A second client asks for x (in memory) and y = f(x).
    const out = computes(submit(dag({ x: [], y: ['x'] }), ['x', 'y'], 'client-2'));
    expect(out.map((c) => c.key)).toEqual(['y']);
    expect(rows.map((r) => [r.computeId, r.key, r.state])).toEqual([['client-2-graph-2', 'y', 'running']]);
    apply({ type: 'task-finished', key: 'y', worker: out[0]!.worker, nbytes: 4 });
    expect(finishes(events).map((e) => [e.computeId, e.ok])).toEqual([
      ['client-1-graph-1', true],
      ['client-2-graph-2', true],
    ]);
    // A third graph of outputs all in memory: start and finish at once.
    submit(dag({ y: [] }), ['y'], 'client-3');
    expect(events.slice(-2).map((e) => e.type)).toEqual(['compute-start', 'compute-finish']);
  });

  it('rows of a key two open graphs share go to the newest, and back to the older one once the newest finished', () => {
    const { events, rows, apply, submit } = setup();
    // Graph 1 wants s and t = f(s); graph 2 wants s only.
    const first = computes(submit(dag({ s: [], t: ['s'] }), ['t']));
    computes(submit(dag({ s: [] }), ['s'], 'client-2'));
    rows.length = 0;
    const next = computes(apply({ type: 'task-finished', key: 's', worker: first[0]!.worker, nbytes: 1 }));
    expect(rows.map((r) => [r.computeId, r.key, r.state]).sort()).toEqual([
      ['client-1-graph-1', 't', 'running'],
      ['client-2-graph-2', 's', 'memory'],
    ]);
    expect(finishes(events).map((e) => e.computeId)).toEqual(['client-2-graph-2']);
    rows.length = 0;
    // Graph 2's client releases s; t still reads it, so it stays until t is done; then it goes, reported to graph 1.
    apply({ type: 'release-keys', keys: ['s'] });
    expect(rows).toEqual([]);
    apply({ type: 'task-finished', key: 't', worker: next[0]!.worker, nbytes: 1 });
    expect(rows.map((r) => [r.computeId, r.key, r.state])).toEqual([
      ['client-1-graph-1', 't', 'memory'],
      ['client-1-graph-1', 's', 'released'],
    ]);
    expect(finishes(events).map((e) => [e.computeId, e.ok])).toEqual([
      ['client-2-graph-2', true],
      ['client-1-graph-1', true],
    ]);
  });

  it("sends 'running' with the tasks processing on each worker (at most every 100 ms)", () => {
    const { events, submit, tick, apply } = setup();
    const sent = computes(submit(dag({ x: [], y: [] }), ['x', 'y']));
    const running = () => events.filter((e) => e.type === 'running');
    expect(running().map((e) => e.type === 'running' && e.running.map((r) => [r.worker, r.key]).sort())).toEqual([sent.map((c) => [c.worker, c.key]).sort()]);
    tick(150);
    apply({ type: 'task-finished', key: 'x', worker: sent.find((c) => c.key === 'x')!.worker, nbytes: 1 });
    const last = running()[running().length - 1]!;
    expect(last.type === 'running' && last.running.map((r) => r.key)).toEqual(['y']);
  });
});
