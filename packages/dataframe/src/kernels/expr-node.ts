/**
 * Expressions as plain data: what the user builds with `col('a').gt(1)` and what travels to
 * workers inside tasks. Scalars are numbers, strings, booleans, null, or timestamps (ms).
 */
import type { DType } from './columns.js';

export type Scalar = number | string | boolean | null;

export type ExprNode =
  | { e: 'col'; name: string }
  | { e: 'lit'; value: Scalar; type?: DType }
  | { e: 'call'; fn: string; args: ExprNode[]; opt?: Scalar | Scalar[] }
  | { e: 'alias'; name: string; arg: ExprNode }
  | { e: 'when'; cases: [ExprNode, ExprNode][]; otherwise: ExprNode };

/** Binary arithmetic functions. */
export const ARITH = new Set(['add', 'sub', 'mul', 'div', 'mod', 'pow']);
/** Comparison functions. */
export const COMPARE = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);
/** String functions that give a bool (argument in `opt`). */
export const STR_PRED = new Set(['contains', 'startsWith', 'endsWith']);
/** Date part functions. */
export const DATE_PART = new Set(['year', 'month', 'day', 'hour', 'minute', 'weekday']);

/** The column names an expression reads. */
export function columnsOf(node: ExprNode, out: Set<string> = new Set()): Set<string> {
  switch (node.e) {
    case 'col':
      out.add(node.name);
      break;
    case 'lit':
      break;
    case 'call':
      for (const a of node.args) columnsOf(a, out);
      break;
    case 'alias':
      columnsOf(node.arg, out);
      break;
    case 'when':
      for (const [c, v] of node.cases) {
        columnsOf(c, out);
        columnsOf(v, out);
      }
      columnsOf(node.otherwise, out);
      break;
  }
  return out;
}

/** The output name of an expression: its alias, else the first column it reads, else 'literal'. */
export function nameOf(node: ExprNode): string {
  switch (node.e) {
    case 'col':
    case 'alias':
      return node.name;
    case 'lit':
      return 'literal';
    case 'call':
      for (const a of node.args) {
        const n = nameOf(a);
        if (n !== 'literal') return n;
      }
      return 'literal';
    case 'when':
      return nameOf(node.cases[0]?.[1] ?? node.otherwise);
  }
}
