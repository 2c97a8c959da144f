/** A source of partitions already in memory (fromArrow, fromRecords). */
import { HighLevelGraph, MaterializedLayer, chunkKey, quote, randomToken, tokenize, type Key, type Node } from '@tsdask/core-graph';
import { schemaOf, type ColumnData, type Partition, type Schema } from './kernels/columns.js';
import type { Lowered, Source } from './plan/node.js';

/** Partitions held in the graph as literals. */
export class MemorySource implements Source {
  readonly acceptsFilters = false;
  readonly schema: Schema;
  private readonly name: string;
  /** Lowered layers by the columns they hold ('' for all). */
  private readonly lowered = new Map<string, Lowered>();
  constructor(
    private readonly parts: Partition[],
    schema?: Schema,
  ) {
    this.schema = schema ?? schemaOf(parts[0] as Partition);
    this.name = `from-data-${randomToken()}`;
  }
  get npartitions(): number {
    return this.parts.length;
  }
  describe(): string {
    return `FromData (in memory, ${this.parts.length} partition${this.parts.length === 1 ? '' : 's'})`;
  }
  /** The partitions as literals, holding only `columns` (the arrays are shared, not copied). */
  lower(columns: string[] | undefined): Lowered {
    const all = columns === undefined || columns.length === 0 || columns.length === this.schema.names.length;
    const id = all ? '' : JSON.stringify(columns);
    let out = this.lowered.get(id);
    if (out === undefined) {
      const name = all ? this.name : `${this.name}-${tokenize(columns)}`;
      const tasks = new Map<Key, Node>();
      this.parts.forEach((p, i) => tasks.set(chunkKey(name, i), quote(all ? p : choose(p, columns as string[]))));
      out = { name, graph: new HighLevelGraph([new MaterializedLayer(name, tasks)]) };
      this.lowered.set(id, out);
    }
    return out;
  }
}

/** The partition with only `columns`, in that order. */
function choose(p: Partition, columns: string[]): Partition {
  return { ...p, names: [...columns], columns: columns.map((c) => p.columns[p.names.indexOf(c)] as ColumnData) };
}
