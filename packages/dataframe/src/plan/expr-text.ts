/** Expressions as short text for explain(): `(col(delay) > 0)`, `mean(x)`, `when ... then ... otherwise ...`. */
import type { ExprNode, Scalar } from '../kernels/expr-node.js';

const INFIX: Record<string, string> = {
  add: '+',
  sub: '-',
  mul: '*',
  div: '/',
  mod: '%',
  pow: '**',
  eq: '==',
  ne: '!=',
  lt: '<',
  le: '<=',
  gt: '>',
  ge: '>=',
  and: '&',
  or: '|',
};

function lit(v: Scalar | Scalar[] | undefined): string {
  return JSON.stringify(v) ?? 'undefined';
}

/** An expression node as text. */
export function exprText(e: ExprNode): string {
  switch (e.e) {
    case 'col':
      return `col(${e.name})`;
    case 'lit':
      return e.type === 'timestamp' && typeof e.value === 'number' ? new Date(e.value).toISOString() : lit(e.value);
    case 'alias':
      return `${exprText(e.arg)}.alias(${e.name})`;
    case 'when':
      return `when ${e.cases.map(([c, v]) => `${exprText(c)} then ${exprText(v)}`).join(' when ')} otherwise ${exprText(e.otherwise)}`;
    case 'call': {
      const op = INFIX[e.fn];
      if (op !== undefined && e.args.length === 2) return `(${exprText(e.args[0] as ExprNode)} ${op} ${exprText(e.args[1] as ExprNode)})`;
      const args = e.args.map(exprText);
      if (e.opt !== undefined) args.push(lit(e.opt));
      return `${e.fn}(${args.join(', ')})`;
    }
  }
}
