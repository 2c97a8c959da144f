/**
 * The memory limit of the local schedulers: bytes of results the calling thread may hold.
 * Given as a number of bytes or a string ('512MB', '2 GiB', '0.5' for a fraction of system
 * memory); from `memoryLimit` in options or config, else `TSDASK_MEMORY_LIMIT`, else half of
 * system memory. Fractions of it trigger spilling (target) and pausing new reads (pause), as
 * Dask's worker memory thresholds: see state/memory-policy.ts.
 */
import { totalmem } from 'node:os';
import { ConfigError } from '@tsdask/core-graph';

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
  k: 1e3,
  m: 1e6,
  g: 1e9,
  t: 1e12,
};

/** Parses '512MB', '2 GiB', 1e9 or a fraction ('0.25') of system memory into bytes. */
export function parseBytes(value: string | number, what = 'memoryLimit'): number {
  if (typeof value === 'number') {
    if (!(value > 0) || !Number.isFinite(value)) throw new ConfigError(`${what} must be a positive number of bytes, got ${value}.`);
    return value <= 1 ? Math.floor(value * totalmem()) : Math.floor(value);
  }
  const m = /^\s*([0-9]*\.?[0-9]+(?:e[0-9]+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
  if (m === null) throw new ConfigError(`${what} '${value}' is not a size: use bytes or a string like '512MB' or '2GiB'.`);
  const n = Number(m[1]);
  const unit = (m[2] ?? '').toLowerCase();
  if (unit === '') return parseBytes(n, what);
  const mult = UNITS[unit];
  if (mult === undefined) throw new ConfigError(`${what} '${value}' has an unknown unit '${m[2]}': use B, KB, MB, GB, TB, KiB, MiB, GiB or TiB.`);
  return parseBytes(n * mult, what);
}

/** The memory limit in bytes for a compute. */
export function resolveMemoryLimit(option: unknown): number {
  if (option !== undefined && option !== null) {
    if (option === false || option === 'none' || option === Infinity) return Infinity;
    if (typeof option !== 'string' && typeof option !== 'number')
      throw new ConfigError(`memoryLimit must be bytes or a string like '2GB', got ${typeof option}.`);
    return parseBytes(option);
  }
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.['TSDASK_MEMORY_LIMIT'];
  if (env !== undefined && env !== '') return parseBytes(env, 'TSDASK_MEMORY_LIMIT');
  return Math.floor(totalmem() / 2);
}
