/** The result dtype of an expression over a schema; throws the typed errors on misuse. */
import { ExprTypeError, InvalidDateError } from '../errors.js';
import { columnIndex } from './column-lookup.js';
import { parseDateMs } from './parse-date.js';
import { isNumeric, type DType, type Schema } from './columns.js';
import { ARITH, COMPARE, DATE_PART, STR_PRED, type ExprNode, type Scalar } from './expr-node.js';

/** The dtype of a literal. */
export function litType(value: Scalar, type?: DType): DType {
  if (type !== undefined) return type;
  if (typeof value === 'number') return Number.isInteger(value) ? 'int64' : 'float64';
  if (typeof value === 'string') return 'utf8';
  if (typeof value === 'boolean') return 'bool';
  return 'float64';
}

function isTime(t: DType): boolean {
  return t === 'date' || t === 'timestamp';
}

/** The common type of two values meant to be compared or combined; undefined when none. */
export function commonType(a: DType, b: DType): DType | undefined {
  if (a === b) return a;
  if (isNumeric(a) && isNumeric(b)) return a === 'float64' || b === 'float64' ? 'float64' : 'int64';
  if (isTime(a) && isTime(b)) return 'timestamp';
  return undefined;
}

function isNullLit(n: ExprNode): boolean {
  return n.e === 'lit' && n.value === null;
}

/** Infers the dtype of `node` over `schema`. */
export function typeOf(node: ExprNode, schema: Schema): DType {
  switch (node.e) {
    case 'col': {
      return schema.types[columnIndex(schema, node.name)] as DType;
    }
    case 'lit':
      return litType(node.value, node.type);
    case 'alias':
      return typeOf(node.arg, schema);
    case 'when': {
      let t: DType | undefined;
      const branches = [...node.cases.map((c) => c[1]), node.otherwise];
      for (const [c] of node.cases) {
        const ct = typeOf(c, schema);
        if (ct !== 'bool') throw new ExprTypeError('when', [ct], 'A when() condition must be bool.');
      }
      for (const b of branches) {
        if (isNullLit(b)) continue;
        const bt = typeOf(b, schema);
        const u: DType | undefined = t === undefined ? bt : commonType(t, bt);
        if (u === undefined) throw new ExprTypeError('when', [t as DType, bt], 'All branches need one type.');
        t = u;
      }
      return t ?? 'float64';
    }
    case 'call':
      return callType(node, schema);
  }
}

function callType(node: Extract<ExprNode, { e: 'call' }>, schema: Schema): DType {
  const fn = node.fn;
  const ts = node.args.map((a) => (isNullLit(a) ? undefined : typeOf(a, schema)));
  const shown = ts.map((t) => t ?? 'null');
  const a = ts[0];
  const b = ts[1];
  if (ARITH.has(fn)) {
    if ((a !== undefined && !isNumeric(a)) || (b !== undefined && !isNumeric(b))) throw new ExprTypeError(fn, shown);
    if (fn === 'div' || fn === 'pow') return 'float64';
    if (a === 'float64' || b === 'float64') return 'float64';
    if (a === 'int32' && (b === 'int32' || b === undefined) && fn !== 'mul') return 'int32';
    return 'int64';
  }
  if (COMPARE.has(fn)) {
    if (a !== undefined && b !== undefined && commonType(a, b) === undefined) {
      const strTime = (isTime(a) && b === 'utf8') || (isTime(b) && a === 'utf8');
      if (!strTime) throw new ExprTypeError(fn, shown);
      checkDateText(fn, node.args[isTime(a) ? 1 : 0] as ExprNode);
    }
    return 'bool';
  }
  switch (fn) {
    case 'neg':
    case 'abs':
    case 'round':
      if (a !== undefined && !isNumeric(a)) throw new ExprTypeError(fn, shown);
      return a ?? 'float64';
    case 'and':
    case 'or':
    case 'not':
      for (const t of ts) if (t !== undefined && t !== 'bool') throw new ExprTypeError(fn, shown);
      return 'bool';
    case 'isNull':
    case 'isNotNull':
      return 'bool';
    case 'isIn':
      if (a !== undefined && isTime(a)) {
        for (const v of node.opt as unknown[]) if (typeof v === 'string') checkDateText(fn, { e: 'lit', value: v });
      }
      return 'bool';
    case 'between':
      for (const t of ts.slice(1)) {
        if (a !== undefined && t !== undefined && commonType(a, t) === undefined && !(isTime(a) && t === 'utf8')) {
          throw new ExprTypeError(fn, shown);
        }
      }
      if (a !== undefined && isTime(a)) for (const arg of node.args.slice(1)) checkDateText(fn, arg);
      return 'bool';
    case 'fillNull': {
      if (a === undefined) return b ?? 'float64';
      if (b === undefined) return a;
      const u = commonType(a, b);
      if (u === undefined) throw new ExprTypeError(fn, shown);
      return u;
    }
    case 'lower':
    case 'upper':
    case 'strip':
      if (a !== 'utf8') throw new ExprTypeError(fn, shown, 'It takes strings.');
      return 'utf8';
    case 'len':
      if (a !== 'utf8') throw new ExprTypeError(fn, shown, 'It takes strings.');
      return 'int32';
    case 'cast':
      return node.opt as DType;
  }
  if (STR_PRED.has(fn)) {
    if (a !== 'utf8') throw new ExprTypeError(fn, shown, 'It takes strings.');
    return 'bool';
  }
  if (DATE_PART.has(fn)) {
    if (a === undefined || !isTime(a)) throw new ExprTypeError(fn, shown, 'It takes dates or timestamps.');
    return 'int32';
  }
  throw new ExprTypeError(fn, shown, `Unknown function '${fn}'.`);
}

/** A string literal compared with a date or timestamp must be a valid date (else InvalidDateError). */
function checkDateText(fn: string, n: ExprNode): void {
  if (n.e === 'lit' && typeof n.value === 'string' && Number.isNaN(parseDateMs(n.value))) {
    throw new InvalidDateError(n.value, `'${fn}' with a date or timestamp column`);
  }
}
