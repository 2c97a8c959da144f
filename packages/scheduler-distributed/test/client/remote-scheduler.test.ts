/**
 * The client's Scheduler over the wire, against a fake scheduler and fake worker data ports
 * that speak the protocol by hand: what update-graph carries, how task-done / task-erred /
 * graph-refused settle runs, gather from the data ports (with retries), reference counts and
 * release-keys, cancel, a lost scheduler, a closure that cannot travel.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  CancelledError,
  compute,
  delayed,
  held,
  lowerGraph,
  NotHeldError,
  NotPortableError,
  ref,
  registerFunction,
  serializeError,
  task,
  TaskError,
  type Key,
  type Node,
} from '@tsdask/core-graph';
import { Client, type ClientOptions } from '../../src/client/client.js';
import { ClientClosedError, DataNotFoundError, MissingTokenError, SchedulerLostError } from '../../src/client/errors.js';
import { ConnectionError } from '../../src/comm/errors.js';
import { listen } from '../../src/comm/tcp.js';
import { decodeNode } from '../../src/protocol/values.js';
import { closeFakes, fakeScheduler, fakeWorker, TOKEN, track } from './fake-cluster.js';

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await closeFakes();
});

function client(address: string, opts: ClientOptions = {}): Client {
  const c = new Client(address, { token: TOKEN, ...opts });
  clients.push(c);
  return c;
}

const errorData = (e: unknown): Record<string, unknown> => serializeError(e) as unknown as Record<string, unknown>;
const literal = (...entries: [Key, Node][]) => lowerGraph(entries);

describe('run', () => {
  it('sends one update-graph with the keys, nodes, CSR, outputs, priorities, held keys and function sources', async () => {
    const fake = await fakeScheduler();
    const s = client(fake.address).asScheduler();
    s.scatter(new Map([['given', 41]]));
    const sc = await fake.next('scatter');
    expect(sc.key).toBe('given');
    fake.send({ type: 'scattered', id: sc.id, key: 'given', worker: '127.0.0.1:1' });

    const inc = (x: number): number => x + 1;
    const add = (x: number, y: Float64Array): number => x + y[0]!;
    const incOp = registerFunction(inc);
    const addOp = registerFunction(add);
    const nodes: [Key, Node][] = [
      ['given', held('given')],
      ['a', task(incOp, ref('given'))],
      ['b', new Float64Array([1.5, -0])],
      ['c', task(addOp, ref('a'), ref('b'))],
    ];
    const handle = s.run(lowerGraph(nodes), ['c'], {});
    const m = await fake.next('update-graph');

    expect(fake.scattered.get('given')).toBe(41); // its body came before the update-graph
    expect(m.keys).toEqual(['given', 'a', 'b', 'c']);
    expect(m.nodes.map(decodeNode)).toEqual(nodes.map(([, n]) => n));
    expect(typeof m.nodes[1]).toBe('string'); // JSON where it round-trips
    expect(decodeNode(m.nodes[2]!)).toBeInstanceOf(Float64Array); // codec bytes where JSON would change it
    // By hand: a reads given (0); c reads a (1) and b (2).
    expect(m.depPtr).toEqual([0, 0, 1, 1, 3]);
    expect(m.depIdx).toEqual([0, 1, 2]);
    expect(m.outputs).toEqual(['c']);
    expect(m.held).toEqual(['given']);
    expect([...m.sources].sort()).toEqual(
      [
        [incOp, inc.toString()],
        [addOp, add.toString()],
      ].sort(),
    );
    // A permutation of the ids in which every task comes after what it reads.
    const p = m.priorities;
    expect([...p].sort()).toEqual([0, 1, 2, 3]);
    expect(p[0]! < p[1]! && p[1]! < p[3]! && p[2]! < p[3]!).toBe(true);

    fake.send({ type: 'task-done', key: 'c', nbytes: 8 });
    await handle.done;
    await handle.output(0);
    expect(new Map(s.heldKeys())).toEqual(
      new Map([
        ['given', 1],
        ['c', 1],
      ]),
    );
  });

  it('rejects with the rebuilt error class on task-erred, and with the refusal on graph-refused', async () => {
    const fake = await fakeScheduler();
    const s = client(fake.address).asScheduler();
    const h1 = s.run(literal(['x', 1]), ['x'], {});
    await fake.next('update-graph');
    const thrown = new TaskError('x', 'fn:boom-1', new RangeError('too far'));
    fake.send({ type: 'task-erred', key: 'x', error: errorData(thrown) });
    const err = await h1.done.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskError);
    expect((err as TaskError).key).toBe('x');
    expect((err as TaskError).message).toBe(thrown.message);
    expect((err as TaskError).cause).toBeInstanceOf(RangeError);

    const h2 = s.run(literal(['y', 2]), ['y'], {});
    const m2 = await fake.next('update-graph', (m) => m.outputs[0] === 'y');
    fake.send({ type: 'graph-refused', id: m2.id, error: errorData(new NotHeldError('q', 'scheduler')) });
    await expect(h2.output(0)).rejects.toBeInstanceOf(NotHeldError);
  });

  it('a graph naming a held key the client does not hold is NotHeldError, sent nowhere', async () => {
    const fake = await fakeScheduler();
    const s = client(fake.address).asScheduler();
    const err = await s.run(literal(['h', held('h')], ['z', task('m#f', ref('h'))]), ['z'], {}).done.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotHeldError);
    expect((err as NotHeldError).key).toBe('h');
    s.run(literal(['w', 1]), ['w'], {});
    await fake.next('update-graph');
    expect(fake.received.filter((m) => m.type === 'update-graph')).toHaveLength(1);
  });

  it('a closure with a free variable fails with NotPortableError before anything is sent', async () => {
    const fake = await fakeScheduler();
    const c = client(fake.address);
    const k = 3;
    const times = (x: number): number => x * k;
    const err = await compute(delayed(times)(2), { scheduler: c }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotPortableError);
    expect((err as NotPortableError).variable).toBe('k');
    c.asScheduler().run(literal(['w', 1]), ['w'], {});
    await fake.next('update-graph');
    expect(fake.received.filter((m) => m.type === 'update-graph').map((m) => (m as { outputs: string[] }).outputs)).toEqual([['w']]);
  });
});

describe('gather', () => {
  it('fetches the values from the data port the scheduler names', async () => {
    const value = { rows: new Float64Array([1, 2, 3]), name: 'x' };
    const worker = await fakeWorker(new Map([['x', value]]));
    const fake = await fakeScheduler();
    const s = client(fake.address).asScheduler();
    s.run(literal(['x', 0]), ['x'], {});
    await fake.next('update-graph');
    fake.send({ type: 'task-done', key: 'x', nbytes: 24 });
    const got = s.gather(['x', 'x']);
    const q = await fake.next('who-has');
    expect(q.keys).toEqual(['x']);
    fake.send({ type: 'who-has-reply', id: q.id, whoHas: { x: [worker.address] } });
    expect(await got).toEqual([value, value]);
    expect(worker.asked).toEqual([['x']]);
    // A second gather reuses the pooled connection to that worker.
    const again = s.gather(['x']);
    const q2 = await fake.next('who-has', (m) => m.id !== q.id);
    fake.send({ type: 'who-has-reply', id: q2.id, whoHas: { x: [worker.address] } });
    expect(await again).toEqual([value]);
    expect(worker.asked).toEqual([['x'], ['x']]);
    expect(worker.connections()).toBe(1);
  });

  it('a data port that breaks the protocol is dropped and the key asked for again', async () => {
    const bad = track(
      await listen({
        token: TOKEN,
        onConnection: (conn) => conn.onFrame(() => conn.send({ type: 'data', id: 'nope' })),
      }),
    );
    const good = await fakeWorker(new Map([['x', 'ok']]));
    const fake = await fakeScheduler();
    const s = client(fake.address).asScheduler();
    s.run(literal(['x', 0]), ['x'], {});
    await fake.next('update-graph');
    fake.send({ type: 'task-done', key: 'x', nbytes: 2 });
    const got = s.gather(['x']);
    const q1 = await fake.next('who-has');
    fake.send({ type: 'who-has-reply', id: q1.id, whoHas: { x: [`127.0.0.1:${bad.address.port}`] } });
    const q2 = await fake.next('who-has', (m) => m.id !== q1.id);
    fake.send({ type: 'who-has-reply', id: q2.id, whoHas: { x: [good.address] } });
    expect(await got).toEqual(['ok']);
  });

  it('asks again when the holder lost the key, and names the key when no one has it after the retries', async () => {
    const empty = await fakeWorker();
    const full = await fakeWorker(new Map([['x', 42]]));
    const fake = await fakeScheduler();
    const s = client(fake.address, { gatherAttempts: 2 }).asScheduler();
    s.run(literal(['x', 0]), ['x'], {});
    await fake.next('update-graph');
    fake.send({ type: 'task-done', key: 'x', nbytes: 8 });

    const got = s.gather(['x']);
    const q1 = await fake.next('who-has');
    fake.send({ type: 'who-has-reply', id: q1.id, whoHas: { x: [empty.address] } });
    const q2 = await fake.next('who-has', (m) => m.id !== q1.id);
    fake.send({ type: 'who-has-reply', id: q2.id, whoHas: { x: [full.address] } });
    expect(await got).toEqual([42]);

    const lost = s.gather(['x']);
    const seen = new Set([q1.id, q2.id]);
    for (let i = 0; i < 2; i++) {
      const q = await fake.next('who-has', (m) => !seen.has(m.id));
      seen.add(q.id);
      fake.send({ type: 'who-has-reply', id: q.id, whoHas: { x: [empty.address] } });
    }
    const err = await lost.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataNotFoundError);
    expect((err as DataNotFoundError).key).toBe('x');
    expect((err as DataNotFoundError).tried).toEqual([empty.address]);
  });

  it('waits, past the retries, while no worker holds a key (its holders died: it is being computed again)', async () => {
    // Found by the chaos suite: a gather failed with DataNotFoundError when its result's holders
    // died and the recompute took longer than the retries, although nothing had failed.
    const full = await fakeWorker(new Map([['x', 42]]));
    const fake = await fakeScheduler();
    const s = client(fake.address, { gatherAttempts: 2 }).asScheduler();
    s.run(literal(['x', 0]), ['x'], {});
    await fake.next('update-graph');
    fake.send({ type: 'task-done', key: 'x', nbytes: 8 });
    const got = s.gather(['x']);
    const seen = new Set<unknown>();
    for (let i = 0; i < 5; i++) {
      const q = await fake.next('who-has', (m) => !seen.has(m.id));
      seen.add(q.id);
      fake.send({ type: 'who-has-reply', id: q.id, whoHas: { x: [] } });
    }
    const q = await fake.next('who-has', (m) => !seen.has(m.id));
    fake.send({ type: 'who-has-reply', id: q.id, whoHas: { x: [full.address] } });
    expect(await got).toEqual([42]);
  });

  it('a data port that stays silent is dropped after the idle timeout and the key asked for again', async () => {
    const silent = track(await listen({ token: TOKEN, onConnection: () => {} }));
    const good = await fakeWorker(new Map([['x', 7]]));
    const fake = await fakeScheduler();
    const s = client(fake.address, { dataIdleTimeoutMs: 50 }).asScheduler();
    s.run(literal(['x', 0]), ['x'], {});
    await fake.next('update-graph');
    fake.send({ type: 'task-done', key: 'x', nbytes: 8 });
    const got = s.gather(['x']);
    const q1 = await fake.next('who-has');
    fake.send({ type: 'who-has-reply', id: q1.id, whoHas: { x: [`127.0.0.1:${silent.address.port}`] } });
    const q2 = await fake.next('who-has', (m) => m.id !== q1.id);
    fake.send({ type: 'who-has-reply', id: q2.id, whoHas: { x: [good.address] } });
    expect(await got).toEqual([7]);
  });

  it('of a key the client does not hold is NotHeldError', async () => {
    const fake = await fakeScheduler();
    const s = client(fake.address).asScheduler();
    await expect(s.gather(['nowhere'])).rejects.toBeInstanceOf(NotHeldError);
  });
});

describe('references', () => {
  it('sends an output once, and release-keys only at its last reference', async () => {
    const fake = await fakeScheduler();
    const s = client(fake.address).asScheduler();
    s.run(literal(['x', 1]), ['x'], {});
    s.run(literal(['x', 1]), ['x'], {});
    expect(s.heldKeys().get('x')).toBe(2);
    s.release(['x']);
    expect(s.heldKeys().get('x')).toBe(1);
    // A later message as a marker: everything sent before it has arrived when it does.
    s.run(literal(['y', 2]), ['y'], {});
    await fake.next('update-graph', (m) => m.outputs[0] === 'y');
    expect(fake.received.map((m) => m.type)).toEqual(['update-graph', 'update-graph']);
    s.release(['x']);
    expect((await fake.next('release-keys')).keys).toEqual(['x']);
    expect(s.heldKeys().has('x')).toBe(false);
  });

  it('releases in one turn go as one release-keys, and before a later message that names the same key', async () => {
    const fake = await fakeScheduler();
    const s = client(fake.address).asScheduler();
    for (const k of ['a', 'b', 'c']) s.run(literal([k, 1]), [k], {});
    await fake.next('update-graph', (m) => m.outputs[0] === 'c');
    s.release(['a']);
    s.release(['b']);
    s.release(['c']);
    expect((await fake.next('release-keys')).keys).toEqual(['a', 'b', 'c']);
    // Released and asked for again in the same turn: the scheduler must see the release first.
    s.release([]);
    s.run(literal(['a', 1]), ['a'], {});
    s.release(['a']);
    s.run(literal(['a', 1]), ['a'], {});
    await fake.next('update-graph', (m) => m.outputs[0] === 'a' && fake.received.filter((x) => x.type === 'update-graph').length === 5);
    const tail = fake.received
      .slice(-3)
      .map((m) => (m.type === 'release-keys' ? `release ${m.keys.join()}` : m.type === 'update-graph' ? `graph ${m.outputs.join()}` : m.type));
    expect(tail).toEqual(['graph a', 'release a', 'graph a']);
    expect(fake.received.filter((m) => m.type === 'release-keys')).toHaveLength(2);
  });

  it('cancel rejects the run computing a key and the runs naming it, with CancelledError, and releases them at the scheduler', async () => {
    const fake = await fakeScheduler();
    const s = client(fake.address).asScheduler();
    const h1 = s.run(literal(['x', 1]), ['x'], {});
    const h2 = s.run(literal(['x', held('x')], ['y', task('m#f', ref('x'))]), ['y'], {});
    s.cancel(['x']);
    await expect(h1.done).rejects.toBeInstanceOf(CancelledError);
    await expect(h2.done).rejects.toBeInstanceOf(CancelledError);
    const rel = await fake.next('release-keys');
    expect([...rel.keys].sort()).toEqual(['x', 'y']);
    // The caller's references remain until released; releasing them sends nothing more.
    s.release(['x', 'y']);
    s.run(literal(['z', 3]), ['z'], {});
    await fake.next('update-graph', (m) => m.outputs[0] === 'z');
    expect(fake.received.filter((m) => m.type === 'release-keys')).toHaveLength(1);
    expect(s.heldKeys().size).toBe(1);
  });

  it('an aborted signal cancels the run', async () => {
    const fake = await fakeScheduler();
    const s = client(fake.address).asScheduler();
    const ac = new AbortController();
    const h = s.run(literal(['x', 1]), ['x'], { signal: ac.signal });
    await fake.next('update-graph');
    ac.abort(new Error('stop'));
    await expect(h.done).rejects.toBeInstanceOf(CancelledError);
    expect((await fake.next('release-keys')).keys).toEqual(['x']);
  });
});

describe('connection', () => {
  it('the scheduler going away rejects the pending run and gather with SchedulerLostError, and every later call', async () => {
    const fake = await fakeScheduler();
    const c = client(fake.address);
    const s = c.asScheduler();
    await c.ready();
    const run = s.run(literal(['x', 1]), ['x'], {});
    const gathering = s.gather(['x']);
    await fake.next('update-graph');
    await fake.close();
    const err = await run.done.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SchedulerLostError);
    expect((err as SchedulerLostError).code).toBe('TSDASK_SCHEDULER_LOST');
    expect((err as SchedulerLostError).address).toBe(fake.address);
    await expect(gathering).rejects.toBeInstanceOf(SchedulerLostError);
    await expect(s.run(literal(['y', 1]), ['y'], {}).done).rejects.toBeInstanceOf(SchedulerLostError);
    await expect(s.gather(['x'])).rejects.toBeInstanceOf(SchedulerLostError);
  });

  it('a scheduler that sends a malformed message is dropped: SchedulerLostError whose cause names the field', async () => {
    const fake = await fakeScheduler();
    const s = client(fake.address).asScheduler();
    const run = s.run(literal(['x', 1]), ['x'], {});
    await fake.next('update-graph');
    fake.conns[0]!.send({ type: 'task-done', key: 'x', nbytes: 'many' });
    const err = await run.done.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SchedulerLostError);
    expect((err as SchedulerLostError).cause).toMatchObject({ name: 'MessageShapeError', path: 'message.nbytes' });
  });

  it('a held result that fails when computed again makes later gathers reject with its error', async () => {
    const fake = await fakeScheduler();
    const s = client(fake.address).asScheduler();
    const run = s.run(literal(['x', 1]), ['x'], {});
    await fake.next('update-graph');
    fake.send({ type: 'task-done', key: 'x', nbytes: 8 });
    await run.done;
    fake.send({ type: 'task-erred', key: 'x', error: errorData(new TaskError('x', 'm#f', new Error('again'))) });
    // who-has is answered with nobody: the gather sees the failure when it checks again.
    const got = s.gather(['x']);
    const q = await fake.next('who-has');
    fake.send({ type: 'who-has-reply', id: q.id, whoHas: { x: [] } });
    await expect(got).rejects.toBeInstanceOf(TaskError);
    await expect(run.output(0)).rejects.toBeInstanceOf(TaskError); // asked now, the output is a failure
  });

  it('a pending gather rejects when the scheduler goes away while it waits for who-has', async () => {
    const fake = await fakeScheduler();
    const s = client(fake.address).asScheduler();
    s.run(literal(['x', 1]), ['x'], {});
    await fake.next('update-graph');
    fake.send({ type: 'task-done', key: 'x', nbytes: 8 });
    const gathering = s.gather(['x']);
    await fake.next('who-has');
    await fake.close();
    await expect(gathering).rejects.toBeInstanceOf(SchedulerLostError);
  });

  it('nothing listening: ready() rejects with ConnectionError, runs with SchedulerLostError', async () => {
    const l = await listen({ token: TOKEN, onConnection: () => {} });
    const port = l.address.port;
    await l.close();
    const c = client(`127.0.0.1:${port}`);
    const err = await c.ready().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).code).toBe('TSDASK_CONN_FAILED');
    const run = await c
      .asScheduler()
      .run(literal(['x', 1]), ['x'], {})
      .done.catch((e: unknown) => e);
    expect(run).toBeInstanceOf(SchedulerLostError);
    expect((run as SchedulerLostError).cause).toBe(err);
  });

  it('a wrong token is refused: ready() rejects with TSDASK_CONN_REFUSED', async () => {
    const fake = await fakeScheduler();
    const c = client(fake.address, { token: 'wrong' });
    await expect(c.ready()).rejects.toMatchObject({ name: 'ConnectionError', code: 'TSDASK_CONN_REFUSED' });
  });

  it('no token and no TSDASK_TOKEN: MissingTokenError', () => {
    const saved = process.env.TSDASK_TOKEN;
    delete process.env.TSDASK_TOKEN;
    try {
      expect(() => new Client('127.0.0.1:8786')).toThrow(MissingTokenError);
    } finally {
      if (saved !== undefined) process.env.TSDASK_TOKEN = saved;
    }
  });

  it('Symbol.asyncDispose closes the client', async () => {
    const fake = await fakeScheduler();
    const c = new Client(fake.address, { token: TOKEN });
    await c.ready();
    expect(c.asScheduler().clientId).toBe('client-1');
    await c[Symbol.asyncDispose]();
    await expect(c.asScheduler().run(literal(['x', 1]), ['x'], {}).done).rejects.toBeInstanceOf(ClientClosedError);
  });

  it('close() rejects what is pending with ClientClosedError; later calls too', async () => {
    const fake = await fakeScheduler();
    const c = new Client(fake.address, { token: TOKEN });
    const run = c.asScheduler().run(literal(['x', 1]), ['x'], {});
    await fake.next('update-graph');
    await c.close();
    await expect(run.done).rejects.toBeInstanceOf(ClientClosedError);
    await expect(c.asScheduler().gather(['x'])).rejects.toBeInstanceOf(ClientClosedError);
  });
});
