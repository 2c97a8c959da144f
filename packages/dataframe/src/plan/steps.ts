/**
 * Helpers over chains of row-wise steps (a map node's): pruning them to the columns needed
 * downstream, the column choice a select of names makes, and their explain() text.
 */
import { columnsOf, type ExprNode } from '../kernels/expr-node.js';
import type { Step } from '../kernels/steps.js';
import { exprText } from './expr-text.js';

/**
 * Walks the steps from the output back to the input: drops derived columns nobody reads and
 * gives the input columns the rest need (`needed` undefined means every column).
 */
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

/** A select of columns under their own names (chooses, derives nothing). */
export function chooses(names: readonly string[]): Step {
  return { k: 'select', exprs: names.map((n): [string, ExprNode] => [n, { e: 'col', name: n }]) };
}

/** True for a step that only chooses columns under their own names (a drop, a select of columns). */
export function onlyChooses(s: Step): boolean {
  return s.k === 'drop' || (s.k === 'select' && s.exprs.every(([n, e]) => e.e === 'col' && e.name === n));
}

/** One step as text: `filter (col(a) > 1)`, `with c = (col(a) + 1)`, `select a, b`... */
export function stepText(s: Step): string {
  const named = (list: [string, ExprNode][]): string => list.map(([n, e]) => (e.e === 'col' && e.name === n ? n : `${n} = ${exprText(e)}`)).join(', ');
  switch (s.k) {
    case 'filter':
      return `filter ${exprText(s.expr)}`;
    case 'with':
      return `with ${named(s.exprs)}`;
    case 'select':
      return `select ${named(s.exprs)}`;
    case 'rename':
      return `rename ${s.map.map(([a, b]) => `${a} -> ${b}`).join(', ')}`;
    case 'drop':
      return `drop ${s.names.join(', ')}`;
  }
}
