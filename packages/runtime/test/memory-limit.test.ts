// parseMemoryLimit and parseBytes (the one size parser of every scheduler) against values worked out by hand.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@tsdask/core-graph';
import { parseBytes, parseMemoryLimit } from '../src/spill/memory-limit.js';

describe('parseMemoryLimit', () => {
  it('reads sizes, byte counts, fractions of system memory and none', () => {
    expect(parseMemoryLimit('4GB')).toBe(4_000_000_000);
    expect(parseMemoryLimit('512MiB')).toBe(512 * 1024 * 1024);
    expect(parseMemoryLimit('2 gib')).toBe(2 * 2 ** 30);
    expect(parseMemoryLimit('1.5kb')).toBe(1500);
    expect(parseMemoryLimit(123456)).toBe(123456);
    expect(parseMemoryLimit('123456')).toBe(123456);
    expect(parseMemoryLimit(0.25, 8000)).toBe(2000);
    expect(parseMemoryLimit('0.5', 8000)).toBe(4000);
    expect(parseMemoryLimit('none')).toBe(0);
    expect(parseMemoryLimit(0)).toBe(0);
  });

  it('throws ConfigError naming the value for nonsense', () => {
    for (const bad of ['lots', '4XB', -1, Number.NaN]) {
      expect(() => parseMemoryLimit(bad)).toThrow(ConfigError);
    }
    expect(() => parseMemoryLimit('4XB')).toThrow(/"4XB".*unknown unit 'xb'/);
  });
});

describe('parseBytes', () => {
  it('a size with a unit is bytes, never a fraction; a bare number up to 1 is a fraction of the total', () => {
    expect(parseBytes('1B')).toBe(1);
    expect(parseBytes('1KiB')).toBe(1024);
    expect(parseBytes(1, 'x', 8000)).toBe(8000);
    expect(parseBytes('0.25', 'x', 8000)).toBe(2000);
  });

  it('refuses 0 and names the option', () => {
    expect(() => parseBytes(0, 'spillLimit')).toThrow(/spillLimit 0 must be a positive/);
    expect(() => parseBytes('0.1B')).toThrow(ConfigError);
  });
});
