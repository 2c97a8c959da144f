/**
 * The notebook summary of an array, as Dask's `_repr_html_`: a table of bytes, shape, tasks,
 * chunks and dtype for the whole array and one chunk, beside a picture of the chunk grid (the
 * last two axes; chunk boundaries as lines, sides scaled to the shape, labelled with their
 * lengths). Pure string building: shown by core-graph's notebook display.
 */
import { humanBytes } from '@tsdask/core-graph';
import type { Chunks } from './chunks.js';
import { itemsize, type DType } from './dtype.js';
import { sizeOf } from './kernels/chunk.js';

/** What the summary reads of an array. */
export interface ArraySummary {
  readonly shape: readonly number[];
  readonly chunks: Chunks;
  readonly dtype: DType;
  readonly nbytes: number;
  readonly taskCount: number;
  readonly numblocks: readonly number[];
}

/** Past this many chunks along an axis, the grid is drawn as a filled block (Dask does the same). */
const MAX_LINES = 100;
/** The longer side of the picture, in pixels. */
const SIDE = 120;

/** Boundary positions (0..1) of one axis's chunks. */
function boundaries(sizes: readonly number[]): number[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  const out = [0];
  let at = 0;
  for (const s of sizes) {
    at += s;
    out.push(total === 0 ? 1 : at / total);
  }
  return out;
}

/** An SVG of the chunk grid over the last two axes (a 1-d array is one row of chunks). */
export function chunkGridSvg(shape: readonly number[], chunks: Chunks): string {
  const rows = shape.length >= 2 ? (chunks[chunks.length - 2] as readonly number[]) : [1];
  const cols = shape.length >= 1 ? (chunks[chunks.length - 1] as readonly number[]) : [1];
  const nr = shape.length >= 2 ? (shape[shape.length - 2] as number) : 1;
  const nc = shape.length >= 1 ? (shape[shape.length - 1] as number) : 1;
  // Dask keeps thin arrays visible: a 1-d array is a strip, a long side is not drawn longer than SIDE.
  const ratio = Math.max(nr, 1) / Math.max(nc, 1);
  let w = ratio <= 1 ? SIDE : Math.max(SIDE / ratio, 12);
  let h = ratio <= 1 ? Math.max(SIDE * ratio, 12) : SIDE;
  if (shape.length < 2) h = 25;
  w = Math.round(w);
  h = Math.round(h);
  const pad = 10;
  const lines: string[] = [];
  const fill = rows.length > MAX_LINES || cols.length > MAX_LINES;
  if (!fill) {
    for (const y of boundaries(rows))
      lines.push(`<line x1="${pad}" y1="${(pad + y * h).toFixed(1)}" x2="${pad + w}" y2="${(pad + y * h).toFixed(1)}" style="stroke-width:1" />`);
    for (const x of boundaries(cols))
      lines.push(`<line x1="${(pad + x * w).toFixed(1)}" y1="${pad}" x2="${(pad + x * w).toFixed(1)}" y2="${pad + h}" style="stroke-width:1" />`);
  }
  const rect = `<polygon points="${pad},${pad} ${pad + w},${pad} ${pad + w},${pad + h} ${pad},${pad + h}" style="fill:#ECB172A0;stroke-width:${fill ? 1 : 0}" />`;
  const labels =
    `<text x="${pad + w / 2}" y="${pad + h + 18}" font-size="1.0rem" font-weight="100" text-anchor="middle">${nc}</text>` +
    (shape.length >= 2
      ? `<text x="${pad + w + 16}" y="${pad + h / 2}" font-size="1.0rem" font-weight="100" text-anchor="middle" transform="rotate(-90,${pad + w + 16},${pad + h / 2})">${nr}</text>`
      : '');
  const lead = shape.length > 2 ? `<text x="${pad}" y="${pad - 2}" font-size="0.8rem">${shape.slice(0, -2).join(' × ')} ×</text>` : '';
  return `<svg width="${w + 2 * pad + 30}" height="${h + 2 * pad + 20}" style="stroke:rgb(0,0,0)">${lines.join('')}${rect}${labels}${lead}</svg>`;
}

/** The HTML summary: the table of array and chunk figures (and the graph's layers) beside the chunk grid. */
export function arrayHtml(a: ArraySummary, layers: number): string {
  const chunkShape = a.chunks.map((c) => Math.max(0, ...c));
  const chunkBytes = sizeOf(chunkShape) * itemsize(a.dtype);
  const row = (k: string, x: string, c: string): string => `<tr><th>${k}</th><td>${x}</td><td>${c}</td></tr>`;
  const table =
    `<table class="tsdask-array"><thead><tr><td></td><th>Array</th><th>Chunk</th></tr></thead><tbody>` +
    row('Bytes', humanBytes(a.nbytes), humanBytes(chunkBytes)) +
    row('Shape', `(${a.shape.join(', ')})`, `(${chunkShape.join(', ')})`) +
    row('Count', `${a.taskCount} tasks`, `${a.numblocks.reduce((x, y) => x * y, 1)} chunks`) +
    row('Type', a.dtype, 'TypedArray') +
    `<tr><th>Graph</th><td colspan="2">${a.numblocks.reduce((x, y) => x * y, 1)} chunks in ${layers} graph layers</td></tr>` +
    '</tbody></table>';
  return `<table><tr><td>${table}</td><td>${chunkGridSvg(a.shape, a.chunks)}</td></tr></table>`;
}
