/** The client's edges: functions that cannot travel, keys no scheduler holds, scatter. */
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, delayed, getClient, getScheduler, NotHeldError, NotPortableError } from '@tsdask/core-graph';
import { fromArray } from '@tsdask/array';
import { closePool } from '@tsdask/scheduler-local';

afterAll(async () => {
  await closePool();
});

describe('client', () => {
  it("a closure with a free variable fails on 'threads' with NotPortableError, and works on 'sync'", async () => {
    const k = 3;
    const times = (x: number): number => x * k;
    const onThreads = getClient({ scheduler: 'threads' }).submit(times, 2);
    const err = await onThreads.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotPortableError);
    expect((err as NotPortableError).variable).toBe('k');
    expect(onThreads.status).toBe('error');
    const onSync = getClient({ scheduler: 'sync' }).submit(times, 2);
    expect(await onSync.result()).toBe(6);
    onThreads.release();
    onSync.release();
    expect((await getScheduler('threads')).heldKeys().size).toBe(0);
    expect((await getScheduler('sync')).heldKeys().size).toBe(0);
  });

  it('gather of a key the scheduler does not hold is NotHeldError; scattered values are held until released', async () => {
    const s = await getScheduler('sync');
    const err = await s.gather(['nowhere-1']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotHeldError);
    expect((err as NotHeldError).key).toBe('nowhere-1');
    s.scatter(new Map([['given-1', { v: 1 }]]));
    expect(await s.gather(['given-1'])).toEqual([{ v: 1 }]);
    s.release(['given-1']);
    expect(s.heldKeys().size).toBe(0);
  });

  it('a released future no longer gives its value', async () => {
    const f = getClient({ scheduler: 'sync' }).submit((x: number) => x, 5);
    expect(await f.result()).toBe(5);
    f.release();
    await expect(f.result()).rejects.toBeInstanceOf(NotHeldError);
  });

  it('a future of Client.compute(array) is not a task argument (its value is assembled here); one of a Delayed is', async () => {
    const client = getClient({ scheduler: 'sync' });
    const a = fromArray(Float64Array.of(1, 2, 3, 4), { chunks: 2 });
    const fa = client.compute(a.mul(2));
    expect(Array.from(((await fa.result()) as { data: Float64Array }).data)).toEqual([2, 4, 6, 8]);
    expect(fa.assembledHere).toBe(true);
    expect(() => client.submit((x: unknown) => x, fa)).toThrow(ConfigError);
    expect(() => client.submit((x: unknown) => x, fa)).toThrow(/Pass the collection itself/);
    const fd = client.compute(delayed((x: number) => x + 1)(1));
    expect(fd.assembledHere).toBe(false);
    expect(await client.submit((x: number) => x * 10, fd).result()).toBe(20);
    fa.release();
    fd.release();
  });
});
