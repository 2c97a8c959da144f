/**
 * The first task of the range shuffle for each input partition (see range-shuffle.ts): the
 * sample of the first sort key, and the partition with each string dictionary packed as one
 * joined string and n + 1 offsets. It is the only reader of its partition, so it runs in the
 * batch that made the partition, and no dictionary crosses a thread one string at a time
 * (a structured clone of one long string is a copy; of many short ones, an allocation each).
 */
import { allocI32, type DType, type Partition, type Values } from './columns.js';
import { boundaries, sampleColumn } from './range-ops.js';

export type Bound = number | string;

/** A string column's dictionary packed as one joined string and the n + 1 offsets that cut it. */
export interface PackedDict {
  joined?: string | undefined;
  offsets?: Int32Array | undefined;
}

/**
 * A partition ready for the range shuffle: its sample, and dictionaries as joined strings
 * (also by column name in `dicts`). The sample and the dictionaries are taken as picks of
 * their own (sort-values.ts), so the tasks that read every input's sample or dictionaries do
 * not need every input partition in memory at once.
 */
export interface SortInput {
  sample: Bound[];
  dicts: Record<string, PackedDict>;
  names: string[];
  length: number;
  columns: { type: DType; values: Values; valid?: Uint8Array | undefined; joined?: string; offsets?: Int32Array }[];
}

export type InputColumn = SortInput['columns'][number];

/** The sample of `name` (see sampleColumn) and the partition with packed dictionaries. */
export function sortInput(p: Partition, name: string, k: number): SortInput {
  const sample = sampleColumn(p, name, k);
  const dicts: Record<string, PackedDict> = {};
  const columns = p.columns.map((c, i): InputColumn => {
    if (c.dict === undefined) return { type: c.type, values: c.values, valid: c.valid };
    const offsets = allocI32(c.dict.length + 1);
    for (let e = 0; e < c.dict.length; e++) offsets[e + 1] = (offsets[e] as number) + (c.dict[e] as string).length;
    const joined = c.dict.join('');
    dicts[p.names[i] as string] = { joined, offsets };
    return { type: c.type, values: c.values, valid: c.valid, joined, offsets };
  });
  return { sample, dicts, names: p.names, length: p.length, columns };
}

/** The n - 1 boundaries from every input's sample. */
export function sortBoundaries(n: number, ...samples: Bound[][]): Bound[] {
  return boundaries(n, ...samples);
}

/** A packed dictionary as strings. */
export function unpack(c: PackedDict): string[] {
  const joined = c.joined ?? '';
  const offs = c.offsets ?? new Int32Array(1);
  const out = new Array<string>(offs.length - 1);
  for (let e = 0; e < out.length; e++) out[e] = joined.slice(offs[e] as number, offs[e + 1] as number);
  return out;
}
