import { describe, expect, it } from 'vitest';
import { compileFunction } from '@tsdask/runtime';

describe('compiling shipped functions', () => {
  it('compiles functions, method shorthand included', () => {
    expect(compileFunction('(a, b) => a * b')(6, 7)).toBe(42);
    expect(compileFunction('function twice(x) { return 2 * x }')(4)).toBe(8);
    expect(compileFunction('add3(x) { return x + 3 }')(4)).toBe(7);
  });
});
