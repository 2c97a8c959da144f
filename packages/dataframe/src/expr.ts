/**
 * The user-facing expression builder: `col('delay').gt(0).and(col('origin').eq('SEA'))`.
 * An Expr is a thin face over a plain ExprNode (kernels/expr-node), which is what travels.
 */
import type { DType } from './kernels/columns.js';
import { DTYPES } from './kernels/columns.js';
import type { ExprNode, Scalar } from './kernels/expr-node.js';
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

/** An expression over columns; methods build bigger expressions. */
export class Expr {
  constructor(readonly node: ExprNode) {}
  private call(fn: string, args: ExprLike[] = [], opt?: Scalar | Scalar[]): Expr {
    const node: ExprNode = { e: 'call', fn, args: [this.node, ...args.map(toNode)] };
    if (opt !== undefined) node.opt = opt;
    return new Expr(node);
  }
  /** this + other */
  add(o: ExprLike): Expr {
    return this.call('add', [o]);
  }
  /** this - other */
  sub(o: ExprLike): Expr {
    return this.call('sub', [o]);
  }
  /** this * other */
  mul(o: ExprLike): Expr {
    return this.call('mul', [o]);
  }
  /** this / other (always float64) */
  div(o: ExprLike): Expr {
    return this.call('div', [o]);
  }
  /** this modulo other (the sign of the divisor, as in pandas) */
  mod(o: ExprLike): Expr {
    return this.call('mod', [o]);
  }
  /** this ** other */
  pow(o: ExprLike): Expr {
    return this.call('pow', [o]);
  }
  /** -this */
  neg(): Expr {
    return this.call('neg');
  }
  /** |this| */
  abs(): Expr {
    return this.call('abs');
  }
  /** Rounds to `decimals` places (default 0; negative: tens, hundreds...), ties to even as pandas and Polars. */
  round(decimals = 0): Expr {
    if (!Number.isInteger(decimals) || Math.abs(decimals) > 308) {
      throw new DataFrameError(`round(): decimals must be an integer between -308 and 308, not ${String(decimals)}.`);
    }
    return decimals === 0 ? this.call('round') : this.call('round', [], decimals);
  }
  /** this == other */
  eq(o: ExprLike): Expr {
    return this.call('eq', [o]);
  }
  /** this != other */
  ne(o: ExprLike): Expr {
    return this.call('ne', [o]);
  }
  /** this < other */
  lt(o: ExprLike): Expr {
    return this.call('lt', [o]);
  }
  /** this <= other */
  le(o: ExprLike): Expr {
    return this.call('le', [o]);
  }
  /** this > other */
  gt(o: ExprLike): Expr {
    return this.call('gt', [o]);
  }
  /** this >= other */
  ge(o: ExprLike): Expr {
    return this.call('ge', [o]);
  }
  /** Logical and (Kleene: false and null is false). */
  and(o: ExprLike): Expr {
    return this.call('and', [o]);
  }
  /** Logical or (Kleene: true or null is true). */
  or(o: ExprLike): Expr {
    return this.call('or', [o]);
  }
  /** Logical not. */
  not(): Expr {
    return this.call('not');
  }
  /** True where the value is missing. */
  isNull(): Expr {
    return this.call('isNull');
  }
  /** True where the value is present. */
  isNotNull(): Expr {
    return this.call('isNotNull');
  }
  /** The value, or `v` where it is missing. */
  fillNull(v: ExprLike): Expr {
    return this.call('fillNull', [v]);
  }
  /** True where the value is one of `values`. */
  isIn(values: readonly (Scalar | Date)[]): Expr {
    // Dates travel as ISO text, so a date column and a timestamp column each read them in their unit.
    return this.call(
      'isIn',
      [],
      values.map((v) => (v instanceof Date ? new Date(dateMs(v)).toISOString() : v)),
    );
  }
  /** lo <= this <= hi */
  between(lo: ExprLike, hi: ExprLike): Expr {
    return this.call('between', [lo, hi]);
  }
  /** True where the string contains `s`. */
  contains(s: string): Expr {
    return this.call('contains', [], s);
  }
  /** True where the string starts with `s`. */
  startsWith(s: string): Expr {
    return this.call('startsWith', [], s);
  }
  /** True where the string ends with `s`. */
  endsWith(s: string): Expr {
    return this.call('endsWith', [], s);
  }
  /** The string in lower case. */
  lower(): Expr {
    return this.call('lower');
  }
  /** The string in upper case. */
  upper(): Expr {
    return this.call('upper');
  }
  /** The string without surrounding white space. */
  strip(): Expr {
    return this.call('strip');
  }
  /** The string's length in code points. */
  len(): Expr {
    return this.call('len');
  }
  /** The year of a date or timestamp. */
  year(): Expr {
    return this.call('year');
  }
  /** The month (1-12). */
  month(): Expr {
    return this.call('month');
  }
  /** The day of the month (1-31). */
  day(): Expr {
    return this.call('day');
  }
  /** The hour (0-23). */
  hour(): Expr {
    return this.call('hour');
  }
  /** The minute (0-59). */
  minute(): Expr {
    return this.call('minute');
  }
  /** The day of the week, Monday = 0. */
  weekday(): Expr {
    return this.call('weekday');
  }
  /** Converts to another dtype (unparseable strings become null). */
  cast(to: DType): Expr {
    if (!DTYPES.includes(to)) throw new DataFrameError(`cast(): unknown dtype '${String(to)}'; use one of ${DTYPES.join(', ')}.`);
    return this.call('cast', [], to);
  }
  /** Names the result. */
  alias(name: string): Expr {
    return new Expr({ e: 'alias', name, arg: this.node });
  }
}

/** A column by name. */
export function col(name: string): Expr {
  return new Expr({ e: 'col', name });
}

/** A literal value (a Date becomes a timestamp). */
export function lit(value: Scalar | Date): Expr {
  return new Expr(toNode(value));
}

/** The start of a conditional: `when(cond).then(x).when(c2).then(y).otherwise(z)`. */
export function when(cond: ExprLike): When {
  return new When([], toNode(cond));
}

/** `when(cond)` waiting for its `then(value)`. */
export class When {
  constructor(
    private readonly cases: [ExprNode, ExprNode][],
    private readonly cond: ExprNode,
  ) {}
  /** The value where the condition holds. */
  then(value: ExprLike): Then {
    return new Then([...this.cases, [this.cond, toNode(value)]]);
  }
}

/** Cases so far; add `when(...)` or finish with `otherwise(value)`. */
export class Then {
  constructor(private readonly cases: [ExprNode, ExprNode][]) {}
  /** Another condition, tried when the earlier ones do not hold. */
  when(cond: ExprLike): When {
    return new When(this.cases, toNode(cond));
  }
  /** The value where no condition holds. */
  otherwise(value: ExprLike): Expr {
    return new Expr({ e: 'when', cases: this.cases, otherwise: toNode(value) });
  }
}
