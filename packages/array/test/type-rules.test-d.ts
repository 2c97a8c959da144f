// Compile-time checks of the type-level ndim and operand rules at their edges (run by vitest's
// typecheck mode with tsc); typed-results.test.ts checks the rules against the runtime.
import { describe, expectTypeOf, it } from 'vitest';
import type {
  AddNdim,
  ArangeDType,
  ArrayResultOf,
  GetNdim,
  MaxNdim,
  NDArray,
  NestedDType,
  NestedNdim,
  NumberKind,
  ReducedNdim,
  ScalarOperandDType,
  SliceNdim,
  SubNdim,
} from '@tsdask/array';

describe('ndim arithmetic', () => {
  it('counts with literals up to 32 and reads anything else as unknown (number)', () => {
    expectTypeOf<SubNdim<3, 1>>().toEqualTypeOf<2>();
    expectTypeOf<SubNdim<1, 2>>().toEqualTypeOf<never>(); // more axes than dimensions: the runtime throws
    expectTypeOf<SubNdim<number, 1>>().toEqualTypeOf<number>();
    expectTypeOf<AddNdim<2, 3>>().toEqualTypeOf<5>();
    expectTypeOf<AddNdim<32, 1>>().toEqualTypeOf<number>();
    expectTypeOf<MaxNdim<1, 3>>().toEqualTypeOf<3>();
    expectTypeOf<MaxNdim<2, number>>().toEqualTypeOf<number>();
  });

  it('reductions: no axis gives 0, axes remove theirs, keepdims keeps N, options not known give number', () => {
    expectTypeOf<ReducedNdim<3, Record<never, never>>>().toEqualTypeOf<0>();
    expectTypeOf<ReducedNdim<3, { axis: 1 }>>().toEqualTypeOf<2>();
    expectTypeOf<ReducedNdim<3, { axis: readonly [0, 2] }>>().toEqualTypeOf<1>();
    expectTypeOf<ReducedNdim<3, { axis: number[] }>>().toEqualTypeOf<number>();
    expectTypeOf<ReducedNdim<3, { axis: null; keepdims: false }>>().toEqualTypeOf<0>();
    expectTypeOf<ReducedNdim<3, { axis: 0; keepdims: true }>>().toEqualTypeOf<3>();
    expectTypeOf<ReducedNdim<3, { keepdims: boolean }>>().toEqualTypeOf<number>();
    expectTypeOf<ReducedNdim<3, { axis?: number }>>().toEqualTypeOf<0 | 2>();
  });

  it('slices: integers remove, null adds, slices and ... keep; items not known give number', () => {
    expectTypeOf<SliceNdim<2, [1, 2]>>().toEqualTypeOf<0>();
    expectTypeOf<SliceNdim<2, [null, '...']>>().toEqualTypeOf<3>();
    expectTypeOf<SliceNdim<2, [{ start: 1 }, number]>>().toEqualTypeOf<1>();
    expectTypeOf<SliceNdim<2, (number | null)[]>>().toEqualTypeOf<number>();
  });

  it('index text: parsed as parseIndex reads it; text not known statically gives number', () => {
    expectTypeOf<GetNdim<2, '1, 2'>>().toEqualTypeOf<0>();
    expectTypeOf<GetNdim<2, '::2'>>().toEqualTypeOf<2>();
    expectTypeOf<GetNdim<2, 'None,0'>>().toEqualTypeOf<2>();
    expectTypeOf<GetNdim<3, '..., 1'>>().toEqualTypeOf<2>();
    expectTypeOf<GetNdim<2, '1, x'>>().toEqualTypeOf<number>();
    expectTypeOf<GetNdim<2, string>>().toEqualTypeOf<number>();
  });

  it('nested arrays: depth, and a dtype that is sure only for non-empty tuples', () => {
    expectTypeOf<NestedNdim<number[][]>>().toEqualTypeOf<2>();
    expectTypeOf<NestedNdim<5>>().toEqualTypeOf<0>();
    expectTypeOf<NestedDType<readonly [readonly [true]]>>().toEqualTypeOf<'bool'>();
    expectTypeOf<NestedDType<readonly [readonly []]>>().toEqualTypeOf<'float64'>();
    expectTypeOf<NestedDType<bigint[]>>().toEqualTypeOf<'int64' | 'float64'>();
    expectTypeOf<NestedDType<(number | boolean)[]>>().toEqualTypeOf<'float64'>();
  });

  it('what compute() gives by ndim', () => {
    expectTypeOf<ArrayResultOf<'int64', 0>>().toEqualTypeOf<bigint>();
    expectTypeOf<ArrayResultOf<'bool', 2>>().toEqualTypeOf<NDArray<'bool'>>();
    expectTypeOf<ArrayResultOf<'float32', number>>().toEqualTypeOf<NDArray<'float32'> | number>();
    expectTypeOf<ArrayResultOf<'uint8', 0 | 1>>().toEqualTypeOf<NDArray<'uint8'> | number>();
  });
});

describe('scalars (NEP 50)', () => {
  it('integers, fractions and numbers the types cannot tell apart', () => {
    expectTypeOf<NumberKind<3>>().toEqualTypeOf<'int'>();
    expectTypeOf<NumberKind<-2.5>>().toEqualTypeOf<'float'>();
    expectTypeOf<NumberKind<1e21>>().toEqualTypeOf<'unknown'>();
    expectTypeOf<NumberKind<number>>().toEqualTypeOf<'unknown'>();
    expectTypeOf<ScalarOperandDType<'uint8', 7>>().toEqualTypeOf<'uint8'>();
    expectTypeOf<ScalarOperandDType<'uint8', 0.5>>().toEqualTypeOf<'float64'>();
    expectTypeOf<ScalarOperandDType<'float32', number>>().toEqualTypeOf<'float32'>();
    expectTypeOf<ScalarOperandDType<'int32', number>>().toEqualTypeOf<'int32' | 'float64'>();
    expectTypeOf<ScalarOperandDType<'bool', 2n>>().toEqualTypeOf<'int64'>();
    expectTypeOf<ScalarOperandDType<'int8', false>>().toEqualTypeOf<'int8'>();
    expectTypeOf<ArangeDType<[0, 10, 2]>>().toEqualTypeOf<'int64'>();
    expectTypeOf<ArangeDType<[0, 1, 0.1]>>().toEqualTypeOf<'float64'>();
    expectTypeOf<ArangeDType<[number]>>().toEqualTypeOf<'int64' | 'float64'>();
  });
});
