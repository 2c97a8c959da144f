/**
 * Graphs taken in step by step (state/ingest.ts): random DAGs submitted `sliced` and advanced by
 * 'graph-step's of tiny random budgets, interleaved with tasks finishing, workers lost and
 * added, balancing, and a second graph that shares keys with the first (submitted while the
 * first is still going in, or after), while outputs of the first that the second does not want
 * are released (so a task the second graph reuses may lose its last reason to live between two
 * steps). validate() after every stimulus; every output told to the client exactly once (at
 * most once for those released early); and once the outputs are released, nothing is left
 * (no record kept alive by a pin).
 */
import { describe, expect, it } from 'vitest';
import { SchedulerState, type SchedulerInstruction } from '@tsdask/scheduler-distributed';
import { dag, rng } from './harness.js';

function randomDrawn(rand: () => number, n: number, prefix: string, below: string[]): Record<string, string[]> {
  const drawn: Record<string, string[]> = {};
  const mine: string[] = [];
  for (let i = 0; i < n; i++) {
    const deps = new Set<string>();
    const want = i === 0 ? 0 : Math.floor(rand() * 4);
    const pool = [...mine, ...below];
    for (let j = 0; j < want && pool.length > 0; j++) deps.add(pool[Math.floor(rand() * pool.length)]!);
    drawn[`${prefix}${i}`] = [...deps];
    mine.push(`${prefix}${i}`);
  }
  return drawn;
}

/** `drawn` with every key another graph's key reads (a graph must hold the tasks its tasks read). */
function closure(all: Record<string, string[]>, roots: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const visit = (k: string): void => {
    if (k in out) return;
    for (const d of all[k]!) visit(d);
    out[k] = all[k]!;
  };
  for (const r of roots) visit(r);
  return out;
}

describe('a graph taken in step by step', () => {
  for (let seed = 1; seed <= 50; seed++) {
    it(`seed ${seed}: every output is delivered once and nothing is left after release`, () => {
      const rand = rng(seed);
      const drawnA = randomDrawn(rand, 5 + Math.floor(rand() * 40), 'a', []);
      const keysA = Object.keys(drawnA);
      const extra = randomDrawn(rand, 3 + Math.floor(rand() * 20), 'b', keysA);
      const all = { ...drawnA, ...extra };
      const drawnB = closure(all, Object.keys(extra));
      const readA = new Set(Object.values(drawnA).flat());
      const outputsA = keysA.filter((k) => !readA.has(k) || rand() < 0.2);
      const outputsB = [...Object.keys(extra).filter(() => rand() < 0.6), ...outputsA.filter(() => rand() < 0.3)];
      if (outputsB.length === 0) outputsB.push(Object.keys(extra)[0]!);
      const s = new SchedulerState({ allowedFailures: 1000, rootSlack: 0 });
      const holds = new Map<string, Set<string>>();
      const running: { key: string; worker: string }[] = [];
      const delivered = new Map<string, number>();
      let nextWorker = 0;
      const apply = (out: SchedulerInstruction[]): void => {
        for (const i of out) {
          if (i.type === 'compute-task') {
            for (const d of all[i.key]!) for (const w of i.whoHas[d]!) expect(holds.get(w)!.has(d)).toBe(true);
            running.push({ key: i.key, worker: i.worker });
          } else if (i.type === 'free-keys') for (const k of i.keys) holds.get(i.worker)?.delete(k);
          else if (i.type === 'task-done') delivered.set(i.key, (delivered.get(i.key) ?? 0) + 1);
          else if (i.type === 'task-erred') throw new Error(`no task throws here, yet ${i.key} erred: ${i.error.message}`);
        }
        expect(s.validate()).toEqual([]);
      };
      const addWorker = (): void => {
        const name = `w${nextWorker++}`;
        holds.set(name, new Set());
        apply(s.handle({ type: 'worker-added', worker: name, nthreads: 1 + Math.floor(rand() * 2) }));
      };
      addWorker();
      apply(s.handle({ type: 'graph-submitted', graph: dag(drawnA), outputs: outputsA, sliced: true }));
      expect(s.ingesting).toBe(true);
      let submittedB = false;
      const releasable = outputsA.filter((k) => !outputsB.includes(k));
      const released = new Set<string>();
      let deaths = 0;
      for (let step = 0; step < 20_000; step++) {
        if (!submittedB && (rand() < 0.05 || (!s.ingesting && running.length === 0))) {
          submittedB = true; // while A is still going in, or after: A is finished first
          apply(s.handle({ type: 'graph-submitted', graph: dag(drawnB), outputs: outputsB, sliced: rand() < 0.8 }));
          continue;
        }
        if (!s.ingesting && running.length === 0 && submittedB) break;
        if (submittedB && releasable.length > 0 && rand() < 0.05) {
          const [k] = releasable.splice(Math.floor(rand() * releasable.length), 1);
          released.add(k!);
          apply(s.handle({ type: 'release-keys', keys: [k!] }));
          continue;
        }
        const r = rand();
        if (s.ingesting && r < 0.4) {
          apply(s.handle({ type: 'graph-step', budget: 1 + Math.floor(rand() * 6) }));
          continue;
        }
        if (r < 0.43 && deaths < 3 && holds.size > 0) {
          const names = [...holds.keys()];
          const victim = names[Math.floor(rand() * names.length)]!;
          deaths++;
          holds.delete(victim);
          for (let j = running.length - 1; j >= 0; j--) if (running[j]!.worker === victim) running.splice(j, 1);
          if (holds.size === 0 || rand() < 0.5) addWorker();
          apply(s.handle({ type: 'worker-removed', worker: victim }));
          continue;
        }
        if (r < 0.46) {
          addWorker();
          continue;
        }
        if (r < 0.5) {
          apply(s.handle({ type: 'balance' }));
          continue;
        }
        const [job] = running.splice(Math.floor(rand() * running.length), 1);
        if (job === undefined) continue;
        holds.get(job.worker)!.add(job.key);
        apply(s.handle({ type: 'task-finished', key: job.key, worker: job.worker, nbytes: 1 + Math.floor(rand() * 100) }));
      }
      expect(s.ingesting).toBe(false);
      expect(running).toEqual([]);
      const outputs = [...new Set([...outputsA, ...outputsB])].filter((k) => !released.has(k));
      for (const k of released) expect(delivered.get(k) ?? 0, k).toBeLessThanOrEqual(1);
      for (const k of outputs) {
        expect(delivered.get(k), k).toBe(1);
        expect(s.stateOf(k)).toBe('memory');
      }
      for (const [w, held] of holds) for (const k of held) expect(outputs.includes(k), `${w} still holds ${k}`).toBe(true);
      apply(s.handle({ type: 'release-keys', keys: outputs }));
      expect(s.tasks.size).toBe(0);
      for (const held of holds.values()) expect(held.size).toBe(0);
    });
  }

  it('takes the same moves for a graph in one go and in steps of one', () => {
    const drawn = randomDrawn(rng(7), 60, 't', []);
    const read = new Set(Object.values(drawn).flat());
    const outputs = Object.keys(drawn).filter((k) => !read.has(k));
    const whole = new SchedulerState();
    const stepped = new SchedulerState();
    for (const s of [whole, stepped]) s.handle({ type: 'worker-added', worker: 'w', nthreads: 2 });
    const a = whole.handle({ type: 'graph-submitted', graph: dag(drawn), outputs });
    const b = stepped.handle({ type: 'graph-submitted', graph: dag(drawn), outputs, sliced: true });
    expect(b).toEqual([]); // nothing happens before the first step
    while (stepped.ingesting) b.push(...stepped.handle({ type: 'graph-step', budget: 1 }));
    const sent = (out: SchedulerInstruction[]): string[] => out.flatMap((i) => (i.type === 'compute-task' ? [i.key] : [])).sort();
    expect(sent(b)).toEqual(sent(a));
    for (const k of Object.keys(drawn)) expect(stepped.stateOf(k), k).toBe(whole.stateOf(k));
  });

  it('refuses a graph whose output is neither in it nor known, before anything changes', () => {
    const s = new SchedulerState();
    expect(() => s.handle({ type: 'graph-submitted', graph: dag({ x: [] }), outputs: ['nope'], sliced: true })).toThrow(/nope/);
    expect(s.ingesting).toBe(false);
    expect(s.tasks.size).toBe(0);
  });
});
