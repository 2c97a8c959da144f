import { describe, expect, it } from 'vitest';
import { dependenciesOf, lowerGraph, quote, type Key, type Node } from '@tsdask/core-graph';
import { mulberry32 as rng } from '../../../test/support/seeded-random.js';

/** The plain reference: every `{ ref }` reachable through arrays and task args (never inside a quote), first seen first. */
function refsOf(x: unknown, out: Key[]): void {
  if (typeof x !== 'object' || x === null) return;
  if (Array.isArray(x)) {
    for (const it of x) refsOf(it, out);
    return;
  }
  const o = x as { ref?: unknown; op?: unknown; args?: unknown };
  if (typeof o.ref === 'string' && Object.getPrototypeOf(x) === Object.prototype) {
    if (!out.includes(o.ref)) out.push(o.ref);
    return;
  }
  if (typeof o.op === 'string' && Array.isArray(o.args) && o.op !== '@tsdask/core-graph/ops#quote') refsOf(o.args, out);
}

describe('lowering nodes of every shape', () => {
  it('finds the same dependencies as a plain recursive walk (flat tasks, nested tasks, arrays, refs as nodes, quotes, literals)', () => {
    const next = rng(16);
    const n = 400;
    const entries: [Key, Node][] = [];
    for (let i = 0; i < n; i++) {
      const earlier = (): { ref: Key } => ({ ref: `k${Math.floor(next() * i)}` });
      const item = (depth: number): unknown => {
        const r = next();
        if (i === 0 || r < 0.3) return Math.floor(next() * 100);
        if (r < 0.6) return earlier();
        if (r < 0.7) return 'text';
        if (depth > 2) return earlier();
        if (r < 0.8) return [item(depth + 1), item(depth + 1)];
        if (r < 0.9) return { op: 'm#nested', args: [item(depth + 1)] };
        return quote({ ref: 'not-a-key' });
      };
      const shape = next();
      let node: unknown;
      if (i > 0 && shape < 0.05) node = earlier();
      else if (shape < 0.1) node = i;
      else node = { op: 'm#f', args: Array.from({ length: Math.floor(next() * 4) }, () => item(0)) };
      entries.push([`k${i}`, node as Node]);
    }
    const g = lowerGraph(entries);
    for (let i = 0; i < n; i++) {
      const want: Key[] = [];
      refsOf(entries[i]![1], want);
      expect(dependenciesOf(g, i).map((d) => g.keys[d])).toEqual(want);
    }
  });
});
