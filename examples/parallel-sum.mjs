// The main job (`npm start`): a real parallel computation built with `delayed`.
// Estimates pi by Monte Carlo on every core: 64 independent chunks of 2 million random
// points each (a seeded generator per chunk, so the answer is reproducible), combined by a
// tree of delayed additions, with a progress bar on stderr. Then prints the graph's shape.
import { compute, delayed } from '@tsdask/core-graph';
import { closePool, defaultWorkers } from '@tsdask/scheduler-local';

// Self-contained functions (no free variables): they are shipped to worker threads as source.
const countInside = delayed(
  (seed, n) => {
    // xorshift32: a tiny seeded generator, so every run gives the same answer.
    let s = seed >>> 0 || 1;
    const next = () => {
      s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
      return s / 4294967296;
    };
    let inside = 0;
    for (let i = 0; i < n; i++) {
      const x = next();
      const y = next();
      if (x * x + y * y <= 1) inside++;
    }
    return inside;
  },
  { name: 'count-inside', pure: true },
);
const add = delayed((a, b) => a + b, { name: 'add', pure: true });

const chunks = 64;
const perChunk = 2_000_000;
let level = Array.from({ length: chunks }, (_, i) => countInside(i + 1, perChunk));
while (level.length > 1) {
  const next = [];
  for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? add(level[i], level[i + 1]) : level[i]);
  level = next;
}
const total = level[0];
const points = chunks * perChunk;

console.log(`tsdask: estimating pi from ${points.toLocaleString()} random points in ${chunks} tasks on ${defaultWorkers()} worker threads`);
const t0 = performance.now();
const [inside] = await compute(total, { progress: true });
const seconds = (performance.now() - t0) / 1000;
const pi = (4 * inside) / points;
console.log(`pi ~ ${pi.toFixed(6)} (error ${Math.abs(pi - Math.PI).toExponential(2)}) in ${seconds.toFixed(2)} s`);
console.log((await total.visualize({ format: 'dot' })).split('\n').length - 4, 'lines of DOT describe the task graph (total.visualize())');
await closePool();
