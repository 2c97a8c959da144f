/**
 * Projection pushdown: walks fused row-wise steps from the output back to the input, drops
 * derived columns nobody reads, and tells the source which columns to read. `needed`
 * undefined means every column.
 */
import { columnsOf } from '../kernels/expr-node.js';
import type { Step } from '../kernels/steps.js';

/** The steps with unused outputs removed, and the input columns they need. */
export function pruneSteps(steps: readonly Step[], needed: Set<string> | undefined): { steps: Step[]; needed: Set<string> | undefined } {
  let want = needed === undefined ? undefined : new Set(needed);
  const out: Step[] = [];
  for (let k = steps.length - 1; k >= 0; k--) {
    const s = steps[k] as Step;
    switch (s.k) {
      case 'filter':
        if (want !== undefined) columnsOf(s.expr, want);
        out.push(s);
        break;
      case 'select': {
        const exprs = want === undefined ? s.exprs : s.exprs.filter(([n]) => (want as Set<string>).has(n));
        const next = new Set<string>();
        for (const [, e] of exprs) columnsOf(e, next);
        want = next;
        out.push({ k: 'select', exprs });
        break;
      }
      case 'with': {
        const exprs = want === undefined ? s.exprs : s.exprs.filter(([n]) => (want as Set<string>).has(n));
        if (want !== undefined) {
          for (const [n] of s.exprs) want.delete(n);
          for (const [, e] of exprs) columnsOf(e, want);
        }
        if (exprs.length > 0) out.push({ k: 'with', exprs });
        break;
      }
      case 'rename': {
        if (want !== undefined) {
          const back = new Map(s.map.map(([a, b]) => [b, a] as const));
          const next = new Set<string>();
          for (const n of want) next.add(back.get(n) ?? n);
          // A column renamed away is not read under its old name downstream.
          for (const [a, b] of s.map) if (!want.has(b)) next.delete(a);
          want = next;
        }
        out.push(s);
        break;
      }
      case 'drop':
        if (want !== undefined) for (const n of s.names) want.delete(n);
        out.push(s);
        break;
    }
  }
  return { steps: out.reverse(), needed: want };
}
