/**
 * The worker's `--memory-limit`: bytes as a number, a size string ('4GB', '512MiB', '2 gib'),
 * a fraction of system memory (0.5, '0.5'), or 0 / 'none' for no limit. scheduler-local has a
 * parser of its own but does not export it, and this package does not depend on it.
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

/** Parses a memory limit into bytes (0 for none); a number up to 1 is a fraction of system memory. Throws ConfigError. */
export function parseMemoryLimit(value: string | number, total: number = totalmem()): number {
  const bad = (why: string): never => {
    throw new ConfigError(
      `memoryLimit ${JSON.stringify(value)} ${why}: write bytes (4000000000), a size ('4GB', '512MiB'), a fraction of system memory (0.5), or 0 / 'none'.`,
      {
        option: 'memoryLimit',
      },
    );
  };
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (text === 'none' || text === '0') return 0;
    const m = /^([0-9]*\.?[0-9]+(?:e[0-9]+)?)\s*([a-z]*)$/.exec(text);
    if (m === null) return bad('is not a size');
    const unit = m[2] ?? '';
    if (unit === '') return parseMemoryLimit(Number(m[1]), total);
    const mult = UNITS[unit];
    return mult === undefined ? bad(`has an unknown unit '${unit}' (use B, KB, MB, GB, TB, KiB, MiB, GiB or TiB)`) : Math.floor(Number(m[1]) * mult);
  }
  if (!Number.isFinite(value) || value < 0) return bad('must be a finite number of bytes, 0 or more');
  if (value === 0) return 0;
  return value <= 1 ? Math.floor(value * total) : Math.floor(value);
}
