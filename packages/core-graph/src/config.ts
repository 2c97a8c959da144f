/**
 * Configuration: process-wide defaults, set with `config.set({...})`, scoped with
 * `withConfig(opts, fn)`, and seeded from the environment (`TSDASK_SCHEDULER`,
 * `TSDASK_NUM_WORKERS`, `TSDASK_RETRIES`, `TSDASK_BATCH_SIZE`). Options given to `compute()`
 * win over the config, which wins over the built-in defaults.
 */
import { ConfigError } from './errors.js';
import type { OptimizeFlags } from './optimize/pipeline.js';

export interface Config {
  /** Scheduler name: 'threads' (default), 'sync', or any registered one. */
  scheduler?: string;
  /** Worker threads for 'threads' (default: os.availableParallelism()). */
  numWorkers?: number;
  /** How many times a task is retried after its worker died (default 1). */
  retries?: number;
  /** Largest number of tasks dispatched to a worker as one batch (default 512). */
  batchSize?: number;
  /** Which task-level optimization passes run. */
  optimize?: OptimizeFlags;
  /** Draw a terminal progress bar. */
  progress?: boolean;
  /** Extra settings for schedulers and collections (memoryLimit, dashboard, ...). */
  [setting: string]: unknown;
}

const env: Record<string, string | undefined> =
  (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};

function fromEnv(): Config {
  const c: Config = {};
  if (env['TSDASK_SCHEDULER']) c.scheduler = env['TSDASK_SCHEDULER'];
  const ints: [string, keyof Config][] = [
    ['TSDASK_NUM_WORKERS', 'numWorkers'],
    ['TSDASK_RETRIES', 'retries'],
    ['TSDASK_BATCH_SIZE', 'batchSize'],
  ];
  for (const [name, field] of ints) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const v = Number(raw);
    if (!Number.isInteger(v) || v < 0) {
      throw new ConfigError(`Environment variable ${name}='${raw}' is not a non-negative integer.`);
    }
    c[field] = v;
  }
  return c;
}

let current: Config = fromEnv();

function validate(opts: Config): void {
  for (const field of ['numWorkers', 'batchSize'] as const) {
    const v = opts[field];
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) {
      throw new ConfigError(`config '${field}' must be a positive integer, got ${String(v)}.`);
    }
  }
  if (opts.retries !== undefined && (!Number.isInteger(opts.retries) || opts.retries < 0)) {
    throw new ConfigError(`config 'retries' must be a non-negative integer, got ${String(opts.retries)}.`);
  }
  if (opts.scheduler !== undefined && typeof opts.scheduler !== 'string') {
    throw new ConfigError(`config 'scheduler' must be a scheduler name, got ${typeof opts.scheduler}.`);
  }
}

/** The process-wide configuration. */
export const config = {
  /** Merges settings into the configuration; returns the previous configuration. */
  set(opts: Config): Config {
    validate(opts);
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
  const previous = config.set(opts);
  try {
    return await fn();
  } finally {
    current = previous;
  }
}
