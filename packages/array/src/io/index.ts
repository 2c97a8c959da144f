/** @tsdask/array/io: worker-side storage ops (Node only), loaded by OpId like the kernels. */
export { readNpyBlock, writeNpyBlock } from './npy-ops.js';
export { readZarrBlock, writeZarrBlock, openZarrArray, forgetZarr } from './zarr-ops.js';
