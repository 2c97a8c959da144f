/**
 * A big graph on the wire: `splitUpdateGraph` cuts an update-graph into parts and the
 * scheduler's GraphAssembly puts them back together (the same keys, nodes, CSR, priorities and
 * task groups as the whole message, for random graphs and part sizes); CycleCheck, run in tiny steps, finds
 * a cycle exactly when core-graph's topologicalOrder does, and names keys that really form one;
 * and a scheduler takes a graph sent in parts, refuses a bad part with a typed error naming
 * the field (its connection still serving), answers the client's next message after the graph
 * is in, and releases what a client wanted when it left while its graph was going in.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { assignGroups, GraphCycleError, lowerArrays, lowerGraph, task, topologicalOrder, type Key, type Node } from '@tsdask/core-graph';
import { encodeGraph, encodeNode, graphMessages, splitUpdateGraph, type UpdateGraphMsg, type UpdateGraphPartMsg } from '@tsdask/scheduler-distributed';
import { LAYER_MESSAGE_TASKS } from '../../src/scheduler/layer-intake.js';
import { CycleCheck } from '../../src/scheduler/cycle-check.js';
import { GraphAssembly } from '../../src/scheduler/wire-graph.js';
import { rng } from './harness.js';
import { Cleanup, fakeClient, fakeWorker, graphMsg, Mailbox, startServer } from './server-harness.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** A random DAG drawn as key -> deps (each task reads up to 3 earlier ones, or later ones: ids need not be in order), its keys in three groups. */
function drawnDag(rand: () => number, n: number): Record<Key, Key[]> {
  const perm = Array.from({ length: n }, (_, i) => i).sort(() => rand() - 0.5);
  const name = (j: number): Key => `${['inc', 'sum', 'mul'][j % 3]}-t,${j}`;
  const drawn: Record<Key, Key[]> = {};
  for (let i = 0; i < n; i++) {
    const deps = new Set<Key>();
    for (let j = 0, m = i === 0 ? 0 : Math.floor(rand() * 4); j < m; j++) deps.add(name(perm[Math.floor(rand() * i)]!));
    drawn[name(perm[i]!)] = [...deps];
  }
  return drawn;
}

const sent = (m: UpdateGraphMsg | UpdateGraphPartMsg): UpdateGraphMsg => m as UpdateGraphMsg;

describe('a graph in parts', () => {
  it('is put back together as the whole message, for random graphs and part sizes', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rand = rng(seed);
      const drawn = drawnDag(rand, 1 + Math.floor(rand() * 60));
      const whole = graphMsg(seed, drawn, [Object.keys(drawn)[0]!], { priorities: Object.keys(drawn).map(() => Math.floor(rand() * 100)) });
      const size = 1 + Math.floor(rand() * 10);
      const parts = splitUpdateGraph(whole, size);
      expect(parts.length).toBe(Math.max(1, Math.ceil(whole.keys.length / size)));
      for (const p of parts.slice(0, -1)) expect([p.type, p.keys.length]).toEqual(['update-graph-part', size]);
      const last = sent(parts.at(-1)!);
      expect([last.type, last.parts ?? 0]).toEqual(['update-graph', parts.length - 1]);
      const a = new GraphAssembly();
      for (const p of parts.slice(0, -1)) a.add(p);
      const { graph, priorities, check, groups } = a.complete(
        last,
        () => false,
        () => false,
        'x',
      );
      expect(check.step(Infinity)).toBe(true);
      expect([...graph.keys]).toEqual(whole.keys);
      expect([...graph.nodes]).toEqual(whole.nodes);
      expect([...graph.depPtr]).toEqual(whole.depPtr);
      expect([...graph.depIdx]).toEqual(whole.depIdx);
      expect([...priorities!]).toEqual(whole.priorities);
      // grouped part by part as core-graph groups the whole
      const all = assignGroups(whole.keys);
      expect([groups.names, [...groups.ids]]).toEqual([all.names, [...all.ids]]);
      // dependents, computed only when read, as core-graph's lowering has them
      const ref = lowerGraph(Object.entries(drawn).map(([k, deps]) => [k, task('t#f', ...deps.map((d) => ({ ref: d })))] as const));
      const byKey = (g: typeof graph, i: number): Key[] => [...g.outIdx.subarray(g.outPtr[i]!, g.outPtr[i + 1]!)].map((j) => g.keys[j]!).sort();
      for (const k of whole.keys) expect(byKey(graph, graph.index.get(k)!)).toEqual(byKey(ref, ref.index.get(k)!));
    }
  });

  it('refuses a part that breaks the graph, naming the field', () => {
    const whole = graphMsg(1, { a: [], b: ['a'], c: ['b'], d: ['a', 'c'] }, ['d']);
    const [p0, p1] = splitUpdateGraph(whole, 2) as [UpdateGraphPartMsg, UpdateGraphMsg];
    const bad: [string, () => void][] = [
      ['keys', () => new GraphAssembly().add({ ...p0, keys: ['a', 'a'] })],
      ['nodes', () => new GraphAssembly().add({ ...p0, nodes: p0.nodes.slice(1) })],
      ['depPtr', () => new GraphAssembly().add({ ...p0, depPtr: [0, 1, 0] })],
      ['depIdx', () => new GraphAssembly().add({ ...p0, depIdx: [-1] })],
      ['priorities', () => new GraphAssembly().add({ ...p0, priorities: [1] })],
      [
        'parts',
        () =>
          new GraphAssembly().complete(
            p1,
            () => false,
            () => false,
            'x',
          ),
      ],
      [
        'keys',
        () => {
          const a = new GraphAssembly();
          a.add(p0);
          a.complete(
            { ...p1, keys: ['a', 'z'] },
            () => false,
            () => false,
            'x',
          );
        },
      ],
      [
        'depIdx',
        () => {
          const a = new GraphAssembly();
          a.add(p0);
          a.complete(
            { ...p1, depIdx: [0, 9, 0] },
            () => false,
            () => false,
            'x',
          ).check.step(Infinity);
        },
      ],
    ];
    for (const [field, f] of bad) expect(f, field).toThrow(expect.objectContaining({ name: 'MessageShapeError', path: `message.${field}` }));
  });

  it('finds a cycle, in steps of any size, exactly when topologicalOrder does, and names one', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const rand = rng(seed);
      const drawn = drawnDag(rand, 2 + Math.floor(rand() * 40));
      const keys = Object.keys(drawn);
      if (rand() < 0.7) {
        const [x, y] = [keys[Math.floor(rand() * keys.length)]!, keys[Math.floor(rand() * keys.length)]!];
        drawn[x] = [...new Set([...drawn[x]!, y])]; // may close a cycle (x reads y, y reads ... x), or not
      }
      const m = graphMsg(1, drawn, [keys[0]!]);
      const g = new GraphAssembly().complete(
        m,
        () => false,
        () => false,
        'x',
      );
      let expected: unknown;
      try {
        topologicalOrder(g.graph);
      } catch (err) {
        expected = err;
      }
      const check = new CycleCheck(g.graph.keys, g.graph.depPtr, g.graph.depIdx);
      const budget = 1 + Math.floor(rand() * 5);
      let got: unknown;
      try {
        while (!check.step(budget));
      } catch (err) {
        got = err;
      }
      expect(got instanceof GraphCycleError, `seed ${seed}`).toBe(expected instanceof GraphCycleError);
      if (got instanceof GraphCycleError) {
        const cyc = got.keys;
        for (let i = 0; i < cyc.length; i++) expect(drawn[cyc[i]!], `${cyc[i]} reads ${cyc[(i + 1) % cyc.length]}`).toContain(cyc[(i + 1) % cyc.length]);
      }
    }
  });
});

describe('a scheduler taking a graph in parts', () => {
  it('runs it, refuses a bad one saying what was wrong, and answers the next message once the graph is in', async () => {
    const { server } = await startServer(cleanup);
    const box = new Mailbox();
    const worker = await fakeWorker(server, box, '127.0.0.1:1001', cleanup);
    const client = await fakeClient(server, box, 'C', cleanup);
    // a chain of 50 in parts of 7
    const drawn: Record<Key, Key[]> = {};
    for (let i = 0; i < 50; i++) drawn[`c${i}`] = i === 0 ? [] : [`c${i - 1}`];
    const parts = splitUpdateGraph(graphMsg(1, drawn, ['c49']), 7);
    expect(parts.length).toBe(8);
    // a bad graph first: its second part repeats a key of the first
    const bad = splitUpdateGraph(graphMsg(2, { x0: [], x1: [], x2: [] }, ['x2']), 2);
    client.send(bad[0]!);
    client.send({ ...(bad[1] as UpdateGraphMsg), keys: ['x0'] });
    const refused = await box.msg('graph-refused', { by: 'C' });
    expect(refused.msg['error']).toMatchObject({ name: 'MessageShapeError', message: expect.stringContaining("key 'x0' appears twice") });
    for (const p of parts) client.send(p);
    client.send({ type: 'who-has', id: 9, keys: ['c0'] });
    await box.msg('who-has-reply', { by: 'C' });
    expect(box.pending('graph-accepted')).toEqual([{ type: 'graph-accepted', id: 1 }]); // the question waited for the graph
    for (let i = 0; i < 50; i++) {
      await box.msg('compute-task', { key: `c${i}` });
      worker.send({ type: 'task-finished', key: `c${i}`, nbytes: 8 });
    }
    expect((await box.msg('task-done', { by: 'C' })).msg['key']).toBe('c49');
    expect(server.stats().intake).toMatchObject({ graphs: 1, lastTasks: 50 });
    expect([server.state.stateOf('c0'), server.state.stateOf('c49')]).toEqual(['released', 'memory']); // inputs freed, the output kept
  });

  it('takes in a layer message of the most blocks one may hold (expanded in steps), the next message waiting for the graph', async () => {
    const { server } = await startServer(cleanup);
    const box = new Mailbox();
    await fakeWorker(server, box, '127.0.0.1:1001', cleanup);
    const client = await fakeClient(server, box, 'C', cleanup);
    const n = LAYER_MESSAGE_TASKS;
    const keys = Array.from({ length: n }, (_, i) => `leaf-y,${i}`);
    const nodes: Node[] = keys.map((_, i) => task('test#f', i, 1));
    keys.push('total-y');
    nodes.push(
      task(
        'test#sum',
        keys.slice(0, n).map((ref) => ({ ref })),
      ),
    );
    const graph = lowerArrays(keys, nodes);
    const msgs = [...graphMessages(encodeGraph(1, graph, ['total-y']), graph, { partTasks: n })];
    expect(msgs.map((m) => m.type)).toEqual(['update-graph-part', 'update-graph-layer', 'update-graph']);
    for (const m of msgs) client.send(m);
    client.send({ type: 'who-has', id: 99, keys: ['leaf-y,0'] });
    await box.msg('who-has-reply', { by: 'C' });
    expect(box.pending('graph-accepted')).toEqual([{ type: 'graph-accepted', id: 1 }]); // the question waited for the graph
    expect(server.stats().intake).toMatchObject({ graphs: 1, lastTasks: n + 1 });
    expect(server.state.tasks.get('leaf-y,4321')?.node).toBe(JSON.stringify(task('test#f', 4321, 1)));
    expect(server.state.tasks.get('total-y')?.deps.length).toBe(n);
  });

  it('releases what a client wanted when it leaves while its graph is still going in', async () => {
    const { server } = await startServer(cleanup);
    const box = new Mailbox();
    await fakeWorker(server, box, '127.0.0.1:1001', cleanup);
    const client = await fakeClient(server, box, 'C', cleanup);
    // 80k roots and one task reading them all: many slices of intake.
    const n = 80_000;
    const keys = Array.from({ length: n }, (_, i) => `root-x,${i}`);
    keys.push('total-x');
    const node = encodeNode(task('test#f'));
    const msg: UpdateGraphMsg = {
      type: 'update-graph',
      id: 1,
      keys,
      nodes: keys.map(() => node),
      depPtr: [...new Array<number>(n + 1).fill(0), n],
      depIdx: Array.from({ length: n }, (_, i) => i),
      outputs: ['total-x'],
      priorities: [],
      held: [],
      sources: [],
    };
    for (const p of splitUpdateGraph(msg)) client.send(p);
    client.close();
    await until(() => server.stats().intake.graphs === 1 && !server.stats().intake.busy);
    expect(server.state.stateOf('total-x')).toBe('forgotten'); // released once in: nobody wants it
    await until(() => server.state.tasks.size === 0);
  });
});

async function until(pred: () => boolean): Promise<void> {
  for (let i = 0; i < 3000 && !pred(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(pred()).toBe(true);
}
