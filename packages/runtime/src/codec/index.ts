/**
 * @tsdask/runtime/codec: the spill codec (a structured-clonable value to bytes and back, any
 * size, any depth; format in codec.ts). A subpath of its own because it uses Node's Buffer and
 * only executors that spill load it; where the bytes go (files) is the scheduler's business.
 */
export { encodeValue, SpillEncoder, HEADER_BYTES, type CodecLimits } from './codec.js';
export { decodeValue, decodeSkeleton, readHeader, type Layout, type BufferFill } from './codec-read.js';
export { SpillError } from '../errors.js';
