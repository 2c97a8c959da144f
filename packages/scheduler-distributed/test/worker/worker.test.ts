// Real workers in the test process against a fake scheduler written here (protocol messages
// sent by hand): tasks with module ops and shipped functions, inputs fetched peer to peer,
// errors, free-keys, receive-data, the token on the data port, and losing the scheduler. Each
// expected value is worked out by hand or by a plain loop.
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionError, connect, parseAddress, Worker, type WorkerOptions } from '@tsdask/scheduler-distributed';
import { encodeWireValue, getData, startCluster, task, TOKEN } from './fake-scheduler.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) await x.close();
});

const logs: string[] = [];

/** Waits (at most about 10 s) until `cond` holds; fails the test otherwise. */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
}
const setup = (n = 1, extra: Partial<WorkerOptions> = {}) => startCluster(open, n, { log: (l) => logs.push(l), ...extra });

const RANGE = 'fn:test-range-0';
const RANGE_SRC = '(n) => Float64Array.from({ length: n }, (_, i) => i * 0.5)';
const SUM = 'fn:test-sum-0';
const SUM_SRC = 'function (xs) { let s = 0; for (const x of xs) s += x; return s; }';
const THROW = 'fn:test-throw-0';
const THROW_SRC = '(what) => { throw new RangeError(`bad ${what}`); }';

describe('Worker', () => {
  it('registers with its name, address and threads, then runs a module op and reports nbytes', async () => {
    const { workers, links } = await setup(1, { nthreads: 2, name: 'w-one' });
    const [w, link] = [workers[0]!, links[0]!];
    expect(link.registration).toMatchObject({ type: 'register-worker', name: 'w-one', address: w.address, nthreads: 2, memoryLimit: 0, pid: process.pid });
    expect(w.address).toMatch(/^127\.0\.0\.1:\d+$/);
    link.send({ type: 'compute-task', key: 's', node: task('@tsdask/core-graph/ops#sum', 1, 2, 3), priority: 0, inputs: [] });
    expect(await link.next('task-finished', 's')).toEqual({ type: 'task-finished', key: 's', nbytes: 8, duration: expect.any(Number) });
    const { reply, values } = await getData(w.address, ['s']);
    expect(reply.missing).toEqual([]);
    expect(values.get('s')).toBe(6);
  });

  it('runs a shipped function from define-ops, and fetches its input from another worker peer to peer', async () => {
    const { workers, links } = await setup(2);
    const [a, b] = workers as [Worker, Worker];
    for (const l of links)
      l.send({
        type: 'define-ops',
        sources: [
          [RANGE, RANGE_SRC],
          [SUM, SUM_SRC],
        ],
      });
    links[0]!.send({ type: 'compute-task', key: 'x', node: task(RANGE, 1000), priority: 0, inputs: [] });
    const done = await links[0]!.next('task-finished', 'x');
    expect(done.nbytes).toBe(8000);
    links[1]!.send({ type: 'compute-task', key: 'y', node: task(SUM, { ref: 'x' }), priority: 0, inputs: [{ key: 'x', whoHas: [a.address], nbytes: 8000 }] });
    await links[1]!.next('task-finished', 'y');
    let expected = 0;
    for (let i = 0; i < 1000; i++) expected += i * 0.5;
    expect((await getData(b.address, ['y'])).values.get('y')).toBe(expected);
    // x was fetched only for y: once y ran, b dropped its copy; a still holds it.
    expect((await getData(b.address, ['x'])).reply.missing).toEqual(['x']);
    const fromA = (await getData(a.address, ['x'])).values.get('x') as Float64Array;
    expect(fromA).toBeInstanceOf(Float64Array);
    expect(Array.from(fromA.subarray(0, 3))).toEqual([0, 0.5, 1]);
  });

  it('reports a throwing task as task-erred with the error, and keeps serving', async () => {
    const { links } = await setup();
    const link = links[0]!;
    link.send({ type: 'define-ops', sources: [[THROW, THROW_SRC]] });
    link.send({ type: 'compute-task', key: 'boom', node: task(THROW, 'input'), priority: 0, inputs: [] });
    const erred = await link.next('task-erred', 'boom');
    expect(erred.error).toMatchObject({ name: 'RangeError', message: 'bad input' });
    link.send({ type: 'compute-task', key: 'missing-fn', node: task('fn:never-defined-0'), priority: 0, inputs: [] });
    expect((await link.next('task-erred', 'missing-fn')).error).toMatchObject({ name: 'OpNotFoundError' });
    await link.barrier('after-errors');
  });

  it('drops a value on free-keys: get-data then reports it missing', async () => {
    const { workers, links } = await setup();
    const link = links[0]!;
    link.send({ type: 'compute-task', key: 'k', node: task('@tsdask/core-graph/ops#sum', 2, 2), priority: 0, inputs: [] });
    await link.next('task-finished', 'k');
    expect((await getData(workers[0]!.address, ['k'])).values.get('k')).toBe(4);
    link.send({ type: 'free-keys', keys: ['k'] });
    await link.barrier('after-free');
    const { reply, values } = await getData(workers[0]!.address, ['k', 'after-free']);
    expect(reply.missing).toEqual(['k']);
    expect(values.get('after-free')).toBe(0);
  });

  it('stores a value sent with receive-data and answers task-finished', async () => {
    const { workers, links } = await setup();
    const value = { a: new Int32Array([1, 2, 3]), b: 'text' };
    links[0]!.send({ type: 'receive-data', key: 'scattered', nbytes: 20 }, encodeWireValue(value));
    expect(await links[0]!.next('task-finished', 'scattered')).toEqual({ type: 'task-finished', key: 'scattered', nbytes: 20 });
    expect((await getData(workers[0]!.address, ['scattered'])).values.get('scattered')).toEqual(value);
    // a task here can read it as an input without fetching
    links[0]!.send({ type: 'define-ops', sources: [[SUM, SUM_SRC]] });
    links[0]!.send({
      type: 'compute-task',
      key: 'total',
      node: task(SUM, { op: '@tsdask/core-graph/ops#getitem', args: [{ ref: 'scattered' }, 'a'] }),
      priority: 0,
      inputs: [{ key: 'scattered', whoHas: [], nbytes: 20 }],
    });
    await links[0]!.next('task-finished', 'total');
    expect((await getData(workers[0]!.address, ['total'])).values.get('total')).toBe(6);
  });

  it('refuses a data-port connection without the right token', async () => {
    const { workers } = await setup();
    const { host, port } = parseAddress(workers[0]!.address);
    const attempt = connect({ host, port, token: 'wrong', role: 'peer' });
    await expect(attempt).rejects.toBeInstanceOf(ConnectionError);
    await expect(attempt).rejects.toMatchObject({ code: 'TSDASK_CONN_REFUSED' });
    expect(logs.some((l) => l.startsWith('data port refused') && l.includes('wrong token'))).toBe(true);
  });

  it('pauses new work while process memory is over 80% of its limit (and spilling can help), and resumes at or below', async () => {
    const box = { reading: 0 };
    // The target off and the spill threshold out of reach: the value stays in memory, so only the pause acts.
    const opts = { memoryLimit: 1000, memoryTarget: false as const, memorySpill: 0.99, memoryMonitorMs: 5, readMemory: () => box.reading };
    const { workers, links } = await setup(1, opts);
    const [w, link] = [workers[0]!, links[0]!];
    link.send({ type: 'receive-data', key: 'big', nbytes: 900 }, encodeWireValue(new Uint8Array(900)));
    await link.next('task-finished', 'big');
    box.reading = 900;
    await until(() => logs.some((l) => l.startsWith('pausing: process memory 900 bytes')));
    link.send({ type: 'compute-task', key: 'later', node: task('@tsdask/core-graph/ops#sum', 5, 5), priority: 0, inputs: [] });
    link.send({ type: 'receive-data', key: 'small', nbytes: 8 }, encodeWireValue(1));
    await link.next('task-finished', 'small'); // so 'later' has been handled too
    expect(w.stateOf('later')).toBe('ready'); // paused
    box.reading = 800;
    expect(await link.next('task-finished', 'later')).toEqual({ type: 'task-finished', key: 'later', nbytes: 8, duration: expect.any(Number) });
  });

  it('stops with code 1 when the scheduler connection closes', async () => {
    const { workers, links } = await setup();
    links[0]!.conn.close();
    expect(await workers[0]!.closed).toEqual({ code: 1, reason: 'lost the scheduler' });
    expect(logs.some((l) => l.includes('closed') && l.includes('stopping'))).toBe(true);
  });

  it('stops with code 0 on close-worker, and fails to start against a closed port', async () => {
    const { workers, links, fake } = await setup();
    links[0]!.send({ type: 'close-worker', reason: 'cluster closing' });
    expect(await workers[0]!.closed).toEqual({ code: 0, reason: 'cluster closing' });
    const port = fake.listener.address.port;
    await fake.close();
    await expect(Worker.start({ scheduler: `127.0.0.1:${port}`, token: TOKEN, log: () => {} })).rejects.toMatchObject({ code: 'TSDASK_CONN_FAILED' });
  });
});
