/**
 * The one door through which verb files make arrays. array.ts registers the DaskArray class
 * here when it loads, so a verb builds the next array with `arrayFromLayer(...)` /
 * `newArray(...)` and tells arrays apart with `isDaskArray(x)`, and no verb imports the class
 * as a value: array.ts imports the verbs, the verbs import only this file (and types), so the
 * package has no import cycle.
 */
import type { HighLevelGraph, Layer } from '@tsdask/core-graph';
import type { DaskArray } from './array.js';
import type { Chunks } from './chunks.js';
import type { DType } from './dtype.js';

/** What array.ts registers: the DaskArray class, its constructor and `fromLayer`. */
export interface ArrayClass {
  new (graph: HighLevelGraph, name: string, chunks: Chunks, dtype: DType): DaskArray;
  fromLayer(layer: Layer, inputs: readonly DaskArray[], chunks: Chunks, dtype: DType): DaskArray;
}

let registered: ArrayClass | undefined;

/** Called once by array.ts when it loads. */
export function registerArrayClass(cls: ArrayClass): void {
  registered = cls;
}

function arrayClass(): ArrayClass {
  if (registered === undefined) {
    // Only reachable by importing a verb file past the package's index (which loads array.ts first).
    throw new TypeError('@tsdask/array: the DaskArray class is not loaded; import the package ("@tsdask/array"), not one of its files.');
  }
  return registered;
}

/** A new array over `graph` whose blocks are the keys `name,i,j,...`. */
export function newArray(graph: HighLevelGraph, name: string, chunks: Chunks, dtype: DType): DaskArray {
  return new (arrayClass())(graph, name, chunks, dtype);
}

/** A new array made of `layer` on top of the arrays it reads. */
export function arrayFromLayer(layer: Layer, inputs: readonly DaskArray[], chunks: Chunks, dtype: DType): DaskArray {
  return arrayClass().fromLayer(layer, inputs, chunks, dtype);
}

/**
 * The same array typed with the dtype and ndim its operation's rule gives (dtype-rules.ts,
 * ndim-rules.ts): the operation sets the dtype at runtime; test/typed-results.test.ts checks
 * that the two agree.
 */
export function typed<D extends DType, N extends number>(x: DaskArray): DaskArray<D, N> {
  return x as unknown as DaskArray<D, N>;
}

/** True when `x` is a DaskArray. */
export function isDaskArray(x: unknown): x is DaskArray {
  return registered !== undefined && x instanceof registered;
}
