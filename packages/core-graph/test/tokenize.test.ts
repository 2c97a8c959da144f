import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { tokenize } from '@tsdask/core-graph';

describe('tokenize', () => {
  it('is deterministic across processes', () => {
    const script = `import('@tsdask/core-graph').then(m => process.stdout.write(m.tokenize({ b: [1, 'x', null], a: new Float64Array([1.5, 2]) }, 'k', 3n)))`;
    const other = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(tokenize({ a: new Float64Array([1.5, 2]), b: [1, 'x', null] }, 'k', 3n)).toBe(other);
    expect(other).toMatch(/^[0-9a-f]{32}$/);
  });

  it('ignores the key order of plain objects', () => {
    expect(tokenize({ a: 1, b: { c: 2, d: 3 } })).toBe(tokenize({ b: { d: 3, c: 2 }, a: 1 }));
  });

  it('hashes typed arrays by content and type', () => {
    expect(tokenize(new Int32Array([1, 2, 3]))).toBe(tokenize(new Int32Array([1, 2, 3])));
    expect(tokenize(new Int32Array([1, 2, 3]))).not.toBe(tokenize(new Int32Array([1, 2, 4])));
    expect(tokenize(new Int32Array([1, 2, 3]))).not.toBe(tokenize(new Uint32Array([1, 2, 3])));
  });

  it('hashes functions by source and name', () => {
    const make = () => [(x: number) => x + 1, (x: number) => x + 2];
    const [f1, h1] = make();
    const [f2] = make();
    expect(f1).not.toBe(f2);
    expect(tokenize(f1)).toBe(tokenize(f2));
    expect(tokenize(f1)).not.toBe(tokenize(h1));
    const named = (x: number) => x + 1;
    expect(tokenize(named)).not.toBe(tokenize(f1));
  });

  it('tells apart values that print alike', () => {
    const values = [1, '1', [1], [[1]], { 1: 1 }, 1n, true, null, undefined, 0, -0, NaN, '', [], {}, ['a', 'b'], ['ab'], new Map([[1, 2]]), new Set([1])];
    const tokens = values.map((v) => tokenize(v));
    expect(new Set(tokens).size).toBe(values.length);
  });

  it('ignores insertion order of Maps and Sets, and survives cycles', () => {
    expect(
      tokenize(
        new Map([
          [1, 'a'],
          [2, 'b'],
        ]),
      ),
    ).toBe(
      tokenize(
        new Map([
          [2, 'b'],
          [1, 'a'],
        ]),
      ),
    );
    expect(tokenize(new Set([3, 1]))).toBe(tokenize(new Set([1, 3])));
    const a: Record<string, unknown> = { x: 1 };
    a['self'] = a;
    expect(tokenize(a)).toMatch(/^[0-9a-f]{32}$/);
  });
});
