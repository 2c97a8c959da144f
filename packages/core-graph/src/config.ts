/**
 * Configuration: process-wide defaults, set with `config.set({...})`, scoped with
 * `withConfig(opts, fn)`, and seeded from the environment (`TSDASK_SCHEDULER`,
 * `TSDASK_NUM_WORKERS`, `TSDASK_RETRIES`, `TSDASK_BATCH_SIZE`). Options given to `compute()`
 * win over the config, which wins over the built-in defaults.
 */
import { ConfigError } from './errors.js';
import type { OptimizeFlags } from './optimize/pipeline.js';
import { validateOptions } from './options/registry.js';
import type { SchedulerChoice } from './schedulers.js';

/**
 * The options every compute takes and the config holds, typed. Packages add their own by
 * declaration merging, so a misspelt option is a compile error wherever the package is imported:
 *
 *     declare module '@tsdask/core-graph' { interface Options { memoryLimit?: number | string } }
 *
 * At run time validateOptions still checks every name and value (a ConfigError at the call).
 */
export interface Options {
  /**
   * Scheduler: a name ('threads' (default), 'sync', or any registered one), a Scheduler object,
   * or a client that gives one (`asScheduler()`: a distributed Client).
   */
  scheduler?: SchedulerChoice;
  /** Worker threads for 'threads' (default: os.availableParallelism()). */
  numWorkers?: number;
  /** How many times a task is retried after its worker died (default 1). */
  retries?: number;
  /** Largest number of tasks dispatched to a worker as one batch (default 512). */
  batchSize?: number;
  /** Which task-level optimization passes run. */
  optimize?: OptimizeFlags;
  /** Draw a progress bar (a terminal's, a line every few seconds in logs, or a notebook cell's). */
  progress?: boolean;
}

/** The process-wide settings: the typed Options (the compute-only ones are in ComputeOptions). */
export type Config = Options;

const env: Record<string, string | undefined> = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};

function fromEnv(): Config {
  const c: Config = {};
  if (env['TSDASK_SCHEDULER']) c.scheduler = env['TSDASK_SCHEDULER'];
  // [variable, setting, smallest value]: zero workers or zero-task batches would never run anything.
  const ints: [string, 'numWorkers' | 'retries' | 'batchSize', number][] = [
    ['TSDASK_NUM_WORKERS', 'numWorkers', 1],
    ['TSDASK_RETRIES', 'retries', 0],
    ['TSDASK_BATCH_SIZE', 'batchSize', 1],
  ];
  for (const [name, field, min] of ints) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const v = Number(raw);
    if (!Number.isSafeInteger(v) || v < min) {
      throw new ConfigError(
        `Environment variable ${name}='${raw}' is not ${min === 1 ? 'a positive' : 'a non-negative'} integer: set it to one (or unset it for the default).`,
        { option: field },
      );
    }
    c[field] = v;
  }
  return c;
}

let current: Config = fromEnv();

/** The process-wide configuration. */
export const config = {
  /** Merges settings into the configuration; returns the previous configuration. */
  set(opts: Config): Config {
    validateOptions(opts, 'config');
    const previous = current;
    current = { ...current, ...opts };
    return previous;
  },
  /** One setting, or a copy of the whole configuration. */
  get<K extends keyof Config>(key: K): Config[K] {
    return current[key];
  },
  /** A copy of the whole configuration. */
  all(): Config {
    return { ...current };
  },
  /** Back to the defaults and the environment. */
  reset(): void {
    current = fromEnv();
  },
};

/** Runs `fn` with settings applied, restoring the previous ones afterwards (also on error). */
export async function withConfig<T>(opts: Config, fn: () => T | Promise<T>): Promise<T> {
  validateOptions(opts, 'withConfig');
  const previous = current;
  current = { ...current, ...opts };
  try {
    return await fn();
  } finally {
    current = previous;
  }
}
