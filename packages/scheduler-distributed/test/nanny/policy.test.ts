// The nanny's pure decisions: the 95% terminate threshold, the reason of a death, its one-line
// account (worked out by hand below), and the restart budget (5 in any 60 s).
import { describe, expect, it } from 'vitest';
import { deathReason, describeDeath, formatBytes, overMemory, RestartBudget, type WorkerDeath } from '../../src/nanny/policy.js';

const death = (over: Partial<WorkerDeath>): WorkerDeath => ({
  address: '127.0.0.1:4000',
  name: 'w',
  pid: 42,
  rss: 0,
  memoryLimit: 0,
  reason: 'exit',
  lastLines: [],
  ...over,
});

describe('nanny policy', () => {
  it('kills past 95% of the memory limit, never without a limit', () => {
    expect(overMemory(285_000_001, 300_000_000)).toBe(true);
    expect(overMemory(285_000_000, 300_000_000)).toBe(false);
    expect(overMemory(10 ** 12, 0)).toBe(false);
  });

  it('names the reason: memory when the nanny killed it, else the signal, else the exit code', () => {
    expect(deathReason(true, 'SIGKILL')).toBe('memory');
    expect(deathReason(false, 'SIGKILL')).toBe('signal');
    expect(deathReason(false, null)).toBe('exit');
  });

  it('writes sizes in decimal units', () => {
    expect([formatBytes(812_000_000), formatBytes(1_000_000_000), formatBytes(1_500_000_000), formatBytes(999), formatBytes(256_000_000)]).toEqual([
      '812 MB',
      '1 GB',
      '1.5 GB',
      '999 B',
      '256 MB',
    ]);
  });

  it('tells each kind of death in one line, with the last 5 log lines', () => {
    expect(describeDeath(death({ reason: 'signal', signal: 'SIGKILL', rss: 812_000_000, memoryLimit: 1_000_000_000, lastLines: ['a', 'b'] }))).toBe(
      'killed by signal SIGKILL (using 812 MB of its 1 GB limit); last log lines: a | b',
    );
    expect(describeDeath(death({ reason: 'memory', signal: 'SIGKILL', rss: 246_000_000, memoryLimit: 256_000_000 }))).toBe(
      'killed by its nanny for memory: memory use 96% of its 256 MB limit (246 MB above its memory at start; the nanny kills at 95%); it printed nothing on stderr',
    );
    const lines = ['1', '2', '3', '4', '5', '6', '7'];
    expect(describeDeath(death({ reason: 'exit', code: 3, lastLines: lines }))).toBe('exited with code 3; last log lines: 3 | 4 | 5 | 6 | 7');
  });

  it('allows 5 restarts in any 60 s window, then refuses until the oldest leaves the window', () => {
    const b = new RestartBudget();
    const t0 = 1_000_000;
    expect([0, 1, 2, 3, 4, 5].map((i) => b.allow(t0 + i * 1000))).toEqual([true, true, true, true, true, false]);
    expect(b.allow(t0 + 59_999)).toBe(false);
    expect(b.allow(t0 + 60_000)).toBe(true); // the first restart left the window
    expect(b.allow(t0 + 60_001)).toBe(false);
  });
});
