import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { fakeTty } from '../../../test/support/fake-tty.js';
import { delayed, setNotebook } from '@tsdask/core-graph';
import { ProgressBar } from '@tsdask/scheduler-local';
import { progressHtml, progressLine } from '../src/progress-view.js';

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

describe('ProgressBar where stderr is not a terminal, and in a notebook', () => {
  const inc = delayed((x: number) => x + 1);
  const add = delayed((a: number, b: number) => a + b);
  /** 50 incs and 49 adds: 99 tasks. */
  const total = Array.from({ length: 50 }, (_, i) => inc(i)).reduce((a, b) => add(a, b));

  it('writes a line at the start, at most one per interval, and one at the end', async () => {
    let out = '';
    const stream = new Writable({
      write(chunk, _enc, cb) {
        out += String(chunk);
        cb();
      },
    });
    // a clock that moves 0.1 s per reading: a line per 10 s of it, far fewer than the task batches
    let t = 0;
    const bar = new ProgressBar(stream, { intervalMs: 10_000, now: () => (t += 100) });
    expect(await total.compute({ scheduler: 'sync', callbacks: [bar] })).toBe(1275);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\[-{20}\] 0% \| 0\/99 tasks \| /);
    expect(lines.at(-1)).toMatch(/^\[#{20}\] 100% \| 99\/99 tasks \| .* \| sync$/);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.length).toBeLessThanOrEqual(Math.floor(t / 10_000) + 2); // the first, one per interval, the last
    expect(out).not.toContain('\x1B['); // no terminal escapes in a log
  });

  it('keeps writing lines while a long task runs (a timer, stopped at the end)', async () => {
    let out = '';
    const stream = new Writable({
      write(chunk, _enc, cb) {
        out += String(chunk);
        cb();
      },
    });
    const slow = delayed(async (v: number) => {
      await new Promise((r) => setTimeout(r, 600));
      return v;
    });
    expect(await slow(7).compute({ scheduler: 'sync', callbacks: [new ProgressBar(stream, { intervalMs: 100 })] })).toBe(7);
    const during = out.split('\n').filter((l) => l.includes('0/1 tasks'));
    expect(during.length).toBeGreaterThanOrEqual(2); // the first line and at least one from the timer
    const ended = out.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(out.length).toBe(ended);
  });

  it('updates one display in a notebook cell, ending at 100%', async () => {
    const shown: string[] = [];
    let displays = 0;
    setNotebook({
      display: { html: () => {}, svg: () => {}, text: () => {} },
      newDisplay: () => {
        displays++;
        return { html: (s: string) => void shown.push(s), svg: () => {}, text: () => {} };
      },
    });
    try {
      expect(await total.compute({ scheduler: 'sync', callbacks: [new ProgressBar()] })).toBe(1275);
    } finally {
      setNotebook(undefined);
    }
    expect(displays).toBe(1);
    expect(shown.length).toBeGreaterThanOrEqual(2);
    expect(shown[0]).toContain('0% | 0/99 tasks');
    expect(shown.at(-1)).toContain('100% | 99/99 tasks');
    expect(shown.at(-1)).toContain('width:100%');
  });

  it('says how a failed compute ended', () => {
    expect(progressLine({ done: 3, total: 10, elapsedMs: 1500, scheduler: 'threads', outcome: 'cancelled' })).toBe(
      '[######--------------] 30% | 3/10 tasks | 1.5s | threads | cancelled',
    );
    expect(progressHtml({ done: 0, total: 0, elapsedMs: 0, scheduler: 'sync' })).toContain('100% | 0/0 tasks');
  });
});
