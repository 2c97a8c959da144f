/** wait() and asCompleted() on futures whose order the test controls (sync, closures as gates). */
import { describe, expect, it } from 'vitest';
import { asCompleted, ConfigError, getClient, getScheduler, wait, type Future } from '@tsdask/core-graph';
import '@tsdask/scheduler-local';

const sync = { scheduler: 'sync' } as const;

/** A future that finishes with `value` when the test calls open(). */
function gatedFuture(value: number): { future: Future<number>; open(): void } {
  let open: () => void = () => {};
  const opened = new Promise<void>((r) => (open = r));
  const future = getClient(sync).submitWith(
    { pure: false },
    async (x: number) => {
      await opened;
      return x;
    },
    value,
  );
  return { future, open };
}

describe('wait', () => {
  it('with a timeout resolves with what is done so far', async () => {
    const g = gatedFuture(1);
    const { done, notDone } = await wait([g.future], { timeout: 0 });
    expect(done.size).toBe(0);
    expect([...notDone]).toEqual([g.future]);
    g.open();
    expect((await wait([g.future], { timeout: 60_000 })).done.size).toBe(1);
    g.future.release();
    expect((await getScheduler('sync')).heldKeys().size).toBe(0);
  });

  it('rejects bad options with ConfigError', async () => {
    await expect(wait([], { returnWhen: 'ANY' as never })).rejects.toBeInstanceOf(ConfigError);
    await expect(wait([], { timeout: -1 })).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('asCompleted', () => {
  it('yields in the order the test opens the gates, a cancelled future included', async () => {
    const gates = [gatedFuture(0), gatedFuture(1), gatedFuture(2)];
    const order: string[] = [];
    const opening = [2, 0, 1];
    let next = 0;
    gates[opening[next++]!]!.open();
    for await (const f of asCompleted(gates.map((g) => g.future))) {
      order.push(`${f.status}:${await f.result()}`);
      if (next < opening.length) gates[opening[next++]!]!.open();
    }
    expect(order).toEqual(['finished:2', 'finished:0', 'finished:1']);
    const cancelled = gatedFuture(3);
    cancelled.future.cancel();
    const seen: string[] = [];
    for await (const f of asCompleted([cancelled.future])) seen.push(f.status);
    expect(seen).toEqual(['cancelled']);
    for (const g of [...gates, cancelled]) g.future.release();
    expect((await getScheduler('sync')).heldKeys().size).toBe(0);
  });
});
