import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, delayed, op, registerWorkerModules, TaskError } from '@tsdask/core-graph';
import { closePool, startPool } from '@tsdask/scheduler-local';

const MARKER = new URL('./fixtures/preload-marker.mjs', import.meta.url).href;
const THROWS = new URL('./fixtures/preload-throws.mjs', import.meta.url).href;
const threads = { scheduler: 'threads', numWorkers: 2 } as const;
// Reads the mark a preloaded module leaves in the worker's globals (0 when it was not loaded).
const readMark = delayed(() => (globalThis as { __tsdaskPreloadMarks?: number }).__tsdaskPreloadMarks ?? 0, { pure: false });

afterAll(() => closePool());

describe('startPool() and the worker modules collections register', () => {
  it('starts workers that loaded the registered modules before their first task (no task names them)', async () => {
    await closePool();
    // Before registering: a fresh pool's workers have not loaded the module.
    await startPool(threads);
    expect(await readMark().compute(threads)).toBe(0);
    await closePool();
    registerWorkerModules(MARKER, THROWS);
    await startPool(threads);
    // Loaded once per worker thread, as it started; a task's import finds it cached (still 1).
    expect(await readMark().compute(threads)).toBe(1);
    expect(await delayed(op(MARKER, 'marks'))().compute(threads)).toBe(1);
  });

  it('starts the pool although a registered module fails to load; the task that names it gets the typed error', async () => {
    await closePool();
    await startPool(threads);
    expect(await delayed((x: number) => x + 1)(1).compute(threads)).toBe(2);
    const err = await delayed(op(THROWS, 'anything'))()
      .compute(threads)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskError);
    expect(String((err as Error).message)).toMatch(/OpNotFound|not found|failed/i);
    expect(String((err as Error).message)).toContain('fails on purpose');
  });

  it('rejects a bad worker count or resource limits with ConfigError, and module names with an export', async () => {
    await expect(startPool({ numWorkers: 0 })).rejects.toBeInstanceOf(ConfigError);
    await expect(startPool({ numWorkers: 2.5 })).rejects.toBeInstanceOf(ConfigError);
    await expect(startPool({ workerResourceLimits: { maxOldGenerationSizeMb: -1 } })).rejects.toThrow(/maxOldGenerationSizeMb/);
    expect(() => registerWorkerModules('@tsdask/dataframe/kernels#sum')).toThrow(TypeError);
    expect(() => registerWorkerModules('')).toThrow(TypeError);
  });
});
