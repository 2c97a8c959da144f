import { delayed, graphOf, getScheduler } from '@tsdask/core-graph';
import { closePool } from '@tsdask/scheduler-local';
const n = 1000000; const mb = (x) => (x / 1048576).toFixed(0);
const snap = (label) => { globalThis.gc?.(); const m = process.memoryUsage(); console.log(label.padEnd(10), 'heap', mb(m.heapUsed), 'ext+ab', mb(m.external + m.arrayBuffers), 'rss', mb(m.rss), 'peak', mb(process.resourceUsage().maxRSS * 1024)); };
snap('start');
let t = performance.now();
const inc = delayed((x) => x + 1, { name: 'inc' }); const add = delayed((a, b) => a + b, { name: 'add' });
let level = []; for (let i = 0; i < n; i++) level.push(inc(i));
while (level.length > 1) { const nx = []; for (let i = 0; i < level.length; i += 2) nx.push(i + 1 < level.length ? add(level[i], level[i + 1]) : level[i]); level = nx; }
console.log('build ms', (performance.now() - t).toFixed(0)); t = performance.now();
snap('built');
const { graph, outputs } = graphOf([level[0]], {});
console.log('graphOf ms', (performance.now() - t).toFixed(0)); t = performance.now();
snap('lowered');
const s = await getScheduler('threads');
const [r] = await s.get(graph, outputs, {});
console.log('exec ms', (performance.now() - t).toFixed(0), r);
snap('done');
await closePool();
