/** @tsdask/array/io: worker-side storage ops (Node only), loaded by OpId like the kernels. */
export { createNpy, readNpyBlock, writeNpyBlock } from './npy-ops.js';
export { createZarr, readZarrBlock, writeZarrBlock, openZarrArray, forgetZarr } from './zarr-ops.js';
