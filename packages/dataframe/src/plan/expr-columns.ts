/** Renaming the columns an expression reads (a filter moved below a rename or into one side of a join). */
import type { ExprNode } from '../kernels/expr-node.js';

/** The expression reading `rename(c)` wherever it read column c. */
export function renameColumns(e: ExprNode, rename: (c: string) => string): ExprNode {
  switch (e.e) {
    case 'col':
      return { e: 'col', name: rename(e.name) };
    case 'lit':
      return e;
    case 'call':
      return { ...e, args: e.args.map((a) => renameColumns(a, rename)) };
    case 'alias':
      return { ...e, arg: renameColumns(e.arg, rename) };
    case 'when':
      return { e: 'when', cases: e.cases.map(([c, v]) => [renameColumns(c, rename), renameColumns(v, rename)]), otherwise: renameColumns(e.otherwise, rename) };
  }
}
