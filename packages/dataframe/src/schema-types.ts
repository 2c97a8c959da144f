/**
 * Schemas at the type level: `DataFrame<S>` where S maps column names to dtypes, and what each
 * verb makes of S for the next step (select, withColumns, rename, drop, groupBy().agg, merge,
 * fromRecords, fromArrow), by the same rules as the runtime (the verbs' own files say them).
 * Where the schema is not known at compile time S is `AnySchema` (`Record<string, DType>`):
 * every name is a `string` and every verb gives `AnySchema` again, as before schemas were typed.
 * test/schema-types.test-d.ts checks these rules; test/typed-schema.test.ts checks them against
 * the runtime. Only types here: nothing in this file exists at run time.
 */
import type { DataType, Type, TypeMap } from 'apache-arrow';
import type { DType } from './kernels/columns.js';
import type { AggFn } from './kernels/groupby.js';
import type { ColsOf, ExprInfo, LitDType, ResolveDType } from './expr-static.js';
import type { Expr } from './expr.js';
import type { ValueOf } from './value-types.js';

/** A schema as the types know it: column name to dtype. */
export type SchemaShape = { readonly [name: string]: DType };

/** The schema of a frame whose columns the types do not know: any name, any dtype. */
export type AnySchema = Record<string, DType>;

/** True when S is not known at compile time (its names are any string). */
export type IsWide<S> = string extends keyof S ? true : false;

/** The column names of S (any string when S is not known). */
export type ColumnName<S> = keyof S & string;

/** The dtype of column N of S (any dtype when S does not say). */
export type DTypeAt<S, N> = N extends keyof S ? (S[N] extends DType ? S[N] : DType) : DType;

/** An object type shown flat (`{ a: 'int32'; b: 'utf8' }`, not an intersection). */
export type Simplify<T> = { [K in keyof T]: T[K] } & unknown;

/** One row of `toRecords()`: each column's value, or null. */
export type Row<S> = { -readonly [K in keyof S]: (S[K] extends DType ? ValueOf<S[K]> : never) | null };

/**
 * The check of an expression argument X against schema S: `unknown` (no constraint) when every
 * column it reads is one of S's, or when the columns are not known statically (an `Expr`
 * typed as such: the runtime checks them); else a type that names the columns S lacks, which
 * no expression satisfies, so the call is a compile-time error that says which.
 */
export type CheckColumns<X, S> =
  string extends ColsOf<X>
    ? unknown
    : [Exclude<ColsOf<X>, ColumnName<S>>] extends [never]
      ? unknown
      : { readonly 'columns not in the schema': Exclude<ColsOf<X>, ColumnName<S>> };

/** CheckColumns for each member of a record or a list of arguments (lists inside flattened). */
export type CheckEach<T, S> = { [K in keyof T]: T[K] extends readonly unknown[] ? CheckEach<T[K], S> : CheckColumns<T[K], S> };

/** What a verb argument (an Expr or a scalar) gives: its info, with a literal's dtype. */
type ArgInfo<X> = X extends { readonly info?: infer I }
  ? NonNullable<I> extends infer J extends ExprInfo
    ? J
    : ExprInfo
  : { dtype: LitDType<X>; name: 'literal'; cols: never };

/** The dtype of an expression argument over S. */
export type ExprDType<X, S> = ResolveDType<ArgInfo<X>['dtype'], S>;

/** withColumns: S with each named expression's column added or replaced. */
export type WithColumns<S, E> =
  IsWide<S> extends true ? AnySchema : Simplify<{ [K in keyof S as K extends keyof E ? never : K]: S[K] } & { [K in keyof E & string]: ExprDType<E[K], S> }>;

/** The output name of a select item (a name, or an expression's name). */
type ItemName<X> = X extends string ? X : ArgInfo<X>['name'];
/** The dtype of a select item over S. */
type ItemDType<X, S> = X extends string ? (X extends keyof S ? S[X] : DType) : ExprDType<X, S>;

/** One argument of select: a column name, an expression, or a list of them. */
export type SelectItem<S> = ColumnName<S> | Expr | readonly (ColumnName<S> | Expr)[];

/** The members of a list, or the thing itself. */
export type Flat<X> = X extends readonly (infer Y)[] ? Y : X;

/** select(...items): the items' names with their dtypes (Items: the union of the items). */
export type Selected<S, Items> = IsWide<S> extends true ? AnySchema : Simplify<{ [X in Items as ItemName<X> & string]: ItemDType<X, S> }>;

/** drop(...names): S without them. */
export type Dropped<S, N> = IsWide<S> extends true ? AnySchema : Simplify<Omit<S, N & keyof S>>;

/** rename({ old: 'new' }): S with those names changed. */
export type Renamed<S, M> = IsWide<S> extends true ? AnySchema : Simplify<{ [K in keyof S as K extends keyof M ? (M[K] extends string ? M[K] : K) : K]: S[K] }>;

/** The dtype of an aggregation `fn` of a column of dtype D (kernels/groupby.ts `aggType`). */
export type AggDType<D, Fn> = Fn extends 'count' | 'size' | 'nunique'
  ? 'int64'
  : Fn extends 'sum'
    ? D extends 'float64'
      ? 'float64'
      : 'int64'
    : Fn extends 'mean' | 'std' | 'var'
      ? 'float64'
      : D;

/** One aggregation: `[column, fn]`. */
export type AggItem<S> = readonly [ColumnName<S>, AggFn];

/** groupBy(keys).agg(aggs): the keys, then one column per aggregation. */
export type Aggregated<S, K, A> =
  IsWide<S> extends true
    ? AnySchema
    : Simplify<
        { [Key in K & keyof S]: S[Key] } & {
          [O in keyof A & string]: A[O] extends readonly [infer C, infer Fn] ? AggDType<C extends keyof S ? S[C] : DType, Fn> : DType;
        }
      >;

/** groupBy(keys).sum() and the other shortcuts: every other column (numeric ones only for sum and mean). */
export type AggregatedAll<S, K, Fn, NumericOnly extends boolean> =
  IsWide<S> extends true
    ? AnySchema
    : Simplify<
        { [Key in K & keyof S]: S[Key] } & {
          [C in Exclude<keyof S, K> as NumericOnly extends true ? (S[C] extends 'float64' | 'int32' | 'int64' ? C : never) : C]: AggDType<S[C], Fn>;
        }
      >;

/** A list of column names from `string | string[]`. */
export type NamesOf<X> = X extends readonly (infer N)[] ? N : X;

/**
 * merge: keys that have one name on both sides (Shared) appear once, with the left's dtype;
 * other names on both sides get the suffixes (pandas' rule, plan/merge.ts).
 */
export type Merged<L, R, Shared, Sx extends string, Sy extends string> =
  IsWide<L> extends true
    ? AnySchema
    : IsWide<R> extends true
      ? AnySchema
      : Simplify<
          { [K in keyof L & string as K extends Exclude<keyof R, Shared> ? `${K}${Sx}` : K]: L[K] } & {
            [K in Exclude<keyof R, Shared> & string as K extends keyof L ? `${K}${Sy}` : K]: R[K];
          }
        >;

/** The options of merge, with key names checked against both schemas (any names when not known). */
export interface MergeOptions<L = AnySchema, R = AnySchema> {
  /** Key columns named alike on both sides. */
  on?: (ColumnName<L> & ColumnName<R>) | readonly (ColumnName<L> & ColumnName<R>)[];
  /** Key columns of the left side (with rightOn). */
  leftOn?: ColumnName<L> | readonly ColumnName<L>[];
  /** Key columns of the right side (with leftOn). */
  rightOn?: ColumnName<R> | readonly ColumnName<R>[];
  how?: 'inner' | 'left' | 'right' | 'outer';
  /** Added to names on both sides that are not shared keys (default ['_x', '_y']). */
  suffixes?: readonly [string, string];
  /** Force (true) or forbid (false) a broadcast join; by default one-partition sides broadcast. */
  broadcast?: boolean;
  /** Buckets of a shuffle join (default: the larger partition count). */
  npartitions?: number;
  /**
   * Whether rows whose keys are null (or NaN) match each other: true by default, as pandas'
   * (and so Dask's) merge does; false for SQL's rule (Polars' default), where they match
   * nothing.
   */
  nullsEqual?: boolean;
}

/** The key names shared by both sides under merge options O (the common names when no keys are given, as the runtime). */
type SharedKeys<L, R, O> = O extends { readonly on: infer On }
  ? NamesOf<On>
  : O extends { readonly leftOn: infer A }
    ? SameAt<A, O extends { readonly rightOn: infer B } ? B : A>
    : keyof L & keyof R;

/** The schema of `left.merge(right, opts)`. */
export type MergedBy<L, R, O> = O extends { readonly suffixes: readonly [infer X extends string, infer Y extends string] }
  ? Merged<L, R, SharedKeys<L, R, O>, X, Y>
  : Merged<L, R, SharedKeys<L, R, O>, '_x', '_y'>;

/** valueCounts(column): the column and its 'count'. */
export type ValueCountsSchema<C extends string, D> = string extends C ? AnySchema : Simplify<{ [K in C]: D } & { count: 'int64' }>;

/** The names at the same position in two key lists (leftOn, rightOn). */
export type SameAt<A, B> = A extends readonly unknown[]
  ? B extends readonly unknown[]
    ? { [I in keyof A]: I extends keyof B ? (A[I] extends B[I] ? A[I] : never) : never }[number]
    : never
  : A extends B
    ? A
    : never;

/** The dtype fromRecords infers for a column whose values have type V (`inferType`; null and undefined skipped). */
export type RecordDType<V> = [Exclude<V, null | undefined>] extends [never]
  ? 'float64'
  : unknown extends V
    ? DType
    : Exclude<V, null | undefined> extends infer X
      ? X extends number
        ? LitDType<X>
        : X extends bigint
          ? 'int64'
          : X extends boolean
            ? 'bool'
            : X extends Date
              ? 'timestamp'
              : 'utf8'
      : never;

type KeysOfUnion<R> = R extends unknown ? keyof R : never;
type ValuesAt<R, K extends PropertyKey> = R extends unknown ? (K extends keyof R ? R[K] : undefined) : never;

/** fromRecords(rows, { dtypes }): each key of the rows with its inferred dtype, or the one given. */
export type RecordsSchema<R, D> =
  IsWide<R> extends true
    ? AnySchema
    : string extends KeysOfUnion<R>
      ? AnySchema
      : Simplify<{ [K in Exclude<KeysOfUnion<R>, keyof D> & string]: RecordDType<ValuesAt<R, K>> } & { [K in keyof D & string]: D[K] }>;

/** readCSV(path, { dtypes: D, columns: C }): C's names (dtypes from D, else any), else D; neither: AnySchema. */
export type CsvSchema<D, C extends string> = [C] extends [never]
  ? string extends keyof D
    ? AnySchema
    : [keyof D] extends [never]
      ? AnySchema
      : Simplify<{ -readonly [K in keyof D]: D[K] }>
  : Simplify<{ [K in C]: K extends keyof D ? D[K] : DType }>;

/** The dtype fromArrow stores an Arrow type as (arrow.ts `dtypeOfArrow`). */
export type ArrowDType<T> =
  T extends DataType<infer Id>
    ? Id extends Type.Dictionary | Type.Utf8 | Type.LargeUtf8
      ? 'utf8'
      : Id extends Type.Float | Type.Float16 | Type.Float32 | Type.Float64
        ? 'float64'
        : Id extends Type.Int64 | Type.Uint64 | Type.Uint32
          ? 'int64'
          : Id extends Type.Int8 | Type.Int16 | Type.Int32 | Type.Uint8 | Type.Uint16
            ? 'int32'
            : Id extends Type.Int
              ? 'int32' | 'int64'
              : Id extends Type.Bool
                ? 'bool'
                : Id extends Type.Date | Type.DateDay | Type.DateMillisecond
                  ? 'date'
                  : Id extends Type.Timestamp | Type.TimestampSecond | Type.TimestampMillisecond | Type.TimestampMicrosecond | Type.TimestampNanosecond
                    ? 'timestamp'
                    : DType
    : DType;

/** fromArrow(table): the schema of an Arrow Table's type map (AnySchema when the map is not known). */
export type ArrowSchemaOf<T extends TypeMap> = string extends keyof T ? AnySchema : Simplify<{ [K in keyof T & string]: ArrowDType<T[K]> }>;
