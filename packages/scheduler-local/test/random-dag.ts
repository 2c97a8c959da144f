/** A seeded random DAG for scheduler tests: each task depends on up to 3 earlier ones. */
import { lowerGraph, ref, task, type TaskGraph } from '@tsdask/core-graph';

export function randomDag(n: number, seed: number): TaskGraph {
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const entries: [string, unknown][] = [];
  for (let i = 0; i < n; i++) {
    const deps = i === 0 ? [] : Array.from({ length: Math.floor(rnd() * 4) }, () => ref(`t,${Math.floor(rnd() * i)}`));
    entries.push([`t,${i}`, task('m#f', ...deps)]);
  }
  return lowerGraph(entries);
}
