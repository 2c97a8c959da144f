/** The stamp of a Zarr array (pure, so the main thread plans writes without loading zarrita). */

/** What a task passes as `stamp` for an array of this format, shape, Zarr chunks and dtype. */
export function zarrStamp(format: 2 | 3, shape: readonly number[], chunks: readonly number[], dtype: string): string {
  return `v${format} ${shape.join('x')} ${chunks.join('x')} ${dtype}`;
}
