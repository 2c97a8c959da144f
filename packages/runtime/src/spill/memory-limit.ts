/**
 * Memory sizes as users write them, for every scheduler's memory limit (scheduler-local's
 * `memoryLimit`, a distributed worker's `--memory-limit`): bytes as a number, a size string
 * ('4GB', '512MiB', '2 gib'), or a fraction of system memory (0.5, '0.5'). `parseMemoryLimit`
 * also takes 0 / 'none' for no limit. Nonsense is a ConfigError that names the value and says
 * what to write.
 */
import { totalmem } from 'node:os';
import { ConfigError } from '@tsdask/core-graph';

const UNITS: Record<string, number> = {
  b: 1,
  k: 1e3,
  kb: 1e3,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  t: 1e12,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

const FORMS = "write bytes (4000000000), a size ('4GB', '512MiB') or a fraction of system memory (0.5)";

/** Parses '512MB', '2 GiB', 1e9 or a fraction ('0.25', of `total`, default system memory) into a positive number of bytes. Throws ConfigError naming `what`. */
export function parseBytes(value: string | number, what = 'memoryLimit', total: number = totalmem()): number {
  const bad = (why: string): never => {
    throw new ConfigError(`${what} ${JSON.stringify(value)} ${why}: ${FORMS}.`, { option: what });
  };
  if (typeof value === 'number') {
    if (!(value > 0) || !Number.isFinite(value)) return bad('must be a positive, finite number of bytes');
    return value <= 1 ? Math.floor(value * total) : Math.floor(value);
  }
  const m = /^([0-9]*\.?[0-9]+(?:e[0-9]+)?)\s*([a-z]*)$/.exec(value.trim().toLowerCase());
  if (m === null) return bad('is not a size');
  const n = Number(m[1]);
  const unit = m[2] ?? '';
  if (unit === '') return parseBytes(n, what, total);
  const mult = UNITS[unit];
  if (mult === undefined) return bad(`has an unknown unit '${unit}' (use B, KB, MB, GB, TB, KiB, MiB, GiB or TiB)`);
  // A size with a unit is bytes, never a fraction ('1B' is one byte).
  const bytes = Math.floor(n * mult);
  return bytes > 0 ? bytes : bad('is less than one byte');
}

/** Parses a memory limit into bytes, 0 for none (0 or 'none'); otherwise as parseBytes. Throws ConfigError. */
export function parseMemoryLimit(value: string | number, total: number = totalmem()): number {
  if (value === 0 || (typeof value === 'string' && (value.trim().toLowerCase() === 'none' || value.trim() === '0'))) return 0;
  return parseBytes(value, 'memoryLimit', total);
}
