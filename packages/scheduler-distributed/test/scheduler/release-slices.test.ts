/**
 * A release that cascades over a big graph (the client releasing the one output of a tree
 * forgets every record of it) is walked in slices: one stimulus forgets at most RELEASE_BUDGET
 * records, the rest in 'release-step' stimuli, with the invariants holding between them; a key
 * needed again by a new graph while the walk waits is kept.
 */
import { describe, expect, it } from 'vitest';
import { lowerArrays, type Node } from '@tsdask/core-graph';
import { SchedulerState, type SchedulerInstruction } from '@tsdask/scheduler-distributed';
import { RELEASE_BUDGET } from '../../src/scheduler/state/release.js';
import { FORGOTTEN } from '../../src/scheduler/state/task-states.js';

/** `leaves` leaves and a tree of sums over them, 8 inputs each, down to one root (as bench/million-tasks.mjs). */
function tree(leaves: number, prefix = ''): { keys: string[]; nodes: Node[]; root: string } {
  const keys: string[] = [];
  const nodes: Node[] = [];
  for (let i = 0; i < leaves; i++) {
    keys.push(`${prefix}leaf-${i}`);
    nodes.push({ op: 'test#f', args: [i] } as unknown as Node);
  }
  let level = keys.slice();
  for (let depth = 0; level.length > 1; depth++) {
    const next: string[] = [];
    for (let j = 0; j < level.length; j += 8) {
      const k = `${prefix}sum-${depth}-${j / 8}`;
      keys.push(k);
      nodes.push({ op: 'test#f', args: level.slice(j, j + 8).map((r) => ({ ref: r })) } as unknown as Node);
      next.push(k);
    }
    level = next;
  }
  return { keys, nodes, root: level[0]! };
}

/** Answers every compute-task until none is left (one worker, 'A'). */
function runAll(s: SchedulerState, first: readonly SchedulerInstruction[]): void {
  let todo = first.filter((i) => i.type === 'compute-task');
  while (todo.length > 0) {
    const next: SchedulerInstruction[] = [];
    for (const i of todo) if (i.type === 'compute-task') next.push(...s.handle({ type: 'task-finished', key: i.key, worker: i.worker, nbytes: 8 }));
    todo = next.filter((i) => i.type === 'compute-task');
  }
}

describe('release walk in slices', () => {
  it('forgets at most RELEASE_BUDGET records per stimulus, and all of them over the release-steps', () => {
    const { keys, nodes, root } = tree(3 * RELEASE_BUDGET + 100);
    const s = new SchedulerState();
    s.handle({ type: 'worker-added', worker: 'A', nthreads: 2 });
    runAll(s, s.handle({ type: 'graph-submitted', graph: lowerArrays(keys, nodes), outputs: [root] }));
    expect(s.stateOf(root)).toBe('memory');
    expect(s.tasks.size).toBe(keys.length);
    let forgotten = 0;
    s.onMove = (t) => {
      if (t.state === FORGOTTEN) forgotten++;
    };
    s.handle({ type: 'release-keys', keys: [root] });
    expect(forgotten).toBeGreaterThan(0);
    expect(forgotten).toBeLessThanOrEqual(RELEASE_BUDGET);
    expect(s.releasing).toBe(true);
    expect(s.validate()).toEqual([]);
    let total = forgotten;
    let steps = 0;
    while (s.releasing) {
      forgotten = 0;
      s.handle({ type: 'release-step', budget: 1000 });
      expect(forgotten).toBeLessThanOrEqual(1000);
      expect(s.validate()).toEqual([]);
      total += forgotten;
      steps++;
    }
    expect(total).toBe(keys.length); // every record, once
    expect(s.tasks.size).toBe(0);
    expect(steps).toBeGreaterThanOrEqual(Math.ceil((keys.length - RELEASE_BUDGET) / 1000));
    expect(s.workers.get('A')!.has.size).toBe(0);
  });

  it('keeps what a new graph reads while the walk waits, and forgets the rest', () => {
    const { keys, nodes, root } = tree(2 * RELEASE_BUDGET);
    const s = new SchedulerState();
    s.handle({ type: 'worker-added', worker: 'A', nthreads: 2 });
    runAll(s, s.handle({ type: 'graph-submitted', graph: lowerArrays(keys, nodes), outputs: [root] }));
    s.handle({ type: 'release-keys', keys: [root] });
    expect(s.releasing).toBe(true);
    // Leaves the walk has not reached yet (it goes depth first from the root's last input) and one it forgot already.
    const still = keys.filter((k) => k.startsWith('leaf-') && s.tasks.has(k));
    const gone = keys.find((k) => k.startsWith('leaf-') && !s.tasks.has(k))!;
    expect(still.length).toBeGreaterThan(2);
    expect(gone).toBeDefined();
    const reads = [still[0]!, still[1]!, gone];
    const again = lowerArrays(
      ['again', ...reads],
      [{ op: 'test#f', args: reads.map((r) => ({ ref: r })) } as unknown as Node, ...reads.map(() => ({ op: 'test#f', args: [0] }) as unknown as Node)],
    );
    const out: SchedulerInstruction[] = [];
    out.push(...s.handle({ type: 'graph-submitted', graph: again, outputs: ['again'] }));
    expect(s.validate()).toEqual([]);
    while (s.releasing) {
      out.push(...s.handle({ type: 'release-step', budget: 1000 }));
      expect(s.validate()).toEqual([]);
    }
    runAll(s, out);
    expect(s.stateOf('again')).toBe('memory');
    // What remains: the new output and its inputs (released once it was computed), nothing of the old tree.
    expect([...s.tasks.keys()].sort()).toEqual(['again', ...reads].sort());
    expect(s.validate()).toEqual([]);
  });
});
