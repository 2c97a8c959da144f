/**
 * @tsdask/array/kernels: the chunk kernels workers load by OpId (`@tsdask/array/kernels#add`
 * style). Plain TypedArray loops over `{ data, shape, dtype }` chunks; no Node-only modules.
 */
export * from './chunk.js';
export { elementwise, broadcastShapes, type Expr, type Program } from './elementwise.js';
export { full, range, eye, randomUniform, randomNormal, randomInt } from './creation.js';
export { reduceExpr } from './reduce-expr.js';
export { reduceSimple, combineSimple, finishSimple, reduceMoments, combineMoments, finishMoments, keptShape } from './reduce.js';
export { reduceCounted, combineCounted, finishCounted } from './reduce-counted.js';
export { argPartial, argCombine, argFinish } from './arg-reduce.js';
export { cumulate, lastAlong, carryCombine, applyCarry } from './cumulative.js';
export { slice, assemble, placeInto, transpose, reshape, flatConcat, gather, compress, chunkShape, type SliceSpec } from './layout.js';
export { matmulSum, tensordotSum, flatList } from './linalg.js';
export { wrapChunk, wrapSingle, scalarOf } from './wrap.js';
export { reduceGenerated } from './reduce-generated.js';
