/**
 * Random DAGs driven to completion with tasks finishing in random order, workers lost and
 * added, stale answers from workers, a few tasks that throw, and work stealing (balance, and
 * steal-requests given up or refused at random): validate() after every step,
 * every output told to the client once (done, or erred only below a task that threw; done then
 * erred where a delivered output was lost and failed when computed again),
 * everything freed and forgotten once the client releases the outputs, and every compute-task's `whoHas` checked against a model of what each worker
 * really holds (kept here from the instructions alone).
 */
import { describe, expect, it } from 'vitest';
import { LEGAL_MOVES, SchedulerState, type SchedulerInstruction } from '@tsdask/scheduler-distributed';
import { dag, rng } from './harness.js';

function randomDrawn(rand: () => number, n: number): Record<string, string[]> {
  const drawn: Record<string, string[]> = {};
  for (let i = 0; i < n; i++) {
    const deps = new Set<string>();
    const want = i === 0 ? 0 : Math.floor(rand() * 4);
    for (let j = 0; j < want; j++) deps.add(`t${Math.floor(rand() * i)}`);
    drawn[`t${i}`] = [...deps];
  }
  return drawn;
}

describe('random DAGs', () => {
  /** Every move the runs below made, as 'from->to'. */
  const seen = new Set<string>();
  for (let seed = 1; seed <= 60; seed++) {
    it(`seed ${seed}: every output is delivered once or errs below a task that threw`, () => {
      const rand = rng(seed);
      const drawn = randomDrawn(rand, 10 + Math.floor(rand() * 50));
      const keys = Object.keys(drawn);
      const hasDependent = new Set(Object.values(drawn).flat());
      const outputs = keys.filter((k) => !hasDependent.has(k) || rand() < 0.2);
      const s = new SchedulerState({ allowedFailures: 1000, rootSlack: 0 });
      // the model: what each live worker really holds, and what it was asked to run
      const holds = new Map<string, Set<string>>();
      const running: { key: string; worker: string }[] = [];
      const delivered = new Map<string, number>();
      const erred = new Map<string, number>();
      const threw = new Set<string>();
      const stealAsks: { key: string; worker: string }[] = [];
      let nextWorker = 0;
      const apply = (out: SchedulerInstruction[]): void => {
        for (const i of out) {
          if (i.type === 'compute-task') {
            expect(holds.has(i.worker)).toBe(true);
            for (const d of drawn[i.key]!) {
              expect(i.whoHas[d]!.length).toBeGreaterThan(0);
              for (const w of i.whoHas[d]!) expect(holds.get(w)!.has(d)).toBe(true);
            }
            running.push({ key: i.key, worker: i.worker });
          } else if (i.type === 'free-keys') {
            for (const k of i.keys) holds.get(i.worker)?.delete(k);
          } else if (i.type === 'task-done') {
            delivered.set(i.key, (delivered.get(i.key) ?? 0) + 1);
          } else if (i.type === 'steal-request') {
            expect(running.some((j) => j.key === i.key && j.worker === i.worker)).toBe(true);
            stealAsks.push({ key: i.key, worker: i.worker });
          } else {
            expect(i.error.message).toMatch(/^thrown by t\d+$/);
            erred.set(i.key, (erred.get(i.key) ?? 0) + 1);
          }
        }
        expect(s.validate()).toEqual([]);
      };
      const addWorker = (): void => {
        const name = `w${nextWorker++}`;
        holds.set(name, new Set());
        apply(s.handle({ type: 'worker-added', worker: name, nthreads: 1 + Math.floor(rand() * 3) }));
      };
      addWorker();
      if (rand() < 0.7) addWorker();
      apply(s.handle({ type: 'graph-submitted', graph: dag(drawn), outputs }));
      let deaths = 0;
      for (let step = 0; step < 10_000 && running.length > 0; step++) {
        const r = rand();
        if (r < 0.05 && deaths < 4) {
          const names = [...holds.keys()];
          const victim = names[Math.floor(rand() * names.length)]!;
          deaths++;
          holds.delete(victim);
          for (let j = running.length - 1; j >= 0; j--) if (running[j]!.worker === victim) running.splice(j, 1);
          if (holds.size === 0 || rand() < 0.5) addWorker();
          apply(s.handle({ type: 'worker-removed', worker: victim }));
          continue;
        }
        if (r < 0.08) addWorker();
        if (r >= 0.08 && r < 0.13) {
          apply(s.handle({ type: 'balance' }));
          continue;
        }
        if (r >= 0.13 && r < 0.2 && stealAsks.length > 0) {
          // the asked worker gives the task up if it has not run it yet (70% of the time), else keeps it
          const [ask] = stealAsks.splice(Math.floor(rand() * stealAsks.length), 1);
          const at = running.findIndex((j) => j.key === ask!.key && j.worker === ask!.worker);
          const give = at >= 0 && rand() < 0.7;
          if (give) running.splice(at, 1);
          apply(s.handle({ type: 'steal-response', key: ask!.key, worker: ask!.worker, released: give }));
          continue;
        }
        const [job] = running.splice(Math.floor(rand() * running.length), 1);
        if (job === undefined) continue;
        if (rand() < 0.01) {
          threw.add(job.key);
          apply(s.handle({ type: 'task-erred', key: job.key, worker: job.worker, error: new Error(`thrown by ${job.key}`) }));
          continue;
        }
        holds.get(job.worker)!.add(job.key);
        apply(s.handle({ type: 'task-finished', key: job.key, worker: job.worker, nbytes: 1 + Math.floor(rand() * 1000) }));
      }
      expect(running).toEqual([]);
      // reference: the tasks at or below a task that threw (a plain walk of the drawn DAG)
      const tainted = (k: string): boolean => threw.has(k) || drawn[k]!.some(tainted);
      for (const k of outputs) {
        // task-done at most once; task-erred at most once, and it is the last word (an output
        // delivered, then lost with its worker, may fail when computed again)
        expect(delivered.get(k) ?? 0, k).toBeLessThanOrEqual(1);
        expect(erred.get(k) ?? 0, k).toBeLessThanOrEqual(1);
        expect(delivered.has(k) || erred.has(k), k).toBe(true);
        expect(s.stateOf(k)).toBe(erred.has(k) ? 'erred' : 'memory');
        if (erred.has(k)) expect(tainted(k)).toBe(true);
      }
      if (threw.size === 0) expect([...delivered.keys()].sort()).toEqual(outputs.slice().sort());
      // only outputs are still held
      for (const [w, held] of holds) for (const k of held) expect(outputs.includes(k), `${w} still holds ${k}`).toBe(true);
      // released by the client: everything is freed and forgotten
      apply(s.handle({ type: 'release-keys', keys: outputs }));
      expect(s.tasks.size).toBe(0);
      for (const held of holds.values()) expect(held.size).toBe(0);
      for (const k of keys) for (const l of s.story(k)) seen.add(`${l.from}->${l.to}`);
    });
  }

  it('took every legal move (no entry of the table is unused)', () => {
    // released -> erred needs an input that erred after its dependent was freed: rare here, so
    // errors-release.test.ts draws it by hand; released -> memory is a scatter (scatter-missing.test.ts)
    expect(LEGAL_MOVES.map(([f, t]) => `${f}->${t}`).filter((m) => !seen.has(m))).toEqual(['released->erred', 'released->memory']);
  });
});
