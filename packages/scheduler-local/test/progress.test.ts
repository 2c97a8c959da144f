import { describe, expect, it } from 'vitest';
import { fakeTty } from '../../../test/support/fake-tty.js';
import { delayed } from '@tsdask/core-graph';
import { ProgressBar } from '@tsdask/scheduler-local';

describe('ProgressBar', () => {
  it('draws from the event stream and ends at 100%', async () => {
    const { stream, text } = fakeTty();
    const inc = delayed((x: number) => x + 1);
    const add = delayed((a: number, b: number) => a + b);
    const total = Array.from({ length: 50 }, (_, i) => inc(i)).reduce((a, b) => add(a, b));
    expect(await total.compute({ scheduler: 'sync', callbacks: [new ProgressBar(stream)] })).toBe(1275);
    expect(text()).toContain('99/99 tasks');
    expect(text()).toContain('100%');
  });
});
