import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { config, ConfigError, delayed, withConfig } from '@tsdask/core-graph';
import '@tsdask/scheduler-local';

afterEach(() => config.reset());

describe('config', () => {
  it('sets values, validates them, and resets', () => {
    config.set({ numWorkers: 3, scheduler: 'sync' });
    expect(config.get('numWorkers')).toBe(3);
    expect(() => config.set({ numWorkers: 0 })).toThrow(ConfigError);
    expect(() => config.set({ retries: -1 })).toThrow(/retries/);
    config.reset();
    expect(config.get('numWorkers')).toBeUndefined();
  });

  it('scopes settings with withConfig, also when the body throws', async () => {
    config.set({ scheduler: 'threads' });
    const inner = await withConfig({ scheduler: 'sync' }, () => config.get('scheduler'));
    expect(inner).toBe('sync');
    expect(config.get('scheduler')).toBe('threads');
    await expect(withConfig({ scheduler: 'sync' }, () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(config.get('scheduler')).toBe('threads');
  });

  it('chooses the scheduler: option, then config, then the default', async () => {
    // A closure with a free variable only runs on 'sync': which scheduler ran tells itself.
    const captured = 41;
    const f = delayed(() => captured + 1);
    await withConfig({ scheduler: 'sync' }, async () => expect(await f().compute()).toBe(42));
    await expect(f().compute()).rejects.toThrow(/captured/);
    await expect(f().compute({ scheduler: 'nope' })).rejects.toThrow(/No scheduler named 'nope'/);
  });

  it('reads TSDASK_SCHEDULER and TSDASK_NUM_WORKERS and rejects bad values', () => {
    const script = `import('@tsdask/core-graph').then(m => process.stdout.write(JSON.stringify([m.config.get('scheduler'), m.config.get('numWorkers')])))`;
    const run = (env: Record<string, string>) =>
      execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, ...env }, stdio: 'pipe' });
    expect(JSON.parse(run({ TSDASK_SCHEDULER: 'sync', TSDASK_NUM_WORKERS: '3' }))).toEqual(['sync', 3]);
    expect(() => run({ TSDASK_NUM_WORKERS: 'many' })).toThrow(/TSDASK_NUM_WORKERS='many'/);
  });
});
