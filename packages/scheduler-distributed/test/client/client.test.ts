/**
 * The Client's futures API and `compute({ scheduler: client })`, end to end against a fake
 * scheduler that runs each graph on 'sync' in this process and keeps the results on a fake
 * worker's data port (fake-cluster.ts `autoRun`): every value the client sees was sent as an
 * update-graph or scatter, computed, and fetched back from the data port.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { compute, delayed, persist, TaskError } from '@tsdask/core-graph';
import { Client } from '../../src/client/client.js';
import { asCompleted, wait } from '../../src/index.js';
import { closeFakes, fakeScheduler, fakeWorker, TOKEN, type FakeScheduler, type FakeWorker } from './fake-cluster.js';

let client: Client | undefined;
afterEach(async () => {
  await client?.close();
  client = undefined;
  await closeFakes();
});

async function cluster(): Promise<{ c: Client; fake: FakeScheduler; worker: FakeWorker }> {
  const worker = await fakeWorker();
  const fake = await fakeScheduler({ autoRun: { worker } });
  client = new Client(fake.address, { token: TOKEN });
  await client.ready();
  return { c: client, fake, worker };
}

const add = (a: number, b: number): number => a + b;
const square = (x: number): number => x * x;
const sum = (xs: Float64Array): number => xs.reduce((s, x) => s + x, 0);

describe('Client futures', () => {
  it('submit, map and gather give what a plain loop gives, fetched from the worker', async () => {
    const { c, worker } = await cluster();
    const f = c.submit(add, 2, 3);
    expect(await f.result()).toBe(5);
    const items = [1, 2, 3, 4, 5];
    const want: number[] = [];
    for (const x of items) want.push(x * x);
    expect(await c.gather(c.map(square, items))).toEqual(want);
    expect(worker.asked.length).toBeGreaterThan(0);
  });

  it('a future that reads a future, a scattered value, and gather of nested structures', async () => {
    const { c, fake } = await cluster();
    const a = c.submit(add, 1, 2);
    const b = c.submit(add, a, 10);
    const data = c.scatter(new Float64Array([1, 2, 3.5]));
    const s = c.submit(sum, data);
    expect(await c.gather({ b, s, rest: [a, 'plain'] })).toEqual({ b: 13, s: 6.5, rest: [3, 'plain'] });
    // b's graph named a as held, and s's named the scattered key.
    const graphs = fake.received.filter((m) => m.type === 'update-graph');
    expect(graphs.some((m) => m.held.includes(a.key))).toBe(true);
    expect(graphs.some((m) => m.held.includes(data.key))).toBe(true);
  });

  it('compute({ scheduler: client }), client.compute, persist and client.persist', async () => {
    const { c } = await cluster();
    const d = delayed(add)(delayed(square)(3), 1);
    expect(await compute(d, { scheduler: c })).toEqual([10]);
    const [f1, f2] = c.compute([d, delayed(square)(4)]);
    expect(await c.gather([f1, f2])).toEqual([10, 16]);
    const one = c.compute(delayed(square)(5));
    expect(await one.result()).toBe(25);
    const [p] = await persist(delayed(square)(6), { scheduler: c });
    expect(await compute(delayed(add)(p, 1), { scheduler: c })).toEqual([37]);
    const [q] = await c.persist([delayed(square)(7)]);
    expect(await compute(q, { scheduler: c })).toEqual([49]);
  });

  it('asCompleted, wait, cancel and a failing task', async () => {
    const { c } = await cluster();
    const fs = c.map(square, [1, 2, 3]);
    const seen: number[] = [];
    for await (const f of asCompleted(fs)) seen.push((await f.result()) as number);
    expect(seen.sort()).toEqual([1, 4, 9]);
    const { done, notDone } = await wait(fs);
    expect(done.size).toBe(3);
    expect(notDone.size).toBe(0);
    const boom = (): number => {
      throw new RangeError('no');
    };
    const bad = c.submit(boom);
    const err = await bad.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskError);
    expect((err as TaskError).cause).toBeInstanceOf(RangeError);
    expect(bad.status).toBe('error');
  });

  it('a scattered future is finished once the scheduler keeps it; a value that cannot travel fails it', async () => {
    const { c } = await cluster();
    const f = c.scatter([1, 2, 3]);
    await f.settled;
    expect(f.status).toBe('finished');
    expect(await f.result()).toEqual([1, 2, 3]);
    const bad = c.scatter({ fn: () => 1 }, { key: 'unencodable-1' });
    await bad.settled;
    expect(bad.status).toBe('error');
    await expect(bad.result()).rejects.toMatchObject({ code: 'TSDASK_SPILL_UNENCODABLE' });
  });

  it('released futures release their keys at the scheduler', async () => {
    const { c, fake } = await cluster();
    const f = c.submit(add, 20, 22);
    expect(await f.result()).toBe(42);
    f.release();
    expect((await fake.next('release-keys')).keys).toEqual([f.key]);
    expect(c.asScheduler().heldKeys().size).toBe(0);
  });
});
