/**
 * The user-facing expression builder: `col('delay').gt(0).and(col('origin').eq('SEA'))`.
 * An Expr is a thin face over a plain ExprNode (kernels/expr-node), which is what travels.
 * Its type parameter says what the types know of it (expr-static.ts): the columns it reads,
 * its output name and its dtype, so a frame whose schema is known refuses `col('dleay')` at
 * compile time; `Expr` alone (any columns, any dtype) is what a frame of unknown schema takes.
 */
import type { DType } from './kernels/columns.js';
import { DTYPES } from './kernels/columns.js';
import type { ExprNode, Scalar } from './kernels/expr-node.js';
import type { CallName, ColsOf, DTypeTerm, ExprInfo, LitDType, NameOf, ScalarLike, TermOf } from './expr-static.js';
import { DataFrameError, InvalidDateError } from './errors.js';

/** A value an expression method accepts: another expression, a scalar or a Date. */
export type ExprLike = Expr | Scalar | Date;

/** Turns an ExprLike into a node (Dates become timestamp literals). */
export function toNode(x: ExprLike): ExprNode {
  if (x instanceof Expr) return x.node;
  if (x instanceof Date) return { e: 'lit', value: dateMs(x), type: 'timestamp' };
  return { e: 'lit', value: x };
}

/** A Date's ms, or InvalidDateError for an Invalid Date (new Date('garbage')). */
function dateMs(d: Date): number {
  const ms = d.getTime();
  if (Number.isNaN(ms)) throw new InvalidDateError('Invalid Date', 'an expression (a Date object whose time is NaN)');
  return ms;
}

/** A call with one more argument O, of dtype term T. */
type Binary<I extends ExprInfo, O, T extends DTypeTerm> = Expr<{ cols: I['cols'] | ColsOf<O>; dtype: T; name: CallName<I['name'], O> }>;
/** A call of this expression alone, of dtype term T. */
type Unary<I extends ExprInfo, T extends DTypeTerm> = Expr<{ cols: I['cols']; dtype: T; name: I['name'] }>;

/** An expression over columns; methods build bigger expressions. */
export class Expr<I extends ExprInfo = ExprInfo> {
  /** What the types know of this expression (columns read, dtype, name); never set at run time. */
  declare readonly info?: I;
  constructor(readonly node: ExprNode) {}
  private call<R>(fn: string, args: ExprLike[] = [], opt?: Scalar | Scalar[]): R {
    const node: ExprNode = { e: 'call', fn, args: [this.node, ...args.map(toNode)] };
    if (opt !== undefined) node.opt = opt;
    return new Expr(node) as R;
  }
  /** this + other */
  add<O extends ExprLike>(o: O): Binary<I, O, { arith: [I['dtype'], TermOf<O>]; fn: 'add' }> {
    return this.call('add', [o]);
  }
  /** this - other */
  sub<O extends ExprLike>(o: O): Binary<I, O, { arith: [I['dtype'], TermOf<O>]; fn: 'add' }> {
    return this.call('sub', [o]);
  }
  /** this * other */
  mul<O extends ExprLike>(o: O): Binary<I, O, { arith: [I['dtype'], TermOf<O>]; fn: 'mul' }> {
    return this.call('mul', [o]);
  }
  /** this / other (always float64) */
  div<O extends ExprLike>(o: O): Binary<I, O, 'float64'> {
    return this.call('div', [o]);
  }
  /** this modulo other (the sign of the divisor, as in pandas) */
  mod<O extends ExprLike>(o: O): Binary<I, O, { arith: [I['dtype'], TermOf<O>]; fn: 'add' }> {
    return this.call('mod', [o]);
  }
  /** this ** other */
  pow<O extends ExprLike>(o: O): Binary<I, O, 'float64'> {
    return this.call('pow', [o]);
  }
  /** -this */
  neg(): Unary<I, { same: I['dtype'] }> {
    return this.call('neg');
  }
  /** |this| */
  abs(): Unary<I, { same: I['dtype'] }> {
    return this.call('abs');
  }
  /** Rounds to `decimals` places (default 0; negative: tens, hundreds...), ties to even as pandas and Polars. */
  round(decimals = 0): Unary<I, { same: I['dtype'] }> {
    if (!Number.isInteger(decimals) || Math.abs(decimals) > 308) {
      throw new DataFrameError(`round(): decimals must be an integer between -308 and 308, not ${String(decimals)}.`);
    }
    return decimals === 0 ? this.call('round') : this.call('round', [], decimals);
  }
  /** this == other */
  eq<O extends ExprLike>(o: O): Binary<I, O, 'bool'> {
    return this.call('eq', [o]);
  }
  /** this != other */
  ne<O extends ExprLike>(o: O): Binary<I, O, 'bool'> {
    return this.call('ne', [o]);
  }
  /** this < other */
  lt<O extends ExprLike>(o: O): Binary<I, O, 'bool'> {
    return this.call('lt', [o]);
  }
  /** this <= other */
  le<O extends ExprLike>(o: O): Binary<I, O, 'bool'> {
    return this.call('le', [o]);
  }
  /** this > other */
  gt<O extends ExprLike>(o: O): Binary<I, O, 'bool'> {
    return this.call('gt', [o]);
  }
  /** this >= other */
  ge<O extends ExprLike>(o: O): Binary<I, O, 'bool'> {
    return this.call('ge', [o]);
  }
  /** Logical and (Kleene: false and null is false). */
  and<O extends ExprLike>(o: O): Binary<I, O, 'bool'> {
    return this.call('and', [o]);
  }
  /** Logical or (Kleene: true or null is true). */
  or<O extends ExprLike>(o: O): Binary<I, O, 'bool'> {
    return this.call('or', [o]);
  }
  /** Logical not. */
  not(): Unary<I, 'bool'> {
    return this.call('not');
  }
  /** True where the value is missing. */
  isNull(): Unary<I, 'bool'> {
    return this.call('isNull');
  }
  /** True where the value is present. */
  isNotNull(): Unary<I, 'bool'> {
    return this.call('isNotNull');
  }
  /** The value, or `v` where it is missing. */
  fillNull<O extends ExprLike>(v: O): Binary<I, O, { common: [I['dtype'], TermOf<O>] }> {
    return this.call('fillNull', [v]);
  }
  /** True where the value is one of `values`. */
  isIn(values: readonly (Scalar | Date)[]): Unary<I, 'bool'> {
    // Dates travel as ISO text, so a date column and a timestamp column each read them in their unit.
    return this.call(
      'isIn',
      [],
      values.map((v) => (v instanceof Date ? new Date(dateMs(v)).toISOString() : v)),
    );
  }
  /** lo <= this <= hi */
  between<L extends ExprLike, H extends ExprLike>(
    lo: L,
    hi: H,
  ): Expr<{ cols: I['cols'] | ColsOf<L> | ColsOf<H>; dtype: 'bool'; name: CallName<CallName<I['name'], L>, H> }> {
    return this.call('between', [lo, hi]);
  }
  /** True where the string contains `s`. */
  contains(s: string): Unary<I, 'bool'> {
    return this.call('contains', [], s);
  }
  /** True where the string starts with `s`. */
  startsWith(s: string): Unary<I, 'bool'> {
    return this.call('startsWith', [], s);
  }
  /** True where the string ends with `s`. */
  endsWith(s: string): Unary<I, 'bool'> {
    return this.call('endsWith', [], s);
  }
  /** The string in lower case. */
  lower(): Unary<I, 'utf8'> {
    return this.call('lower');
  }
  /** The string in upper case. */
  upper(): Unary<I, 'utf8'> {
    return this.call('upper');
  }
  /** The string without surrounding white space. */
  strip(): Unary<I, 'utf8'> {
    return this.call('strip');
  }
  /** The string's length in code points. */
  len(): Unary<I, 'int32'> {
    return this.call('len');
  }
  /** The year of a date or timestamp. */
  year(): Unary<I, 'int32'> {
    return this.call('year');
  }
  /** The month (1-12). */
  month(): Unary<I, 'int32'> {
    return this.call('month');
  }
  /** The day of the month (1-31). */
  day(): Unary<I, 'int32'> {
    return this.call('day');
  }
  /** The hour (0-23). */
  hour(): Unary<I, 'int32'> {
    return this.call('hour');
  }
  /** The minute (0-59). */
  minute(): Unary<I, 'int32'> {
    return this.call('minute');
  }
  /** The day of the week, Monday = 0. */
  weekday(): Unary<I, 'int32'> {
    return this.call('weekday');
  }
  /** Converts to another dtype (unparseable strings become null). */
  cast<D extends DType>(to: D): Unary<I, D> {
    if (!DTYPES.includes(to)) throw new DataFrameError(`cast(): unknown dtype '${String(to)}'; use one of ${DTYPES.join(', ')}.`);
    return this.call('cast', [], to);
  }
  /** Names the result. */
  alias<N extends string>(name: N): Expr<{ cols: I['cols']; dtype: I['dtype']; name: N }> {
    return new Expr({ e: 'alias', name, arg: this.node });
  }
}

/** A column by name. */
export function col<N extends string>(name: N): Expr<{ cols: N; dtype: { col: N }; name: N }> {
  return new Expr({ e: 'col', name });
}

/** A literal value (a Date becomes a timestamp). */
export function lit<V extends ScalarLike>(value: V): Expr<{ cols: never; dtype: LitDType<V>; name: 'literal' }> {
  return new Expr(toNode(value));
}

/** The start of a conditional: `when(cond).then(x).when(c2).then(y).otherwise(z)`. */
export function when<O extends ExprLike>(cond: O): When<ColsOf<O>, [], null> {
  return new When([], toNode(cond));
}

/**
 * `when(cond)` waiting for its `then(value)`. For the types: C the columns read so far, L the
 * dtype terms of the values so far, N the output name (the first value's; null before it).
 */
export class When<C extends string = string, L extends DTypeTerm[] = DTypeTerm[], N extends string | null = string | null> {
  declare readonly info?: { cols: C; values: L; name: N };
  constructor(
    private readonly cases: [ExprNode, ExprNode][],
    private readonly cond: ExprNode,
  ) {}
  /** The value where the condition holds. */
  then<V extends ExprLike>(value: V): Then<C | ColsOf<V>, [...L, TermOf<V>], N extends string ? N : NameOf<V>> {
    return new Then([...this.cases, [this.cond, toNode(value)]]);
  }
}

/** Cases so far; add `when(...)` or finish with `otherwise(value)`. */
export class Then<C extends string = string, L extends DTypeTerm[] = DTypeTerm[], N extends string = string> {
  declare readonly info?: { cols: C; values: L; name: N };
  constructor(private readonly cases: [ExprNode, ExprNode][]) {}
  /** Another condition, tried when the earlier ones do not hold. */
  when<O extends ExprLike>(cond: O): When<C | ColsOf<O>, L, N> {
    return new When(this.cases, toNode(cond));
  }
  /** The value where no condition holds. */
  otherwise<V extends ExprLike>(value: V): Expr<{ cols: C | ColsOf<V>; dtype: { common: [...L, TermOf<V>] }; name: N }> {
    return new Expr({ e: 'when', cases: this.cases, otherwise: toNode(value) });
  }
}
