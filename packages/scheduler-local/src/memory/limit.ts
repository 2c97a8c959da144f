/**
 * The memory limit of the local schedulers: bytes of results the calling thread may hold.
 * Given as a number of bytes or a string ('512MB', '2 GiB', '0.5' for a fraction of system
 * memory); from `memoryLimit` in options or config, else `TSDASK_MEMORY_LIMIT`, else half of
 * system memory (sizes parsed by @tsdask/runtime/spill's parseBytes). Fractions of it trigger
 * spilling (target) and pausing new reads (pause), as Dask's worker memory thresholds: see
 * state/memory-policy.ts.
 */
import { totalmem } from 'node:os';
import { ConfigError } from '@tsdask/core-graph';
import { parseBytes } from '@tsdask/runtime/spill';

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
