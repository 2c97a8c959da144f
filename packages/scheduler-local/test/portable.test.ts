import { describe, expect, it } from 'vitest';
import { checkPortable, freeVariables } from '@tsdask/scheduler-local';

describe('portable functions', () => {
  it('finds free variables and accepts self-contained functions', () => {
    expect(freeVariables('(x) => x + offset')).toEqual(['offset']);
    expect(
      freeVariables(
        'function f(a, { b, c: [d] }, ...rest) { const e = a + b + d; let g; for (const h of rest) g = h; try {} catch (err) { return err } return Math.max(e, g, globalThis.x) }',
      ),
    ).toEqual([]);
    expect(freeVariables('(o) => { class K { m() { return this.v } } const y = { k: o.k, [o.z]: 1 }; return new K().m() + y.k + helper(o) }')).toEqual([
      'helper',
    ]);
    expect(freeVariables('async function load(u) { const r = await fetch(u); return __vi_import_0__.parse(r) }')).toEqual(['__vi_import_0__']);
    expect(freeVariables('sum(a, b) { return a + b }')).toEqual([]);
  });

  it('refuses native functions and gives a reason naming the variable', () => {
    expect(checkPortable(Function.prototype.toString.call(Math.max)).ok).toBe(false);
    const v = checkPortable('(x) => x * factor');
    expect(v).toMatchObject({ ok: false, variable: 'factor' });
    expect(v.reason).toContain("'factor'");
  });
});
