// Who holds a key: holderOf answers from the live handles, counted per scheduler, for any
// interleaving of handles on several schedulers; checked against a plain count kept here.
import { expect, it } from 'vitest';
import { HeldKeys, holderOf, type Scheduler } from '@tsdask/core-graph';
import { mulberry32 } from '../../../../test/support/seeded-random.js';

const fake = (name: string): Scheduler & { released: string[] } => {
  const released: string[] = [];
  return {
    name,
    released,
    run: () => {
      throw new Error('not used');
    },
    gather: () => Promise.resolve([]),
    release: (keys) => void released.push(...keys),
    scatter: () => undefined,
    cancel: () => undefined,
    heldKeys: () => new Map(),
  };
};

it('holderOf follows handles on several schedulers through random takes and releases', () => {
  const schedulers = [fake('a'), fake('b'), fake('c')];
  const keys = ['k0', 'k1', 'k2', 'k3'].map((k) => `held-keys-test-${k}`);
  const live: HeldKeys[] = [];
  const rand = mulberry32(7);
  const expected = (key: string, except?: Scheduler): Scheduler[] =>
    schedulers.filter((s) => s !== except && live.some((h) => !h.released && h.scheduler === s && h.keys.includes(key)));
  for (let step = 0; step < 2000; step++) {
    if (live.length === 0 || rand() < 0.55) {
      const s = schedulers[Math.floor(rand() * schedulers.length)]!;
      const ks = keys.filter(() => rand() < 0.5);
      live.push(new HeldKeys(s, ks));
    } else {
      const h = live.splice(Math.floor(rand() * live.length), 1)[0]!;
      h.release();
      h.release(); // twice: the second does nothing
    }
    for (const k of keys) {
      const except = schedulers[step % 3];
      const want = expected(k, except);
      const got = holderOf(k, except);
      if (want.length === 0) expect(got, `step ${step} ${k}`).toBeUndefined();
      else expect(want, `step ${step} ${k}`).toContain(got);
    }
  }
  for (const h of live.splice(0)) h.release();
  for (const k of keys) expect(holderOf(k)).toBeUndefined();
});
